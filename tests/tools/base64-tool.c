/* Decodes argv[1] and prints the bytes as hex; exits 1 if it is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

int main(int argc, char **argv)
{
	unsigned char *out;
	size_t len;
	long n, i;

	if (argc != 2)
		return 2;
	len = strlen(argv[1]);
	if ((out = malloc(len / 4 * 3 + 1)) == NULL)
		return 2;
	if ((n = base64_decode(argv[1], len, out)) < 0) {
		puts("invalid");
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%02x", out[i]);
	putchar('\n');
	free(out);
	return 0;
}
