#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "logs.h"
#include "push/logline.h"

/* A longer line is no record of the program's (bodies are at most 64 KiB). */
#define LINE_MAX_BYTES (1u << 20)

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


/* The log's "received" (2026-03-04T07:30:00.000Z) in milliseconds; -1 if
 * it is not so. */
static long long received_ms(const char *s)
{
	long long secs, ms = 0;
	const char *end = date_scan(s, &secs);
	int i;

	if (end == NULL)
		return -1;
	if (*end == '.') {
		for (i = 1; i <= 3; i++) {
			if (end[i] < '0' || end[i] > '9')
				return -1;
			ms = ms * 10 + (end[i] - '0');
		}
		end += 4;
	}
	return *end == 'Z' && secs >= 0 ? secs * 1000 + ms : -1;
}

/* One line: its record to the callback, or counted as none. */
static int take_line(struct logs_walk *w, const char *line, size_t n)
{
	struct logline l = { 0 };
	long long ms;
	int rc;

	if (n > LINE_MAX_BYTES) {
		w->skipped++;
		return 0;
	}
	if ((rc = logline_parse(line, n, &l)) < 0)
		fprintf(stderr, "sipgate-webhook: out of memory\n");
	else if (rc == 0 || (ms = received_ms(l.received.data)) < 0)
		w->skipped++;
	else {
		w->line = line;
		w->line_len = n && line[n - 1] == '\n' ? n - 1 : n;
		if (w->each(w, &l, ms) < 0)
			rc = -1;
	}
	logline_free(&l);
	return rc < 0 ? -1 : 0;
}

/* One log's lines, read in blocks; before a read that may wait (a pipe
 * still being written), the walk's idle callback.  A line longer than a
 * record can be is skipped without being held whole.  -1 after saying why. */
static int walk_one(struct logs_walk *w, const char *path, int fd, struct buf *b)
{
	size_t start = 0, scan = 0, skip = 0;
	char *nl;
	ssize_t n;

	b->len = 0;
	for (;;) {
		if (b->len > scan && (nl = memchr(b->data + scan, '\n', b->len - scan)) != NULL) {
			size_t end = (size_t)(nl - b->data) + 1;

			if (skip)
				w->skipped++;
			else if (take_line(w, b->data + start, end - start) < 0)
				return -1;
			start = scan = end;
			skip = 0;
			continue;
		}
		scan = b->len;
		if (b->len - start > LINE_MAX_BYTES) {
			skip = 1;	/* the rest of this line is dropped as it comes */
			start = scan = b->len = 0;
		} else if (start > 0) {
			memmove(b->data, b->data + start, b->len - start);
			b->len -= start;
			scan -= start;
			start = 0;
		}
		if (w->idle && w->idle(w) < 0)
			return -1;
		if (buf_reserve(b, 65536) < 0) {
			fprintf(stderr, "sipgate-webhook: out of memory\n");
			return -1;
		}
		if ((n = read(fd, b->data + b->len, b->cap - b->len)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sipgate-webhook: %s: %s\n", path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	/* A last line without its newline (a file still being written). */
	if (b->len > start && !skip)
		return take_line(w, b->data + start, b->len - start);
	return 0;
}

int logs_walk(struct logs_walk *w, char **logs, size_t nlogs)
{
	struct buf b = { 0 };
	size_t i;
	int rc = 0;
	FILE *f;

	for (i = 0; i < nlogs && rc == 0; i++) {
		if ((f = logs_open(logs[i])) == NULL)
			rc = -1;
		else {
			rc = walk_one(w, logs[i], fileno(f), &b);
			fclose(f);
		}
	}
	buf_free(&b);
	return rc;
}
