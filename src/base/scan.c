#include <limits.h>

#include "base/scan.h"

size_t scan_digits(const char *p, size_t max)
{
	size_t n = 0;

	while (n < max && p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
}

int scan_decimal(const char *p, size_t len, size_t max_digits, unsigned long long *v)
{
	unsigned long long n = 0;
	size_t i;

	if (len == 0 || len > max_digits || scan_digits(p, len) != len)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		n = n > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : n * 10 + d;
	}
	*v = n;
	return 0;
}
