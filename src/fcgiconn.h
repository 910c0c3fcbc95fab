/* fcgiconn: one FastCGI connection as a responder without multiplexing:
 * answers management records, and hands each request to a handler as a
 * struct req (its params, falling back to the process environment for
 * SIPGATE_* settings; its FCGI_STDIN; its output as FCGI_STDOUT and
 * FCGI_STDERR).  Bytes come and go through an fcgi_io, so the fuzzer can
 * drive a connection from memory. */
#ifndef FCGICONN_H
#define FCGICONN_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include "req.h"

struct fcgi_io {
	/* Up to len bytes, waiting at most until deadline: > 0 bytes, 0 at
	 * the peer's end, -1 with errno set (ETIMEDOUT when time ran out). */
	ssize_t (*recv)(void *ctx, void *p, size_t len,
	    const struct timespec *deadline);
	/* All of it, or -1. */
	int (*send)(void *ctx, const void *p, size_t len);
	/* Where a line goes when no request can carry it (stderr). */
	void (*diag)(void *ctx, const void *p, size_t len);
	void *ctx;
};

typedef int (*fcgi_handler)(const struct req *r);

struct fcgi_conn;

/* A connection reading through io; NULL if out of memory.  max_conns and
 * max_reqs are what FCGI_GET_VALUES reports of the whole server. */
struct fcgi_conn *fcgi_conn_new(const struct fcgi_io *io, unsigned max_conns,
    unsigned max_reqs);
void fcgi_conn_free(struct fcgi_conn *c);

/* Serves what the peer has sent: management records and at most one
 * request, which it reads whole (bounded in time) and answers.  1: keep
 * the connection; 0: close it (the peer closed it, sent a malformed record
 * or did not ask to keep it). */
int fcgi_conn_serve(struct fcgi_conn *c, fcgi_handler handler);

/* Whether bytes the peer sent wait in the buffer (a pipelined request):
 * serve again without waiting for the socket to be readable. */
int fcgi_conn_buffered(const struct fcgi_conn *c);

#endif
