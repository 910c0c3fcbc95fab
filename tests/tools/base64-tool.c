/* Decodes argv[1] into a buffer of argv[2] bytes (default: just enough)
 * and prints the bytes as hex; exits 1 if it is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/base64.h"

int main(int argc, char **argv)
{
	unsigned char *out;
	size_t len, size;
	long n, i;

	if (argc != 2 && argc != 3)
		return 2;
	len = strlen(argv[1]);
	size = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : len / 4 * 3;
	/* Exactly size bytes, so that ASan sees a write past the end. */
	if ((out = malloc(size ? size : 1)) == NULL)
		return 2;
	if ((n = base64_decode(argv[1], len, out, size)) < 0) {
		puts("invalid");
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%02x", out[i]);
	putchar('\n');
	free(out);
	return 0;
}
