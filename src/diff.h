/* diff: the newCall records of event logs replayed against rules files, as
 * the CGI would have answered them when they arrived; nothing is written
 * and no connection opened.  Keypad pushes are not replayed: their state
 * lives in the call.  The files are checked by the caller. */
#ifndef DIFF_H
#define DIFF_H

#include <stddef.h>

struct diff_rules {
	const char *shown;	/* as the admin named it */
	const char *path;	/* absolute */
};

/* Every call whose reply differs between old and new, a line each, then
 * "N of M calls would be answered differently"; 0 when none does, 1 when
 * some do, 2 when a log cannot be read. */
int diff_logs(const struct diff_rules *old, const struct diff_rules *new,
    char **logs, size_t nlogs);

/* How many logged calls each rule line of r decides, and the lines no call
 * reaches; 0, or 2 when a log cannot be read. */
int diff_replay(const struct diff_rules *r, char **logs, size_t nlogs);

#endif
