/* rsa: RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 8.2.2).
 * Strict: the signature must be exactly as long as the modulus and below
 * it, and the whole encoded message is compared, never parsed. */
#ifndef RSA_H
#define RSA_H

#include <stddef.h>

#include "crypto/bn.h"
#include "crypto/sha256.h"

struct rsa_key {
	struct bn_mont mont;
	uint64_t e;
	size_t bytes;	/* modulus length in bytes */
	size_t bits;
};

enum rsa_result { RSA_VALID, RSA_BAD_LENGTH, RSA_OUT_OF_RANGE, RSA_MISMATCH };

enum rsa_result rsa_verify_sha256(const struct rsa_key *key,
    const unsigned char *sig, size_t sig_len,
    const unsigned char hash[SHA256_LEN]);

#endif
