#include "crypto/base64.h"

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *in, size_t len, unsigned char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, n = 0, pad = 0;
	int v[4], j;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && p[len - 1] == '=')
		pad = len > 1 && p[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > size)
		return -1;
	for (i = 0; i < len; i += 4) {
		int last = i + 4 == len;

		for (j = 0; j < 4; j++) {
			if (last && j >= 4 - (int)pad) {
				v[j] = 0;
				continue;
			}
			if ((v[j] = sextet(p[i + j])) < 0)
				return -1;
		}
		out[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (last && pad == 2) {
			if (v[1] & 0x0F)
				return -1;
			break;
		}
		out[n++] = (unsigned char)((v[1] & 0x0F) << 4 | v[2] >> 2);
		if (last && pad == 1) {
			if (v[2] & 0x03)
				return -1;
			break;
		}
		out[n++] = (unsigned char)((v[2] & 0x03) << 6 | v[3]);
	}
	return (long)n;
}

void base64_encode(const unsigned char *in, size_t len, char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned long v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		*out++ = alphabet[v >> 6 & 63];
		*out++ = alphabet[v & 63];
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16 | (i + 1 < len ? (unsigned long)in[i + 1] << 8 : 0);
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		*out++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}
