#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "key.h"

#define KEY_FILE_MAX 16384
#define KEY_MIN_BITS 2048
#define KEY_MAX_BITS 8192

static const char builtin_pem[] =
#include "sipgate_key.inc"
    ;

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

/* Parses PEM text; returns NULL or the reason it is not a usable key. */
static const char *key_parse_pem(const char *pem, size_t len, struct rsa_key *key,
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

static long read_file(const char *path, char *out, size_t cap,
    struct stat *st)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	while (got < cap) {
		n = read(fd, out + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == cap) {
		errno = EFBIG;
		return -1;
	}
	return (long)got;
}

/* The key file's text and its identity when it was read. */
static enum err load_file(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct stat *st, struct fail *f)
{
	char text[KEY_FILE_MAX];
	const char *why;
	long len;

	if ((len = read_file(path, text, sizeof text, st)) < 0)
		return fail_set(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path,
		    strerror(errno));
	if ((why = key_parse_pem(text, (size_t)len, key, fingerprint)))
		return fail_set(f, ERR_CONFIG, "SIPGATE_PUBLIC_KEY %.200s: %s", path, why);
	return ERR_OK;
}

enum err key_load(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct fail *f)
{
	struct stat st;
	const char *why;

	if (path == NULL) {
		why = key_parse_pem(builtin_pem, sizeof builtin_pem - 1, key, fingerprint);
		if (why)
			return fail_set(f, ERR_INTERNAL, "built-in key: %s", why);
		return ERR_OK;
	}
	return load_file(path, key, fingerprint, &st, f);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

enum err key_get(const char *path, const struct rsa_key **key, struct fail *f)
{
	static struct rsa_key builtin, file;
	static int builtin_ready;
	static char file_path[1024];
	static struct stat file_st;
	struct stat st;
	enum err rc;

	if (path == NULL) {
		if (!builtin_ready && (rc = key_load(NULL, &builtin, NULL, f)) != ERR_OK)
			return rc;
		builtin_ready = 1;
		*key = &builtin;
		return ERR_OK;
	}
	if (file_path[0] && strcmp(path, file_path) == 0 && stat(path, &st) == 0 &&
	    same_file(&st, &file_st)) {
		*key = &file;
		return ERR_OK;
	}
	file_path[0] = '\0';
	if ((rc = load_file(path, &file, NULL, &file_st, f)) != ERR_OK)
		return rc;
	if (strlen(path) < sizeof file_path)
		strcpy(file_path, path);
	*key = &file;
	return ERR_OK;
}
