#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct block *head;
	int failed;
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct block *b = a->head;
	void *p;

	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	if (b == NULL || b->size - b->used < size) {
		size_t bytes = size > 16384 ? size : 16384;

		if ((b = malloc(sizeof *b + bytes)) == NULL) {
			a->failed = 1;
			return NULL;
		}
		b->next = a->head;
		b->used = 0;
		b->size = bytes;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

int arena_grow(struct arena *a, void **p, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap : 8;
	void *q;

	if (n <= *cap)
		return 0;
	while (want < n)
		want *= 2;
	if ((q = arena_alloc(a, want * size)) == NULL)
		return -1;
	if (*cap)
		memcpy(q, *p, *cap * size);
	*p = q;
	*cap = want;
	return 0;
}

int arena_failed(const struct arena *a)
{
	return a->failed;
}

void arena_free(struct arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}
