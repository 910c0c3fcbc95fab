/* memreq: a request held in memory: its variables in a table, its body in
 * a buffer (handed over in pieces, as a pipe would), its response and
 * diagnostics collected in buffers.  The dry runs (--explain, --diff,
 * --replay) and the fuzzer run the request's story through it. */
#ifndef MEMREQ_H
#define MEMREQ_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "push/req.h"

#define MEMREQ_VARS 24

struct memreq {
	const char *names[MEMREQ_VARS], *values[MEMREQ_VARS];
	size_t nvars;
	const char *body;
	size_t body_len, pos;
	struct buf out, diag;
	struct timespec now;
};

/* Points r at m (dry_run left NULL). */
void memreq_init(struct req *r, struct memreq *m);
/* Adds a variable; a NULL value, or one past MEMREQ_VARS, is left out. */
void memreq_set(struct memreq *m, const char *name, const char *value);
void memreq_free(struct memreq *m);

#endif
