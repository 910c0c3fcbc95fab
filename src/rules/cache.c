#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

/* Two files kept: a worker reads one, --diff compares two. */
#define KEPT 2
static struct kept {
	struct rules *r;
	struct file_id id;
	unsigned long used;	/* for evicting the one used least recently */
} kept[KEPT];

/* At exit, so that a leak checker sees every allocation given back. */
static void forget_kept(void)
{
	size_t i;

	for (i = 0; i < KEPT; i++) {
		rules_free(kept[i].r);
		kept[i].r = NULL;
	}
}

static int kept_unchanged(const struct kept *k, const char *path)
{
	size_t i;

	if (!file_id_unchanged(&k->id, path))
		return 0;
	for (i = 0; i < k->r->nsources; i++)
		if (!file_id_unchanged(&k->r->sources[i].id, k->r->sources[i].path))
			return 0;
	return 1;
}

/* The slot holding path, or the one to load it into. */
static struct kept *kept_slot(const char *path)
{
	struct kept *k = &kept[0];
	size_t i;

	for (i = 0; i < KEPT; i++)
		if (kept[i].r && strcmp(path, kept[i].r->path) == 0)
			return &kept[i];
	for (i = 0; i < KEPT; i++)
		if (kept[i].r == NULL || kept[i].used < k->used)
			k = &kept[i];
	return k;
}

const struct rules *rules_cache_get(const char *path, struct buf *errors)
{
	static unsigned long uses;
	static int registered;
	struct kept *k = kept_slot(path);
	struct stat st;

	if (k->r && strcmp(path, k->r->path) == 0 && kept_unchanged(k, path)) {
		k->used = ++uses;
		return k->r;
	}
	rules_free(k->r);
	k->r = NULL;
	if (!registered)
		registered = atexit(forget_kept) == 0;
	if ((k->r = rules_read(path, RULES_RUN, errors, NULL, &st))) {
		file_id_set(&k->id, &st);
		k->used = ++uses;
	}
	return k->r;
}
