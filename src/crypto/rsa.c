#include <string.h>

#include "crypto/rsa.h"

/* DER of DigestInfo { sha256, NULL } up to the hash itself (RFC 8017 9.2). */
static const unsigned char digest_info[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

/* EM = 00 01 FF..FF 00 DigestInfo hash, len bytes long (len >= 62). */
static void encode(unsigned char *em, size_t len, const unsigned char hash[SHA256_LEN])
{
	size_t tail = sizeof digest_info + SHA256_LEN;

	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xFF, len - tail - 3);
	em[len - tail - 1] = 0x00;
	memcpy(em + len - tail, digest_info, sizeof digest_info);
	memcpy(em + len - SHA256_LEN, hash, SHA256_LEN);
}

enum rsa_result rsa_verify_sha256(const struct rsa_key *key,
    const unsigned char *sig, size_t sig_len,
    const unsigned char hash[SHA256_LEN])
{
	bn_limb s[BN_MAX_LIMBS];
	unsigned char got[BN_MAX_BITS / 8], want[BN_MAX_BITS / 8];
	unsigned char diff = 0;
	size_t i;

	if (sig_len != key->bytes)
		return RSA_BAD_LENGTH;
	bn_from_bytes(s, key->mont.limbs, sig, sig_len);
	if (bn_cmp(s, key->mont.n, key->mont.limbs) >= 0)
		return RSA_OUT_OF_RANGE;
	bn_modexp(s, s, key->e, &key->mont);
	bn_to_bytes(s, key->mont.limbs, got, key->bytes);
	encode(want, key->bytes, hash);
	for (i = 0; i < key->bytes; i++)
		diff |= got[i] ^ want[i];
	return diff ? RSA_MISMATCH : RSA_VALID;
}
