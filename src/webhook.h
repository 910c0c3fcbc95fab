/* webhook: one sipgate.io push, start to end, whatever carried it.  The
 * transport fills a struct req; webhook_serve answers through it. */
#ifndef WEBHOOK_H
#define WEBHOOK_H

#include "push/req.h"

/* 0, or 1 if the response could not be handed back.  A request with
 * sandbox set restricts the process to the files its settings name
 * (os/sandbox.h) before it reads the body. */
int webhook_serve(const struct req *r);

/* A FastCGI worker, before its first request: restricts itself to the
 * files the settings of env (the process environment) name, the shipped
 * configuration folder and the default log's folder.  0, or -1 after
 * saying on env's diag what of the sandbox the kernel did not give. */
int webhook_restrict_worker(const struct req *env);

#endif
