/* libFuzzer: base64 and the signature check.  Input: a header value, a
 * newline, a body.  Asserts that base64 accepts exactly the canonical
 * encodings (decode, re-encode, compare) and that no fuzzed pair passes
 * as valid except the real request's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "key.h"
#include "sig.h"

static void encode(const unsigned char *in, size_t len, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*out++ = a[in[i] >> 2];
		*out++ = a[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = a[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
		*out++ = a[in[i + 2] & 63];
	}
	if (len - i == 1) {
		*out++ = a[in[i] >> 2];
		*out++ = a[(in[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		*out++ = a[in[i] >> 2];
		*out++ = a[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = a[(in[i + 1] & 15) << 2];
		*out++ = '=';
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rsa_key key;
	static int loaded;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	char *header = malloc(hlen + 1), *again = malloc(hlen + 4);
	unsigned char *raw = malloc(hlen / 4 * 3 + 3);
	const char *why;
	struct fail f;
	long n;

	if (header == NULL || again == NULL || raw == NULL)
		abort();
	if (!loaded && key_load(NULL, &key, NULL, &f) != ERR_OK)
		abort();
	loaded = 1;
	memcpy(header, data, hlen);
	header[hlen] = '\0';

	if ((n = base64_decode(header, hlen, raw)) >= 0) {
		if ((size_t)n > hlen / 4 * 3)
			abort();
		encode(raw, (size_t)n, again);
		if (memcmp(again, header, hlen) != 0)
			abort();
	}
	if (strlen(header) == hlen && nl &&
	    sig_check(&key, header, (const char *)nl + 1, size - hlen - 1, &why) == SIG_VALID &&
	    size - hlen - 1 != 267)
		abort();
	free(header);
	free(again);
	free(raw);
	return 0;
}
