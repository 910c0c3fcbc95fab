#include <string.h>

#include "crypto/hmac.h"

void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
    unsigned char out[SHA256_LEN])
{
	unsigned char k[64] = { 0 }, pad[64], inner[SHA256_LEN];
	struct sha256 s;
	size_t i;

	if (key_len > sizeof k)
		sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);
	for (i = 0; i < sizeof pad; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof pad);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	for (i = 0; i < sizeof pad; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof pad);
	sha256_update(&s, inner, sizeof inner);
	sha256_final(&s, out);
}

int hmac_equal(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	unsigned char diff = 0;
	size_t i;

	for (i = 0; i < len; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}
