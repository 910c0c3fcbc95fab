/* book: the office's address book (SIPGATE_PHONEBOOK), the one public
 * header.  A vCard file, a folder of .vcf files (what a CardDAV sync
 * writes) or number<TAB>name lines, read whole into a table of numbers in
 * sipgate's form, each pointing at its card's name and categories.  A
 * card that cannot be read is skipped with a warning, never an error. */
#ifndef BOOK_H
#define BOOK_H

#include <stddef.h>

#include "base/buf.h"
#include "os/file.h"
#include "push/number.h"

#define BOOK_FILE_MAX ((size_t)64 << 20)	/* one file, or a folder's files together */
#define BOOK_FILES_MAX 100000			/* .vcf files in a folder */
#define BOOK_NAME_MAX 200			/* bytes of a name; longer ones are cut */
/* A number on a card stands for its extensions too when it has at least
 * BOOK_BASE_MIN digits and the caller's is at most BOOK_EXT_MAX longer. */
#define BOOK_BASE_MIN 8
#define BOOK_EXT_MAX 5

struct book_card {
	const char *name;		/* FN, else N as "Given Family", else ORG */
	const char *const *categories;
	size_t ncategories;
};

struct book_entry {
	char digits[NUMBER_MAX + 1];
	const struct book_card *card;
	size_t seq;			/* order of reading: the first card wins */
};

/* The first line of an index (--phonebook-index): number<TAB>name
 * <TAB>categories lines in sipgate's form, sorted, searched in place. */
#define BOOK_INDEX_HEADER "# sipgate-webhook phonebook index 1\n"

/* Where a search of an index puts the card it found. */
struct book_slot {
	struct book_card card;
	char name[BOOK_NAME_MAX + 1];
	char cats[512];
	const char *cat[16];
};

struct arena;

struct book {
	const char *path;
	char country[4];
	struct book_entry *entries;	/* sorted by digits, each number once */
	size_t nentries, cap;
	size_t ncards, nfiles, nskipped;
	char *index;			/* an index, mapped (NULL: a table) */
	size_t index_len;
	struct book_slot *slot;
	struct file_id id;		/* the file, or the folder */
	struct arena *arena;
};

/* Reads path (a file or a folder) with country for national numbers.
 * NULL with the reason in why when path itself cannot be used; warnings
 * (may be NULL) get a "file:line: message" line for each card, line or
 * number left out. */
struct book *book_load(const char *path, const char *country, struct buf *warnings,
    char *why, size_t why_len);
void book_free(struct book *b);

/* The card for number v: the card with exactly v, else the one whose
 * number v extends (see BOOK_BASE_MIN); NULL if none.  From an index the
 * card is valid until the next look-up in the same book. */
const struct book_card *book_find(const struct book *b, const struct number *v);

/* Writes the book's numbers as an index to out, sorted; -1 on a write
 * error (errno). */
int book_write_index(const struct book *b, int fd);

/* Whether the card is in category cat (ASCII case ignored). */
int book_in_category(const struct book_card *c, const char *cat, size_t cat_len);

/* The book a request looks callers up in, read once per process and again
 * when the file, or the folder (a file added, removed or renamed into
 * it), changes.  NULL with the reason in why.  The caller does not free it. */
const struct book *book_cache_get(const char *path, const char *country,
    char *why, size_t why_len);

#endif
