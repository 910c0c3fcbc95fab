#include "base/json.h"

size_t json_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;	/* bounds of the second byte */
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else
		return 0;
	if (len < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need;
}

static int plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void json_put_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	buf_putc(b, '"');
	while (i < len) {
		unsigned char c = p[i];

		if (plain_ascii(c)) {	/* the common case, copied in runs */
			for (n = i + 1; n < len && plain_ascii(p[n]); n++)
				;
			buf_put(b, p + i, n - i);
			i = n;
		} else if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
			i++;
		} else if (c == '\n') {
			buf_puts(b, "\\n");
			i++;
		} else if (c == '\t') {
			buf_puts(b, "\\t");
			i++;
		} else if (c == '\r') {
			buf_puts(b, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			buf_printf(b, "\\u%04x", c);
			i++;
		} else if ((n = json_utf8_len(p + i, len - i)) == 0) {
			buf_printf(b, "\\u%04x", c);
			i++;
		} else {
			buf_put(b, p + i, n);
			i += n;
		}
	}
	buf_putc(b, '"');
}

int json_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = json_utf8_len((const unsigned char *)s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}
