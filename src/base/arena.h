/* arena: memory that lives as long as one loaded rules file and is freed
 * at once.  An allocation that fails sets a sticky flag and returns NULL. */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void *arena_alloc(struct arena *a, size_t size);	/* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Grows *p (holding *cap elements of size each) to hold at least n. */
int arena_grow(struct arena *a, void **p, size_t *cap, size_t n, size_t size);
int arena_failed(const struct arena *a);
void arena_free(struct arena *a);

#endif
