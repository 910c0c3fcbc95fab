/* vCard 3.0 and 4.0 (RFC 2426, RFC 6350) as far as a caller's name needs
 * them: folded lines, FN, N, ORG, every TEL and CATEGORIES.  Version 2.1
 * (quoted-printable, other character sets) and cards that do not end are
 * skipped with a warning. */
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "book/extern.h"

/* What one card has said so far; the buffers are reused card to card. */
struct card {
	int open, line;		/* line: its BEGIN:VCARD */
	int v21;
	struct buf fn, n, org;
	struct buf tels;	/* per TEL: its line, its length, its bytes */
	struct buf cats;	/* each category NUL-terminated */
	size_t ncats;
};

static void card_reset(struct card *c)
{
	c->open = c->v21 = 0;
	c->fn.len = c->n.len = c->org.len = c->tels.len = c->cats.len = 0;
	c->ncats = 0;
}

static void card_free(struct card *c)
{
	buf_free(&c->fn);
	buf_free(&c->n);
	buf_free(&c->org);
	buf_free(&c->tels);
	buf_free(&c->cats);
}

/* Component k of a structured value (split at unescaped ';'), or with sep
 * ',' item k of a list, unescaped into out.  0 if there is no such one. */
static int component(const char *v, size_t len, char sep, size_t k, struct buf *out)
{
	size_t i, at = 0;

	out->len = 0;
	for (i = 0; i < len; i++) {
		char ch = v[i];

		if (ch == '\\' && i + 1 < len) {
			ch = v[++i];
			if (ch == 'n' || ch == 'N')
				ch = ' ';
		} else if (ch == sep) {
			if (at++ == k)
				break;
			continue;
		}
		if (at == k)
			buf_putc(out, ch);
	}
	buf_putc(out, '\0');
	out->len--;
	return at >= k;
}

/* Leading and trailing blanks off b. */
static void trim(struct buf *b)
{
	size_t start = 0;

	while (b->len > 0 && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
		b->len--;
	while (start < b->len && (b->data[start] == ' ' || b->data[start] == '\t'))
		start++;
	memmove(b->data, b->data + start, b->len - start);
	b->len -= start;
	b->data[b->len] = '\0';
}

/* The card's name: FN, else N as "Given Family", else ORG's first part. */
static void card_name(struct card *c, struct buf *name)
{
	struct buf part = { 0 };

	name->len = 0;
	if (c->fn.len) {
		component(c->fn.data, c->fn.len, '\0', 0, name);
	} else if (c->n.len) {
		component(c->n.data, c->n.len, ';', 1, name);
		trim(name);
		component(c->n.data, c->n.len, ';', 0, &part);
		trim(&part);
		if (name->len && part.len)
			buf_putc(name, ' ');
		buf_put(name, part.data, part.len);
	} else if (c->org.len) {
		component(c->org.data, c->org.len, ';', 0, name);
	}
	buf_free(&part);
	if (name->data) {
		buf_putc(name, '\0');
		name->len--;
		trim(name);
	}
}

/* END:VCARD: the card's numbers go into the book. */
static int card_end(const struct book_at *at, struct card *c, struct buf *name)
{
	const char *cats[64];
	struct book_card *card;
	size_t i, n, pos;

	if (c->v21) {
		book_warn(at, c->line, "a vCard 2.1 is not read; export it as vCard 3.0 or 4.0");
		at->b->nskipped++;
		return 0;
	}
	if (c->tels.len == 0)
		return 0;
	card_name(c, name);
	if (name->len == 0 || !json_utf8_valid(name->data, name->len)) {
		book_warn(at, c->line, name->len ? "the card's name is not UTF-8; skipped" :
		    "the card has no FN, N or ORG; skipped");
		at->b->nskipped++;
		return 0;
	}
	for (i = 0, pos = 0; i < c->ncats && i < sizeof cats / sizeof *cats; i++) {
		cats[i] = c->cats.data + pos;
		pos += strlen(cats[i]) + 1;
	}
	if ((card = book_card_new(at->b, name->data, name->len, cats, i)) == NULL)
		return -1;
	at->b->ncards++;
	for (pos = 0; pos < c->tels.len; pos += n) {
		int line;
		size_t len;

		memcpy(&line, c->tels.data + pos, sizeof line);
		memcpy(&len, c->tels.data + pos + sizeof line, sizeof len);
		n = sizeof line + sizeof len + len;
		if (book_add(at, line, card, c->tels.data + pos + sizeof line + sizeof len, len) == -2)
			return -1;
	}
	return 0;
}

static int is_prop(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static void keep_value(struct buf *b, const char *v, size_t len)
{
	b->len = 0;
	buf_put(b, v, len);
}

static void add_categories(struct card *c, const char *v, size_t len)
{
	struct buf item = { 0 };
	size_t k;

	for (k = 0; component(v, len, ',', k, &item); k++) {
		trim(&item);
		if (item.len == 0)
			continue;
		buf_put(&c->cats, item.data, item.len + 1);
		c->ncats++;
	}
	buf_free(&item);
}

/* One unfolded content line: [group.]NAME[;params]:value. */
static int content_line(const struct book_at *at, struct card *c, struct buf *name,
    const char *p, size_t len, int line)
{
	size_t i, nlen, value;
	const char *prop = p;
	int quoted = 0;

	for (i = 0; i < len && p[i] != ';' && p[i] != ':'; i++)
		if (p[i] == '.')
			prop = p + i + 1;
	nlen = (size_t)(p + i - prop);
	for (; i < len && (quoted || p[i] != ':'); i++)
		if (p[i] == '"')
			quoted = !quoted;
	if (i == len)
		return 0;		/* not a content line: nothing to read */
	value = i + 1;
	p += value;
	len -= value;
	if (is_prop(prop, nlen, "BEGIN") && len == 5 && strncasecmp(p, "VCARD", 5) == 0) {
		if (c->open) {
			book_warn(at, c->line, "the card has no END:VCARD; skipped");
			at->b->nskipped++;
		}
		card_reset(c);
		c->open = 1;
		c->line = line;
		return 0;
	}
	if (!c->open)
		return 0;
	if (is_prop(prop, nlen, "END") && len == 5 && strncasecmp(p, "VCARD", 5) == 0) {
		c->open = 0;
		return card_end(at, c, name);
	}
	if (is_prop(prop, nlen, "VERSION"))
		c->v21 = len == 3 && memcmp(p, "2.1", 3) == 0;
	else if (is_prop(prop, nlen, "FN"))
		keep_value(&c->fn, p, len);
	else if (is_prop(prop, nlen, "N"))
		keep_value(&c->n, p, len);
	else if (is_prop(prop, nlen, "ORG"))
		keep_value(&c->org, p, len);
	else if (is_prop(prop, nlen, "CATEGORIES"))
		add_categories(c, p, len);
	else if (is_prop(prop, nlen, "TEL")) {
		buf_put(&c->tels, &line, sizeof line);
		buf_put(&c->tels, &len, sizeof len);
		buf_put(&c->tels, p, len);
	}
	return 0;
}

int book_read_vcards(const struct book_at *at, const char *data, size_t len)
{
	struct card c = { 0 };
	struct buf folded = { 0 }, name = { 0 };
	const char *cur = NULL;		/* the logical line, if not folded */
	size_t cur_len = 0, pos = 0;
	int lineno = 0, cur_line = 0, rc = 0;

	while (rc == 0) {
		int last = pos >= len;
		const char *p = data + (last ? len : pos);
		const char *nl = last ? NULL : memchr(p, '\n', len - pos);
		size_t n = last ? 0 : nl ? (size_t)(nl - p) : len - pos;

		pos += n + 1;
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* A line that starts with a blank continues the one before. */
		if (!last && n > 0 && (p[0] == ' ' || p[0] == '\t') && (cur || folded.len)) {
			if (cur) {
				folded.len = 0;
				buf_put(&folded, cur, cur_len);
				cur = NULL;
			}
			buf_put(&folded, p + 1, n - 1);
			continue;
		}
		if (cur)
			rc = content_line(at, &c, &name, cur, cur_len, cur_line);
		else if (folded.len)
			rc = content_line(at, &c, &name, folded.data, folded.len, cur_line);
		folded.len = 0;
		cur = last ? NULL : p;
		cur_len = n;
		cur_line = lineno;
		if (folded.oom || c.tels.oom || c.cats.oom || c.fn.oom || c.n.oom || c.org.oom || name.oom)
			rc = -1;
		if (last)
			break;
	}
	if (rc == 0 && c.open) {
		book_warn(at, c.line, "the card has no END:VCARD; skipped");
		at->b->nskipped++;
	}
	card_free(&c);
	buf_free(&folded);
	buf_free(&name);
	return rc;
}
