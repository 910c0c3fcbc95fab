/* The plain form: number<TAB>name[<TAB>categories] a line, categories
 * separated by commas; blank lines and lines starting with # are skipped. */
#include <string.h>

#include "book/extern.h"

/* The categories of one line, cut into cats (at most max). */
static size_t split_categories(char *s, const char **cats, size_t max)
{
	size_t n = 0;
	char *item = s, *end;

	while (item && *item && n < max) {
		if ((end = strchr(item, ',')) != NULL)
			*end++ = '\0';
		while (*item == ' ')
			item++;
		if (*item)
			cats[n++] = item;
		item = end;
	}
	return n;
}

static int tsv_line(const struct book_at *at, const char *p, size_t n, int line)
{
	const char *tab = memchr(p, '\t', n), *name, *cats[64], *tab2;
	struct book_card *card;
	char catbuf[1024];
	size_t name_len, ncats = 0, cat_len;

	if (tab == NULL) {
		book_warn(at, line, "want number<TAB>name; skipped");
		return 0;
	}
	name = tab + 1;
	name_len = n - (size_t)(name - p);
	if ((tab2 = memchr(name, '\t', name_len)) != NULL) {
		cat_len = name_len - (size_t)(tab2 + 1 - name);
		name_len = (size_t)(tab2 - name);
		if (cat_len >= sizeof catbuf)
			cat_len = sizeof catbuf - 1;
		memcpy(catbuf, tab2 + 1, cat_len);
		catbuf[cat_len] = '\0';
		ncats = split_categories(catbuf, cats, sizeof cats / sizeof *cats);
	}
	if (name_len == 0) {
		book_warn(at, line, "no name after the number; skipped");
		return 0;
	}
	if ((card = book_card_new(at->b, name, name_len, cats, ncats)) == NULL)
		return -1;
	at->b->ncards++;
	return book_add(at, line, card, p, (size_t)(tab - p)) == -2 ? -1 : 0;
}

int book_read_tsv(const struct book_at *at, const char *data, size_t len)
{
	size_t pos = 0;
	int line = 0;

	while (pos < len) {
		const char *p = data + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;

		pos += n + 1;
		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#')
			continue;
		if (tsv_line(at, p, n, line) < 0)
			return -1;
	}
	return 0;
}
