/* buf: a growable byte buffer, kept NUL-terminated once anything is in it.
 * Appends never fail loudly: running out of memory sets a sticky flag that
 * the owner checks once, after building. */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	int oom;
};

/* Room for n more bytes after len (a read's target); -1, and oom set, if
 * there is none. */
int buf_reserve(struct buf *b, size_t n);
/* buf_put's way when the room must grow (or the buffer failed). */
void buf_put_grow(struct buf *b, const void *p, size_t n);

/* Inline where the room is there: a reader of many lines puts millions. */
static inline void buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (n < b->cap - b->len && !b->oom) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else
		buf_put_grow(b, p, n);
}
/* b holds p[0..n) instead, in no more memory than that and a NUL when it
 * must grow: for the many small values a table keeps. */
void buf_assign(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* p[0..n) as a URL query value: all but RFC 3986's unreserved as %XX. */
void buf_put_urlencoded(struct buf *b, const char *p, size_t n);
void buf_free(struct buf *b);

#endif
