/* req: everything one request is given (its variables, its body, the
 * clock) and where its answer and its diagnostics go.  The CGI fills it
 * from the environment and fds 0-2, FastCGI from a connection, --explain
 * and the fuzzer from memory, so every transport runs the same story.
 * Besides the CGI's variables the environment is read only for settings
 * (call/conf.c), systemd's socket (transport/fcgiserver.c) and the time
 * zone files (rules/when.c); tests/unit/contracts.bats checks that. */
#ifndef REQ_H
#define REQ_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "os/clock.h"

struct decision;

struct req {
	/* A request variable (RFC 3875 names), or NULL when not set. */
	const char *(*param)(void *ctx, const char *name);
	/* Up to len body bytes, waiting at most until deadline
	 * (CLOCK_MONOTONIC): > 0 bytes, 0 at the end, -1 with errno set
	 * (ETIMEDOUT when the time ran out). */
	ssize_t (*read)(void *ctx, void *p, size_t len,
	    const struct timespec *deadline);
	/* All of the response; -1 with errno set if it cannot be sent. */
	int (*write)(void *ctx, const void *p, size_t len);
	/* One or more complete lines for the server's error log. */
	void (*diag)(void *ctx, const void *p, size_t len);
	/* The wall-clock time the request is stamped with. */
	void (*now)(void *ctx, struct timespec *realtime);
	/* A dry run (--explain): the story up to the log, which is not
	 * written; the decision and the record are handed to this instead.
	 * NULL for a real request. */
	void (*dry_run)(void *ctx, const struct decision *d, const char *record);
	/* Appends the record to the log at path in the transport's own time
	 * (a FastCGI worker: off its poll loop, so that one record waiting for
	 * the disk or the lock holds up no other connection), and holds the
	 * answer until then; it also rescues a record the log refuses.  NULL:
	 * the story appends it itself. */
	void (*append)(void *ctx, const char *path, const char *line, size_t len, int sync);
	/* Where the outcome the request was answered with is left (ERR_OK, or
	 * the failure its status comes from), or NULL. */
	enum err *outcome;
	/* Settings (SIPGATE_*) the request does not carry, or carries empty,
	 * come from the process environment (FastCGI: systemd's
	 * Environment=); request variables only ever from the request. */
	int env_settings;
	/* Restrict the process to the files this request's settings name
	 * before its body is read (a CGI: one process, one request). */
	int sandbox;
	void *ctx;
};

/* The now of a request that happens as it is served. */
static inline void req_wall_clock(void *ctx, struct timespec *realtime)
{
	(void)ctx;
	clock_wall(realtime);
}

static inline const char *req_param(const struct req *r, const char *name)
{
	return r->param(r->ctx, name);
}

#endif
