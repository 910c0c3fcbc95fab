#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/scan.h"
#include "rules/when.h"

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* POSIX TZ: std offset [dst [offset] [,rule,rule]] (XBD 8.3). */
static const char *tz_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		for (p++; *p && *p != '>'; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
				return NULL;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *tz_number(const char *p, int max, int *v)
{
	size_t n = scan_digits(p, 3);
	unsigned long long value;

	if (scan_decimal(p, n, 3, &value) < 0 || value > (unsigned long long)max)
		return NULL;
	*v = (int)value;
	return p + n;
}

/* [+-]hh[:mm[:ss]] with hours up to max. */
static const char *tz_offset(const char *p, int max)
{
	int v;

	if (*p == '+' || *p == '-')
		p++;
	if ((p = tz_number(p, max, &v)) == NULL)
		return NULL;
	if (*p == ':' && ((p = tz_number(p + 1, 59, &v)) == NULL))
		return NULL;
	if (p && *p == ':' && ((p = tz_number(p + 1, 59, &v)) == NULL))
		return NULL;
	return p;
}

static const char *tz_rule(const char *p)
{
	int v;

	if (*p == 'J')
		p = tz_number(p + 1, 365, &v);
	else if (*p == 'M') {
		if ((p = tz_number(p + 1, 12, &v)) == NULL || v < 1 || *p != '.' ||
		    (p = tz_number(p + 1, 5, &v)) == NULL || v < 1 || *p != '.' ||
		    (p = tz_number(p + 1, 6, &v)) == NULL)
			return NULL;
	} else
		p = tz_number(p, 365, &v);
	if (p && *p == '/')
		p = tz_offset(p + 1, 167);
	return p;
}

static int posix_tz(const char *p)
{
	if ((p = tz_name(p)) == NULL || (p = tz_offset(p, 24)) == NULL)
		return 0;
	if (*p == '\0')
		return 1;
	if ((p = tz_name(p)) == NULL)
		return 0;
	if (*p && *p != ',' && (p = tz_offset(p, 24)) == NULL)
		return 0;
	if (*p == '\0')
		return 1;
	if (*p != ',' || (p = tz_rule(p + 1)) == NULL || *p != ',' ||
	    (p = tz_rule(p + 1)) == NULL)
		return 0;
	return *p == '\0';
}

const char *when_zone_dir(void)
{
	const char *dir = getenv("TZDIR");

	return dir && *dir ? dir : "/usr/share/zoneinfo";
}

const char *when_zone_check(const char *zone, char *why, size_t why_len)
{
	const char *dir = when_zone_dir(), *p;
	char path[4096];
	struct stat st;

	if (posix_tz(zone))
		return NULL;
	for (p = zone; *p; p++)
		if (*p <= ' ' || *p == 0x7F)
			break;
	if (*zone == '\0' || *zone == '/' || *p != '\0' || strstr(zone, "..") != NULL ||
	    snprintf(path, sizeof path, "%s/%s", dir, zone) >= (int)sizeof path ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "unknown time zone \"%.64s\" (no %.128s/%.64s)", zone, dir, zone);
		return why;
	}
	return NULL;
}

void when_local(const char *zone, time_t t, struct tm *out)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;

	setenv("TZ", zone, 1);
	tzset();
	if (localtime_r(&t, out) == NULL)
		memset(out, 0, sizeof *out);
	/* The variable is put back; libc's zone is left as the rules' (a
	 * tzset here would read /etc/localtime for nothing: the program asks
	 * libc for local time only here, after setting TZ itself). */
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
}

static int day_index(const char *p, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && memcmp(p, day_names[i], 3) == 0)
			return i;
	return -1;
}

const char *when_days(const char *tok, unsigned *days, char *why, size_t why_len)
{
	const char *p = tok;

	*days = 0;
	if (strcmp(tok, "daily") == 0) {
		*days = 0x7F;
		return NULL;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *dash = memchr(p, '-', n);
		int a, b;

		if (dash) {
			a = day_index(p, (size_t)(dash - p));
			b = day_index(dash + 1, n - (size_t)(dash - p) - 1);
		} else
			a = b = day_index(p, n);
		if (a < 0 || b < 0) {
			snprintf(why, why_len, "bad days \"%.64s\": want mon, tue, ..., sun, ranges like mon-fri, lists, or daily", tok);
			return why;
		}
		for (;;) {	/* fri-mon wraps: fri, sat, sun, mon */
			*days |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

/* H:MM or HH:MM, 00:00 to 24:00; minutes since midnight, or -1. */
static int clock_minutes(const char *p, size_t n)
{
	int h, m;

	if (n == 4 && p[1] == ':')
		h = p[0] - '0', p += 2;
	else if (n == 5 && p[2] == ':' && p[0] >= '0' && p[0] <= '9')
		h = (p[0] - '0') * 10 + (p[1] - '0'), p += 3;
	else
		return -1;
	if (h < 0 || h > 24 || p[-2] < '0' || p[-2] > '9' ||
	    p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9')
		return -1;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	if (h == 24 && m != 0)
		return -1;
	return h * 60 + m;
}

const char *when_ranges(const char *tok, unsigned days, struct when_window *w,
    size_t max, size_t *count, char *why, size_t why_len)
{
	const char *p = tok;

	*count = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *dash = memchr(p, '-', n);
		int a = -1, b = -1;

		if (dash) {
			a = clock_minutes(p, (size_t)(dash - p));
			b = clock_minutes(dash + 1, n - (size_t)(dash - p) - 1);
		}
		if (a < 0 || b < 0) {
			snprintf(why, why_len, "bad time range \"%.*s\": want HH:MM-HH:MM from 00:00 to 24:00",
			    (int)(n > 32 ? 32 : n), p);
			return why;
		}
		if (a == 24 * 60) {
			snprintf(why, why_len, "%.*s: a window cannot start at 24:00", (int)n, p);
			return why;
		}
		if (b == a) {
			snprintf(why, why_len, "%.*s is an empty window", (int)n, p);
			return why;
		}
		if (b < a) {
			snprintf(why, why_len, "%.*s crosses midnight; write %.*s-24:00 and 00:00-%.*s on the right days",
			    (int)n, p, (int)(dash - p), p, (int)(n - (size_t)(dash - p) - 1), dash + 1);
			return why;
		}
		if (*count == max) {
			snprintf(why, why_len, "too many time windows");
			return why;
		}
		w[*count].days = days;
		w[*count].start = a;
		w[*count].end = b;
		(*count)++;
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

int when_in_window(const struct when_window *w, const struct tm *tm)
{
	int minute = tm->tm_hour * 60 + tm->tm_min;

	return (w->days >> tm->tm_wday & 1) && minute >= w->start && minute < w->end;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && (y == 0 || leap(y)) ? 29 : days[m - 1];
}

void when_easter(int year, int *month, int *day)
{
	int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;

	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

/* Parses a fixed number of digits; -1 if they are not all digits. */
static int digits(const char *p, int n)
{
	unsigned long long v;

	return scan_decimal(p, (size_t)n, (size_t)n, &v) < 0 ? -1 : (int)v;
}

/* MM-DD (year 0) or YYYY-MM-DD; 0 if it is a real date. */
static int parse_day(const char *p, size_t n, int *y, int *m, int *d)
{
	if (n == 5 && p[2] == '-')
		*y = 0;
	else if (n == 10 && p[4] == '-' && p[7] == '-' && (*y = digits(p, 4)) >= 1)
		p += 5;
	else
		return -1;
	*m = digits(p, 2);
	*d = digits(p + 3, 2);
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

const char *when_date(const char *tok, struct when_date *d, char *why, size_t why_len)
{
	const char *dots = strstr(tok, "..");
	size_t n = strlen(tok);
	int y2, m2, d2;

	memset(d, 0, sizeof *d);
	if (strncmp(tok, "easter", 6) == 0) {
		const char *p = tok + 6;
		int sign = 1, v = 0;

		d->kind = WHEN_EASTER;
		if (*p == '\0')
			return NULL;
		if (*p != '+' && *p != '-')
			goto bad;
		sign = *p++ == '-' ? -1 : 1;
		if (*p == '\0' || strlen(p) > 3 || (v = digits(p, (int)strlen(p))) < 0 || v > 366) {
			snprintf(why, why_len, "bad date \"%.32s\": easter+N or easter-N with N from 0 to 366", tok);
			return why;
		}
		d->offset = sign * v;
		return NULL;
	}
	if (dots) {
		d->kind = WHEN_RANGE;
		if (parse_day(tok, (size_t)(dots - tok), &d->year, &d->month, &d->day) < 0 || d->year == 0 ||
		    parse_day(dots + 2, n - (size_t)(dots - tok) - 2, &y2, &m2, &d2) < 0 || y2 == 0)
			goto bad;
		d->first = date_days(d->year, d->month, d->day);
		d->last = date_days(y2, m2, d2);
		if (d->last < d->first) {
			snprintf(why, why_len, "date range ends before it starts");
			return why;
		}
		return NULL;
	}
	d->kind = WHEN_DAY;
	if (parse_day(tok, n, &d->year, &d->month, &d->day) == 0)
		return NULL;
bad:
	snprintf(why, why_len, "bad date \"%.32s\": want MM-DD, YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or easter[+-N] (and a date that exists)", tok);
	return why;
}

int when_on_date(const struct when_date *d, const struct tm *tm)
{
	int y = tm->tm_year + 1900, m = tm->tm_mon + 1, day = tm->tm_mday, year;
	long long today = date_days(y, m, day);

	switch (d->kind) {
	case WHEN_DAY:
		return (d->year == 0 || d->year == y) && d->month == m && d->day == day;
	case WHEN_RANGE:
		return today >= d->first && today <= d->last;
	case WHEN_EASTER:
		/* Up to 366 days either way: the Easter of the year before or after may be meant. */
		for (year = y - 1; year <= y + 1; year++) {
			int em, ed;

			when_easter(year, &em, &ed);
			if (date_days(year, em, ed) + d->offset == today)
				return 1;
		}
		return 0;
	}
	return 0;
}
