/* diag: lines for the web server's error log (stderr).  Each is built in
 * one buffer, control characters escaped, and written with one write(), so
 * concurrent requests cannot interleave inside a line. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>

/* "sipgate-webhook: <reason>" */
void diag(const char *reason);

/* The reason, then the complete event record on its own line, so that an
 * event the log could not take is still kept by the web server. */
void diag_event(const char *reason, const char *record, size_t len);

#endif
