/* hmac: HMAC-SHA256 (RFC 2104) over src/sha256.c, and a comparison whose
 * time does not depend on where two byte strings differ. */
#ifndef HMAC_H
#define HMAC_H

#include <stddef.h>

#include "crypto/sha256.h"

void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
    unsigned char out[SHA256_LEN]);

/* 1 if the len bytes at a and b are equal. */
int hmac_equal(const void *a, const void *b, size_t len);

#endif
