#include <string.h>

#include "crypto/base64.h"
#include "crypto/sig.h"

enum sig_outcome sig_check(const struct rsa_key *key, const char *header,
    const char *body, size_t len, const char **why)
{
	unsigned char raw[BN_MAX_BITS / 8], hash[SHA256_LEN];
	size_t want = (key->bytes + 2) / 3 * 4, hlen;
	long n;

	if (header == NULL || *header == '\0') {
		*why = "no X-Sipgate-Signature header";
		return SIG_MISSING;
	}
	if ((hlen = strlen(header)) != want) {
		*why = "X-Sipgate-Signature has the wrong length for the key";
		return SIG_INVALID;
	}
	if ((n = base64_decode(header, hlen, raw, sizeof raw)) < 0) {
		*why = "X-Sipgate-Signature is not valid base64";
		return SIG_INVALID;
	}
	sha256(body, len, hash);
	switch (rsa_verify_sha256(key, raw, (size_t)n, hash)) {
	case RSA_VALID:
		return SIG_VALID;
	case RSA_BAD_LENGTH:
		*why = "X-Sipgate-Signature decodes to the wrong length for the key";
		break;
	case RSA_OUT_OF_RANGE:
		*why = "X-Sipgate-Signature is not below the key's modulus";
		break;
	case RSA_MISMATCH:
		*why = "X-Sipgate-Signature does not match the body";
		break;
	}
	return SIG_INVALID;
}

const char *sig_outcome_name(enum sig_outcome o)
{
	static const char *const names[] = {
		[SIG_VALID] = "valid", [SIG_INVALID] = "invalid",
		[SIG_MISSING] = "missing", [SIG_UNCHECKED] = "unchecked",
	};

	return names[o];
}
