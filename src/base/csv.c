#include "base/csv.h"

void csv_put_string(struct buf *out, const char *p, size_t n)
{
	size_t i;

	buf_putc(out, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, p[i]);
	}
	buf_putc(out, '"');
}
