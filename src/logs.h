/* logs: an event log a command reads (--diff, --replay, --restore),
 * opened for reading, or refused with a line on stderr saying why: what
 * cannot be opened, a folder, a compressed rotation (read as lines, its
 * records would count as no records at all). */
#ifndef LOGS_H
#define LOGS_H

#include <stdio.h>

/* The open log, or NULL after saying why not. */
FILE *logs_open(const char *path);

#endif
