/* log: appends one complete line to the event log, or nothing at all.
 * Each call takes the writers' lock, bounded in time: an flock of
 * .NAME.lock beside the log, which no reader of the log can open (so no
 * reader can stop a writer); then it opens the file at the path (a
 * rotated one is never written to).  One write(); the file only grows
 * (a torn or short line is ended with a newline, never cut off, so that a
 * follower never sees it shrink).  With sync, after the lock is released
 * (so concurrent writers share a flush), an fdatasync and, when it created
 * the file, an fsync of the directory. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#include "base/err.h"
#include "push/req.h"

/* How long a record waits for other writers' locks before giving up
 * (shortened at build time, as make check does). */
#ifndef LOG_LOCK_SECONDS
#define LOG_LOCK_SECONDS 8
#endif

enum err log_append(const struct req *r, const char *path, const char *line,
    size_t len, int sync, struct fail *f);
/* The same with the lock waited for until by (CLOCK_MONOTONIC) rather
 * than for the bound from now: a record that queued meanwhile spends its
 * time in the queue too. */
enum err log_append_by(const struct req *r, const char *path, const char *line,
    size_t len, int sync, const struct timespec *by, struct fail *f);

/* Whether the log could be appended to now, without writing to it. */
enum err log_check(const char *path, struct fail *f);

#endif
