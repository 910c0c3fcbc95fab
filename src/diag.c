#include <errno.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"

static void put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7F)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
}

static void write_stderr(const struct buf *b)
{
	const char *p = b->data;
	size_t len = b->len;
	ssize_t n;

	if (b->oom)
		return;
	while (len > 0) {
		n = write(STDERR_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

void diag_event(const char *reason, const char *record, size_t len)
{
	struct buf b = { 0 };

	buf_puts(&b, "sipgate-webhook: ");
	put_escaped(&b, reason);
	buf_putc(&b, '\n');
	if (record) {
		buf_puts(&b, "sipgate-webhook: event: ");
		buf_put(&b, record, len);
	}
	write_stderr(&b);
	buf_free(&b);
}

void diag(const char *reason)
{
	diag_event(reason, NULL, 0);
}
