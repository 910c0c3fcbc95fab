/* restore: event records rescued from syslog put back into the event log,
 * each appended as a writer appends (under the writers' lock, synced),
 * unless the log already holds that very line or an earlier file gave it;
 * a line that is not an event record is named and left out.  The log is
 * only appended to, never rewritten. */
#ifndef RESTORE_H
#define RESTORE_H

#include <stddef.h>

/* Prints what it did; 0 when every record is in the log, 1 when some
 * lines were not records, 2 when a file cannot be read or the log refused
 * a record (nothing after it is appended). */
int restore_records(const char *log_path, char **files, size_t nfiles);

#endif
