#include "base/hash.h"

uint32_t hash_fnv32(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

uint64_t hash_fnv64(uint64_t basis, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = basis;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3u;
	return h;
}
