/* libFuzzer: base64 and the signature check.  Input: a header value, a
 * newline, a body.  Asserts that base64 accepts exactly the canonical
 * encodings (decode, re-encode, compare), never writes past the buffer it
 * is given (sized exactly, so ASan sees one byte too many), and that no
 * fuzzed pair passes as valid except the real request's, under keys of
 * 2048, 4096 (the built-in one) and 8192 bits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/base64.h"
#include "crypto/key.h"
#include "crypto/sig.h"

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

/* Random moduli nobody has the private key of (tests/fuzz/keys). */
#include "fuzz-keys.inc"

static struct rsa_key keys[3];

static void load_key(const char *pem, struct rsa_key *key)
{
	char path[64];
	struct fail f;
	FILE *fp;

	snprintf(path, sizeof path, "/tmp/fuzz-sig-key-%ld.pem", (long)getpid());
	if ((fp = fopen(path, "w")) == NULL || fputs(pem, fp) < 0 || fclose(fp) != 0)
		abort();
	if (key_load(path, key, NULL, &f) != ERR_OK)
		abort();
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct fail f;

	(void)argc;
	(void)argv;
	if (key_load(NULL, &keys[0], NULL, &f) != ERR_OK)
		abort();
	load_key(random_2048_pem, &keys[1]);
	load_key(random_8192_pem, &keys[2]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	size_t full = hlen / 4 * 3, cap = full - (full > 0 ? data[0] % 3 : 0), k;
	char *header = malloc(hlen + 1), *again = malloc(hlen + 4);
	unsigned char *raw = malloc(full + 1), *tight = malloc(cap ? cap : 1);
	const char *why;
	long n, m;

	if (header == NULL || again == NULL || raw == NULL || tight == NULL)
		abort();
	memcpy(header, data, hlen);
	header[hlen] = '\0';

	if ((n = base64_decode(header, hlen, raw, full)) >= 0) {
		if ((size_t)n > full)
			abort();
		encode(raw, (size_t)n, again);
		if (memcmp(again, header, hlen) != 0)
			abort();
	}
	/* A tighter buffer refuses exactly what would not fit. */
	m = base64_decode(header, hlen, tight, cap);
	if (m >= 0 ? (m != n || memcmp(tight, raw, (size_t)m) != 0) : (n >= 0 && (size_t)n <= cap))
		abort();
	for (k = 0; k < 3; k++)
		if (strlen(header) == hlen && nl &&
		    sig_check(&keys[k], header, (const char *)nl + 1, size - hlen - 1, &why) == SIG_VALID &&
		    (k != 0 || size - hlen - 1 != 267))
			abort();
	free(header);
	free(again);
	free(raw);
	free(tight);
	return 0;
}
