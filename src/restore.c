#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "log/log.h"
#include "logs.h"
#include "push/logline.h"
#include "push/memreq.h"
#include "restore.h"

/* The longest line taken for a record: the longest the program writes. */
#define RESTORE_LINE_MAX (1u << 20)

/* A line the log holds: where it is in the log, or (appended by this run,
 * after other writers' lines) a copy. */
struct line_ref {
	uint64_t hash;
	off_t off;
	size_t len;
	char *copy;
	int used;
};

/* The lines the log holds, by their FNV-1a hash, compared byte for byte
 * on a match (in the log with pread), so that no record is taken for
 * another. */
struct seen {
	struct line_ref *slot;
	size_t cap, n;
	FILE *log;		/* NULL: the log did not exist */
	int log_fd;
};

static uint64_t line_hash(const char *p, size_t len)
{
	return hash_fnv64(HASH_FNV64_BASIS, p, len);
}

static int same_line(const struct seen *s, const struct line_ref *ref, const char *p, size_t len)
{
	char chunk[4096];
	size_t done, n;

	if (ref->len != len)
		return 0;
	if (ref->copy)
		return memcmp(ref->copy, p, len) == 0;
	for (done = 0; done < len; done += n) {
		n = len - done < sizeof chunk ? len - done : sizeof chunk;
		if (pread(s->log_fd, chunk, n, ref->off + (off_t)done) != (ssize_t)n ||
		    memcmp(chunk, p + done, n) != 0)
			return 0;
	}
	return 1;
}

static int seen_has(const struct seen *s, const char *p, size_t len)
{
	uint64_t h = line_hash(p, len);
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = (size_t)h & (s->cap - 1); s->slot[i].used; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].hash == h && same_line(s, &s->slot[i], p, len))
			return 1;
	return 0;
}

static void seen_place(struct seen *s, struct line_ref ref)
{
	size_t i = (size_t)ref.hash & (s->cap - 1);

	while (s->slot[i].used)
		i = (i + 1) & (s->cap - 1);
	s->slot[i] = ref;
	s->slot[i].used = 1;
	s->n++;
}

/* Adds a line; -1 when out of memory. */
static int seen_add(struct seen *s, struct line_ref ref)
{
	struct line_ref *old = s->slot;
	size_t i, old_cap = s->cap;

	if ((s->n + 1) * 2 > s->cap) {
		s->cap = old_cap ? old_cap * 2 : 1024;
		if ((s->slot = calloc(s->cap, sizeof *s->slot)) == NULL) {
			s->slot = old;
			s->cap = old_cap;
			return -1;
		}
		s->n = 0;
		for (i = 0; i < old_cap; i++)
			if (old[i].used)
				seen_place(s, old[i]);
		free(old);
	}
	seen_place(s, ref);
	return 0;
}

static void seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slot[i].copy);
	free(s->slot);
	if (s->log)
		fclose(s->log);
}

/* Every complete line of the log as it is now (a torn last one is none);
 * -1 with a line on stderr.  The stream stays open for same_line's pread,
 * which leaves its position alone. */
static int seen_load(struct seen *s, const char *log_path)
{
	char *line = NULL;
	size_t cap = 0;
	struct stat st;
	off_t off = 0;
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(log_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "sipgate-webhook: %s: %s\n", log_path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (s->log = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "sipgate-webhook: %s: not a regular file\n", log_path);
		close(fd);
		return -1;
	}
	s->log_fd = fd;
	while (rc == 0 && (n = getline(&line, &cap, s->log)) > 0) {
		if (line[n - 1] == '\n')
			rc = seen_add(s, (struct line_ref){ line_hash(line, (size_t)n - 1), off, (size_t)n - 1, NULL, 0 });
		off += n;
	}
	if (ferror(s->log) || rc < 0) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", log_path,
		    rc < 0 ? "out of memory" : strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

static int out_of_memory(void)
{
	fputs("sipgate-webhook: out of memory\n", stderr);
	return -1;
}

struct tally {
	unsigned long restored, present, not_records;
};

/* Appends one record as a writer would; its diagnostics go to stderr. */
static int append(const char *log_path, const char *line, size_t len)
{
	struct memreq m = { 0 };
	struct fail f = { 0 };
	struct req r;
	enum err rc;

	memreq_init(&r, &m);
	rc = log_append(&r, log_path, line, len, 1, &f);
	if (m.diag.len)
		fwrite(m.diag.data, 1, m.diag.len, stderr);
	memreq_free(&m);
	if (rc != ERR_OK)
		fprintf(stderr, "sipgate-webhook: %s\n", f.why);
	return rc == ERR_OK ? 0 : -1;
}

/* One line of a rescue file as getline gives it (its newline included, if
 * it had one, and room for one after it); -1 with a line on stderr. */
static int restore_line(struct seen *s, struct tally *t, const char *log_path,
    const char *file, unsigned long lineno, char *line, size_t n)
{
	struct logline l = { 0 };
	char *copy;
	int rc;

	if (n && line[n - 1] == '\n')
		n--;
	if (n == 0)
		return 0;
	rc = n <= RESTORE_LINE_MAX ? logline_parse(line, n, &l) : 0;
	logline_free(&l);
	if (rc < 0)
		return out_of_memory();
	if (rc == 0) {
		fprintf(stderr, "sipgate-webhook: %s:%lu: not an event record, left out\n", file, lineno);
		t->not_records++;
		return 0;
	}
	if (seen_has(s, line, n)) {
		t->present++;
		return 0;
	}
	line[n] = '\n';
	if (append(log_path, line, n + 1) < 0)
		return -1;
	t->restored++;
	if ((copy = malloc(n)) == NULL)
		return out_of_memory();
	memcpy(copy, line, n);
	if (seen_add(s, (struct line_ref){ line_hash(line, n), 0, n, copy, 0 }) < 0) {
		free(copy);
		return out_of_memory();
	}
	return 0;
}

static int restore_file(struct seen *s, struct tally *t, const char *log_path, const char *file)
{
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	if ((f = logs_open(file)) == NULL)
		return -1;
	/* getline leaves room for a NUL: the newline a last line lacks. */
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0)
		rc = restore_line(s, t, log_path, file, ++lineno, line, (size_t)n);
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", file, strerror(errno));
		rc = -1;
	}
	fclose(f);
	free(line);
	return rc;
}

int restore_records(const char *log_path, char **files, size_t nfiles)
{
	struct seen s = { .log_fd = -1 };
	struct tally t = { 0 };
	size_t i;
	int rc = 0;

	rc = seen_load(&s, log_path);
	for (i = 0; rc == 0 && i < nfiles; i++)
		rc = restore_file(&s, &t, log_path, files[i]);
	seen_free(&s);
	printf("restored %lu records to %s; %lu were there already; %lu lines were not event records\n",
	    t.restored, log_path, t.present, t.not_records);
	return rc < 0 ? 2 : t.not_records ? 1 : 0;
}
