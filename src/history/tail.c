#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "history/tail.h"

#define CHUNK (64u << 10)
#define LINE_MAX_BYTES (1u << 20)

int tail_open(struct tail *t, const char *path, char *why, size_t why_len)
{
	struct stat st;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	if ((t->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(t->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "%s is not a regular file", path);
		tail_close(t);
		return -1;
	}
	t->off = st.st_size;
	return 0;
}

/* The chunk before buf, put in front of it: 1, 0 at the start, -1. */
static int read_back(struct tail *t)
{
	size_t n = t->off < (off_t)CHUNK ? (size_t)t->off : CHUNK, got = 0;
	ssize_t r;

	if (n == 0)
		return 0;
	if (buf_reserve(&t->buf, n) < 0) {
		errno = ENOMEM;
		return -1;
	}
	memmove(t->buf.data + n, t->buf.data, t->buf.len);
	while (got < n) {
		r = pread(t->fd, t->buf.data + got, n - got, t->off - (off_t)n + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* Shorter than fstat said: cut while being read. */
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	t->off -= (off_t)n;
	t->buf.len += n;
	return 1;
}

int tail_prev(struct tail *t, const char **line, size_t *len)
{
	size_t clean = 0;	/* the bytes at buf's end known to hold no newline */
	char *nl;
	int r;

	for (;;) {
		nl = t->buf.len > clean ? memrchr(t->buf.data, '\n', t->buf.len - clean) : NULL;
		if (nl != NULL) {
			*line = nl + 1;
			*len = (size_t)(t->buf.data + t->buf.len - (nl + 1));
			t->buf.len = (size_t)(nl - t->buf.data);
		} else if (t->buf.len > LINE_MAX_BYTES) {
			/* The rest of that line is dropped as it is read. */
			t->skipped++;
			do {
				t->buf.len = 0;
				if ((r = read_back(t)) <= 0)
					return r;
			} while ((nl = memrchr(t->buf.data, '\n', t->buf.len)) == NULL);
			t->buf.len = (size_t)(nl - t->buf.data);
			clean = 0;
			continue;
		} else if (t->off == 0) {
			/* The file's first line. */
			*line = t->buf.data;
			*len = t->buf.len;
			t->buf.len = 0;
			return *len > 0;
		} else {
			clean = t->buf.len;
			if ((r = read_back(t)) <= 0)
				return r;
			continue;
		}
		if (*len > 0)
			return 1;
		clean = 0;
	}
}

void tail_close(struct tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	buf_free(&t->buf);
}
