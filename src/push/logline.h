/* logline: one line of the program's own event log read back, for replay
 * and call records: when it was received, which event, its parameters
 * encoded again as the form body sipgate sent (an array as name[]=value
 * each) and as a list, and the record's own rule, caller and outcome.  Any
 * other line (not JSON, not an event record, cut short) is told apart, not
 * guessed at. */
#ifndef LOGLINE_H
#define LOGLINE_H

#include <stddef.h>

#include "base/buf.h"

struct logline {
	struct buf received;	/* as logged: 2026-03-04T07:30:00.000Z */
	struct buf event;
	struct buf body;	/* application/x-www-form-urlencoded */
	struct buf call_id, from, to;	/* their first values, for a report */
	struct buf pairs;	/* each value with its name, in order: logline_pair */
	struct buf rule;	/* the "rule" object as written, or empty */
	struct buf caller, outcome;	/* as the record has them, or empty */
	struct buf name;		/* the parser's own */
	int no_body;		/* set by the caller: body is left empty */
};

/* 1: a record; 0: not one; -1: out of memory.  Fills l, zeroed or as an
 * earlier parse left it (its buffers are reused, so a reader of many lines
 * allocates once), which the caller frees with logline_free (also after 0
 * and -1). */
int logline_parse(const char *line, size_t len, struct logline *l);
void logline_free(struct logline *l);

/* The parameter value at *pos (0 for the first) and its name, an array's
 * each in turn, and *pos moved past it: 1, or 0 after the last. */
int logline_pair(const struct logline *l, size_t *pos, const char **name, size_t *nlen,
    const char **value, size_t *vlen);

#endif
