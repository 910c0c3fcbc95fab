/* Prints "<bits> <sha256 of the DER>" for the built-in key or a PEM file,
 * or the reason it is refused (exit 1). */
#include <stdio.h>

#include "crypto/key.h"

int main(int argc, char **argv)
{
	static struct rsa_key key;
	unsigned char fp[SHA256_LEN];
	struct fail f;
	int i;

	if (key_load(argc > 1 ? argv[1] : NULL, &key, fp, &f) != ERR_OK) {
		printf("%s\n", f.why);
		return 1;
	}
	printf("%zu ", key.bits);
	for (i = 0; i < SHA256_LEN; i++)
		printf("%02x", fp[i]);
	putchar('\n');
	return 0;
}
