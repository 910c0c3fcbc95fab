#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os/clock.h"
#include "os/file.h"

/* Gives up: why says what (and the error, if err), fd is closed, data freed. */
static char *read_failed(int fd, char *data, char *why, size_t why_len, const char *what,
    int err)
{
	if (err)
		snprintf(why, why_len, "%s: %s", what, strerror(err));
	else
		snprintf(why, why_len, "%s", what);
	free(data);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* The regular file at path, open; -1 (why filled) if it is not one. */
static int open_regular(const char *path, struct stat *st, char *why, size_t why_len)
{
	int fd;

	/* O_NONBLOCK: a FIFO at the path must not hang the request. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		read_failed(-1, NULL, why, why_len, "cannot open", errno);
		return -1;
	}
	if (fstat(fd, st) < 0) {
		read_failed(fd, NULL, why, why_len, "cannot stat", errno);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		read_failed(fd, NULL, why, why_len, "not a regular file", 0);
		return -1;
	}
	return fd;
}

/* Up to want bytes from fd into data; the count, or -1 (why filled, fd
 * closed, data freed). */
static ssize_t read_up_to(int fd, char *data, size_t want, char *why, size_t why_len)
{
	size_t got = 0;
	ssize_t n;

	while (got < want) {
		n = read(fd, data + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			read_failed(fd, data, why, why_len, "cannot read", errno);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

char *file_head(const char *path, size_t max, size_t *len, struct stat *st,
    char *why, size_t why_len)
{
	char *data;
	ssize_t got;
	int fd;

	if ((fd = open_regular(path, st, why, why_len)) < 0)
		return NULL;
	if ((data = malloc(max + 1)) == NULL)
		return read_failed(fd, NULL, why, why_len, "out of memory", 0);
	if ((got = read_up_to(fd, data, max, why, why_len)) < 0)
		return NULL;
	close(fd);
	data[got] = '\0';
	*len = (size_t)got;
	return data;
}

char *file_read(const char *path, size_t max, size_t *len, struct stat *st,
    char *why, size_t why_len)
{
	char *data;
	size_t want;
	ssize_t got;
	int fd;

	if ((fd = open_regular(path, st, why, why_len)) < 0)
		return NULL;
	if ((size_t)st->st_size > max) {
		snprintf(why, why_len, "larger than %zu bytes", max);
		close(fd);
		return NULL;
	}
	/* One byte more than fstat said, to see a file still growing. */
	want = (size_t)st->st_size + 1;
	if ((data = malloc(want + 1)) == NULL)
		return read_failed(fd, NULL, why, why_len, "out of memory", 0);
	if ((got = read_up_to(fd, data, want, why, why_len)) < 0)
		return NULL;
	close(fd);
	if ((size_t)got == want)
		return read_failed(-1, data, why, why_len, "changed while being read", 0);
	data[got] = '\0';
	*len = (size_t)got;
	return data;
}

/* How old a file's time stamps must be for its identity to be trusted:
 * far above the kernel's clock tick. */
#define SETTLE_NS 1000000000LL

static long long ns_between(const struct timespec *from, const struct timespec *to)
{
	return (long long)(to->tv_sec - from->tv_sec) * 1000000000LL +
	    (to->tv_nsec - from->tv_nsec);
}

void file_id_set(struct file_id *id, const struct stat *st)
{
	struct timespec now;
	const struct timespec *newest = ns_between(&st->st_mtim, &st->st_ctim) > 0 ?
	    &st->st_ctim : &st->st_mtim;

	id->st = *st;
	clock_wall(&now);
	id->settled = ns_between(newest, &now) > SETTLE_NS;
}

int file_id_unchanged(const struct file_id *id, const char *path)
{
	const struct stat *a = &id->st;
	struct stat b;

	return id->settled && stat(path, &b) == 0 &&
	    a->st_dev == b.st_dev && a->st_ino == b.st_ino &&
	    a->st_size == b.st_size &&
	    a->st_mtim.tv_sec == b.st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b.st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}
