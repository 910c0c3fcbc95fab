#include <stdio.h>

#include "base/msg.h"

void msg_escaped(struct buf *b, const char *s, size_t len, int all)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F || (all && (c >= 0x80 || c == '\\')))
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
}

void msg_vline(struct buf *b, long pid, const char *fmt, va_list ap)
{
	struct buf text = { 0 };

	if (pid > 0)
		buf_printf(b, "sipgate-webhook[%ld]: ", pid);
	else
		buf_puts(b, "sipgate-webhook: ");
	buf_vprintf(&text, fmt, ap);
	if (text.oom)
		b->oom = 1;
	else
		msg_escaped(b, text.data ? text.data : "", text.len, 0);
	buf_free(&text);
	buf_putc(b, '\n');
}

void msg_line(struct buf *b, long pid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vline(b, pid, fmt, ap);
	va_end(ap);
}
