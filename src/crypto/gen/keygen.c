/* Build tool: reads a PEM public key and prints it as a C initializer of
 * struct rsa_key, Montgomery constants included, for key.c to build in.
 * Compiled with the program's own flags, so the limbs have its width. */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/spki.h"

static void limbs(const char *name, const bn_limb *a, size_t n)
{
	size_t i;

	printf("\t\t.%s = {", name);
	for (i = 0; i < n; i++)
		printf("%s%#llx", i == 0 ? "\n\t\t\t" : i % 4 ? ", " : ",\n\t\t\t",
		    (unsigned long long)a[i]);
	printf("\n\t\t},\n");
}

int main(int argc, char **argv)
{
	static char pem[SPKI_PEM_MAX];
	static struct rsa_key key;
	const char *why;
	size_t len;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: keygen PEM-FILE\n");
		return 2;
	}
	len = fread(pem, 1, sizeof pem, f);
	fclose(f);
	if ((why = spki_parse_pem(pem, len, &key, NULL)) != NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], why);
		return 1;
	}
	printf("/* Generated from %s by keygen; %d-bit limbs. */\n", argv[1], BN_LIMB_BITS);
	printf("static const struct rsa_key builtin_key = {\n\t.mont = {\n");
	limbs("n", key.mont.n, key.mont.limbs);
	limbs("rr", key.mont.rr, key.mont.limbs);
	printf("\t\t.n0inv = %#llx,\n\t\t.limbs = %zu,\n\t},\n", (unsigned long long)key.mont.n0inv,
	    key.mont.limbs);
	printf("\t.e = %llu,\n\t.bytes = %zu,\n\t.bits = %zu,\n};\n", (unsigned long long)key.e,
	    key.bytes, key.bits);
	return 0;
}
