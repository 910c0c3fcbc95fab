/* logs: the event logs a command reads (--diff, --replay, --restore,
 * --calls), opened for reading, or refused with a line on stderr saying
 * why: what cannot be opened, a folder, a compressed rotation (read as
 * lines, its records would count as no records at all); and a walk over
 * their records. */
#ifndef LOGS_H
#define LOGS_H

#include <stddef.h>
#include <stdio.h>

/* The open log, or NULL after saying why not. */
FILE *logs_open(const char *path);

struct logline;

/* A walk hands each event record of the logs, in file and line order, to
 * its callback with the time it was received (milliseconds since 1970),
 * and counts the lines that are not records. */
struct logs_walk {
	int (*each)(struct logs_walk *w, const struct logline *l, long long ms);	/* <0: stop */
	int (*idle)(struct logs_walk *w);	/* or NULL: before a read that may wait */
	unsigned long skipped;
	const char *line;	/* the record's line as the log holds it, for each */
	size_t line_len;	/* without its newline */
};

/* 0; -1 after saying why on stderr (a log that cannot be read, out of
 * memory, or the callback's own stop). */
int logs_walk(struct logs_walk *w, char **logs, size_t nlogs);

#endif
