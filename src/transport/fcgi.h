/* fcgi: the FastCGI 1.0 wire format (Open Market's specification): record
 * headers, name-value pairs, and the records a responder sends.  Pure
 * functions over bytes; fcgiconn.c drives a connection with them. */
#ifndef FCGI_H
#define FCGI_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define FCGI_HEADER_LEN 8
#define FCGI_VERSION_1 1
#define FCGI_MAX_CONTENT 65535

enum fcgi_type {
	FCGI_BEGIN_REQUEST = 1, FCGI_ABORT_REQUEST, FCGI_END_REQUEST,
	FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR, FCGI_DATA,
	FCGI_GET_VALUES, FCGI_GET_VALUES_RESULT, FCGI_UNKNOWN_TYPE
};

enum fcgi_role { FCGI_RESPONDER = 1 };
#define FCGI_KEEP_CONN 1

enum fcgi_status {
	FCGI_REQUEST_COMPLETE = 0, FCGI_CANT_MPX_CONN, FCGI_OVERLOADED,
	FCGI_UNKNOWN_ROLE
};

struct fcgi_header {
	unsigned type;
	unsigned id;		/* 0: a management record */
	size_t content_len;
	size_t padding_len;
};

/* -1 unless the version is 1. */
int fcgi_header_parse(const unsigned char *p, struct fcgi_header *h);

/* A FCGI_BEGIN_REQUEST body: -1 unless it is exactly 8 bytes. */
int fcgi_begin_parse(const unsigned char *p, size_t len, unsigned *role,
    unsigned *flags);

/* Walks name-value pairs: each call yields the next pair (pointers into p,
 * not NUL-terminated) and returns 1; 0 at the end; -1 if a length runs
 * past the data. */
struct fcgi_pairs {
	const unsigned char *p;
	size_t len, pos;
};
int fcgi_pair_next(struct fcgi_pairs *it, const unsigned char **name,
    size_t *name_len, const unsigned char **value, size_t *value_len);

/* Appends records of type to out carrying len bytes of p, split into
 * records of at most FCGI_MAX_CONTENT bytes; len 0 appends the empty record
 * that ends a stream. */
void fcgi_put_stream(struct buf *out, unsigned type, unsigned id,
    const void *p, size_t len);
void fcgi_put_end_request(struct buf *out, unsigned id, uint32_t app_status,
    enum fcgi_status status);
void fcgi_put_unknown_type(struct buf *out, unsigned type);

/* The FCGI_GET_VALUES_RESULT for a FCGI_GET_VALUES body: the values asked
 * for that this program knows (FCGI_MAX_CONNS, FCGI_MAX_REQS,
 * FCGI_MPXS_CONNS), in the order asked; -1 if the body is malformed. */
int fcgi_put_values(struct buf *out, const unsigned char *p, size_t len,
    unsigned max_conns, unsigned max_reqs);

#endif
