#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"

static const struct {
	const char *status;
	const char *public_text;	/* NULL: the detailed reason is shown */
	int to_stderr;			/* the admin must hear of it */
	const char *monitor;		/* and monitoring counts it as this */
} table[] = {
	[ERR_OK]         = { "200 OK", NULL },
	[ERR_METHOD]     = { "405 Method Not Allowed", NULL },
	[ERR_MEDIA_TYPE] = { "415 Unsupported Media Type", NULL },
	[ERR_NO_LENGTH]  = { "411 Length Required", NULL },
	[ERR_BAD_LENGTH] = { "400 Bad Request", NULL },
	[ERR_TOO_LARGE]  = { "413 Content Too Large", NULL },
	[ERR_SHORT_BODY] = { "400 Bad Request", NULL, 1 },
	[ERR_BAD_FORM]   = { "400 Bad Request", NULL },
	[ERR_NO_EVENT]   = { "400 Bad Request", NULL },
	[ERR_ADDRESS]    = { "403 Forbidden", "forbidden: source address not allowed", 1, "refused" },
	[ERR_SIGNATURE]  = { "403 Forbidden", NULL, 1, "refused" },
	/* A menu state sipgate never sends: the requester's problem, not the admin's. */
	[ERR_STATE]      = { "403 Forbidden", NULL, 0 },
	/* The calls page: a filter it does not take, a user the web server did
	 * not authenticate or SIPGATE_CALLS_USERS does not name. */
	[ERR_QUERY]      = { "400 Bad Request", NULL },
	[ERR_AUTH]       = { "403 Forbidden", NULL, 1 },
	[ERR_LOG]        = { "503 Service Unavailable", "event log unavailable; see the server's error log", 1, "log" },
	[ERR_CONFIG]     = { "500 Internal Server Error", "server misconfigured; see the server's error log", 1, "config" },
	[ERR_INTERNAL]   = { "500 Internal Server Error", "internal error; see the server's error log", 1 },
};

enum err err_fail(struct fail *f, enum err code, const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
	return code;
}

const char *err_status(enum err code)
{
	return table[code].status;
}

const char *err_public(const struct fail *f)
{
	return table[f->code].public_text ? table[f->code].public_text : f->why;
}

int err_to_stderr(enum err code)
{
	return table[code].to_stderr;
}

const char *err_monitor(enum err code)
{
	return table[code].monitor;
}
