#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "log.h"

/* How long to wait for other writers' locks before giving up. */
#ifndef LOG_LOCK_SECONDS
#define LOG_LOCK_SECONDS 8
#endif

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * O_NONBLOCK keeps a FIFO planted at the log path from blocking the open;
 * only a regular file is accepted, and O_NOFOLLOW refuses a symlink.
 * O_RDWR rather than O_WRONLY: cut_torn_tail() reads the last line.
 */
static int log_open(const char *path, struct fail *f)
{
	struct stat st;
	int fd, flags;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY, 0640);
	if (fd < 0) {
		if (errno == ELOOP)
			fail_set(f, ERR_LOG, "cannot open %s: it is a symbolic link", path);
		else if (errno == ENXIO)	/* a FIFO nobody reads */
			fail_set(f, ERR_LOG, "cannot use %s: not a regular file", path);
		else
			fail_set(f, ERR_LOG, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fail_set(f, ERR_LOG, "cannot use %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		fail_set(f, ERR_LOG, "cannot use %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A blocking flock, bounded by an alarm so a stuck writer cannot hang us. */
static int log_lock(int fd)
{
	struct sigaction sa, old;
	int rc, saved;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old) < 0)
		return -1;
	alarm(LOG_LOCK_SECONDS);
	rc = flock(fd, LOCK_EX);
	saved = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (rc < 0 && saved == EINTR)
		saved = ETIMEDOUT;
	errno = saved;
	return rc;
}

/* Puts the file back to its size before our write, still under the lock. */
static enum err roll_back(int fd, const char *path, off_t size, const char *what,
    int cause, struct fail *f)
{
	if (ftruncate(fd, size) < 0)
		return fail_set(f, ERR_LOG, "%s %s: %s; rollback failed too: %s",
		    what, path, strerror(cause), strerror(errno));
	return fail_set(f, ERR_LOG, "%s %s: %s", what, path, strerror(cause));
}

/*
 * A writer killed by SIGKILL in the middle of a large write() can leave a
 * partial line and no chance to roll it back.  Its request never got a 200,
 * so the next writer, holding the lock, cuts such a tail back to the last
 * complete line.  Sets *size to the file's size afterwards.
 */
static enum err cut_torn_tail(int fd, const char *path, off_t *size,
    struct fail *f)
{
	char chunk[4096];
	off_t end = *size, pos;
	ssize_t n, i;

	if (end == 0)
		return ERR_OK;
	if (pread(fd, chunk, 1, end - 1) != 1)
		return fail_set(f, ERR_LOG, "cannot read %s: %s", path, strerror(errno));
	if (chunk[0] == '\n')
		return ERR_OK;
	for (pos = end; pos > 0; pos -= n) {
		n = pos < (off_t)sizeof chunk ? (ssize_t)pos : (ssize_t)sizeof chunk;
		if (pread(fd, chunk, (size_t)n, pos - n) != n)
			return fail_set(f, ERR_LOG, "cannot read %s: %s", path, strerror(errno));
		for (i = n; i > 0; i--)
			if (chunk[i - 1] == '\n')
				break;
		if (i > 0) {
			pos = pos - n + i;
			break;
		}
	}
	if (ftruncate(fd, pos) < 0)
		return fail_set(f, ERR_LOG, "cannot cut a torn line off %s: %s", path, strerror(errno));
	snprintf(chunk, sizeof chunk, "cut a torn last line of %lld bytes off %s (a writer died mid-write)",
	    (long long)(end - pos), path);
	diag(chunk);
	*size = pos;
	return ERR_OK;
}

static enum err write_locked(int fd, const char *path, const char *line,
    size_t len, int sync, struct fail *f)
{
	struct stat st;
	enum err rc;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return fail_set(f, ERR_LOG, "cannot stat %s: %s", path, strerror(errno));
	if ((rc = cut_torn_tail(fd, path, &st.st_size, f)) != ERR_OK)
		return rc;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return roll_back(fd, path, st.st_size, "cannot write to", errno, f);
	if ((size_t)n != len)
		return roll_back(fd, path, st.st_size, "short write to", ENOSPC, f);
	if (sync && fdatasync(fd) < 0)
		return roll_back(fd, path, st.st_size, "cannot sync", errno, f);
	return ERR_OK;
}

enum err log_append(const char *path, const char *line, size_t len, int sync,
    struct fail *f)
{
	enum err rc;
	int fd;

	if ((fd = log_open(path, f)) < 0)
		return ERR_LOG;
	if (log_lock(fd) < 0) {
		fail_set(f, ERR_LOG, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		return ERR_LOG;
	}
	rc = write_locked(fd, path, line, len, sync, f);
	if (close(fd) < 0 && rc == ERR_OK)
		rc = fail_set(f, ERR_LOG, "cannot close %s: %s", path, strerror(errno));
	return rc;
}

enum err log_check(const char *path, struct fail *f)
{
	int fd;

	if ((fd = log_open(path, f)) < 0)
		return ERR_LOG;
	close(fd);
	return ERR_OK;
}
