/* page: the calls page.  From the event log, read from its end back no
 * further than it shows: today's calls and the 14 days before, newest
 * first, the missed calls nobody has called back on top, calls per day and
 * a week-by-hour grid as inline SVG, in German or English.  Times are the
 * server's local time (TZ, else /etc/localtime). */
#ifndef PAGE_H
#define PAGE_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"

#define PAGE_DAYS 15		/* today and the 14 days before */
#define PAGE_ROWS_MAX 500	/* calls listed; the chart counts them all */
#define PAGE_VALUE_MAX 64

enum page_lang { PAGE_EN, PAGE_DE };

/* What the query asks for; empty strings and day -1 filter nothing. */
struct page_filter {
	char line[PAGE_VALUE_MAX + 1];	/* the office's number the call was for */
	char user[PAGE_VALUE_MAX + 1];	/* a user it rang or who answered */
	char outcome[16];
	long long day;			/* a day number (base/date.h) */
	char day_text[11];
};

/* The filters of QUERY_STRING query (NULL: none): ERR_OK, or ERR_QUERY
 * saying which parameter is wrong. */
enum err page_query(const char *query, struct page_filter *flt, struct fail *f);

/* German where Accept-Language prefers it to English, else English. */
enum page_lang page_lang(const char *accept_language);

/* The page at now from the log at path and its rotations (path.1, ...):
 * ERR_OK, or ERR_LOG when the log cannot be read. */
enum err page_build(struct buf *html, const char *path, const struct page_filter *flt,
    enum page_lang lang, time_t now, struct fail *f);

/* The Content-Security-Policy the page is served with: nothing from
 * anywhere, but its own style sheet, by its hash. */
const char *page_csp(void);

#endif
