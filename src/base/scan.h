/* scan: strict unsigned decimal numbers, as every setting, header, rules
 * file and command-line time writes them: ASCII digits only, no sign, no
 * blank, no base prefix.  Values saturate instead of wrapping; callers
 * check the range. */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

/* How many of the first max bytes at p are digits, before the first
 * that is not. */
size_t scan_digits(const char *p, size_t max);

/* The number in the len bytes at p: 0 and *v, or -1 unless they are 1 to
 * max_digits digits.  Above ULLONG_MAX, *v is ULLONG_MAX. */
int scan_decimal(const char *p, size_t len, size_t max_digits, unsigned long long *v);

#endif
