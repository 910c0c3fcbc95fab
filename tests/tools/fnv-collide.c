/* Prints a form body of COUNT distinct five-character names (and "&")
 * whose 32-bit FNV-1a hashes agree in the low 15 bits: what an attacker
 * sends against a table hashed with FNV-1a's fixed seed.  With "random"
 * instead of a count's partner, prints as many names drawn at random. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

static const char alphabet[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

int main(int argc, char **argv)
{
	unsigned long count, found = 0, i;
	int colliding;
	char name[6] = { 0 };

	if (argc != 3)
		return 2;
	count = strtoul(argv[1], NULL, 10);
	colliding = strcmp(argv[2], "colliding") == 0;
	srand(1);
	for (i = 0; found < count && i < 62UL * 62 * 62 * 62 * 62; i++) {
		unsigned long v = colliding ? i : (unsigned long)rand();
		int k;

		for (k = 0; k < 5; k++, v /= 62)
			name[k] = alphabet[v % 62];
		if (colliding && (hash_fnv32(name, 5) & 0x7FFF) != 0)
			continue;
		printf("%s%s", found ? "&" : "", name);
		found++;
	}
	return found == count ? 0 : 1;
}
