/* libFuzzer: any bytes as a FastCGI connection, arriving in pieces of
 * varying size, through the record parser and the connection's state
 * machine.  Asserts that what each round sends back is a well-formed
 * record stream: version 1, known types, END_REQUEST bodies of 8 bytes
 * with a known status, at most one request completed and no output for it
 * after its end, GET_VALUES_RESULT pairs that parse. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fcgi.h"
#include "fcgiconn.h"

struct feed {
	const uint8_t *p;
	size_t len, pos;
	struct buf out;
};

static ssize_t feed_recv(void *ctx, void *p, size_t len,
    const struct timespec *deadline)
{
	struct feed *f = ctx;
	size_t n;

	(void)deadline;
	if (f->pos == f->len)
		return 0;
	/* Pieces of 1 to 64 bytes, chosen by the data itself. */
	n = (size_t)(f->p[f->pos] % 64) + 1;
	if (n > len)
		n = len;
	if (n > f->len - f->pos)
		n = f->len - f->pos;
	memcpy(p, f->p + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static int feed_send(void *ctx, const void *p, size_t len)
{
	struct feed *f = ctx;

	buf_put(&f->out, p, len);
	return 0;
}

static void feed_diag(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	if (len == 0 || ((const char *)p)[len - 1] != '\n')
		abort();
}

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
	req_deadline(&deadline, 1000);
	while ((n = r->read(r->ctx, chunk, sizeof chunk, &deadline)) > 0)
		total += (size_t)n;
	if (n < 0 && errno != ECONNABORTED && errno != ECONNRESET && errno != EPROTO &&
	    errno != ETIMEDOUT)
		abort();
	n = snprintf(line, sizeof line, "Status: 200 OK\r\n\r\n%zu\n", total);
	r->diag(r->ctx, "fuzz: a diagnostic line\n", 24);
	return r->write(r->ctx, line, (size_t)n) < 0;
}

static void check_output(const unsigned char *p, size_t len)
{
	struct fcgi_header h;
	size_t pos = 0;
	int completed = 0;
	unsigned ended = 0;

	while (pos < len) {
		if (len - pos < FCGI_HEADER_LEN || fcgi_header_parse(p + pos, &h) < 0)
			abort();
		pos += FCGI_HEADER_LEN;
		if (h.padding_len != 0 || h.content_len > len - pos)
			abort();
		switch (h.type) {
		case FCGI_STDOUT:
		case FCGI_STDERR:
			if (h.id == 0 || (completed && h.id == ended))
				abort();
			break;
		case FCGI_END_REQUEST:
			if (h.id == 0 || h.content_len != 8 || p[pos + 4] == FCGI_OVERLOADED ||
			    p[pos + 4] > FCGI_UNKNOWN_ROLE)
				abort();
			if (p[pos + 4] == FCGI_REQUEST_COMPLETE) {
				if (completed++)
					abort();
				ended = h.id;
			}
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f = { data, size, 0, { 0 } };
	struct fcgi_io io = { feed_recv, feed_send, feed_diag, &f };
	struct fcgi_conn *c = fcgi_conn_new(&io, 512, 1);
	int rounds = 0;

	if (c == NULL)
		return 0;
	for (;;) {
		int keep = fcgi_conn_serve(c, handler);

		if (f.out.oom || ++rounds > 100000)
			abort();
		check_output((const unsigned char *)f.out.data, f.out.len);
		f.out.len = 0;
		if (!keep || (f.pos == f.len && !fcgi_conn_buffered(c)))
			break;
	}
	fcgi_conn_free(c);
	buf_free(&f.out);
	return 0;
}
