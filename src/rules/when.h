/* when: the calendar side of the call rules.  Time zones are checked at
 * load time (glibc takes a misspelt zone silently as UTC); local time is
 * computed with the rules' zone, whatever the process's TZ; weekly windows
 * are half-open; dates are days, years, ranges or offsets from Easter. */
#ifndef WHEN_H
#define WHEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* NULL if zone is a POSIX TZ string with an explicit offset or a regular
 * file under $TZDIR (else /usr/share/zoneinfo) without "..", else why not. */
const char *when_zone_check(const char *zone, char *why, size_t why_len);

/* Where the zone files are: $TZDIR, else /usr/share/zoneinfo. */
const char *when_zone_dir(void);

/* The local time of t in zone; the process's TZ is left as it was. */
void when_local(const char *zone, time_t t, struct tm *out);

/* Weekdays (bit tm_wday) and a half-open window of minutes [start, end). */
struct when_window {
	unsigned days;
	int start, end;
};

/* Parses DAYS ("mon-fri", "sat,sun", "daily") into a bit set. */
const char *when_days(const char *tok, unsigned *days, char *why, size_t why_len);
/* Parses RANGES ("08:00-12:00,13:00-17:00") into windows for days; sets
 * *n to how many (at most max). */
const char *when_ranges(const char *tok, unsigned days, struct when_window *w,
    size_t max, size_t *n, char *why, size_t why_len);
int when_in_window(const struct when_window *w, const struct tm *tm);

enum when_date_kind { WHEN_DAY, WHEN_RANGE, WHEN_EASTER };

struct when_date {
	enum when_date_kind kind;
	int year;		/* WHEN_DAY: 0 for every year */
	int month, day;
	long long first, last;	/* WHEN_RANGE: day numbers (base/date.h), inclusive */
	int offset;		/* WHEN_EASTER: days after Easter Sunday */
};

const char *when_date(const char *tok, struct when_date *d, char *why, size_t why_len);
int when_on_date(const struct when_date *d, const struct tm *tm);


/* Easter Sunday of a Gregorian year (month 3 or 4, day). */
void when_easter(int year, int *month, int *day);

#endif
