/* sha256: SHA-256 as FIPS 180-4 defines it, incremental or in one call. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t total;		/* bytes hashed so far */
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);
void sha256(const void *p, size_t len, unsigned char out[SHA256_LEN]);

#endif
