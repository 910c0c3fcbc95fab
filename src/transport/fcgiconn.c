#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/msg.h"
#include "log/log.h"
#include "push/diag.h"
#include "transport/cgi.h"
#include "transport/fcgi.h"
#include "transport/fcgiconn.h"

/* nginx sends about 1 KiB of params; Apache a little more. */
#define PARAMS_MAX 65536
#define PARAMS_COUNT 256
/* Most requests fit in the first read; a longer record grows the room. */
#define ROOM_MIN 4096

enum phase {
	WAIT,		/* between requests */
	PARAMS,		/* a request's FCGI_PARAMS are arriving */
	BODY,		/* its FCGI_STDIN is arriving */
	LOGGING,	/* answered, the answer held until the server appended its record */
	CLOSING,	/* nothing more is read; closed once the output is sent */
	DONE
};

struct fcgiconn {
	fcgiconn_handler handler;
	fcgiconn_diag diag;
	unsigned max_conns, max_reqs;
	enum phase phase;
	long long deadline;	/* of the phase (the input side) */
	int partial;		/* WAIT holds part of a record */
	int peer_closed, stopping;

	unsigned char *in;	/* unparsed input is in[start..end) */
	size_t cap, start, end;

	struct buf out;		/* records to send; out.data[sent..len) is left */
	size_t sent;
	long long out_deadline;	/* when what is queued must have been taken */

	/* The request in progress. */
	unsigned id;
	int keep, stdin_ended, stderr_used;
	struct buf raw;		/* the FCGI_PARAMS stream as it arrives */
	struct buf params;	/* then its pairs, as "name\0value\0" */
	const char **names, **values;	/* into params, for lookups */
	size_t nparams;
	struct buf body;	/* FCGI_STDIN, up to the largest body taken */
	size_t body_read;

	/* Records appended by the server (fcgiconn_log_aside): the one the
	 * request asked for, until the server takes it; the answer from
	 * out.data[hold] on is not sent until the append is done. */
	int log_aside, status;
	char *append_path, *append_line;
	size_t append_len, hold;
	int append_sync, holding;
};

struct fcgiconn *fcgiconn_new(long long now, fcgiconn_handler handler,
    fcgiconn_diag report, unsigned max_conns, unsigned max_reqs)
{
	struct fcgiconn *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->handler = handler;
	c->diag = report;
	c->max_conns = max_conns;
	c->max_reqs = max_reqs;
	c->phase = WAIT;
	c->deadline = now + FCGI_FIRST_BYTE_MS;
	return c;
}

static void free_request(struct fcgiconn *c)
{
	free(c->append_path);
	free(c->append_line);
	c->append_path = c->append_line = NULL;
	buf_free(&c->raw);
	buf_free(&c->params);
	buf_free(&c->body);
	free(c->names);
	c->names = c->values = NULL;
	c->nparams = 0;
	c->body_read = 0;
}

void fcgiconn_free(struct fcgiconn *c)
{
	if (c == NULL)
		return;
	free_request(c);
	free(c->in);
	buf_free(&c->out);
	free(c);
}

/* What may be sent now: all that is queued, but an answer held. */
static size_t pending(const struct fcgiconn *c)
{
	return (c->holding ? c->hold : c->out.len) - c->sent;
}

/* A protocol error: said once, and the connection is dropped unanswered. */
static void protocol_error(struct fcgiconn *c, const char *what)
{
	struct buf line = { 0 };

	msg_line(&line, 0, "FastCGI: %s; closing the connection", what);
	if (!line.oom)
		c->diag(line.data, line.len);
	buf_free(&line);
	c->phase = DONE;
}

static void close_after_output(struct fcgiconn *c)
{
	c->phase = pending(c) > 0 ? CLOSING : DONE;
}

/* --- the request as the handler sees it --- */

static const char *req_param_get(void *ctx, const char *name)
{
	const struct fcgiconn *c = ctx;
	const char *found = NULL;
	size_t i = c->nparams;

	/* The last of repeated params counts, as in a CGI environment. */
	while (i-- > 0)
		if (strcmp(c->names[i], name) == 0) {
			found = c->values[i];
			break;
		}
	return found;
}

/* The body is all here: its bytes, then its end, or ETIMEDOUT where it
 * stopped coming. */
static ssize_t req_read(void *ctx, void *p, size_t len,
    const struct timespec *deadline)
{
	struct fcgiconn *c = ctx;
	size_t left = c->body.len - c->body_read;

	(void)deadline;
	if (left == 0) {
		if (c->stdin_ended)
			return 0;
		errno = ETIMEDOUT;
		return -1;
	}
	if (len > left)
		len = left;
	memcpy(p, c->body.data + c->body_read, len);
	c->body_read += len;
	return (ssize_t)len;
}

static int req_write(void *ctx, const void *p, size_t len)
{
	struct fcgiconn *c = ctx;

	fcgi_put_stream(&c->out, FCGI_STDOUT, c->id, p, len);
	return 0;
}

static void req_diag(void *ctx, const void *p, size_t len)
{
	struct fcgiconn *c = ctx;

	if (len == 0)
		return;
	fcgi_put_stream(&c->out, FCGI_STDERR, c->id, p, len);
	c->stderr_used = 1;
}

/* The record goes to the server, and the answer that follows waits. */
static void req_append(void *ctx, const char *path, const char *line, size_t len, int sync)
{
	struct fcgiconn *c = ctx;

	struct req r = { .diag = req_diag, .ctx = c };
	struct fail f = { 0 };

	free(c->append_path);
	free(c->append_line);
	c->append_path = strdup(path);
	if ((c->append_line = malloc(len)) == NULL || c->append_path == NULL) {
		/* Out of memory: appended here and now, as the CGI does. */
		if (log_append(&r, path, line, len, sync, &f) != ERR_OK)
			diag_event(&r, f.why, line, len);
		return;
	}
	memcpy(c->append_line, line, len);
	c->append_len = len;
	c->append_sync = sync;
	c->hold = c->out.len;
	c->holding = 1;
}


/* --- a request's life --- */

/* The request is over (answered or aborted): back to waiting, or closing. */
static void finish(struct fcgiconn *c, long long now)
{
	free_request(c);
	c->phase = WAIT;
	c->deadline = now + FCGI_IDLE_MS;
	if (!c->keep || c->stopping)
		close_after_output(c);
}

/* The request's streams end, and so does the request. */
static void end_request(struct fcgiconn *c, long long now)
{
	fcgi_put_stream(&c->out, FCGI_STDOUT, c->id, NULL, 0);
	if (c->stderr_used)
		fcgi_put_stream(&c->out, FCGI_STDERR, c->id, NULL, 0);
	fcgi_put_end_request(&c->out, c->id, (uint32_t)c->status, FCGI_REQUEST_COMPLETE);
	finish(c, now);
}

/* Runs the handler over the request as it stands: complete, or stalled
 * (its body stopped coming; the connection closes after the answer).
 * With its record still to be appended, the request ends once it is. */
static void serve_request(struct fcgiconn *c, long long now)
{
	struct req r = { .param = req_param_get, .read = req_read,
	    .write = req_write, .diag = req_diag, .now = req_wall_clock,
	    .append = c->log_aside ? req_append : NULL, .env_settings = 1, .ctx = c };

	c->stderr_used = 0;
	c->status = c->handler(&r);
	if (!c->stdin_ended)
		c->keep = 0;
	if (c->holding)
		c->phase = LOGGING;
	else
		end_request(c, now);
}

/* Splits the params stream into "name\0value\0" pairs; -1 if it is
 * malformed, holds a NUL or too many pairs. */
static int split_params(struct fcgiconn *c)
{
	struct fcgi_pairs it = { (const unsigned char *)c->raw.data, c->raw.len, 0 };
	const unsigned char *name, *value;
	size_t name_len, value_len, i;
	const char *p;
	int rc;

	while ((rc = fcgi_pair_next(&it, &name, &name_len, &value, &value_len)) > 0) {
		if (memchr(name, '\0', name_len) || memchr(value, '\0', value_len) ||
		    name_len == 0 || c->nparams == PARAMS_COUNT)
			return -1;
		buf_put(&c->params, name, name_len);
		buf_putc(&c->params, '\0');
		buf_put(&c->params, value, value_len);
		buf_putc(&c->params, '\0');
		c->nparams++;
	}
	buf_free(&c->raw);
	if (rc < 0 || c->params.oom)
		return -1;
	if (c->nparams == 0)
		return 0;
	/* Indexed once: a request looks up some 40 names. */
	if ((c->names = malloc(2 * c->nparams * sizeof *c->names)) == NULL)
		return -1;
	c->values = c->names + c->nparams;
	for (i = 0, p = c->params.data; i < c->nparams; i++) {
		c->names[i] = p;
		c->values[i] = p += strlen(p) + 1;
		p += strlen(p) + 1;
	}
	return 0;
}

static void begin(struct fcgiconn *c, const struct fcgi_header *h,
    const unsigned char *content, long long now)
{
	unsigned role, flags;

	if (fcgi_begin_parse(content, h->content_len, &role, &flags) < 0) {
		protocol_error(c, "a malformed FCGI_BEGIN_REQUEST");
		return;
	}
	c->keep = (flags & FCGI_KEEP_CONN) != 0;
	if (role != FCGI_RESPONDER) {
		fcgi_put_end_request(&c->out, h->id, 0, FCGI_UNKNOWN_ROLE);
		if (!c->keep)
			close_after_output(c);
		return;
	}
	c->id = h->id;
	c->stdin_ended = 0;
	c->phase = PARAMS;
	c->deadline = now + FCGI_REQUEST_MS;
}

/* The server no longer wants the answer, only the end. */
static void aborted(struct fcgiconn *c, long long now)
{
	fcgi_put_end_request(&c->out, c->id, 0, FCGI_REQUEST_COMPLETE);
	finish(c, now);
}

static void params_record(struct fcgiconn *c, const struct fcgi_header *h,
    const unsigned char *content)
{
	if (h->type == FCGI_PARAMS && h->content_len == 0) {
		if (c->raw.oom || split_params(c) < 0)
			protocol_error(c, "malformed params");
		else
			c->phase = BODY;
	} else if (h->type == FCGI_PARAMS) {
		if (c->raw.len + h->content_len > PARAMS_MAX)
			protocol_error(c, "more than 64 KiB of params");
		else
			buf_put(&c->raw, content, h->content_len);
	} else
		protocol_error(c, "a record before the params ended");
}

/* Body bytes past the largest body taken are dropped, not kept: the
 * handler refuses such a request by its Content-Length alone. */
static void body_record(struct fcgiconn *c, const struct fcgi_header *h,
    const unsigned char *content, long long now)
{
	size_t room = CGI_MAX_BODY - c->body.len;

	if (h->type != FCGI_STDIN) {
		protocol_error(c, "an unexpected record during FCGI_STDIN");
		return;
	}
	if (h->content_len == 0) {
		c->stdin_ended = 1;
		serve_request(c, now);
		return;
	}
	buf_put(&c->body, content, h->content_len < room ? h->content_len : room);
	if (c->body.oom)
		protocol_error(c, "out of memory for a body");
}

/* A record with request id 0. */
static void management(struct fcgiconn *c, const struct fcgi_header *h,
    const unsigned char *content)
{
	if (h->type != FCGI_GET_VALUES)
		fcgi_put_unknown_type(&c->out, h->type);
	else if (fcgi_put_values(&c->out, content, h->content_len,
	    c->max_conns, c->max_reqs) < 0)
		protocol_error(c, "a malformed FCGI_GET_VALUES");
}

static void take_record(struct fcgiconn *c, const struct fcgi_header *h,
    const unsigned char *content, long long now)
{
	if (h->id == 0) {
		management(c, h, content);
		if (c->phase == WAIT)
			c->deadline = now + FCGI_IDLE_MS;
	} else if (c->phase == WAIT) {
		/* Records of a request that ended are stale: ignored. */
		if (h->type == FCGI_BEGIN_REQUEST)
			begin(c, h, content, now);
		else
			c->deadline = now + FCGI_IDLE_MS;
	} else if (h->id != c->id) {
		if (h->type == FCGI_BEGIN_REQUEST)
			fcgi_put_end_request(&c->out, h->id, 0, FCGI_CANT_MPX_CONN);
	} else if (h->type == FCGI_ABORT_REQUEST)
		aborted(c, now);
	else if (c->phase == PARAMS)
		params_record(c, h, content);
	else
		body_record(c, h, content, now);
}

static int reading(const struct fcgiconn *c)
{
	return c->phase == WAIT || c->phase == PARAMS || c->phase == BODY;
}

/* Every whole record in the input, while the output has room. */
static void parse(struct fcgiconn *c, long long now)
{
	struct fcgi_header h;
	size_t total, before;

	while (reading(c) && pending(c) <= FCGI_OUTPUT_MAX &&
	    c->end - c->start >= FCGI_HEADER_LEN) {
		if (fcgi_header_parse(c->in + c->start, &h) < 0) {
			protocol_error(c, "a record of another version");
			break;
		}
		total = FCGI_HEADER_LEN + h.content_len + h.padding_len;
		if (c->end - c->start < total)
			break;
		c->start += total;
		c->partial = 0;
		before = pending(c);
		take_record(c, &h, c->in + c->start - total + FCGI_HEADER_LEN, now);
		if (before == 0 && pending(c) > 0)
			c->out_deadline = now + FCGI_ANSWER_MS;
	}
	if (c->start == c->end) {
		/* The first room is kept for the next request; a larger one, or
		 * any on a connection that is ending, is given back. */
		c->start = c->end = 0;
		if (c->cap > ROOM_MIN || !reading(c)) {
			free(c->in);
			c->in = NULL;
			c->cap = 0;
		}
	} else if (c->phase == WAIT && !c->partial && pending(c) <= FCGI_OUTPUT_MAX) {
		/* Part of a record, not records held back for the output. */
		c->partial = 1;
		if (c->deadline > now + FCGI_RECORD_MS)
			c->deadline = now + FCGI_RECORD_MS;
	}
}

unsigned char *fcgiconn_room(struct fcgiconn *c, size_t *len)
{
	size_t have = c->end - c->start, need = ROOM_MIN;
	struct fcgi_header h;
	unsigned char *p;

	if (have >= FCGI_HEADER_LEN && fcgi_header_parse(c->in + c->start, &h) == 0 &&
	    need < FCGI_HEADER_LEN + h.content_len + h.padding_len)
		need = FCGI_HEADER_LEN + h.content_len + h.padding_len;
	if (need <= have)
		need = have + 1;
	if (c->cap - c->start < need && c->start > 0) {
		memmove(c->in, c->in + c->start, have);
		c->start = 0;
		c->end = have;
	}
	if (c->cap < need) {
		if ((p = realloc(c->in, need)) == NULL)
			return NULL;
		c->in = p;
		c->cap = need;
	}
	*len = c->cap - c->end;
	return c->in + c->end;
}

void fcgiconn_input(struct fcgiconn *c, size_t n, long long now)
{
	if (!reading(c))
		return;
	if (n > 0) {
		c->end += n;
		parse(c, now);
		return;
	}
	c->peer_closed = 1;
	/* Gone in the middle of a request: nobody is left to answer. */
	if (c->phase == WAIT && c->start == c->end)
		close_after_output(c);
	else
		c->phase = DONE;
}

const void *fcgiconn_output(const struct fcgiconn *c, size_t *len)
{
	*len = pending(c);
	return *len > 0 ? c->out.data + c->sent : NULL;
}

void fcgiconn_sent(struct fcgiconn *c, size_t n, long long now)
{
	c->sent += n;
	/* A held answer stays where it is until it may go. */
	if (pending(c) > 0 || c->holding)
		return;
	buf_free(&c->out);
	c->sent = 0;
	if (c->phase == CLOSING)
		c->phase = DONE;
	else if (reading(c))
		parse(c, now);	/* what waited for the output to drain */
}

long long fcgiconn_deadline(const struct fcgiconn *c)
{
	long long d = c->phase == CLOSING || c->phase == LOGGING ? LLONG_MAX : c->deadline;

	if (pending(c) > 0 && c->out_deadline < d)
		d = c->out_deadline;
	return d;
}

void fcgiconn_timeout(struct fcgiconn *c, long long now)
{
	if (pending(c) > 0 && now >= c->out_deadline) {
		protocol_error(c, "the peer did not take the answer within 10 s");
		return;
	}
	if (c->phase == CLOSING || c->phase == LOGGING || c->phase == DONE || now < c->deadline)
		return;
	/* A body that stopped coming is answered as the CGI answers it. */
	if (c->phase == BODY) {
		serve_request(c, now);
		if (pending(c) > 0)
			c->out_deadline = now + FCGI_ANSWER_MS;
	} else
		c->phase = DONE;
}

void fcgiconn_stop(struct fcgiconn *c)
{
	c->stopping = 1;
	if (c->phase == WAIT)
		close_after_output(c);
}

int fcgiconn_wants(const struct fcgiconn *c)
{
	int w = 0;

	if (c->phase == DONE || c->out.oom)
		return FCGI_DONE;
	if (pending(c) > 0)
		w |= FCGI_WANT_WRITE;
	if (reading(c) && !c->peer_closed && pending(c) <= FCGI_OUTPUT_MAX)
		w |= FCGI_WANT_READ;
	return w;
}

int fcgiconn_idle(const struct fcgiconn *c)
{
	return c->phase == WAIT && c->start == c->end && pending(c) == 0;
}

void fcgiconn_log_aside(struct fcgiconn *c)
{
	c->log_aside = 1;
}

int fcgiconn_take_append(struct fcgiconn *c, char **path, char **line, size_t *len,
    int *sync)
{
	if (c->phase != LOGGING || c->append_line == NULL)
		return 0;
	*path = c->append_path;
	*line = c->append_line;
	*len = c->append_len;
	*sync = c->append_sync;
	c->append_path = c->append_line = NULL;
	return 1;
}

/* The answer held since the append was asked for goes out after what the
 * append had to say: its notes, and the record itself if the log refused
 * it (to syslog as well), as the story says it in a CGI. */
void fcgiconn_appended(struct fcgiconn *c, const char *notes, size_t notes_len,
    const struct fail *refused, const char *line, size_t len, long long now)
{
	struct req r = { .diag = req_diag, .ctx = c };
	struct buf held = { 0 };

	if (c->phase != LOGGING)
		return;
	buf_put(&held, c->out.data + c->hold, c->out.len - c->hold);
	c->out.len = c->hold;
	req_diag(c, notes, notes_len);
	if (refused)
		diag_event(&r, refused->why, line, len);
	buf_put(&c->out, held.data, held.len);
	if (held.oom)
		c->out.oom = 1;
	buf_free(&held);
	c->holding = 0;
	end_request(c, now);
	if (pending(c) > 0)
		c->out_deadline = now + FCGI_ANSWER_MS;
	if (reading(c))
		parse(c, now);
}
