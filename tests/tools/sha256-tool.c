/* Prints the SHA-256 of stdin (or of a file) in sha256sum's hex form,
 * feeding it in odd-sized pieces so the incremental path is exercised. */
#include <stdio.h>

#include "crypto/sha256.h"

int main(int argc, char **argv)
{
	unsigned char buf[1000], out[SHA256_LEN];
	struct sha256 s;
	FILE *in = argc > 1 ? fopen(argv[1], "rb") : stdin;
	size_t n, piece = 1;
	int i;

	if (in == NULL)
		return 2;
	sha256_init(&s);
	while ((n = fread(buf, 1, piece, in)) > 0) {
		sha256_update(&s, buf, n);
		piece = piece % 97 + 13;
	}
	sha256_final(&s, out);
	for (i = 0; i < SHA256_LEN; i++)
		printf("%02x", out[i]);
	putchar('\n');
	return 0;
}
