/* Reads lines "N A E" (N and A in hex, the same number of digits, E in
 * decimal) and prints A^E mod N in hex with as many digits, one line each,
 * through bn_mont_init and bn_modexp; "unusable" for a modulus they refuse.
 * The suite compares its lines with openssl's. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bn.h"

/* 2 * BN_MAX_BITS / 8, as the scanf widths below say. */
#define DIGITS_MAX 2048

static int unhex(const char *hex, unsigned char *out, size_t bytes)
{
	size_t i;

	if (strlen(hex) != 2 * bytes)
		return -1;
	for (i = 0; i < bytes; i++) {
		char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return -1;
		out[i] = (unsigned char)strtoul(pair, NULL, 16);
	}
	return 0;
}

int main(void)
{
	static char nhex[DIGITS_MAX + 2], ahex[DIGITS_MAX + 2];
	static unsigned char nb[BN_MAX_BITS / 8], ab[BN_MAX_BITS / 8];
	static struct bn_mont m;
	bn_limb n[BN_MAX_LIMBS], a[BN_MAX_LIMBS];
	unsigned long long e;
	size_t bytes, limbs, i;

	while (scanf("%2048s %2048s %llu", nhex, ahex, &e) == 3) {
		bytes = strlen(nhex) / 2;
		if (bytes == 0 || bytes > sizeof nb || unhex(nhex, nb, bytes) < 0 || unhex(ahex, ab, bytes) < 0) {
			fprintf(stderr, "bn-tool: bad line\n");
			return 2;
		}
		limbs = BN_LIMBS_FOR(bytes);
		bn_from_bytes(n, limbs, nb, bytes);
		bn_from_bytes(a, limbs, ab, bytes);
		if (bn_mont_init(&m, n, limbs) < 0) {
			puts("unusable");
			continue;
		}
		bn_modexp(a, a, e, &m);
		bn_to_bytes(a, limbs, ab, bytes);
		for (i = 0; i < bytes; i++)
			printf("%02x", ab[i]);
		putchar('\n');
	}
	return 0;
}
