/* tail: an event log read from its end back, newest line first, so that a
 * page of the last days reads those days and not the whole file.  Only a
 * regular file is read (a FIFO or a device put in the log's place would
 * block or never end); a line longer than 1 MiB is skipped whole. */
#ifndef TAIL_H
#define TAIL_H

#include <sys/types.h>

#include <stddef.h>

#include "base/buf.h"

struct tail {
	int fd;
	off_t off;		/* where in the file buf starts */
	struct buf buf;		/* the bytes before what was handed out */
	unsigned long skipped;	/* lines too long to hold */
};

/* 0; 1 when there is no such file; -1 with why filled in. */
int tail_open(struct tail *t, const char *path, char *why, size_t why_len);

/* The line before the last one handed out (without its newline; never
 * empty), valid until the next call: 1, 0 at the file's start, -1 when it
 * cannot be read (errno set). */
int tail_prev(struct tail *t, const char **line, size_t *len);

void tail_close(struct tail *t);

#endif
