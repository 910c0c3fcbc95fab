#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "logs.h"

/* A folder is no log: it would read as empty, and "no change" would be a
 * lie. */
FILE *logs_open(const char *path)
{
	struct stat st;
	char magic[2];
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sipgate-webhook: %s: a folder, not a log: name its files (%s/events.jsonl*)\n",
		    path, path);
		fclose(f);
		return NULL;
	}
	/* Read as lines, a compressed rotation would be "not event records"
	 * and its calls would go uncounted: say so instead. */
	if (S_ISREG(st.st_mode) && pread(fileno(f), magic, 2, 0) == 2 &&
	    (unsigned char)magic[0] == 0x1f && (unsigned char)magic[1] == 0x8b) {
		fprintf(stderr, "sipgate-webhook: %s: compressed (gzip): uncompress it first "
		    "(gunzip -k %s), or keep rotations uncompressed as the shipped logrotate file does\n",
		    path, path);
		fclose(f);
		return NULL;
	}
	return f;
}

