/* err: every way a request can fail, and the one table that maps each to
 * an HTTP status and the line the client sees.  Functions report a failure
 * by filling a struct fail and returning its code, never by exiting; the
 * story (webhook.c) answers it, through reply.c, with this table. */
#ifndef ERR_H
#define ERR_H

enum err {
	ERR_OK = 0,
	ERR_METHOD,
	ERR_MEDIA_TYPE,
	ERR_NO_LENGTH,
	ERR_BAD_LENGTH,
	ERR_TOO_LARGE,
	ERR_SHORT_BODY,
	ERR_BAD_FORM,
	ERR_NO_EVENT,
	ERR_ADDRESS,
	ERR_SIGNATURE,
	ERR_STATE,
	ERR_QUERY,
	ERR_AUTH,
	ERR_LOG,
	ERR_CONFIG,
	ERR_INTERNAL
};

struct fail {
	enum err code;
	char why[256];	/* the detailed reason, for stderr (and for 4xx, the client) */
};

/* Records code and a printf-style reason in f; returns code. */
enum err err_fail(struct fail *f, enum err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "405 Method Not Allowed" and the like. */
const char *err_status(enum err code);

/* The line the client is shown: the reason itself for client errors, a
 * fixed text for server-side ones so that no internals leak. */
const char *err_public(const struct fail *f);

/* Whether the reason goes to stderr, the web server's error log: server
 * faults, refused senders and bodies cut short, not every malformed request. */
int err_to_stderr(enum err code);

/* What monitoring counts the failure as ("refused", "log", "config"), or
 * NULL: a refused sender, an unwritable log, a setting that fails. */
const char *err_monitor(enum err code);

#endif
