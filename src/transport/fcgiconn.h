/* fcgiconn: one FastCGI connection as a responder without multiplexing,
 * kept as a state machine over bytes and milliseconds, with no I/O of its
 * own: the transport puts what the peer sent into its room, takes what is
 * to be sent from its output, and asks what it wants and until when.
 * Management records are answered through the same bounded output; a
 * request is handed to the handler as a struct req only once its params
 * and its whole body are here, or its time ran out. */
#ifndef FCGICONN_H
#define FCGICONN_H

#include <stddef.h>

#include "base/err.h"
#include "push/req.h"

/* Bounds, in milliseconds and bytes.  The first three may be shortened
 * at build time, as make check does so that a test sees one pass soon. */
#ifndef FCGI_FIRST_BYTE_MS
#define FCGI_FIRST_BYTE_MS 5000	/* a new connection's first record */
#endif
#ifndef FCGI_REQUEST_MS
#define FCGI_REQUEST_MS 5000	/* a request's params and body, in all */
#endif
#ifndef FCGI_RECORD_MS
#define FCGI_RECORD_MS 5000	/* a record begun between requests */
#endif
#define FCGI_IDLE_MS 300000	/* a kept connection with nothing to do */
#define FCGI_ANSWER_MS 10000	/* the peer taking all that is queued */
#define FCGI_OUTPUT_MAX 65536	/* queued beyond this: the peer is not read */

typedef int (*fcgiconn_handler)(const struct req *r);
/* Where a line goes when no request can carry it (the worker's stderr). */
typedef void (*fcgiconn_diag)(const char *line, size_t len);

struct fcgiconn;

/* A connection opened at now (ms, a monotonic clock); NULL if out of
 * memory.  max_conns and max_reqs are what FCGI_GET_VALUES reports of the
 * whole server. */
struct fcgiconn *fcgiconn_new(long long now, fcgiconn_handler handler,
    fcgiconn_diag report, unsigned max_conns, unsigned max_reqs);
void fcgiconn_free(struct fcgiconn *c);

/* Where the next bytes from the peer go, and how many fit (at least 1);
 * NULL when out of memory. */
unsigned char *fcgiconn_room(struct fcgiconn *c, size_t *len);
/* n bytes were put into the room (0: the peer closed its side).  Parses
 * every whole record the output bound allows; runs the handler when a
 * request is complete. */
void fcgiconn_input(struct fcgiconn *c, size_t n, long long now);

/* The bytes waiting to be sent (len 0: none), and how many were sent. */
const void *fcgiconn_output(const struct fcgiconn *c, size_t *len);
void fcgiconn_sent(struct fcgiconn *c, size_t n, long long now);

/* The time the connection next needs attention, and what it does then:
 * a request whose body stopped coming is answered (400), anything else
 * that ran out of time is closed. */
long long fcgiconn_deadline(const struct fcgiconn *c);
void fcgiconn_timeout(struct fcgiconn *c, long long now);

/* No request begun here will be served after this: the connection ends
 * once what it has begun is answered. */
void fcgiconn_stop(struct fcgiconn *c);

#define FCGI_WANT_READ 1
#define FCGI_WANT_WRITE 2
#define FCGI_DONE 4	/* close it: nothing more will come of it */
int fcgiconn_wants(const struct fcgiconn *c);

/* Whether closing it now loses nothing: no request, record or answer in
 * progress. */
int fcgiconn_idle(const struct fcgiconn *c);

/* Its requests' records are appended by the server, off its loop: once
 * one is answered, fcgiconn_take_append hands over the record (1, once;
 * the strings are the caller's to free), and its answer is held until
 * fcgiconn_appended says the append is done; refused: the log refused it
 * (line and len are the record), notes: what the append said. */
void fcgiconn_log_aside(struct fcgiconn *c);
int fcgiconn_take_append(struct fcgiconn *c, char **path, char **line, size_t *len,
    int *sync);
void fcgiconn_appended(struct fcgiconn *c, const char *notes, size_t notes_len,
    const struct fail *refused, const char *line, size_t len, long long now);

#endif
