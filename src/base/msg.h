/* msg: the one builder of lines for an error log (skalibs' strerr is the
 * model): the program's name, with a process id where a supervisor and
 * its workers share one log, the printf-style text with every control
 * character written as \xNN so that a message stays one line, and a
 * newline; appended to a buffer, which the caller hands over at once. */
#ifndef MSG_H
#define MSG_H

#include <stdarg.h>
#include <stddef.h>

#include "base/buf.h"

/* "sipgate-webhook: TEXT\n", or with pid > 0 "sipgate-webhook[PID]: TEXT\n". */
void msg_line(struct buf *b, long pid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void msg_vline(struct buf *b, long pid, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* s[0..len) with control characters as \xNN; with all, also every byte
 * outside printable ASCII and the backslash (to show a body). */
void msg_escaped(struct buf *b, const char *s, size_t len, int all);

#endif
