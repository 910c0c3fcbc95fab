#include <string.h>

#include "push/logline.h"

/* JSON as the log writes it (json.c): a byte it could not write as UTF-8
 * is \u00XX, that byte. */
struct cursor {
	const char *p, *end;
};

static inline void space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static inline int eat(struct cursor *c, char ch)
{
	space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static int hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char ch = p[i];
		unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') :
		    ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) :
		    ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 16;

		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static void put_utf8(struct buf *b, unsigned v)
{
	if (v < 0x100) {
		buf_putc(b, (char)v);
	} else if (v < 0x800) {
		buf_putc(b, (char)(0xC0 | v >> 6));
		buf_putc(b, (char)(0x80 | (v & 0x3F)));
	} else if (v < 0x10000) {
		buf_putc(b, (char)(0xE0 | v >> 12));
		buf_putc(b, (char)(0x80 | (v >> 6 & 0x3F)));
		buf_putc(b, (char)(0x80 | (v & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | v >> 18));
		buf_putc(b, (char)(0x80 | (v >> 12 & 0x3F)));
		buf_putc(b, (char)(0x80 | (v >> 6 & 0x3F)));
		buf_putc(b, (char)(0x80 | (v & 0x3F)));
	}
}

/* A string's bytes into out (NULL: skipped). */
static int string(struct cursor *c, struct buf *out)
{
	static const char plain[] = "\"\\/bfnrt", real[] = "\"\\/\b\f\n\r\t";
	const char *q, *b;
	unsigned v, lo;

	if (!eat(c, '"'))
		return -1;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p != '\\') {
			/* The run up to the quote or a backslash, by memchr's speed. */
			if ((q = memchr(c->p, '"', (size_t)(c->end - c->p))) == NULL)
				q = c->end;
			q = (b = memchr(c->p, '\\', (size_t)(q - c->p))) != NULL ? b : q;
			if (out)
				buf_put(out, c->p, (size_t)(q - c->p));
			c->p = q;
			continue;
		}
		if (c->end - c->p < 2)
			return -1;
		if (c->p[1] == 'u') {
			if (c->end - c->p < 6 || hex4(c->p + 2, &v) < 0)
				return -1;
			c->p += 6;
			if (v >= 0xD800 && v < 0xDC00 && c->end - c->p >= 6 && c->p[0] == '\\' &&
			    c->p[1] == 'u' && hex4(c->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
				v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
				c->p += 6;
			}
			if (out)
				put_utf8(out, v);
			continue;
		}
		if ((q = memchr(plain, c->p[1], sizeof plain - 1)) == NULL)
			return -1;
		if (out)
			buf_putc(out, real[q - plain]);
		c->p += 2;
	}
	if (c->p == c->end)
		return -1;
	c->p++;
	return 0;
}

/* Any value, not kept; nesting is bounded. */
static int skip(struct cursor *c, int depth)
{
	char close;

	space(c);
	if (c->p == c->end || depth > 16)
		return -1;
	if (*c->p == '"')
		return string(c, NULL);
	if (*c->p != '{' && *c->p != '[') {
		/* A number, true, false or null: up to the next delimiter. */
		const char *start = c->p;

		while (c->p < c->end && !strchr(",}] \t\r\n", *c->p))
			c->p++;
		return c->p > start ? 0 : -1;
	}
	close = *c->p == '{' ? '}' : ']';
	c->p++;
	if (eat(c, close))
		return 0;
	do {
		if (close == '}' && (string(c, NULL) < 0 || !eat(c, ':')))
			return -1;
		if (skip(c, depth + 1) < 0)
			return -1;
	} while (eat(c, ','));
	return eat(c, close) ? 0 : -1;
}

/* An object, kept as written (it was written as JSON by the program). */
static int kept(struct cursor *c, struct buf *out)
{
	const char *start;

	space(c);
	start = c->p;
	if (c->p == c->end || *c->p != '{' || skip(c, 0) < 0)
		return -1;
	buf_put(out, start, (size_t)(c->p - start));
	return 0;
}

/* name=value, or name[]=value for an array's each. */
static void put_pair(struct buf *body, const struct buf *name, const struct buf *value,
    int bracketed)
{
	if (body->len > 0)
		buf_putc(body, '&');
	buf_put_urlencoded(body, name->data ? name->data : "", name->len);
	if (bracketed)
		buf_puts(body, "%5B%5D");
	buf_putc(body, '=');
	buf_put_urlencoded(body, value->data ? value->data : "", value->len);
}

/* Keeps the first value of callId, from and to as they are. */
static void remember(struct logline *l, const struct buf *name, const struct buf *value)
{
	struct buf *keep = NULL;

	if (name->len == 6 && memcmp(name->data, "callId", 6) == 0)
		keep = &l->call_id;
	else if (name->len == 4 && memcmp(name->data, "from", 4) == 0)
		keep = &l->from;
	else if (name->len == 2 && memcmp(name->data, "to", 2) == 0)
		keep = &l->to;
	if (keep && keep->len == 0)
		buf_put(keep, value->data ? value->data : "", value->len);
}

/* Its length, then its bytes: a value may hold any byte, NUL too. */
static void put_counted(struct buf *pairs, const struct buf *s)
{
	buf_put(pairs, &s->len, sizeof s->len);
	buf_put(pairs, s->data ? s->data : "", s->len);
}

int logline_pair(const struct logline *l, size_t *pos, const char **name, size_t *nlen,
    const char **value, size_t *vlen)
{
	const struct buf *p = &l->pairs;
	const char **out[2] = { name, value };
	size_t *len[2] = { nlen, vlen };
	int i;

	for (i = 0; i < 2; i++) {
		if (p->len - *pos < sizeof(size_t))
			return 0;
		memcpy(len[i], p->data + *pos, sizeof(size_t));
		*pos += sizeof(size_t);
		*out[i] = p->data + *pos;
		*pos += *len[i];
	}
	return 1;
}

/* One value of name, decoded straight into the list (its length written
 * once it is known), and into the rebuilt body. */
static int take_value(struct cursor *c, struct logline *l, const struct buf *name,
    int bracketed)
{
	size_t start = l->pairs.len, at, len;

	put_counted(&l->pairs, name);
	at = l->pairs.len;
	buf_put(&l->pairs, &at, sizeof at);	/* room for the length */
	if (string(c, &l->pairs) < 0 || l->pairs.oom) {
		/* The list holds whole pairs only, whatever the line. */
		l->pairs.len = start;
		return -1;
	}
	len = l->pairs.len - at - sizeof len;
	memcpy(l->pairs.data + at, &len, sizeof len);
	{
		const struct buf v = { l->pairs.data + at + sizeof len, len, len, 0 };

		if (!l->no_body)
			put_pair(&l->body, name, &v, bracketed);
		remember(l, name, &v);
	}
	return 0;
}

static int params(struct cursor *c, struct logline *l)
{
	struct buf *name = &l->name;

	if (!eat(c, '{'))
		return -1;
	if (eat(c, '}'))
		return 0;
	do {
		name->len = 0;
		if (string(c, name) < 0 || !eat(c, ':'))
			return -1;
		if (eat(c, '[')) {
			if (!eat(c, ']')) {
				do {
					if (take_value(c, l, name, 1) < 0)
						return -1;
				} while (eat(c, ','));
				if (!eat(c, ']'))
					return -1;
			}
		} else if (take_value(c, l, name, 0) < 0)
			return -1;
	} while (eat(c, ','));
	return eat(c, '}') ? 0 : -1;
}

static void terminate(struct buf *b)
{
	buf_putc(b, '\0');
	if (!b->oom)
		b->len--;
}

/* Whether the key read (NUL-terminated, so an inner NUL stops it) is k. */
static int is_key(const struct buf *key, const char *k)
{
	size_t n = strlen(k);

	return key->len == n + 1 && memcmp(key->data, k, n + 1) == 0;
}

/* Every buffer of l emptied, its memory kept. */
static void reset(struct logline *l)
{
	struct buf *all[] = {
		&l->received, &l->event, &l->body, &l->call_id, &l->from, &l->to, &l->pairs,
		&l->rule, &l->caller, &l->outcome, &l->name
	};
	size_t i;

	for (i = 0; i < sizeof all / sizeof *all; i++) {
		all[i]->len = 0;
		all[i]->oom = 0;
	}
}

int logline_parse(const char *line, size_t len, struct logline *l)
{
	struct cursor c = { line, line + len };
	struct buf key = { 0 };
	int rc = 0;

	reset(l);
	if (!eat(&c, '{'))
		goto out;
	do {
		key.len = 0;
		if (string(&c, &key) < 0 || !eat(&c, ':'))
			goto out;
		buf_putc(&key, '\0');
		if (key.oom) {
			rc = -1;
			goto out;
		}
		if (is_key(&key, "received") ? string(&c, &l->received) < 0 :
		    is_key(&key, "event") ? string(&c, &l->event) < 0 :
		    is_key(&key, "params") ? params(&c, l) < 0 :
		    is_key(&key, "caller") ? string(&c, &l->caller) < 0 :
		    is_key(&key, "outcome") ? string(&c, &l->outcome) < 0 :
		    is_key(&key, "rule") ? kept(&c, &l->rule) < 0 :
		    skip(&c, 0) < 0)
			goto out;
	} while (eat(&c, ','));
	if (!eat(&c, '}'))
		goto out;
	space(&c);
	rc = c.p == c.end && l->received.len > 0 && l->event.len > 0;
out:
	buf_free(&key);
	/* Kept NUL-terminated for the caller, even when empty. */
	terminate(&l->received);
	terminate(&l->event);
	terminate(&l->body);
	terminate(&l->call_id);
	terminate(&l->from);
	terminate(&l->to);
	terminate(&l->rule);
	terminate(&l->caller);
	terminate(&l->outcome);
	if (l->received.oom || l->event.oom || l->body.oom || l->call_id.oom ||
	    l->from.oom || l->to.oom || l->pairs.oom || l->rule.oom || l->caller.oom ||
	    l->outcome.oom)
		rc = -1;
	return rc;
}

void logline_free(struct logline *l)
{
	buf_free(&l->received);
	buf_free(&l->event);
	buf_free(&l->body);
	buf_free(&l->call_id);
	buf_free(&l->from);
	buf_free(&l->to);
	buf_free(&l->pairs);
	buf_free(&l->rule);
	buf_free(&l->caller);
	buf_free(&l->outcome);
	buf_free(&l->name);
}
