/* One address book kept per process: a FastCGI worker reads an unchanged
 * book once, as it reads its rules once. */
#include <stdlib.h>
#include <string.h>

#include "book/book.h"

static struct book *kept;

/* At exit, so that a leak checker sees every allocation given back. */
static void forget_kept(void)
{
	book_free(kept);
	kept = NULL;
}

const struct book *book_cache_get(const char *path, const char *country,
    char *why, size_t why_len)
{
	static int registered;

	if (kept && strcmp(path, kept->path) == 0 && strcmp(country, kept->country) == 0 &&
	    file_id_unchanged(&kept->id, path))
		return kept;
	book_free(kept);
	if (!registered)
		registered = atexit(forget_kept) == 0;
	kept = book_load(path, country, NULL, why, why_len);
	return kept;
}
