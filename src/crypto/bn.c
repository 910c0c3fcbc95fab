#include <string.h>

#include "crypto/bn.h"

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
 * Product scanning: each column of a product is summed in registers, three
 * limbs wide (a double limb and a limb above it), and its low limb written
 * once.  Adding a product, the double limb wraps at most once, and lo < p
 * says when; compilers turn that into add, adc, adc.
 */
#define MAC(lo, hi, x, y) do { \
	dlimb p_ = (dlimb)(x) * (y); \
	(lo) += p_; \
	(hi) += (lo) < p_; \
} while (0)

/* The column is done: the sum moves down one limb into the next. */
#define NEXT_COLUMN(lo, hi) do { \
	(lo) = (lo) >> LB | (dlimb)(hi) << LB; \
	(hi) = 0; \
} while (0)

/* *lo:*hi += x[k] * y[-k] for k < count: one column's products of two
 * numbers, the pointers walking towards each other. */
static inline void column(dlimb *lo, bn_limb *hi, const bn_limb *x, const bn_limb *y, size_t count)
{
	dlimb l = *lo;
	bn_limb h = *hi;

	while (count-- > 0)
		MAC(l, h, *x++, *y--);
	*lo = l;
	*hi = h;
}

/* The last column's sum is t's top limb and a carry above it: the result,
 * below 2n, loses n once if it is n or more.  Then r takes it (r may be an
 * operand, so it is written only now). */
static void last_column(bn_limb *r, bn_limb *t, dlimb lo, const bn_limb *n, size_t L)
{
	t[L - 1] = (bn_limb)lo;
	if ((bn_limb)(lo >> LB) || bn_cmp(t, n, L) >= 0)
		sub_n(t, n, L);
	memcpy(r, t, L * sizeof *r);
}

/*
 * r = a * b / R mod n, for a, b < n; r may alias a or b.  Product scanning
 * with the reduction folded in (Koc's FIPS): column i of a * b and of q * n
 * summed together, the quotient limb q[i] chosen to clear column i of the
 * low half.  The result is below 2n, so one subtraction is enough.
 */
static void mont_mul(bn_limb *r, const bn_limb *a, const bn_limb *b,
    const struct bn_mont *m)
{
	bn_limb q[BN_MAX_LIMBS], t[BN_MAX_LIMBS], hi = 0;
	const bn_limb *n = m->n;
	size_t L = m->limbs, i;
	dlimb lo = 0;

	for (i = 0; i < L; i++) {
		column(&lo, &hi, a, b + i, i);
		column(&lo, &hi, q, n + i, i);
		MAC(lo, hi, a[i], b[0]);
		q[i] = (bn_limb)lo * m->n0inv;
		MAC(lo, hi, q[i], n[0]);
		NEXT_COLUMN(lo, hi);
	}
	for (i = L; i < 2 * L - 1; i++) {
		column(&lo, &hi, a + (i - L + 1), b + (L - 1), 2 * L - 1 - i);
		column(&lo, &hi, q + (i - L + 1), n + (L - 1), 2 * L - 1 - i);
		t[i - L] = (bn_limb)lo;
		NEXT_COLUMN(lo, hi);
	}
	last_column(r, t, lo, n, L);
}

/*
 * r = a * a / R mod n, for a < n; r may alias a.  As mont_mul, but each
 * column's cross products a[j] * a[i - j] (j < i - j) are summed once and
 * doubled, and the square a[i/2]^2 added: a quarter fewer multiplications.
 */
static void mont_sqr(bn_limb *r, const bn_limb *a, const struct bn_mont *m)
{
	bn_limb q[BN_MAX_LIMBS], t[BN_MAX_LIMBS], hi = 0, cross_hi;
	const bn_limb *n = m->n;
	size_t L = m->limbs, i, first;
	dlimb lo = 0, cross;

	for (i = 0; i < 2 * L - 1; i++) {
		first = i < L ? 0 : i - L + 1;
		cross = 0;
		cross_hi = 0;
		column(&cross, &cross_hi, a + first, a + (i - first), (i + 1) / 2 - first);
		cross_hi = cross_hi << 1 | (bn_limb)(cross >> (2 * LB - 1));
		cross <<= 1;
		lo += cross;
		hi += cross_hi + (lo < cross);
		if (i % 2 == 0)
			MAC(lo, hi, a[i / 2], a[i / 2]);
		if (i < L) {
			column(&lo, &hi, q, n + i, i);
			q[i] = (bn_limb)lo * m->n0inv;
			MAC(lo, hi, q[i], n[0]);
		} else {
			column(&lo, &hi, q + first, n + (L - 1), 2 * L - 1 - i);
			t[i - L] = (bn_limb)lo;
		}
		NEXT_COLUMN(lo, hi);
	}
	last_column(r, t, lo, n, L);
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
