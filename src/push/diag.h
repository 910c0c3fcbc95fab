/* diag: lines for the server's error log (the request's diag sink, stderr
 * for a CGI).  Each is built in one buffer, control characters escaped, and
 * handed over at once, so concurrent requests cannot interleave in a line. */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>

#include "push/req.h"

/* The most bytes of a body diag_body shows. */
#define DIAG_BODY_MAX 4096

/* "sipgate-webhook: <reason>" */
void diag(const struct req *r, const char *reason);

/* The reason, then the complete event record on its own line, so that an
 * event the log could not take is still kept by the web server; the record
 * also goes to syslog (LOG_DAEMON, LOG_ERR), which keeps long lines whole. */
void diag_event(const struct req *r, const char *reason, const char *record,
    size_t len);

/* As diag, and "KIND: <reason>" to syslog (LOG_DAEMON, LOG_WARNING), where
 * monitoring counts the kinds: refused, log, config (docs/monitoring.md). */
void diag_monitor(const struct req *r, const char *kind, const char *reason);

/* The reason, then the body with every byte outside printable ASCII and
 * the backslash written as \xNN, cut after DIAG_BODY_MAX bytes. */
void diag_body(const struct req *r, const char *reason, const char *body,
    size_t len);

#endif
