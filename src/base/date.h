/* date: the proleptic Gregorian calendar in UTC, computed, never through
 * the C library's struct tm conversions and their time zone state: day
 * numbers (days since 1970-01-01) from a date and back, and the strict
 * "YYYY-MM-DDTHH:MM:SS" the program writes and reads. */
#ifndef DATE_H
#define DATE_H

/* Hinnant's days_from_civil and civil_from_days. */
long long date_days(int year, int month, int day);
void date_civil(long long days, int *year, int *month, int *day);

/* s starts with YYYY-MM-DDTHH:MM:SS, ASCII digits only, the month 1-12,
 * the day 1-31, the hour 0-23, the minute 0-59 and the second 0-60: the
 * seconds since 1970 that names in UTC go to *secs, and the rest of s is
 * returned; NULL if s does not start so. */
const char *date_scan(const char *s, long long *secs);

/* s is Z or +HH:MM or -HH:MM (the hour 0-23, the minute 0-59): 0 and the
 * seconds the zone is east of UTC in *east; -1 if not. */
int date_zone(const char *s, long *east);

#endif
