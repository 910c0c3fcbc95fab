/* hash: FNV-1a, the one string hash of the program: 32 bits for the
 * percent split (stable across versions: a call must land where it did),
 * 64 bits from a given basis for tables (the record's, seeded; the rules
 * parser's names). */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV64_BASIS 0xcbf29ce484222325u

uint32_t hash_fnv32(const void *p, size_t len);
uint64_t hash_fnv64(uint64_t basis, const void *p, size_t len);

#endif
