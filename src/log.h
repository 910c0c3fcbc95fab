/* log: appends one complete line to the event log, or nothing at all.
 * Each call opens the file (so rotation by rename just works), takes an
 * exclusive flock, writes the line with one write(), rolls a short write
 * back with ftruncate, and optionally fdatasyncs before closing. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#include "err.h"

enum err log_append(const char *path, const char *line, size_t len, int sync,
    struct fail *f);

/* Whether the log could be appended to now, without writing to it. */
enum err log_check(const char *path, struct fail *f);

#endif
