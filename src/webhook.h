/* webhook: one sipgate.io push, start to end, whatever carried it.  The
 * transport fills a struct req; webhook_serve answers through it. */
#ifndef WEBHOOK_H
#define WEBHOOK_H

#include "push/req.h"

/* 0, or 1 if the response could not be handed back. */
int webhook_serve(const struct req *r);

#endif
