#include <string.h>

#include "bn.h"

#if BN_LIMB_BITS == 64
__extension__ typedef unsigned __int128 dlimb;
#define clz_limb(x) __builtin_clzll(x)
#else
typedef uint64_t dlimb;
#define clz_limb(x) __builtin_clz(x)
#endif
#define LB BN_LIMB_BITS
#define LBYTES (BN_LIMB_BITS / 8)

void bn_from_bytes(bn_limb *r, size_t limbs, const unsigned char *p, size_t len)
{
	size_t i;

	memset(r, 0, limbs * sizeof *r);
	for (i = 0; i < len; i++)
		r[i / LBYTES] |= (bn_limb)p[len - 1 - i] << (8 * (i % LBYTES));
}

void bn_to_bytes(const bn_limb *a, size_t limbs, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[len - 1 - i] = i / LBYTES < limbs ? (unsigned char)(a[i / LBYTES] >> (8 * (i % LBYTES))) : 0;
}

int bn_cmp(const bn_limb *a, const bn_limb *b, size_t limbs)
{
	while (limbs-- > 0)
		if (a[limbs] != b[limbs])
			return a[limbs] < b[limbs] ? -1 : 1;
	return 0;
}

/* r -= n; returns the borrow. */
static bn_limb sub_n(bn_limb *r, const bn_limb *n, size_t limbs)
{
	bn_limb borrow = 0;
	size_t i;

	for (i = 0; i < limbs; i++) {
		dlimb d = (dlimb)r[i] - n[i] - borrow;

		r[i] = (bn_limb)d;
		borrow = (bn_limb)(d >> LB) & 1;
	}
	return borrow;
}

/* r = 2r mod n, for r < n. */
static void double_mod(bn_limb *r, const struct bn_mont *m)
{
	bn_limb carry = 0, top;
	size_t i;

	for (i = 0; i < m->limbs; i++) {
		top = r[i] >> (LB - 1);
		r[i] = r[i] << 1 | carry;
		carry = top;
	}
	if (carry || bn_cmp(r, m->n, m->limbs) >= 0)
		sub_n(r, m->n, m->limbs);
}

/*
 * r = a * b / R mod n, for a, b < n; r may alias a or b.  Coarsely
 * integrated operand scanning with the multiplication and the reduction
 * fused into one pass over the limbs, two carry chains side by side.
 * The running total stays below 2n, so one limb above L is enough.
 */
static void mont_mul(bn_limb *r, const bn_limb *a, const bn_limb *b,
    const struct bn_mont *m)
{
	bn_limb t[BN_MAX_LIMBS + 1];
	size_t L = m->limbs, i, j;
	const bn_limb *n = m->n;

	memset(t, 0, (L + 1) * sizeof *t);
	for (i = 0; i < L; i++) {
		bn_limb bi = b[i], c1, c2, q;
		dlimb s, p;

		s = (dlimb)a[0] * bi + t[0];
		c1 = (bn_limb)(s >> LB);
		q = (bn_limb)s * m->n0inv;
		p = (dlimb)q * n[0] + (bn_limb)s;
		c2 = (bn_limb)(p >> LB);
		for (j = 1; j < L; j++) {
			s = (dlimb)a[j] * bi + t[j] + c1;
			c1 = (bn_limb)(s >> LB);
			p = (dlimb)q * n[j] + (bn_limb)s + c2;
			c2 = (bn_limb)(p >> LB);
			t[j - 1] = (bn_limb)p;
		}
		s = (dlimb)t[L] + c1 + c2;
		t[L - 1] = (bn_limb)s;
		t[L] = (bn_limb)(s >> LB);
	}
	if (t[L] || bn_cmp(t, n, L) >= 0)
		sub_n(t, n, L);
	memcpy(r, t, L * sizeof *r);
}

/*
 * r = a * a / R mod n, for a < n; r may alias a.  The square first: each
 * cross product a[i] * a[j] (i < j) once, the sum doubled, the diagonal
 * a[i]^2 added, about half the multiplications of mont_mul's product;
 * then the Montgomery reduction, one limb of the quotient at a time.
 */
static void mont_sqr(bn_limb *r, const bn_limb *a, const struct bn_mont *m)
{
	bn_limb t[2 * BN_MAX_LIMBS + 1], c, top = 0, q;
	size_t L = m->limbs, i, j;
	const bn_limb *n = m->n;
	dlimb s;

	memset(t, 0, (2 * L + 1) * sizeof *t);
	for (i = 0; i + 1 < L; i++) {
		c = 0;
		for (j = i + 1; j < L; j++) {
			s = (dlimb)a[i] * a[j] + t[i + j] + c;
			t[i + j] = (bn_limb)s;
			c = (bn_limb)(s >> LB);
		}
		t[i + L] = c;
	}
	for (i = 2 * L; i-- > 1;)
		t[i] = t[i] << 1 | t[i - 1] >> (LB - 1);
	t[0] <<= 1;
	for (i = 0, c = 0; i < L; i++) {
		s = (dlimb)a[i] * a[i] + t[2 * i] + c;
		t[2 * i] = (bn_limb)s;
		s = (dlimb)t[2 * i + 1] + (bn_limb)(s >> LB);
		t[2 * i + 1] = (bn_limb)s;
		c = (bn_limb)(s >> LB);
	}
	/* t < n^2 < nR: adding q n, limb by limb, clears the low half. */
	for (i = 0; i < L; i++) {
		q = t[i] * m->n0inv;
		c = 0;
		for (j = 0; j < L; j++) {
			s = (dlimb)q * n[j] + t[i + j] + c;
			t[i + j] = (bn_limb)s;
			c = (bn_limb)(s >> LB);
		}
		s = (dlimb)t[i + L] + c + top;
		t[i + L] = (bn_limb)s;
		top = (bn_limb)(s >> LB);
	}
	if (top || bn_cmp(t + L, n, L) >= 0)
		sub_n(t + L, n, L);
	memcpy(r, t + L, L * sizeof *r);
}

static size_t bit_length(const bn_limb *a, size_t limbs)
{
	size_t i = limbs;

	while (i > 0 && a[i - 1] == 0)
		i--;
	if (i == 0)
		return 0;
	return LB * (i - 1) + (size_t)(LB - clz_limb(a[i - 1]));
}

int bn_mont_init(struct bn_mont *m, const bn_limb *n, size_t limbs)
{
	size_t bits, odd = limbs, squarings = 0, i, target;
	bn_limb inv = 1;

	if (limbs == 0 || limbs > BN_MAX_LIMBS || (n[0] & 1) == 0 || n[limbs - 1] == 0)
		return -1;
	memcpy(m->n, n, limbs * sizeof *n);
	m->limbs = limbs;
	for (i = 0; i < 6; i++)	/* Newton: each step doubles the correct bits */
		inv *= 2 - n[0] * inv;
	m->n0inv = (bn_limb)0 - inv;

	/*
	 * R^2 mod n without division: doubling gives 2^(LB limbs + LB odd)
	 * = R * 2^(LB odd) with odd = limbs without its factors of 2; each
	 * Montgomery squaring then turns R * 2^k into R * 2^2k, up to R * R.
	 */
	while (odd % 2 == 0) {
		odd /= 2;
		squarings++;
	}
	bits = bit_length(n, limbs);
	target = LB * limbs + LB * odd;
	memset(m->rr, 0, limbs * sizeof *m->rr);
	m->rr[(bits - 1) / LB] = (bn_limb)1 << ((bits - 1) % LB);
	for (i = bits - 1; i < target; i++)
		double_mod(m->rr, m);
	while (squarings-- > 0)
		mont_mul(m->rr, m->rr, m->rr, m);
	return 0;
}

void bn_modexp(bn_limb *r, const bn_limb *a, uint64_t e, const struct bn_mont *m)
{
	bn_limb base[BN_MAX_LIMBS], acc[BN_MAX_LIMBS];
	int bit = 63;

	while (bit > 0 && !(e >> bit & 1))
		bit--;
	if (bit == 0) {				/* e == 1 */
		memmove(r, a, m->limbs * sizeof *r);
		return;
	}
	mont_mul(base, a, m->rr, m);		/* a * R */
	memcpy(acc, base, m->limbs * sizeof *acc);
	while (--bit > 0) {
		mont_sqr(acc, acc, m);
		if (e >> bit & 1)
			mont_mul(acc, acc, base, m);
	}
	/* The last bit, 1 in an odd e: multiplying a^(e-1) R by a itself,
	 * not by a R, also takes the result out of Montgomery form. */
	mont_sqr(acc, acc, m);
	mont_mul(r, acc, a, m);
}
