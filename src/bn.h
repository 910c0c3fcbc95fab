/* bn: just enough unsigned big-number arithmetic for RSA verification:
 * modular exponentiation by Montgomery multiplication on 64-bit limbs
 * (least significant first).  Not constant time: it only sees public data. */
#ifndef BN_H
#define BN_H

#include <stddef.h>
#include <stdint.h>

#define BN_MAX_LIMBS 128	/* 8192 bits */

struct bn_mont {
	uint64_t n[BN_MAX_LIMBS];	/* the odd modulus */
	uint64_t rr[BN_MAX_LIMBS];	/* R^2 mod n, R = 2^(64 * limbs) */
	uint64_t n0inv;			/* -n^-1 mod 2^64 */
	size_t limbs;
};

/* Big-endian bytes to limbs; the bytes must fit in limbs. */
void bn_from_bytes(uint64_t *r, size_t limbs, const unsigned char *p, size_t len);
/* Limbs to exactly len big-endian bytes (high bytes beyond the limbs are 0). */
void bn_to_bytes(const uint64_t *a, size_t limbs, unsigned char *p, size_t len);
/* -1, 0, 1 as a < b, a == b, a > b. */
int bn_cmp(const uint64_t *a, const uint64_t *b, size_t limbs);

/* Prepares m for modulus n (odd, top limb non-zero); -1 if unusable. */
int bn_mont_init(struct bn_mont *m, const uint64_t *n, size_t limbs);

/* r = a^e mod n, for a < n.  r may alias a. */
void bn_modexp(uint64_t *r, const uint64_t *a, uint64_t e, const struct bn_mont *m);

#endif
