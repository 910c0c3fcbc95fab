/* calls: --calls, one record per call from event logs (calls.jq's, in C):
 * lines in any order and from several servers, a line or a replayed push
 * counted once, a call printed a minute after it ended (a rejected one at
 * once), one silent for 4 hours printed open and forgotten, so memory
 * holds only the calls still open. */
#ifndef CALLS_H
#define CALLS_H

#include <stddef.h>

enum calls_format { CALLS_JSON, CALLS_CSV };

struct calls_opts {
	enum calls_format format;
	long long since_ms, until_ms;	/* a call's first event in [since, until) */
};

/* The records on stdout, the count of lines that are not events on
 * stderr; 0, or 2 when a log cannot be read or stdout written. */
int calls_run(const struct calls_opts *o, char **logs, size_t nlogs);

#endif
