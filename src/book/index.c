/* The index: the book's numbers written once in sipgate's form, sorted, so
 * that a CGI finds a caller by bisecting the file as read, without
 * building the table (a 10,000-card folder costs a CGI far more than one
 * search of its index). */
#include <string.h>

#include "book/extern.h"
#include "os/fdio.h"

/* The line holding byte at, from its start; its digits field. */
static const char *line_start(const char *data, size_t at)
{
	while (at > 0 && data[at - 1] != '\n')
		at--;
	return data + at;
}

/* The card on the index line p (its digits field done), into the slot. */
static const struct book_card *card_of(const struct book *b, const char *p, const char *end)
{
	struct book_slot *s = b->slot;
	const char *tab = memchr(p, '\t', (size_t)(end - p)), *cats;
	size_t n, c;
	char *q;

	n = tab ? (size_t)(tab - p) : (size_t)(end - p);
	if (n > BOOK_NAME_MAX)
		n = BOOK_NAME_MAX;
	memcpy(s->name, p, n);
	s->name[n] = '\0';
	s->card.name = s->name;
	s->card.ncategories = 0;
	s->card.categories = s->cat;
	if (tab == NULL)
		return &s->card;
	cats = tab + 1;
	c = (size_t)(end - cats);
	if (c >= sizeof s->cats)
		c = sizeof s->cats - 1;
	memcpy(s->cats, cats, c);
	s->cats[c] = '\0';
	for (q = s->cats; *q && s->card.ncategories < sizeof s->cat / sizeof *s->cat; ) {
		s->cat[s->card.ncategories++] = q;
		if ((q = strchr(q, ',')) == NULL)
			break;
		*q++ = '\0';
	}
	return &s->card;
}

const struct book_card *book_index_find(const struct book *b, const char *digits)
{
	size_t lo = sizeof BOOK_INDEX_HEADER - 1, hi = b->index_len, n = strlen(digits);
	const char *data = b->index;

	/* lo and hi are line starts; the lines in [lo, hi) are the candidates. */
	while (lo < hi) {
		const char *p = line_start(data, lo + (hi - lo) / 2), *end, *tab;
		int c;

		end = memchr(p, '\n', (size_t)(data + b->index_len - p));
		if (end == NULL)
			end = data + b->index_len;
		tab = memchr(p, '\t', (size_t)(end - p));
		if (tab == NULL)
			tab = end;
		c = strncmp(digits, p, (size_t)(tab - p) < n ? (size_t)(tab - p) : n);
		if (c == 0)
			c = n < (size_t)(tab - p) ? -1 : n > (size_t)(tab - p);
		if (c == 0)
			return tab < end ? card_of(b, tab + 1, end) : NULL;
		if (c < 0)
			hi = (size_t)(p - data);
		else
			lo = (size_t)(end - data) + 1;
	}
	return NULL;
}

/* A name or category as one field: no TAB, CR or LF. */
static void put_field(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_putc(out, *s == '\t' || *s == '\r' || *s == '\n' ? ' ' : *s);
}

int book_write_index(const struct book *b, int fd)
{
	struct buf out = { 0 };
	size_t i, j;
	int rc;

	if (b->index)
		return fdio_write_all(fd, b->index, b->index_len);
	buf_puts(&out, BOOK_INDEX_HEADER);
	for (i = 0; i < b->nentries; i++) {
		const struct book_card *c = b->entries[i].card;

		buf_printf(&out, "%s\t", b->entries[i].digits);
		put_field(&out, c->name);
		for (j = 0; j < c->ncategories; j++) {
			buf_putc(&out, j ? ',' : '\t');
			put_field(&out, c->categories[j]);
		}
		buf_putc(&out, '\n');
	}
	rc = out.oom ? -1 : fdio_write_all(fd, out.data, out.len);
	buf_free(&out);
	return rc;
}
