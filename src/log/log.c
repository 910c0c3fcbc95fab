#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log/log.h"
#include "os/clock.h"
#include "push/diag.h"

/* How often the file at the path may be replaced while we wait for it. */
#define LOG_REOPEN_MAX 8

/*
 * O_NONBLOCK keeps a FIFO planted at the log path from blocking the open;
 * only a regular file is accepted, and O_NOFOLLOW refuses a symlink.
 * O_RDWR rather than O_WRONLY: end_torn_line() reads the last byte.
 */
static int log_open(const char *path, int *created, struct fail *f)
{
	const int flags_open = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY;
	struct stat st;
	int fd, flags;

	/* Whether we create the file decides whether its directory needs a
	 * sync; O_EXCL tells, and a race with another creator just retries. */
	*created = 0;
	do {
		fd = open(path, flags_open);
		if (fd < 0 && errno == ENOENT) {
			fd = open(path, flags_open | O_CREAT | O_EXCL, 0640);
			*created = fd >= 0;
		}
	} while (fd < 0 && errno == EEXIST);
	if (fd < 0) {
		if (errno == ELOOP)
			err_fail(f, ERR_LOG, "cannot open %s: it is a symbolic link", path);
		else if (errno == ENXIO)	/* a FIFO nobody reads */
			err_fail(f, ERR_LOG, "cannot use %s: not a regular file", path);
		else
			err_fail(f, ERR_LOG, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_fail(f, ERR_LOG, "cannot use %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		err_fail(f, ERR_LOG, "cannot use %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * flock without blocking, retried with sleeps that grow from 50 µs to 2 ms
 * until the deadline (CLOCK_MONOTONIC).  No signals: an alarm can arrive
 * blocked (the signal mask survives exec) and races with a blocking flock.
 * The sleeps stay short because the lock is held for well under a
 * millisecond (a write, and an fdatasync with SIPGATE_SYNC=1): a waiter
 * that slept longer would leave the log idle while requests queue up.
 */
static int log_lock(int fd, const struct timespec *deadline)
{
	long pause_us = 50, left_ms;
	struct timespec ts;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if ((left_ms = clock_ms_left(deadline)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = pause_us * 1000;
		nanosleep(&ts, NULL);
		if (pause_us < 2000)
			pause_us *= 2;
	}
}

/* Whether fd is still the file at path: logrotate may have renamed it
 * (and a new one been created) while we waited for the lock. */
static int still_at_path(int fd, const char *path)
{
	struct stat open_st, path_st;

	if (fstat(fd, &open_st) < 0 || lstat(path, &path_st) < 0)
		return 0;
	return open_st.st_dev == path_st.st_dev &&
	    open_st.st_ino == path_st.st_ino && open_st.st_nlink > 0;
}

/* Makes the new file's name durable: fsync of the directory holding it. */
static int sync_directory(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	size_t n = slash && slash != path ? (size_t)(slash - path) : 1;
	int fd, rc;

	if (n >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Appends one byte, a newline, retrying on EINTR. */
static int write_newline(int fd)
{
	ssize_t n;

	do
		n = write(fd, "\n", 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/*
 * A writer killed by SIGKILL in the middle of a large write() can leave a
 * partial line and no chance to end it (as can one out of room that could
 * not write the newline either).  Its request never got a 200, so the
 * next writer, holding the lock, ends that line with a newline: a line
 * that is not a record, which every reader of the log skips.  The log is
 * never cut back: a follower such as rsyslog's imfile (reopenOnTruncate)
 * takes a file that shrinks for a new one and sends it all again.  Adds
 * the newline to *size.
 */
static enum err end_torn_line(const struct req *r, int fd, const char *path,
    off_t *size, struct fail *f)
{
	char last, note[320];

	if (*size == 0)
		return ERR_OK;
	if (pread(fd, &last, 1, *size - 1) != 1)
		return err_fail(f, ERR_LOG, "cannot read %s: %s", path, strerror(errno));
	if (last == '\n')
		return ERR_OK;
	if (write_newline(fd) < 0)
		return err_fail(f, ERR_LOG, "cannot end a torn last line of %s: %s", path, strerror(errno));
	snprintf(note, sizeof note, "ended a torn last line of %s with a newline "
	    "(its writer was killed or ran out of room mid-write)", path);
	diag(r, note);
	*size += 1;
	return ERR_OK;
}

/* Appends the line under the lock. */
static enum err write_locked(const struct req *r, int fd, const char *path,
    const char *line, size_t len, struct fail *f)
{
	struct stat st;
	enum err rc;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return err_fail(f, ERR_LOG, "cannot stat %s: %s", path, strerror(errno));
	if ((rc = end_torn_line(r, fd, path, &st.st_size, f)) != ERR_OK)
		return rc;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_fail(f, ERR_LOG, "cannot write to %s: %s", path, strerror(errno));
	/* Out of space or over the file-size limit part way: the part
	 * written becomes a line of its own, now or by the next writer. */
	if ((size_t)n != len)
		return err_fail(f, ERR_LOG, "short write to %s: %s; the part written %s",
		    path, strerror(ENOSPC), write_newline(fd) == 0 ? "was ended with a newline" :
		    "is ended by the next writer");
	return ERR_OK;
}

/*
 * The flush runs after the lock is released, so that writers arriving
 * meanwhile append theirs and the file system commits them together (a
 * group commit); each still answers only once its own line is on disk.
 * If the flush fails, the line stays (the log is never cut back, and it
 * may be on disk after all) and the request fails, with the event in the
 * error log.
 */
static enum err flush(int fd, const char *path, int created, struct fail *f)
{
	if (fdatasync(fd) < 0)
		return err_fail(f, ERR_LOG, "cannot sync %s: %s; the line stays in it, maybe not on disk",
		    path, strerror(errno));
	if (created && sync_directory(path) < 0)
		return err_fail(f, ERR_LOG, "cannot sync the directory of %s: %s; the line stays in it, maybe not on disk",
		    path, strerror(errno));
	return ERR_OK;
}

/*
 * The lock writers share: a file beside the log, .NAME.lock, that only its
 * owner may open (0600).  A reader of the log (the adm group may read it)
 * could take a shared flock on the log itself, as a careful backup job
 * does, and every writer would wait out its bound; it cannot open this.
 * Where it cannot be made (a folder the program may not write), the log
 * itself is the lock, as it was.
 */
static int lock_open(const char *path)
{
	const char *slash = strrchr(path, '/');
	char lock[4096];
	struct stat st;
	int fd, n;

	n = slash ? snprintf(lock, sizeof lock, "%.*s/.%s.lock", (int)(slash - path), path, slash + 1) :
	    snprintf(lock, sizeof lock, ".%s.lock", path);
	if (n < 0 || (size_t)n >= sizeof lock)
		return -1;
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The writers' lock, taken within the bound. */
static int take_lock(int fd, const char *path, const struct timespec *deadline, struct fail *f)
{
	if (log_lock(fd, deadline) == 0)
		return 0;
	if (errno == ETIMEDOUT)
		err_fail(f, ERR_LOG, "cannot lock %s: timed out after %d s (another writer holds it)",
		    path, LOG_LOCK_SECONDS);
	else
		err_fail(f, ERR_LOG, "cannot lock %s: %s", path, strerror(errno));
	return -1;
}

/* Takes the writers' lock, then opens the file that is at path; *lock is
 * the lock's descriptor (the log's own where there is no lock file). */
static int open_locked(const char *path, const struct timespec *deadline, int *created,
    int *lock, struct fail *f)
{
	int fd, tries;

	if ((*lock = lock_open(path)) >= 0 && take_lock(*lock, path, deadline, f) < 0) {
		close(*lock);
		return -1;
	}
	for (tries = 0; tries <= LOG_REOPEN_MAX; tries++) {
		if ((fd = log_open(path, created, f)) < 0)
			break;
		if (*lock < 0 && take_lock(fd, path, deadline, f) < 0) {
			close(fd);
			return -1;
		}
		/* Renamed (rotated) since it was opened: the new one. */
		if (still_at_path(fd, path))
			return fd;
		close(fd);
	}
	if (fd >= 0)
		err_fail(f, ERR_LOG, "cannot lock %s: it was replaced %d times while we waited",
		    path, LOG_REOPEN_MAX + 1);
	if (*lock >= 0)
		close(*lock);
	return -1;
}

enum err log_append(const struct req *r, const char *path, const char *line,
    size_t len, int sync, struct fail *f)
{
	struct timespec by;

	clock_deadline(&by, LOG_LOCK_SECONDS * 1000L);
	return log_append_by(r, path, line, len, sync, &by, f);
}

enum err log_append_by(const struct req *r, const char *path, const char *line,
    size_t len, int sync, const struct timespec *by, struct fail *f)
{
	enum err rc;
	int fd, created, lock;
	char note[320];

	if ((fd = open_locked(path, by, &created, &lock, f)) < 0)
		return ERR_LOG;
	rc = write_locked(r, fd, path, line, len, f);
	flock(lock >= 0 ? lock : fd, LOCK_UN);
	if (rc == ERR_OK && sync)
		rc = flush(fd, path, created, f);
	if (lock >= 0)
		close(lock);
	/*
	 * A synced line is on disk whatever close() says; answering 503 would
	 * have sipgate count it lost while it is logged.  Without the sync,
	 * close() is where a network file system reports a failed write.
	 */
	if (close(fd) < 0 && rc == ERR_OK) {
		if (!sync)
			return err_fail(f, ERR_LOG, "cannot close %s: %s", path, strerror(errno));
		snprintf(note, sizeof note, "closing %s after a synced write failed: %s",
		    path, strerror(errno));
		diag(r, note);
	}
	return rc;
}

enum err log_check(const char *path, struct fail *f)
{
	int fd, created;

	if ((fd = log_open(path, &created, f)) < 0)
		return ERR_LOG;
	close(fd);
	return ERR_OK;
}
