/* The address book's table: its files read (one, or a folder's .vcf files
 * in name order), every number normalised once and sorted, so that a
 * caller is found by binary search. */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/arena.h"
#include "book/extern.h"

static int by_digits(const void *a, const void *b)
{
	const struct book_entry *x = a, *y = b;
	int c = strcmp(x->digits, y->digits);

	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorted, with each number once: the first card read keeps it. */
static void settle(struct book *b, const struct book_at *at)
{
	size_t i, kept = 0;

	if (b->nentries > 1)
		qsort(b->entries, b->nentries, sizeof *b->entries, by_digits);
	for (i = 0; i < b->nentries; i++) {
		if (kept > 0 && strcmp(b->entries[kept - 1].digits, b->entries[i].digits) == 0) {
			if (b->entries[kept - 1].card != b->entries[i].card)
				book_warn(at, 0, "%s is on the cards of \"%s\" and \"%s\": the first is used",
				    b->entries[i].digits, b->entries[kept - 1].card->name,
				    b->entries[i].card->name);
			continue;
		}
		b->entries[kept++] = b->entries[i];
	}
	b->nentries = kept;
}

/* vCard text, or the plain form: the first line says which. */
static int read_text(const struct book_at *at, const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (len - i >= 11 && strncasecmp(data + i, "BEGIN:VCARD", 11) == 0)
		return book_read_vcards(at, data + i, len - i);
	return book_read_tsv(at, data + i, len - i);
}

/* An index is mapped, not read: a search touches the pages it bisects and
 * no more.  Only a check (warnings) reads it through, to count it and to
 * see that it is in order.  1: path is an index, kept in b; 0: it is not
 * (or cannot be mapped), and is read as any book; -1: it cannot be used. */
static int map_index(struct book *b, const struct book_at *at, const char *path,
    struct stat *st, char *why, size_t why_len)
{
	const size_t hlen = sizeof BOOK_INDEX_HEADER - 1;
	char head[sizeof BOOK_INDEX_HEADER];
	const char *p, *end, *prev = NULL;
	size_t prev_len = 0, line = 1;
	void *data;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || (size_t)st->st_size < hlen ||
	    pread(fd, head, hlen, 0) != (ssize_t)hlen || memcmp(head, BOOK_INDEX_HEADER, hlen) != 0) {
		close(fd);
		return 0;
	}
	if ((size_t)st->st_size > BOOK_FILE_MAX) {
		close(fd);
		snprintf(why, why_len, "larger than %zu bytes", BOOK_FILE_MAX);
		return -1;
	}
	data = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return 0;
	b->index = data;
	b->index_len = (size_t)st->st_size;
	b->nfiles = 1;
	if ((b->slot = arena_alloc(b->arena, sizeof *b->slot)) == NULL) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	p = b->index + hlen;
	end = b->index + b->index_len;
	while (at->warnings && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *tab = memchr(p, '\t', (size_t)(e - p));
		size_t n = tab ? (size_t)(tab - p) : (size_t)(e - p);
		int c = prev ? strncmp(prev, p, n < prev_len ? n : prev_len) : -1;

		line++;
		if (prev && (c > 0 || (c == 0 && prev_len >= n)))
			book_warn(at, (int)line, "out of order; make the index again with --phonebook-index");
		b->nentries++;
		b->ncards++;
		prev = p;
		prev_len = n;
		p = e + 1;
	}
	return 1;
}

static int read_one(struct book *b, struct buf *warnings, const char *path, int vcard_only,
    size_t *budget, char *why, size_t why_len)
{
	struct book_at at = { b, warnings, path };
	struct stat st;
	size_t len;
	char *data = file_read(path, *budget, &len, &st, why, why_len);
	int rc;

	if (data == NULL)
		return -1;
	*budget -= len;
	b->nfiles++;
	rc = vcard_only ? book_read_vcards(&at, data, len) : read_text(&at, data, len);
	free(data);
	if (rc < 0)
		snprintf(why, why_len, "out of memory");
	return rc < 0 ? -2 : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_vcf(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && strcasecmp(name + n - 4, ".vcf") == 0;
}

/* A folder's .vcf files, in name order; one that cannot be read is left
 * out with a warning. */
static int read_folder(struct book *b, struct buf *warnings, const char *path,
    char *why, size_t why_len)
{
	struct book_at at = { b, warnings, path };
	size_t budget = BOOK_FILE_MAX, n = 0, cap = 0, i;
	char **names = NULL, file[4200], reason[160];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(path)) == NULL) {
		snprintf(why, why_len, "%s", strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!is_vcf(de->d_name))
			continue;
		if (n == BOOK_FILES_MAX) {
			snprintf(why, why_len, "more than %d .vcf files", BOOK_FILES_MAX);
			rc = -1;
		} else if (n == cap && arena_grow(b->arena, (void **)&names, &cap, n + 1, sizeof *names) < 0) {
			rc = -2;
		} else if ((names[n] = arena_strndup(b->arena, de->d_name, strlen(de->d_name))) == NULL) {
			rc = -2;
		} else {
			n++;
		}
	}
	closedir(d);
	if (rc == -2)
		snprintf(why, why_len, "out of memory");
	if (rc < 0)
		return rc;
	qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		if ((rc = read_one(b, warnings, file, 1, &budget, reason, sizeof reason)) == -1) {
			if (budget == 0 || strstr(reason, "larger than")) {
				snprintf(why, why_len, "its .vcf files are larger than %zu bytes together",
				    BOOK_FILE_MAX);
				return -1;
			}
			book_warn(&at, 0, "%s: %s; left out", names[i], reason);
			rc = 0;
		}
	}
	if (rc < 0)
		snprintf(why, why_len, "out of memory");
	return rc;
}

struct book *book_load(const char *path, const char *country, struct buf *warnings,
    char *why, size_t why_len)
{
	struct book_at at = { NULL, warnings, path };
	struct book *b = NULL;
	struct arena *a;
	struct stat st;
	size_t budget = BOOK_FILE_MAX;
	char reason[200];
	int rc;

	if (stat(path, &st) < 0) {
		snprintf(why, why_len, "phonebook %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((a = arena_new()) == NULL || (b = arena_alloc(a, sizeof *b)) == NULL) {
		arena_free(a);
		snprintf(why, why_len, "phonebook %s: out of memory", path);
		return NULL;
	}
	b->arena = a;
	b->path = arena_strndup(a, path, strlen(path));
	snprintf(b->country, sizeof b->country, "%s", country);
	at.b = b;
	if (S_ISDIR(st.st_mode))
		rc = read_folder(b, warnings, path, reason, sizeof reason);
	else if ((rc = map_index(b, &at, path, &st, reason, sizeof reason)) == 0)
		rc = read_one(b, warnings, path, 0, &budget, reason, sizeof reason);
	else
		rc = rc > 0 ? 0 : -1;
	if (rc == 0 && b->path == NULL) {
		rc = -1;
		snprintf(reason, sizeof reason, "out of memory");
	}
	if (rc < 0) {
		snprintf(why, why_len, "phonebook %s: %s", path, reason);
		book_free(b);
		return NULL;
	}
	if (b->index == NULL)
		settle(b, &at);
	/* The folder's own stamps, taken before its files were read: a
	 * change during the read makes the next look read it again. */
	file_id_set(&b->id, &st);
	return b;
}

void book_free(struct book *b)
{
	if (b) {
		if (b->index)
			munmap(b->index, b->index_len);
		arena_free(b->arena);
	}
}

static const struct book_entry *lookup(const struct book *b, const char *digits)
{
	size_t lo = 0, hi = b->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(digits, b->entries[mid].digits);

		if (c == 0)
			return &b->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The card with exactly digits, from the table or the index. */
static const struct book_card *exact(const struct book *b, const char *digits)
{
	const struct book_entry *e;

	if (b->index)
		return book_index_find(b, digits);
	return (e = lookup(b, digits)) != NULL ? e->card : NULL;
}

const struct book_card *book_find(const struct book *b, const struct number *v)
{
	const struct book_card *c;
	char base[NUMBER_MAX + 1];
	size_t n, k;

	if (b == NULL || v->kind != NUMBER_DIGITS)
		return NULL;
	if ((c = exact(b, v->digits)) != NULL)
		return c;
	n = strlen(v->digits);
	/* The longest number on a card that the caller's extends. */
	for (k = n - 1; k >= BOOK_BASE_MIN && k + BOOK_EXT_MAX >= n; k--) {
		memcpy(base, v->digits, k);
		base[k] = '\0';
		if ((c = exact(b, base)) != NULL)
			return c;
	}
	return NULL;
}

int book_in_category(const struct book_card *c, const char *cat, size_t cat_len)
{
	size_t i;

	for (i = 0; i < c->ncategories; i++)
		if (strlen(c->categories[i]) == cat_len && strncasecmp(c->categories[i], cat, cat_len) == 0)
			return 1;
	return 0;
}
