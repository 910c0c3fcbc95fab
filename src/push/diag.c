#include <string.h>
#include <syslog.h>

#include "base/buf.h"
#include "base/msg.h"
#include "push/diag.h"

static void emit(const struct req *r, struct buf *b)
{
	if (!b->oom)
		r->diag(r->ctx, b->data, b->len);
	buf_free(b);
}

/* One datagram per record, opened and closed here so that no socket stays
 * open in a process that otherwise opens none. */
static void to_syslog(int priority, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	openlog("sipgate-webhook", 0, LOG_DAEMON);
	syslog(priority, "%.*s", (int)len, line);
	closelog();
}

void diag(const struct req *r, const char *reason)
{
	struct buf b = { 0 };

	msg_line(&b, 0, "%s", reason);
	emit(r, &b);
}

void diag_event(const struct req *r, const char *reason, const char *record,
    size_t len)
{
	struct buf b = { 0 };

	msg_line(&b, 0, "%s", reason);
	buf_puts(&b, "sipgate-webhook: event: ");
	buf_put(&b, record, len);
	emit(r, &b);
	to_syslog(LOG_ERR, record, len);
}

void diag_monitor(const struct req *r, const char *kind, const char *reason)
{
	struct buf b = { 0 };

	diag(r, reason);
	buf_puts(&b, kind);
	buf_puts(&b, ": ");
	msg_escaped(&b, reason, strlen(reason), 0);
	if (!b.oom)
		to_syslog(LOG_WARNING, b.data, b.len);
	buf_free(&b);
}

void diag_body(const struct req *r, const char *reason, const char *body,
    size_t len)
{
	struct buf b = { 0 };
	size_t shown = len < DIAG_BODY_MAX ? len : DIAG_BODY_MAX;

	msg_line(&b, 0, "%s", reason);
	buf_puts(&b, "sipgate-webhook: body: ");
	msg_escaped(&b, body, shown, 1);
	if (shown < len)
		buf_printf(&b, " (%zu more bytes not shown)", len - shown);
	buf_putc(&b, '\n');
	emit(r, &b);
}
