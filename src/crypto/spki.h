/* spki: an RSA public key from its PEM text (SubjectPublicKeyInfo,
 * rsaEncryption, 2048 to 8192 bits, an odd exponent of at least 3), ready
 * for verification: the modulus in limbs and its Montgomery constants. */
#ifndef SPKI_H
#define SPKI_H

#include <stddef.h>

#include "crypto/rsa.h"
#include "crypto/sha256.h"

/* The longest PEM text accepted. */
#define SPKI_PEM_MAX 16384

/* NULL, or the reason the text is not a usable key.  fingerprint (may be
 * NULL) receives the SHA-256 of the key's DER form. */
const char *spki_parse_pem(const char *pem, size_t len, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN]);

#endif
