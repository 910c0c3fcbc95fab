/* Times RSA signature verification with the built-in key on the real
 * signed request: the SHA-256 of the body, the base64 decoding and the
 * modular exponentiation, as the CGI does them.  Prints microseconds per
 * verification (the median of 9 rounds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/key.h"
#include "crypto/sig.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = malloc(65537);

	if (f == NULL || p == NULL)
		exit(2);
	*len = fread(p, 1, 65536, f);
	p[*len] = '\0';
	fclose(f);
	return p;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static struct rsa_key key;
	struct timespec t0, t1;
	struct fail f;
	const char *why;
	double rounds[9];
	size_t blen, slen;
	char *body, *sig;
	int i, r, n = argc > 3 ? atoi(argv[3]) : 2000;

	if (argc < 3)
		return 2;
	body = slurp(argv[1], &blen);
	sig = slurp(argv[2], &slen);
	if (key_load(NULL, &key, NULL, &f) != ERR_OK ||
	    sig_check(&key, sig, body, blen, &why) != SIG_VALID) {
		fprintf(stderr, "the sample does not verify\n");
		return 1;
	}
	for (r = 0; r < 9; r++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++)
			if (sig_check(&key, sig, body, blen, &why) != SIG_VALID)
				return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		rounds[r] = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		    (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
	}
	qsort(rounds, 9, sizeof *rounds, cmp);
	printf("%.1f\n", rounds[4]);
	return 0;
}
