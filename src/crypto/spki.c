#include <string.h>

#include "crypto/base64.h"
#include "crypto/spki.h"

#define KEY_FILE_MAX 16384
#define KEY_MIN_BITS 2048
#define KEY_MAX_BITS 8192

struct der {
	const unsigned char *p;
	size_t len;
};

/* Takes one DER element of the given tag off d; its contents go to out. */
static int der_take(struct der *d, unsigned char tag, struct der *out)
{
	size_t len, i, nlen;

	if (d->len < 2 || d->p[0] != tag)
		return -1;
	len = d->p[1];
	i = 2;
	if (len & 0x80) {
		nlen = len & 0x7F;
		if (nlen == 0 || nlen > 3 || d->len < 2 + nlen)
			return -1;
		for (len = 0; i < 2 + nlen; i++)
			len = len << 8 | d->p[i];
	}
	if (len > d->len - i)
		return -1;
	out->p = d->p + i;
	out->len = len;
	d->p += i + len;
	d->len -= i + len;
	return 0;
}

/* A positive INTEGER's magnitude, without DER's leading zero byte. */
static int der_unsigned(struct der *d, struct der *out)
{
	if (der_take(d, 0x02, out) < 0 || out->len == 0 || (out->p[0] & 0x80))
		return -1;
	while (out->len > 1 && out->p[0] == 0) {
		out->p++;
		out->len--;
	}
	return 0;
}

static const char *parse_der(const unsigned char *der, size_t len,
    struct rsa_key *key)
{
	static const unsigned char rsa_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	};
	struct der all = { der, len }, spki, alg, oid, nul, bits, rsa, n, e;
	bn_limb limbs[BN_MAX_LIMBS];
	size_t i;

	if (der_take(&all, 0x30, &spki) < 0 || all.len != 0 ||
	    der_take(&spki, 0x30, &alg) < 0 || der_take(&alg, 0x06, &oid) < 0)
		return "not a SubjectPublicKeyInfo";
	if (oid.len != sizeof rsa_oid || memcmp(oid.p, rsa_oid, oid.len) != 0)
		return "not an RSA key";
	if (alg.len != 0 && (der_take(&alg, 0x05, &nul) < 0 || nul.len != 0 || alg.len != 0))
		return "bad algorithm parameters";
	if (der_take(&spki, 0x03, &bits) < 0 || spki.len != 0 ||
	    bits.len < 1 || bits.p[0] != 0)
		return "bad public key bit string";
	bits.p++;
	bits.len--;
	if (der_take(&bits, 0x30, &rsa) < 0 || bits.len != 0 ||
	    der_unsigned(&rsa, &n) < 0 || der_unsigned(&rsa, &e) < 0 || rsa.len != 0)
		return "bad RSAPublicKey";

	if (n.p[0] == 0)
		return "modulus is zero";
	key->bytes = n.len;
	key->bits = 8 * n.len - (size_t)__builtin_clz(n.p[0]) + 24;
	if (key->bits < KEY_MIN_BITS || key->bits > KEY_MAX_BITS)
		return "modulus must have 2048 to 8192 bits";
	if (e.len > 8)
		return "public exponent too large";
	for (key->e = 0, i = 0; i < e.len; i++)
		key->e = key->e << 8 | e.p[i];
	if (key->e < 3 || (key->e & 1) == 0)
		return "public exponent must be odd and at least 3";
	bn_from_bytes(limbs, BN_LIMBS_FOR(n.len), n.p, n.len);
	if (bn_mont_init(&key->mont, limbs, BN_LIMBS_FOR(n.len)) < 0)
		return "modulus must be odd";
	return NULL;
}

static int is_base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

const char *spki_parse_pem(const char *pem, size_t len, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN])
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	char text[KEY_FILE_MAX];
	unsigned char der[KEY_FILE_MAX];
	const char *p, *stop = pem + len;
	size_t n = 0;
	long dlen;

	p = memmem(pem, len, begin, sizeof begin - 1);
	if (p == NULL)
		return "no -----BEGIN PUBLIC KEY----- line";
	for (p += sizeof begin - 1; p < stop && *p != '-'; p++) {
		if (is_base64_char(*p) && n < sizeof text)
			text[n++] = *p;
		else if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return "bad character in the PEM body";
	}
	if ((size_t)(stop - p) < sizeof end - 1 || memcmp(p, end, sizeof end - 1) != 0)
		return "no -----END PUBLIC KEY----- line";
	if ((dlen = base64_decode(text, n, der, sizeof der)) < 0)
		return "the PEM body is not valid base64";
	if (fingerprint)
		sha256(der, (size_t)dlen, fingerprint);
	return parse_der(der, (size_t)dlen, key);
}
