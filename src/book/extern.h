/* extern: what the address book's readers (vcard.c, tsv.c), its cards
 * (card.c), its table (table.c) and its index (index.c) share, private to
 * book/.  A reader turns one file's text into cards and hands each number
 * to book_add. */
#ifndef BOOK_EXTERN_H
#define BOOK_EXTERN_H

#include "book/book.h"

/* Where a reader is, for its warnings. */
struct book_at {
	struct book *b;
	struct buf *warnings;		/* may be NULL */
	const char *file;
};

/* A warning "file:line: message" (line 0: none). */
void book_warn(const struct book_at *at, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A card with its name (len bytes, cut at BOOK_NAME_MAX on a character's
 * start) and categories, in b's memory; NULL when out of memory. */
struct book_card *book_card_new(struct book *b, const char *name, size_t len,
    const char *const *categories, size_t ncategories);

/* Adds the number value[0..len) (any punctuation, tel: URIs) for card.
 * 0, or -1 with a warning when it is not a number; -2: out of memory. */
int book_add(const struct book_at *at, int line, const struct book_card *card,
    const char *value, size_t len);

/* The card whose number is digits in the index b holds, or NULL. */
const struct book_card *book_index_find(const struct book *b, const char *digits);

/* The readers: 0, or -1 when out of memory. */
int book_read_vcards(const struct book_at *at, const char *data, size_t len);
int book_read_tsv(const struct book_at *at, const char *data, size_t len);

#endif
