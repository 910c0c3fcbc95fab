#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cgi.h"
#include "fcgi.h"
#include "fcgiconn.h"

/* A request's params and stdin must arrive within this time (the body's
 * own bound is cgi_read_body's). */
#ifndef FCGI_REQUEST_MS
#define FCGI_REQUEST_MS 5000
#endif
/* nginx sends about 1 KiB of params; Apache a little more. */
#ifndef FCGI_PARAMS_MAX
#define FCGI_PARAMS_MAX 65536
#endif
#define FCGI_PARAMS_COUNT 256
#define RECORD_MAX (FCGI_HEADER_LEN + FCGI_MAX_CONTENT + 255)

struct fcgi_conn {
	struct fcgi_io io;
	unsigned char *in;
	size_t cap, start, end;	/* unread bytes are in[start..end) */
	int broken;		/* closed or malformed: drop it, send nothing */
	int stalled;		/* timed out mid-record: answer, then close */
	struct buf out;		/* records waiting to be sent */
	unsigned max_conns, max_reqs;
};

/* The request being served. */
struct fcgi_req {
	struct fcgi_conn *c;
	unsigned id;
	char *names[FCGI_PARAMS_COUNT], *values[FCGI_PARAMS_COUNT];
	size_t nparams;
	struct buf strings;
	const unsigned char *stdin_p;	/* the rest of the current record */
	size_t stdin_left;
	int stdin_ended, aborted, stderr_used;
};

struct fcgi_conn *fcgi_conn_new(const struct fcgi_io *io, unsigned max_conns,
    unsigned max_reqs)
{
	struct fcgi_conn *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->io = *io;
	c->max_conns = max_conns;
	c->max_reqs = max_reqs;
	return c;
}

void fcgi_conn_free(struct fcgi_conn *c)
{
	if (c == NULL)
		return;
	free(c->in);
	buf_free(&c->out);
	free(c);
}

static void conn_diag(struct fcgi_conn *c, const char *line)
{
	c->io.diag(c->io.ctx, line, strlen(line));
}

/* At least want unread bytes in the buffer, reading until deadline. */
static int fill(struct fcgi_conn *c, size_t want,
    const struct timespec *deadline)
{
	ssize_t n;

	if (c->start > 0 && c->cap - c->start < want) {
		memmove(c->in, c->in + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->cap < want) {
		size_t cap = c->cap ? c->cap : 4096;
		unsigned char *p;

		while (cap < want)
			cap *= 2;
		if (cap > RECORD_MAX)
			cap = RECORD_MAX;
		if ((p = realloc(c->in, cap)) == NULL)
			return -1;
		c->in = p;
		c->cap = cap;
	}
	while (c->end - c->start < want) {
		n = c->io.recv(c->io.ctx, c->in + c->end, c->cap - c->end, deadline);
		if (n <= 0) {
			if (n == 0)
				errno = c->end > c->start ? ECONNRESET : 0;
			return -1;
		}
		c->end += (size_t)n;
	}
	return 0;
}

/* After a failed fill: a peer that is gone, or one too slow, whose
 * request can still be answered (the connection closes after that). */
static int lost(struct fcgi_conn *c)
{
	if (errno == ETIMEDOUT)
		c->stalled = 1;
	else
		c->broken = 1;
	return errno == 0 ? 0 : -1;
}

/* The next record: its header in h, its content at *content (valid until
 * the next call).  1, or 0 at a clean end, or -1 (the connection is
 * broken then). */
static int next_record(struct fcgi_conn *c, struct fcgi_header *h,
    const unsigned char **content, const struct timespec *deadline)
{
	if (fill(c, FCGI_HEADER_LEN, deadline) < 0)
		return lost(c);
	if (fcgi_header_parse(c->in + c->start, h) < 0) {
		conn_diag(c, "sipgate-webhook: FastCGI: a record of another version; closing the connection\n");
		c->broken = 1;
		errno = EPROTO;
		return -1;
	}
	if (fill(c, FCGI_HEADER_LEN + h->content_len + h->padding_len, deadline) < 0)
		return lost(c);
	*content = c->in + c->start + FCGI_HEADER_LEN;
	c->start += FCGI_HEADER_LEN + h->content_len + h->padding_len;
	return 1;
}

static void flush(struct fcgi_conn *c)
{
	if (!c->broken && (c->out.oom ||
	    (c->out.len > 0 && c->io.send(c->io.ctx, c->out.data, c->out.len) < 0)))
		c->broken = 1;
	buf_free(&c->out);
}

/* A record with request id 0; -1 if malformed. */
static int management(struct fcgi_conn *c, const struct fcgi_header *h,
    const unsigned char *content)
{
	if (h->type == FCGI_GET_VALUES) {
		if (fcgi_put_values(&c->out, content, h->content_len,
		    c->max_conns, c->max_reqs) < 0) {
			conn_diag(c, "sipgate-webhook: FastCGI: a malformed FCGI_GET_VALUES; closing the connection\n");
			return -1;
		}
	} else
		fcgi_put_unknown_type(&c->out, h->type);
	return 0;
}

/* A record that is not the current request's: management, another
 * request that would need multiplexing, or a stale one (ignored). */
static int other_record(struct fcgi_conn *c, const struct fcgi_header *h,
    const unsigned char *content)
{
	if (h->id == 0)
		return management(c, h, content);
	if (h->type == FCGI_BEGIN_REQUEST)
		fcgi_put_end_request(&c->out, h->id, 0, FCGI_CANT_MPX_CONN);
	return 0;
}

static const char *req_param_get(void *ctx, const char *name)
{
	struct fcgi_req *q = ctx;
	size_t i = q->nparams;

	/* The last of repeated params counts, as in a CGI environment. */
	while (i-- > 0)
		if (strcmp(q->names[i], name) == 0)
			return q->values[i];
	/* Settings the server does not send come from the process (systemd's
	 * Environment=); request variables only ever from the request. */
	if (strncmp(name, "SIPGATE_", 8) == 0)
		return getenv(name);
	return NULL;
}

/* The next FCGI_STDIN bytes of the request; 0 at its end. */
static ssize_t req_read(void *ctx, void *p, size_t len,
    const struct timespec *deadline)
{
	struct fcgi_req *q = ctx;
	struct fcgi_conn *c = q->c;
	struct fcgi_header h;
	const unsigned char *content;

	while (q->stdin_left == 0) {
		if (q->stdin_ended)
			return 0;
		if (q->aborted || c->broken || c->stalled) {
			errno = q->aborted ? ECONNABORTED : c->stalled ? ETIMEDOUT : ECONNRESET;
			return -1;
		}
		if (next_record(c, &h, &content, deadline) <= 0) {
			if (errno == 0)
				errno = ECONNRESET;
			return -1;
		}
		if (h.id != q->id) {
			if (other_record(c, &h, content) < 0) {
				c->broken = 1;
				errno = EPROTO;
				return -1;
			}
		} else if (h.type == FCGI_STDIN) {
			q->stdin_p = content;
			q->stdin_left = h.content_len;
			q->stdin_ended = h.content_len == 0;
		} else if (h.type == FCGI_ABORT_REQUEST) {
			q->aborted = 1;
		} else {
			conn_diag(c, "sipgate-webhook: FastCGI: an unexpected record during FCGI_STDIN; closing the connection\n");
			c->broken = 1;
		}
	}
	if (len > q->stdin_left)
		len = q->stdin_left;
	memcpy(p, q->stdin_p, len);
	q->stdin_p += len;
	q->stdin_left -= len;
	return (ssize_t)len;
}

static int req_write(void *ctx, const void *p, size_t len)
{
	struct fcgi_req *q = ctx;

	if (q->c->broken) {
		errno = EPIPE;
		return -1;
	}
	/* An aborted request's answer is not wanted: dropped, not failed. */
	if (!q->aborted)
		fcgi_put_stream(&q->c->out, FCGI_STDOUT, q->id, p, len);
	return 0;
}

static void req_diag(void *ctx, const void *p, size_t len)
{
	struct fcgi_req *q = ctx;
	struct fcgi_conn *c = q->c;

	if (c->broken || q->aborted || len == 0) {
		c->io.diag(c->io.ctx, p, len);
		return;
	}
	fcgi_put_stream(&c->out, FCGI_STDERR, q->id, p, len);
	q->stderr_used = 1;
}

static void req_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, ts) < 0)
		ts->tv_sec = ts->tv_nsec = 0;
}

/* Splits the params stream into NUL-terminated names and values; -1 if it
 * is malformed, holds a NUL or too many pairs. */
static int split_params(struct fcgi_req *q, const struct buf *raw)
{
	struct fcgi_pairs it = { (const unsigned char *)raw->data, raw->len, 0 };
	const unsigned char *name, *value;
	size_t name_len, value_len, pos = 0, i;
	int rc;

	/* Two passes: the strings buffer must not move under the pointers. */
	while ((rc = fcgi_pair_next(&it, &name, &name_len, &value, &value_len)) > 0) {
		if (memchr(name, '\0', name_len) || memchr(value, '\0', value_len) ||
		    name_len == 0 || q->nparams == FCGI_PARAMS_COUNT)
			return -1;
		buf_put(&q->strings, name, name_len);
		buf_putc(&q->strings, '\0');
		buf_put(&q->strings, value, value_len);
		buf_putc(&q->strings, '\0');
		q->nparams++;
	}
	if (rc < 0 || q->strings.oom)
		return -1;
	for (i = 0; i < q->nparams; i++) {
		q->names[i] = q->strings.data + pos;
		pos += strlen(q->names[i]) + 1;
		q->values[i] = q->strings.data + pos;
		pos += strlen(q->values[i]) + 1;
	}
	return 0;
}

/* Reads the request's FCGI_PARAMS to their end.  1: ready; 0: the request
 * ended (aborted); -1: the connection is to be closed. */
static int read_params(struct fcgi_req *q, struct buf *raw,
    const struct timespec *deadline)
{
	struct fcgi_conn *c = q->c;
	struct fcgi_header h;
	const unsigned char *content;

	for (;;) {
		if (next_record(c, &h, &content, deadline) <= 0)
			return -1;
		if (h.id != q->id) {
			if (other_record(c, &h, content) < 0)
				return -1;
		} else if (h.type == FCGI_PARAMS) {
			if (h.content_len == 0)
				break;
			if (raw->len + h.content_len > FCGI_PARAMS_MAX) {
				conn_diag(c, "sipgate-webhook: FastCGI: more than 64 KiB of params; closing the connection\n");
				return -1;
			}
			buf_put(raw, content, h.content_len);
		} else if (h.type == FCGI_ABORT_REQUEST) {
			fcgi_put_end_request(&c->out, q->id, 0, FCGI_REQUEST_COMPLETE);
			return 0;
		} else {
			conn_diag(c, "sipgate-webhook: FastCGI: a record before the params ended; closing the connection\n");
			return -1;
		}
	}
	if (raw->oom || split_params(q, raw) < 0) {
		conn_diag(c, "sipgate-webhook: FastCGI: malformed params; closing the connection\n");
		return -1;
	}
	return 1;
}

/* One request from its FCGI_BEGIN_REQUEST on; returns keep as for
 * fcgi_conn_serve. */
static int serve_request(struct fcgi_conn *c, unsigned id, int keep,
    fcgi_handler handler, const struct timespec *deadline)
{
	struct fcgi_req q = { .c = c, .id = id };
	struct buf raw = { 0 };
	struct req r = { .param = req_param_get, .read = req_read,
	    .write = req_write, .diag = req_diag, .now = req_now, .ctx = &q };
	size_t mark;
	int rc, status;

	rc = read_params(&q, &raw, deadline);
	buf_free(&raw);
	if (rc <= 0) {
		buf_free(&q.strings);
		if (rc < 0)
			c->broken = 1;
		return rc == 0 && keep;
	}
	mark = c->out.len;
	status = handler(&r);
	/* The rest of FCGI_STDIN, read as a CGI drains its stdin, so that
	 * the connection can carry the next request. */
	if (!q.aborted && !c->broken) {
		if (!c->stalled)
			cgi_drain(&r, CGI_UNKNOWN);
		if (!q.stdin_ended || q.stdin_left > 0)
			keep = 0;
	}
	if (q.aborted) {
		/* The server no longer wants the answer, only the end. */
		c->out.len = mark;
	} else {
		fcgi_put_stream(&c->out, FCGI_STDOUT, id, NULL, 0);
		if (q.stderr_used)
			fcgi_put_stream(&c->out, FCGI_STDERR, id, NULL, 0);
	}
	fcgi_put_end_request(&c->out, id, (uint32_t)status, FCGI_REQUEST_COMPLETE);
	buf_free(&q.strings);
	return keep;
}

int fcgi_conn_buffered(const struct fcgi_conn *c)
{
	return c->end > c->start;
}

int fcgi_conn_serve(struct fcgi_conn *c, fcgi_handler handler)
{
	struct timespec deadline;
	struct fcgi_header h;
	const unsigned char *content;
	unsigned role, flags;
	int keep = 1;

	req_deadline(&deadline, FCGI_REQUEST_MS);
	do {
		if (next_record(c, &h, &content, &deadline) <= 0)
			break;
		if (h.id == 0 || h.type != FCGI_BEGIN_REQUEST) {
			if (other_record(c, &h, content) < 0)
				c->broken = 1;
			continue;
		}
		if (fcgi_begin_parse(content, h.content_len, &role, &flags) < 0) {
			conn_diag(c, "sipgate-webhook: FastCGI: a malformed FCGI_BEGIN_REQUEST; closing the connection\n");
			c->broken = 1;
			break;
		}
		keep = (flags & FCGI_KEEP_CONN) != 0;
		if (role != FCGI_RESPONDER)
			fcgi_put_end_request(&c->out, h.id, 0, FCGI_UNKNOWN_ROLE);
		else if (serve_request(c, h.id, keep, handler, &deadline) == 0)
			keep = 0;
		break;
	} while (!c->broken && c->end > c->start);
	flush(c);
	return keep && !c->broken && !c->stalled;
}
