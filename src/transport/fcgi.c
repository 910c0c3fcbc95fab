#include <stdio.h>
#include <string.h>

#include "transport/fcgi.h"

int fcgi_header_parse(const unsigned char *p, struct fcgi_header *h)
{
	if (p[0] != FCGI_VERSION_1)
		return -1;
	h->type = p[1];
	h->id = (unsigned)p[2] << 8 | p[3];
	h->content_len = (size_t)p[4] << 8 | p[5];
	h->padding_len = p[6];
	return 0;
}

int fcgi_begin_parse(const unsigned char *p, size_t len, unsigned *role,
    unsigned *flags)
{
	if (len != 8)
		return -1;
	*role = (unsigned)p[0] << 8 | p[1];
	*flags = p[2];
	return 0;
}

/* A pair's length: one byte below 128, else four with the top bit set. */
static int pair_length(struct fcgi_pairs *it, size_t *n)
{
	const unsigned char *p = it->p + it->pos;

	if (it->pos >= it->len)
		return -1;
	if (p[0] < 0x80) {
		*n = p[0];
		it->pos += 1;
		return 0;
	}
	if (it->len - it->pos < 4)
		return -1;
	*n = ((size_t)(p[0] & 0x7F) << 24) | ((size_t)p[1] << 16) |
	    ((size_t)p[2] << 8) | p[3];
	it->pos += 4;
	return 0;
}

int fcgi_pair_next(struct fcgi_pairs *it, const unsigned char **name,
    size_t *name_len, const unsigned char **value, size_t *value_len)
{
	if (it->pos == it->len)
		return 0;
	if (pair_length(it, name_len) < 0 || pair_length(it, value_len) < 0)
		return -1;
	if (*name_len > it->len - it->pos ||
	    *value_len > it->len - it->pos - *name_len)
		return -1;
	*name = it->p + it->pos;
	*value = *name + *name_len;
	it->pos += *name_len + *value_len;
	return 1;
}

static void put_header(struct buf *out, unsigned type, unsigned id,
    size_t len)
{
	unsigned char h[FCGI_HEADER_LEN] = {
		FCGI_VERSION_1, (unsigned char)type,
		(unsigned char)(id >> 8), (unsigned char)id,
		(unsigned char)(len >> 8), (unsigned char)len, 0, 0
	};

	buf_put(out, h, sizeof h);
}

void fcgi_put_stream(struct buf *out, unsigned type, unsigned id,
    const void *p, size_t len)
{
	const char *c = p;
	size_t n;

	if (len == 0)
		put_header(out, type, id, 0);
	for (; len > 0; c += n, len -= n) {
		n = len < FCGI_MAX_CONTENT ? len : FCGI_MAX_CONTENT;
		put_header(out, type, id, n);
		buf_put(out, c, n);
	}
}

void fcgi_put_end_request(struct buf *out, unsigned id, uint32_t app_status,
    enum fcgi_status status)
{
	unsigned char body[8] = {
		(unsigned char)(app_status >> 24), (unsigned char)(app_status >> 16),
		(unsigned char)(app_status >> 8), (unsigned char)app_status,
		(unsigned char)status, 0, 0, 0
	};

	put_header(out, FCGI_END_REQUEST, id, sizeof body);
	buf_put(out, body, sizeof body);
}

void fcgi_put_unknown_type(struct buf *out, unsigned type)
{
	unsigned char body[8] = { (unsigned char)type, 0, 0, 0, 0, 0, 0, 0 };

	put_header(out, FCGI_UNKNOWN_TYPE, 0, sizeof body);
	buf_put(out, body, sizeof body);
}

static void put_pair(struct buf *out, const char *name, unsigned value)
{
	char v[16];
	int n = snprintf(v, sizeof v, "%u", value);

	buf_putc(out, (char)strlen(name));
	buf_putc(out, (char)n);
	buf_puts(out, name);
	buf_put(out, v, (size_t)n);
}

int fcgi_put_values(struct buf *out, const unsigned char *p, size_t len,
    unsigned max_conns, unsigned max_reqs)
{
	static const char *const known[] = {
		"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"
	};
	struct fcgi_pairs it = { p, len, 0 };
	const unsigned char *name, *value;
	size_t name_len, value_len, i;
	struct buf pairs = { 0 };
	int rc;

	while ((rc = fcgi_pair_next(&it, &name, &name_len, &value, &value_len)) > 0) {
		for (i = 0; i < sizeof known / sizeof *known; i++)
			if (name_len == strlen(known[i]) &&
			    memcmp(name, known[i], name_len) == 0)
				break;
		if (i == 0)
			put_pair(&pairs, known[0], max_conns);
		else if (i == 1)
			put_pair(&pairs, known[1], max_reqs);
		else if (i == 2)
			put_pair(&pairs, known[2], 0);
	}
	if (rc == 0 && (pairs.oom || pairs.len > FCGI_MAX_CONTENT))
		rc = -1;
	if (rc == 0) {
		put_header(out, FCGI_GET_VALUES_RESULT, 0, pairs.len);
		buf_put(out, pairs.data, pairs.len);
	}
	buf_free(&pairs);
	return rc == 0 ? 0 : -1;
}
