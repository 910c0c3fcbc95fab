/* libFuzzer: any bytes as a FastCGI connection, arriving in pieces of
 * varying size, through the record parser and the connection's state
 * machine, with time jumping to its deadlines and a peer that takes its
 * answers in pieces.  Asserts that the connection always wants something
 * and never stalls on a deadline already past, that its output stays
 * bounded, and that what it sends is a well-formed record stream: version
 * 1, known types, END_REQUEST bodies of 8 bytes with a known status after
 * the end of the request's FCGI_STDOUT, GET_VALUES_RESULT pairs that
 * parse.  With bit 1 of the last byte set, records are appended by the
 * server, as a worker's thread does: each handed over once, its answer
 * held until the append is done (or refused), at a time the data picks. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "os/clock.h"
#include "transport/cgi.h"
#include "transport/fcgi.h"
#include "transport/fcgiconn.h"

/* Reads the body to its end and answers with its length. */
static int handler(const struct req *r)
{
	static const char *const names[] = {
		"REQUEST_METHOD", "CONTENT_LENGTH", "SIPGATE_LOG", "HTTP_HOST", ""
	};
	struct timespec deadline;
	char chunk[300], line[64];
	size_t total = 0, i;
	ssize_t n;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = req_param(r, names[i]);

		if (v != NULL && strlen(v) > 65536)
			abort();
	}
	clock_deadline(&deadline, 1000);
	while ((n = r->read(r->ctx, chunk, sizeof chunk, &deadline)) > 0)
		total += (size_t)n;
	/* All of it is here, or it stopped coming. */
	if ((n < 0 && errno != ETIMEDOUT) || total > CGI_MAX_BODY)
		abort();
	n = snprintf(line, sizeof line, "Status: 200 OK\r\n\r\n%zu\n", total);
	r->diag(r->ctx, "fuzz: a diagnostic line\n", 24);
	if (r->append)
		r->append(r->ctx, "/fuzz/events.jsonl", "{\"fuzz\":1}\n", 11, 1);
	return r->write(r->ctx, line, (size_t)n) < 0;
}

/* Each request's FCGI_STDOUT is ended by an empty record before its
 * FCGI_END_REQUEST, unless it had none (aborted, or refused). */
static unsigned char stdout_open[65536];

/* A connection dropped with output queued may have sent part of a record
 * (torn_tail); any other stream must end on a record's end. */
static void check_output(const unsigned char *p, size_t len, int torn_tail)
{
	struct fcgi_header h;
	size_t pos = 0;

	memset(stdout_open, 0, sizeof stdout_open);
	while (pos < len) {
		if (len - pos < FCGI_HEADER_LEN && torn_tail)
			break;
		if (len - pos < FCGI_HEADER_LEN || fcgi_header_parse(p + pos, &h) < 0)
			abort();
		pos += FCGI_HEADER_LEN;
		if (h.content_len > len - pos && torn_tail)
			break;
		if (h.padding_len != 0 || h.content_len > len - pos)
			abort();
		switch (h.type) {
		case FCGI_STDOUT:
			if (h.id == 0)
				abort();
			stdout_open[h.id] = h.content_len > 0;
			break;
		case FCGI_STDERR:
			if (h.id == 0)
				abort();
			break;
		case FCGI_END_REQUEST:
			if (h.id == 0 || h.content_len != 8 || p[pos + 4] == FCGI_OVERLOADED ||
			    p[pos + 4] > FCGI_UNKNOWN_ROLE || stdout_open[h.id])
				abort();
			break;
		case FCGI_GET_VALUES_RESULT: {
			struct fcgi_pairs it = { p + pos, h.content_len, 0 };
			const unsigned char *name, *value;
			size_t name_len, value_len;
			int rc;

			if (h.id != 0)
				abort();
			while ((rc = fcgi_pair_next(&it, &name, &name_len, &value, &value_len)) > 0)
				if (name_len < 13 || memcmp(name, "FCGI_", 5) != 0 || value_len == 0)
					abort();
			if (rc < 0)
				abort();
			break;
		}
		case FCGI_UNKNOWN_TYPE:
			if (h.id != 0 || h.content_len != 8)
				abort();
			break;
		default:
			abort();
		}
		pos += h.content_len;
	}
}

static void diag(const char *line, size_t len)
{
	if (len == 0 || line[len - 1] != '\n')
		abort();
}

/* The data is both the stream and, byte by byte where a piece begins,
 * how the transport behaves: the size of the piece read (1 to 64 bytes),
 * whether the peer takes all that is queued or a few bytes, and whether
 * time jumps to the connection's deadline (0xFF, rarely), and when a held
 * append is done (0x20); at the end of the data the peer closes its side
 * (the last byte odd) or goes silent. */
static void jump(struct fcgiconn *c, long long *now)
{
	*now = fcgiconn_deadline(c);
	fcgiconn_timeout(c, *now);
	if (!(fcgiconn_wants(c) & FCGI_DONE) && fcgiconn_deadline(c) <= *now)
		abort();
}

/* The peer takes what is queued: all of it, or 0 to 6 bytes. */
static void take(struct fcgiconn *c, struct buf *out, unsigned char ctl,
    long long now)
{
	size_t queued, n;
	const char *q = fcgiconn_output(c, &queued);

	/* Bounded: one answer or result past the limit at most. */
	if (queued > 2 * FCGI_OUTPUT_MAX + 4096)
		abort();
	n = ctl & 0x40 ? (size_t)(ctl % 7) : queued;
	n = n > queued ? queued : n;
	buf_put(out, q, n);
	fcgiconn_sent(c, n, now);
}

/* The peer sends the next piece, or closes its side. */
static size_t give(struct fcgiconn *c, const uint8_t *data, size_t size,
    size_t pos, long long now)
{
	size_t room, n = (size_t)(data[pos < size ? pos : 0] % 64) + 1;
	unsigned char *p = fcgiconn_room(c, &room);

	if (p == NULL || room == 0)
		abort();
	n = n > room ? room : n;
	n = n > size - pos ? size - pos : n;
	memcpy(p, data + pos, n);
	fcgiconn_input(c, n, now);
	return pos + n;
}

/* An append handed over and not yet done. */
struct append {
	char *path, *line;
	size_t len;
	int sync, open;
};

/* Takes a record the connection hands over: at most one at a time, and
 * only one whose answer is held (nothing of it sent yet). */
static void hand_over(struct fcgiconn *c, struct append *a)
{
	char *path, *line;
	size_t len;
	int sync;

	if (!fcgiconn_take_append(c, &path, &line, &len, &sync))
		return;
	if (a->open || len != 11 || strcmp(path, "/fuzz/events.jsonl") != 0 || !sync ||
	    memcmp(line, "{\"fuzz\":1}\n", 11) != 0)
		abort();
	*a = (struct append){ path, line, len, sync, 1 };
	/* Handed over once only. */
	if (fcgiconn_take_append(c, &path, &line, &len, &sync))
		abort();
}

/* The append is done: in the log, or refused by it (ctl says which). */
static void done(struct fcgiconn *c, struct append *a, unsigned char ctl, long long now)
{
	static const struct fail refused = { ERR_LOG, "fuzz: the log refused it" };

	fcgiconn_appended(c, ctl & 0x08 ? "fuzz: a note\n" : NULL, ctl & 0x08 ? 13 : 0,
	    (ctl & 0x11) == 0x11 ? &refused : NULL, a->line, a->len, now);
	free(a->path);
	free(a->line);
	*a = (struct append){ 0 };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct append a = { 0 };
	struct fcgiconn *c;
	struct buf out = { 0 };
	size_t pos = 0, left;
	long long now = 0;
	unsigned char ctl;
	int wants, rounds = 0, closes;

	if (size == 0 || (c = fcgiconn_new(now, handler, diag, 512, 1)) == NULL)
		return 0;
	if (data[size - 1] & 2)
		fcgiconn_log_aside(c);
	closes = data[size - 1] & 1;
	while (!((wants = fcgiconn_wants(c)) & FCGI_DONE)) {
		ctl = pos < size ? data[pos] : 0;
		hand_over(c, &a);
		/* Waiting for nothing but the append: it ends now, or later. */
		if (a.open && (wants == 0 || (ctl & 0x20))) {
			done(c, &a, ctl, now);
			continue;
		}
		if (wants == 0 || ++rounds > 1000000 || out.oom)
			abort();
		if (wants & FCGI_WANT_WRITE)
			take(c, &out, ctl, now);
		wants = fcgiconn_wants(c);
		if (wants & FCGI_DONE)
			break;
		if ((wants & FCGI_WANT_READ) && ctl != 0xFF && (pos < size || closes))
			pos = give(c, data, size, pos, now);
		else if (a.open && !(wants & FCGI_WANT_WRITE))
			done(c, &a, ctl, now);
		else if (!(wants & FCGI_WANT_WRITE) || (ctl & 0x40))
			jump(c, &now);
	}
	fcgiconn_output(c, &left);
	check_output((const unsigned char *)out.data, out.len, left > 0 || a.open);
	fcgiconn_free(c);
	free(a.path);
	free(a.line);
	buf_free(&out);
	return 0;
}
