/* bn: just enough unsigned big-number arithmetic for RSA verification:
 * modular exponentiation by Montgomery multiplication (limbs least
 * significant first).  Not constant time: it only sees public data.
 * Limbs are 64 bits where the compiler has unsigned __int128, else 32 bits;
 * -DBN_PORTABLE forces the 32-bit path so it can be tested anywhere. */
#ifndef BN_H
#define BN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SIZEOF_INT128__) && !defined(BN_PORTABLE)
typedef uint64_t bn_limb;
#define BN_LIMB_BITS 64
#else
typedef uint32_t bn_limb;
#define BN_LIMB_BITS 32
#endif

#define BN_MAX_BITS 8192
#define BN_MAX_LIMBS (BN_MAX_BITS / BN_LIMB_BITS)
/* Limbs needed for a number of len bytes. */
#define BN_LIMBS_FOR(len) (((len) + sizeof(bn_limb) - 1) / sizeof(bn_limb))

struct bn_mont {
	bn_limb n[BN_MAX_LIMBS];	/* the odd modulus */
	bn_limb rr[BN_MAX_LIMBS];	/* R^2 mod n, R = 2^(BN_LIMB_BITS * limbs) */
	bn_limb n0inv;			/* -n^-1 mod 2^BN_LIMB_BITS */
	size_t limbs;
};

/* Big-endian bytes to limbs; the bytes must fit in limbs. */
void bn_from_bytes(bn_limb *r, size_t limbs, const unsigned char *p, size_t len);
/* Limbs to exactly len big-endian bytes (high bytes beyond the limbs are 0). */
void bn_to_bytes(const bn_limb *a, size_t limbs, unsigned char *p, size_t len);
/* -1, 0, 1 as a < b, a == b, a > b. */
int bn_cmp(const bn_limb *a, const bn_limb *b, size_t limbs);

/* Prepares m for modulus n (odd, top limb non-zero); -1 if unusable. */
int bn_mont_init(struct bn_mont *m, const bn_limb *n, size_t limbs);

/* r = a^e mod n, for a < n and an odd e (as every RSA exponent is).  r may
 * alias a. */
void bn_modexp(bn_limb *r, const bn_limb *a, uint64_t e, const struct bn_mont *m);

#endif
