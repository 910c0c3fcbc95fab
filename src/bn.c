#include <string.h>

#include "bn.h"

__extension__ typedef unsigned __int128 u128;

void bn_from_bytes(uint64_t *r, size_t limbs, const unsigned char *p, size_t len)
{
	size_t i;

	memset(r, 0, limbs * sizeof *r);
	for (i = 0; i < len; i++)
		r[i / 8] |= (uint64_t)p[len - 1 - i] << (8 * (i % 8));
}

void bn_to_bytes(const uint64_t *a, size_t limbs, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[len - 1 - i] = i / 8 < limbs ? (unsigned char)(a[i / 8] >> (8 * (i % 8))) : 0;
}

int bn_cmp(const uint64_t *a, const uint64_t *b, size_t limbs)
{
	while (limbs-- > 0)
		if (a[limbs] != b[limbs])
			return a[limbs] < b[limbs] ? -1 : 1;
	return 0;
}

/* r -= n; returns the borrow. */
static uint64_t sub_n(uint64_t *r, const uint64_t *n, size_t limbs)
{
	uint64_t borrow = 0;
	size_t i;

	for (i = 0; i < limbs; i++) {
		u128 d = (u128)r[i] - n[i] - borrow;

		r[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	return borrow;
}

/* r = 2r mod n, for r < n. */
static void double_mod(uint64_t *r, const struct bn_mont *m)
{
	uint64_t carry = 0, top;
	size_t i;

	for (i = 0; i < m->limbs; i++) {
		top = r[i] >> 63;
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
static void mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
    const struct bn_mont *m)
{
	uint64_t t[BN_MAX_LIMBS + 1];
	size_t L = m->limbs, i, j;
	const uint64_t *n = m->n;

	memset(t, 0, (L + 1) * sizeof *t);
	for (i = 0; i < L; i++) {
		uint64_t bi = b[i], c1, c2, q;
		u128 s, p;

		s = (u128)a[0] * bi + t[0];
		c1 = (uint64_t)(s >> 64);
		q = (uint64_t)s * m->n0inv;
		p = (u128)q * n[0] + (uint64_t)s;
		c2 = (uint64_t)(p >> 64);
		for (j = 1; j < L; j++) {
			s = (u128)a[j] * bi + t[j] + c1;
			c1 = (uint64_t)(s >> 64);
			p = (u128)q * n[j] + (uint64_t)s + c2;
			c2 = (uint64_t)(p >> 64);
			t[j - 1] = (uint64_t)p;
		}
		s = (u128)t[L] + c1 + c2;
		t[L - 1] = (uint64_t)s;
		t[L] = (uint64_t)(s >> 64);
	}
	if (t[L] || bn_cmp(t, n, L) >= 0)
		sub_n(t, n, L);
	memcpy(r, t, L * sizeof *r);
}

static size_t bit_length(const uint64_t *a, size_t limbs)
{
	size_t i = limbs;

	while (i > 0 && a[i - 1] == 0)
		i--;
	if (i == 0)
		return 0;
	return 64 * (i - 1) + (size_t)(64 - __builtin_clzll(a[i - 1]));
}

int bn_mont_init(struct bn_mont *m, const uint64_t *n, size_t limbs)
{
	size_t bits, odd = limbs, squarings = 0, i, target;
	uint64_t inv = 1;

	if (limbs == 0 || limbs > BN_MAX_LIMBS || (n[0] & 1) == 0 || n[limbs - 1] == 0)
		return -1;
	memcpy(m->n, n, limbs * sizeof *n);
	m->limbs = limbs;
	for (i = 0; i < 6; i++)	/* Newton: each step doubles the correct bits */
		inv *= 2 - n[0] * inv;
	m->n0inv = (uint64_t)0 - inv;

	/*
	 * R^2 mod n without division: doubling gives 2^(64 limbs + 64 odd)
	 * = R * 2^(64 odd) with odd = limbs without its factors of 2; each
	 * Montgomery squaring then turns R * 2^k into R * 2^2k, up to R * R.
	 */
	while (odd % 2 == 0) {
		odd /= 2;
		squarings++;
	}
	bits = bit_length(n, limbs);
	target = 64 * limbs + 64 * odd;
	memset(m->rr, 0, limbs * sizeof *m->rr);
	m->rr[(bits - 1) / 64] = (uint64_t)1 << ((bits - 1) % 64);
	for (i = bits - 1; i < target; i++)
		double_mod(m->rr, m);
	while (squarings-- > 0)
		mont_mul(m->rr, m->rr, m->rr, m);
	return 0;
}

void bn_modexp(uint64_t *r, const uint64_t *a, uint64_t e, const struct bn_mont *m)
{
	uint64_t base[BN_MAX_LIMBS], acc[BN_MAX_LIMBS], one[BN_MAX_LIMBS];
	int bit = 63;

	mont_mul(base, a, m->rr, m);		/* a * R */
	while (bit > 0 && !(e >> bit & 1))
		bit--;
	memcpy(acc, base, m->limbs * sizeof *acc);
	while (bit-- > 0) {
		mont_mul(acc, acc, acc, m);
		if (e >> bit & 1)
			mont_mul(acc, acc, base, m);
	}
	memset(one, 0, m->limbs * sizeof *one);
	one[0] = 1;
	mont_mul(r, acc, one, m);		/* out of Montgomery form */
}
