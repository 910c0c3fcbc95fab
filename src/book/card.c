/* A card and its numbers into the book: the one way the readers add to
 * it, each number normalised once as it arrives. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/json.h"
#include "book/extern.h"

void book_warn(const struct book_at *at, int line, const char *fmt, ...)
{
	va_list ap;

	if (at->warnings == NULL)
		return;
	if (line > 0)
		buf_printf(at->warnings, "%s:%d: ", at->file, line);
	else
		buf_printf(at->warnings, "%s: ", at->file);
	va_start(ap, fmt);
	buf_vprintf(at->warnings, fmt, ap);
	va_end(ap);
	buf_putc(at->warnings, '\n');
}

struct book_card *book_card_new(struct book *b, const char *name, size_t len,
    const char *const *categories, size_t ncategories)
{
	struct book_card *c = arena_alloc(b->arena, sizeof *c);
	const char **cats = ncategories ? arena_alloc(b->arena, ncategories * sizeof *cats) : NULL;
	size_t i, n;

	if (len > BOOK_NAME_MAX) {
		/* Cut before a character, not inside one. */
		for (i = 0; i < len && (n = json_utf8_len((const unsigned char *)name + i,
		    len - i)) > 0 && i + n <= BOOK_NAME_MAX; i += n)
			;
		len = i;
	}
	if (c == NULL || (ncategories && cats == NULL))
		return NULL;
	if ((c->name = arena_strndup(b->arena, name, len)) == NULL)
		return NULL;
	for (i = 0; i < ncategories; i++)
		if ((cats[i] = arena_strndup(b->arena, categories[i], strlen(categories[i]))) == NULL)
			return NULL;
	c->categories = cats;
	c->ncategories = ncategories;
	return c;
}

/* A TEL value as its digits: a tel: URI's scheme goes, and its ;ext=
 * parameter becomes the number's last digits. */
static size_t tel_text(const char *v, size_t len, char *out, size_t max)
{
	const char *semi, *ext;
	size_t n, e = 0;

	out[0] = '\0';
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	if (len >= 4 && strncasecmp(v, "tel:", 4) == 0) {
		v += 4;
		len -= 4;
	}
	semi = memchr(v, ';', len);
	n = semi ? (size_t)(semi - v) : len;
	if (n >= max)
		return 0;
	memcpy(out, v, n);
	if (semi) {
		for (ext = semi; ext + 5 <= v + len; ext++)
			if (strncasecmp(ext, ";ext=", 5) == 0)
				break;
		if (ext + 5 <= v + len)
			for (ext += 5; ext < v + len && *ext >= '0' && *ext <= '9' && n + e < max - 1; ext++)
				out[n + e++] = *ext;
	}
	out[n + e] = '\0';
	return n + e;
}

int book_add(const struct book_at *at, int line, const struct book_card *card,
    const char *value, size_t len)
{
	struct book *b = at->b;
	struct book_entry *e;
	struct number num;
	char text[128];
	size_t n = tel_text(value, len, text, sizeof text);

	number_incoming(text, n, b->country, &num);
	if (n == 0 || num.kind != NUMBER_DIGITS) {
		book_warn(at, line, "not a number: \"%.*s\"", (int)(len > 64 ? 64 : len), value);
		return -1;
	}
	if (arena_grow(b->arena, (void **)&b->entries, &b->cap, b->nentries + 1, sizeof *e) < 0)
		return -2;
	e = &b->entries[b->nentries];
	memcpy(e->digits, num.digits, sizeof e->digits);
	e->card = card;
	e->seq = b->nentries++;
	return 0;
}
