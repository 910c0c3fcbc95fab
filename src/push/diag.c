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
static void to_syslog(const char *record, size_t len)
{
	if (len > 0 && record[len - 1] == '\n')
		len--;
	openlog("sipgate-webhook", 0, LOG_DAEMON);
	syslog(LOG_ERR, "%.*s", (int)len, record);
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
	to_syslog(record, len);
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
