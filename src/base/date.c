#include <stddef.h>
#include <string.h>

#include "base/date.h"

long long date_days(int year, int month, int day)
{
	long long y = year - (month <= 2), era, yoe, doy, doe;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_civil(long long days, int *year, int *month, int *day)
{
	long long era, doe, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (*month <= 2));
}

/* n digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

const char *date_scan(const char *s, long long *secs)
{
	/* Where each field starts, its width and its range. */
	static const struct { int at, width, lo, hi; char after; } field[6] = {
		{ 0, 4, 0, 9999, '-' }, { 5, 2, 1, 12, '-' }, { 8, 2, 1, 31, 'T' },
		{ 11, 2, 0, 23, ':' }, { 14, 2, 0, 59, ':' }, { 17, 2, 0, 60, '\0' }
	};
	int v[6], i;

	for (i = 0; i < 6; i++) {
		v[i] = digits(s + field[i].at, field[i].width);
		if (v[i] < field[i].lo || v[i] > field[i].hi)
			return NULL;
		if (field[i].after && s[field[i].at + field[i].width] != field[i].after)
			return NULL;
	}
	*secs = date_days(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
	return s + 19;
}

int date_zone(const char *s, long *east)
{
	int h, m;

	if (strcmp(s, "Z") == 0)
		return *east = 0, 0;
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
	    (h = digits(s + 1, 2)) < 0 || h > 23 || (m = digits(s + 4, 2)) < 0 || m > 59)
		return -1;
	*east = (s[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	return 0;
}
