#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/hash.h"
#include "base/json.h"
#include "crypto/base64.h"
#include "crypto/sha256.h"
#include "history/fold.h"
#include "history/page.h"
#include "history/tail.h"
#include "push/form.h"
#include "push/logline.h"

/* Lines of two servers or two writers may stand out of order by this much,
 * and records put back by --restore stand at the end whatever their time:
 * the log is read back until this many lines in a row are this far before
 * the first day. */
#define SLACK_MS (3600LL * 1000)
#define OLD_RUN 4096
/* Numbers in the missed-calls block, the newest: a morning's backlog
 * must not push the rest of the page off a phone's screen. */
#define MISSED_MAX 25
/* Rotations looked at beyond the live log (logrotate's path.1, path.2...). */
#define ROTATIONS_MAX 30

enum kind { K_ANSWERED, K_VOICEMAIL, K_MISSED, K_OTHER, K_KINDS };

static const char *const outcomes[] = {
	"answered", "voicemail", "missed", "busy", "rejected", "forwarded", "failed", "open"
};
#define NOUTCOMES (sizeof outcomes / sizeof *outcomes)

/* The page's words, English then German. */
enum word {
	W_TITLE, W_MISSED_BLOCK, W_NONE_MISSED, W_PER_DAY, W_GRID, W_CALLS, W_TIME, W_CALLER,
	W_LINE, W_USERS, W_OUTCOME, W_RING, W_TALK, W_ANSWERED, W_VOICEMAIL, W_MISSED, W_OTHER,
	W_FILTER, W_ALL, W_DAY, W_USER, W_NO_CALLS, W_SHOWN, W_SKIPPED, W_TIMES, W_LAST, W_OUT,
	W_ANONYMOUS, W_MORE_MISSED, W_COMPRESSED, W_WORDS
};

static const char *const words[2][W_WORDS] = {
	[PAGE_EN] = {
		"Calls", "Missed, not called back", "No missed call is waiting for a call back.",
		"Calls per day", "When calls come (weekday by hour)", "Calls", "Time", "Caller",
		"Line", "Rang", "Outcome", "Ringing", "Talk", "answered", "voicemail", "missed",
		"other", "Show", "all", "Day", "User", "No calls.",
		"The newest %zu of %zu calls; choose a day or a filter to see the others.",
		"%lu lines of the log are not call events.", "times", "last", "outgoing",
		"anonymous", "and %zu more numbers, the oldest: the list below with outcome missed shows them.",
		"is compressed and not read: the days in it and before are missing here. Keep the rotations "
		"uncompressed (the shipped logrotate configuration does).",
	},
	[PAGE_DE] = {
		"Anrufe", "Verpasst, nicht zurückgerufen", "Kein verpasster Anruf wartet auf einen Rückruf.",
		"Anrufe pro Tag", "Wann Anrufe kommen (Wochentag und Stunde)", "Anrufe", "Zeit",
		"Anrufer", "Leitung", "Geklingelt", "Ergebnis", "Klingeln", "Gespräch", "angenommen",
		"Mailbox", "verpasst", "sonstige", "Anzeigen", "alle", "Tag", "Benutzer", "Keine Anrufe.",
		"Die neuesten %zu von %zu Anrufen; ein Tag oder ein Filter zeigt die übrigen.",
		"%lu Zeilen des Protokolls sind keine Anrufereignisse.", "mal", "zuletzt", "ausgehend",
		"anonym", "und %zu weitere Nummern, die ältesten: die Liste unten mit Ergebnis verpasst zeigt sie.",
		"ist komprimiert und wird nicht gelesen: die Tage darin und davor fehlen hier. Die Rotationen "
		"bitte unkomprimiert lassen (wie die mitgelieferte logrotate-Konfiguration).",
	},
};

static const char *const outcome_words[2][NOUTCOMES] = {
	[PAGE_EN] = { "answered", "voicemail", "missed", "busy", "rejected", "forwarded", "failed", "open" },
	[PAGE_DE] = { "angenommen", "Mailbox", "verpasst", "besetzt", "abgewiesen", "weitergeleitet",
		"fehlgeschlagen", "offen" },
};

static const char *const day_names[2][7] = {
	[PAGE_EN] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
	[PAGE_DE] = { "So", "Mo", "Di", "Mi", "Do", "Fr", "Sa" },
};

static const char style[] =
	"body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:.5em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.4em}"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .4em;"
	"border-bottom:1px solid #ddd;vertical-align:top}"
	".o{display:inline-block;padding:0 .4em;border-radius:.3em;color:#fff;font-weight:600}"
	".answered{background:#1b7a3a}.voicemail{background:#2457a6}.missed,.busy{background:#b3261e}"
	".rejected,.forwarded,.failed,.open{background:#5f6368}"
	"rect.answered{fill:#1b7a3a}rect.voicemail{fill:#2457a6}rect.missed{fill:#b3261e}"
	"rect.other{fill:#5f6368}svg{width:100%;height:auto;max-width:44em;display:block}"
	"svg text{font:10px sans-serif;fill:#222}rect.g0{fill:#eee}rect.g1{fill:#c6dbef}"
	"rect.g2{fill:#6baed6}rect.g3{fill:#2171b5}rect.g4{fill:#08306b}svg text.w{fill:#fff}"
	"form{display:flex;flex-wrap:wrap;gap:.5em;align-items:end}label{display:flex;flex-direction:column}"
	".missed-block{border:2px solid #b3261e;padding:.5em;border-radius:.4em}"
	".note{color:#555}.num{white-space:nowrap}"
	"@media(max-width:40em){thead{display:none}tr{display:block;border-bottom:1px solid #bbb;"
	"padding:.3em 0}td{display:inline-block;border:0;padding:.1em .4em}}";

/* --- the query --- */

/* No control character in v[0..n). */
static int value_ok(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

static enum err take_value(const struct form_param *p, char *to, size_t size, struct fail *f)
{
	if (p->value_len >= size || !json_utf8_valid(p->value, p->value_len) || !value_ok(p->value, p->value_len))
		return err_fail(f, ERR_QUERY, "%.*s must be at most %zu bytes of text",
		    (int)p->name_len, p->name, size - 1);
	memcpy(to, p->value, p->value_len);
	to[p->value_len] = '\0';
	return ERR_OK;
}

static enum err take_day(const struct form_param *p, struct page_filter *flt, struct fail *f)
{
	char s[32];
	long long secs;

	if (p->value_len != 10)
		return err_fail(f, ERR_QUERY, "day must be a date, YYYY-MM-DD");
	memcpy(s, p->value, 10);
	memcpy(s + 10, "T00:00:00", 10);
	if (date_scan(s, &secs) == NULL || *date_scan(s, &secs) != '\0')
		return err_fail(f, ERR_QUERY, "day must be a date, YYYY-MM-DD");
	flt->day = secs / 86400;
	{
		int y, m, d;

		date_civil(flt->day, &y, &m, &d);
		/* date_scan takes 2026-02-31; the calendar does not. */
		if (y != atoi(s) || m != atoi(s + 5) || d != atoi(s + 8))
			return err_fail(f, ERR_QUERY, "day must be a date, YYYY-MM-DD");
	}
	memcpy(flt->day_text, p->value, 10);
	flt->day_text[10] = '\0';
	return ERR_OK;
}

enum err page_query(const char *query, struct page_filter *flt, struct fail *f)
{
	static const char *const names[] = { "line", "user", "outcome", "day" };
	unsigned have = 0;
	struct form form = { 0 };
	enum err rc = ERR_OK;
	size_t i, k;

	memset(flt, 0, sizeof *flt);
	flt->day = -1;
	if (query == NULL || *query == '\0')
		return ERR_OK;
	if (form_decode(query, strlen(query), &form, f) != ERR_OK)
		return err_fail(f, ERR_QUERY, "the query string is not URL-encoded");
	for (i = 0; i < form.count && rc == ERR_OK; i++) {
		const struct form_param *p = &form.params[i];

		for (k = 0; k < 4; k++)
			if (p->name_len == strlen(names[k]) && memcmp(p->name, names[k], p->name_len) == 0)
				break;
		if (k == 4 || p->bracketed) {
			rc = err_fail(f, ERR_QUERY, "unknown parameter %.*s; the page takes line, user, outcome and day",
			    (int)(p->name_len > 40 ? 40 : p->name_len), p->name);
			break;
		}
		if (have & 1u << k) {
			rc = err_fail(f, ERR_QUERY, "%s is given twice", names[k]);
			break;
		}
		have |= 1u << k;
		if (p->value_len == 0)
			continue;	/* a form's "all" */
		if (k == 0)
			rc = take_value(p, flt->line, sizeof flt->line, f);
		else if (k == 1)
			rc = take_value(p, flt->user, sizeof flt->user, f);
		else if (k == 3)
			rc = take_day(p, flt, f);
		else {
			size_t o;

			for (o = 0; o < NOUTCOMES; o++)
				if (form_is(p, outcomes[o]))
					break;
			if (o == NOUTCOMES)
				rc = err_fail(f, ERR_QUERY, "outcome must be one of answered, voicemail, missed, "
				    "busy, rejected, forwarded, failed, open");
			else
				strcpy(flt->outcome, outcomes[o]);
		}
	}
	form_free(&form);
	return rc;
}

/* --- the language --- */

/* The q of one Accept-Language member (RFC 9110 12.4.2): 0 to 1000. */
static int quality(const char *p, const char *end)
{
	int q = 1000, scale = 100;

	for (; p < end && *p != ';'; p++)
		;
	for (; p < end && (*p == ';' || *p == ' '); p++)
		;
	if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return q;
	p += 2;
	q = *p == '1' ? 1000 : 0;
	if (*p == '0' && p + 1 < end && p[1] == '.')
		for (p += 2; p < end && *p >= '0' && *p <= '9' && scale > 0; p++, scale /= 10)
			q += (*p - '0') * scale;
	return q;
}

enum page_lang page_lang(const char *al)
{
	int de = -1, en = -1;
	const char *p = al, *end;

	for (; p && *p; p = *end ? end + 1 : end) {
		int q;

		while (*p == ' ')
			p++;
		for (end = p; *end && *end != ','; end++)
			;
		q = quality(p, end);
		if ((p[0] == 'd' || p[0] == 'D') && (p[1] == 'e' || p[1] == 'E') &&
		    (p + 2 == end || p[2] == '-' || p[2] == ';' || p[2] == ' '))
			de = q > de ? q : de;
		else if ((p[0] == 'e' || p[0] == 'E') && (p[1] == 'n' || p[1] == 'N') &&
		    (p + 2 == end || p[2] == '-' || p[2] == ';' || p[2] == ' '))
			en = q > en ? q : en;
	}
	return de > 0 && de > en ? PAGE_DE : PAGE_EN;
}

/* --- reading the log back --- */

struct row {
	struct fold_call *c;
	const struct fold_call *leg;	/* the leg it went on to (a forward), or NULL */
	long long ms;			/* its first event */
	int day;			/* days before today: 0 to PAGE_DAYS - 1 */
	int wday, hour;
	size_t outcome;			/* in outcomes[] */
	int hidden;			/* a leg shown with the call it came from */
	int shown;			/* passes the filters but the day */
};

struct run {
	struct fold_table table;
	struct fold_call **calls;
	size_t ncalls, cap;
	long long first_ms;		/* the first day's start */
	long long today;		/* its day number */
	unsigned long skipped;
	char compressed[128];		/* a rotation not read, or "" */
};

static long long received_ms(const struct logline *l)
{
	const char *p = l->received.data;
	long long secs;

	if (p == NULL || (p = date_scan(p, &secs)) == NULL || p[0] != '.' ||
	    p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9' ||
	    p[4] != 'Z')
		return FOLD_NONE;
	return secs * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
}

static int add_event(struct run *r, const struct logline *l, long long ms)
{
	struct fold_call **slot, *c;

	if (fold_reserve(&r->table) < 0)
		return -1;
	slot = fold_find(&r->table, l->call_id.data ? l->call_id.data : "", l->call_id.len);
	if ((c = *slot) == NULL) {
		if (r->ncalls == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 1024;
			struct fold_call **n = realloc(r->calls, cap * sizeof *n);

			if (n == NULL)
				return -1;
			r->calls = n;
			r->cap = cap;
		}
		if ((c = malloc(sizeof *c)) == NULL)
			return -1;
		if (fold_start(c, l->call_id.data ? l->call_id.data : "", l->call_id.len) < 0) {
			fold_free(c);
			free(c);
			return -1;
		}
		r->calls[r->ncalls++] = c;
		fold_insert(&r->table, slot, c);
	}
	return fold_merge(c, l, ms) < 0 ? -1 : 0;
}

/* One file read back: 1 when it ended before the first day (the older
 * rotations are not needed), 2 when there is no such file, 0 when the
 * older ones may be needed, -1 on a failure. */
static int read_file(struct run *r, const char *path, struct fail *f)
{
	struct logline l = { 0 };
	struct tail t;
	const char *line;
	size_t len;
	long long ms;
	char why[300];
	int rc, got, old = 0;

	l.no_body = 1;
	if ((rc = tail_open(&t, path, why, sizeof why)) != 0) {
		if (rc > 0)
			return 2;
		err_fail(f, ERR_LOG, "the calls page cannot read the log: %s", why);
		return -1;
	}
	while ((got = tail_prev(&t, &line, &len)) > 0) {
		rc = logline_parse(line, len, &l);
		if (rc < 0)
			break;
		if (rc == 0 || (ms = received_ms(&l)) == FOLD_NONE || l.call_id.len == 0) {
			r->skipped++;
			continue;
		}
		if (ms < r->first_ms - SLACK_MS) {
			if (++old == OLD_RUN)
				break;
			continue;
		}
		old = 0;
		if (ms >= r->first_ms && add_event(r, &l, ms) < 0) {
			rc = -1;
			break;
		}
	}
	r->skipped += t.skipped;
	logline_free(&l);
	if (got < 0 || rc < 0) {
		err_fail(f, rc < 0 ? ERR_INTERNAL : ERR_LOG, "the calls page cannot read %s: %s", path,
		    rc < 0 ? "out of memory" : strerror(errno));
		tail_close(&t);
		return -1;
	}
	tail_close(&t);
	return got > 0;
}

static enum err read_logs(struct run *r, const char *path, struct fail *f)
{
	struct buf name = { 0 };
	int i, rc = read_file(r, path, f);

	for (i = 1; rc == 0 && i <= ROTATIONS_MAX; i++) {
		struct stat st;

		name.len = 0;
		buf_printf(&name, "%s.%d", path, i);
		if (name.oom)
			return err_fail(f, ERR_INTERNAL, "out of memory");
		rc = read_file(r, name.data, f);
		/* A logrotate told to compress: the days in it are missing, and
		 * the page says so rather than show fewer calls in silence. */
		buf_puts(&name, ".gz");
		if (rc == 2 && !name.oom && stat(name.data, &st) == 0) {
			const char *base = strrchr(name.data, '/');

			snprintf(r->compressed, sizeof r->compressed, "%s", base ? base + 1 : name.data);
		}
	}
	buf_free(&name);
	return rc < 0 ? f->code : ERR_OK;
}

/* --- the calls --- */

static int is(const struct fold_field *v, const char *s)
{
	return v->set && v->len == strlen(s) && memcmp(v->data, s, v->len) == 0;
}

static int same(const struct fold_field *a, const struct fold_field *b)
{
	return a->set && b->set && a->len == b->len && a->len > 0 &&
	    memcmp(a->data, b->data, a->len) == 0;
}

static size_t outcome_index(const char *o)
{
	size_t i;

	for (i = 0; i < NOUTCOMES; i++)
		if (strcmp(o, outcomes[i]) == 0)
			return i;
	return NOUTCOMES - 2;	/* an outcome of a later version: failed */
}

static enum kind kind_of(size_t outcome)
{
	return outcome == 0 ? K_ANSWERED : outcome == 1 ? K_VOICEMAIL : outcome <= 3 ? K_MISSED : K_OTHER;
}

static int outgoing(const struct fold_call *c)
{
	return is(&c->direction, "out");
}

/* The office's number the call was for: an incoming call's to, an
 * outgoing one's from. */
static const struct fold_field *line_of(const struct fold_call *c)
{
	return outgoing(c) ? &c->from : &c->to;
}

/* The other party's number. */
static const struct fold_field *party_of(const struct fold_call *c)
{
	return outgoing(c) ? &c->to : &c->from;
}

static int has_user(const struct fold_call *c, const char *user)
{
	size_t pos = 0, n, want = strlen(user);
	const char *u;

	while (fold_user(c, &pos, &u, &n))
		if (n == want && memcmp(u, user, n) == 0)
			return 1;
	return is(&c->answered_by, user);
}

/* A forward (to the voicemail, another phone) makes a leg of its own whose
 * origCallId names the call it came from: the two are one call, shown at
 * the first leg with the outcome of the last. */
static void tie_legs(struct run *r, struct row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct fold_call *c = rows[i].c;
		struct fold_call **slot;

		if (!c->orig.set || c->orig.len == 0 || same(&c->orig, &c->id))
			continue;
		slot = fold_find(&r->table, c->orig.data, c->orig.len);
		if (*slot == NULL || (j = (*slot)->mark) >= n || rows[j].c != *slot)
			continue;
		/* As --calls ties them: not before the call, nor more than a
		 * minute after it ended. */
		if (rows[j].hidden || rows[j].ms > rows[i].ms ||
		    (fold_final_ms(rows[j].c) != FOLD_NONE && c->first_ms > fold_final_ms(rows[j].c) + 60000))
			continue;
		rows[i].hidden = 1;
		if (rows[j].leg == NULL || rows[j].leg->first_ms < c->first_ms) {
			rows[j].leg = c;
			rows[j].outcome = rows[i].outcome;
		}
	}
}

static int by_time_desc(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->ms > y->ms ? -1 : x->ms < y->ms;
}

static void place(struct row *row, long long today)
{
	time_t t = (time_t)(row->ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	row->day = (int)(today - date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
	row->wday = tm.tm_wday;
	row->hour = tm.tm_hour;
}

/* --- HTML --- */

static void esc(struct buf *b, const char *p, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '&')
			buf_puts(b, "&amp;");
		else if (ch == '<')
			buf_puts(b, "&lt;");
		else if (ch == '>')
			buf_puts(b, "&gt;");
		else if (ch == '"')
			buf_puts(b, "&quot;");
		else if (ch == '\'')
			buf_puts(b, "&#39;");
		else if (ch < 0x20 || ch == 0x7f)
			buf_putc(b, ' ');
		else if (ch < 0x80)
			buf_putc(b, (char)ch);
		else if ((k = json_utf8_len((const unsigned char *)p + i, n - i)) > 0) {
			buf_put(b, p + i, k);
			i += k;
			continue;
		} else
			buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD for a byte that is not UTF-8 */
		i++;
	}
}

static void escs(struct buf *b, const char *s)
{
	esc(b, s, strlen(s));
}

static void esc_field(struct buf *b, const struct fold_field *v)
{
	if (v->set)
		esc(b, v->data ? v->data : "", v->len);
}

/* A number sipgate sends (E.164 digits without +), the other party's as
 * a tel: link. */
static void put_number(struct buf *b, const struct fold_field *v, enum page_lang lang, int link)
{
	size_t i;

	if (!v->set || v->len == 0 || is(v, "anonymous")) {
		escs(b, words[lang][W_ANONYMOUS]);
		return;
	}
	for (i = 0; i < v->len && v->data[i] >= '0' && v->data[i] <= '9'; i++)
		;
	if (i < v->len || v->len > 20) {
		esc_field(b, v);
		return;
	}
	if (!link) {
		buf_puts(b, "<span class=\"num\">+");
		buf_put(b, v->data, v->len);
		buf_puts(b, "</span>");
		return;
	}
	buf_puts(b, "<a class=\"num\" href=\"tel:+");
	buf_put(b, v->data, v->len);
	buf_puts(b, "\">+");
	buf_put(b, v->data, v->len);
	buf_puts(b, "</a>");
}

static void put_duration(struct buf *b, long long a, long long z)
{
	long long s;

	if (a == FOLD_NONE || z == FOLD_NONE || z < a)
		return;
	s = (z - a + 500) / 1000;
	if (s >= 3600)
		buf_printf(b, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		buf_printf(b, "%lld:%02lld", s / 60, s % 60);
}

static void put_when(struct buf *b, long long ms, enum page_lang lang)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	if (lang == PAGE_DE)
		buf_printf(b, "%s %02d.%02d. %02d:%02d", day_names[lang][tm.tm_wday], tm.tm_mday,
		    tm.tm_mon + 1, tm.tm_hour, tm.tm_min);
	else
		buf_printf(b, "%s %04d-%02d-%02d %02d:%02d", day_names[lang][tm.tm_wday],
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static void put_outcome(struct buf *b, size_t o, enum page_lang lang)
{
	buf_printf(b, "<span class=\"o %s\">", outcomes[o]);
	escs(b, outcome_words[lang][o]);
	buf_puts(b, "</span>");
}

static void put_caller(struct buf *b, const struct fold_call *c, enum page_lang lang)
{
	if (c->caller.set && c->caller.len > 0) {
		esc_field(b, &c->caller);
		buf_puts(b, "<br>");
	}
	put_number(b, party_of(c), lang, 1);
	if (outgoing(c)) {
		buf_puts(b, " (");
		escs(b, words[lang][W_OUT]);
		buf_putc(b, ')');
	}
}

static void put_users(struct buf *b, const struct fold_call *c)
{
	size_t pos = 0, n;
	const char *u;

	while (fold_user(c, &pos, &u, &n)) {
		if (pos > sizeof n + n)
			buf_puts(b, ", ");
		esc(b, u, n);
	}
}

static void put_row(struct buf *b, const struct row *row, enum page_lang lang)
{
	const struct fold_call *c = row->c, *last = row->leg ? row->leg : c;

	buf_puts(b, "<tr><td>");
	put_when(b, row->ms, lang);
	buf_puts(b, "</td><td>");
	put_caller(b, c, lang);
	buf_puts(b, "</td><td>");
	put_number(b, line_of(c), lang, 0);
	buf_puts(b, "</td><td>");
	put_users(b, c);
	buf_puts(b, "</td><td>");
	put_outcome(b, row->outcome, lang);
	buf_puts(b, "</td><td>");
	put_duration(b, c->started_ms, fold_ring_end(c));
	buf_puts(b, "</td><td>");
	put_duration(b, last->answered_ms, fold_talk_end(last));
	buf_puts(b, "</td></tr>\n");
}

/* The day number's date as the page writes it (2026-12-02, 02.12.). */
static void put_day(struct buf *b, long long day, enum page_lang lang, int year)
{
	int y, m, d;

	date_civil(day, &y, &m, &d);
	if (lang == PAGE_DE)
		buf_printf(b, year ? "%02d.%02d.%04d" : "%02d.%02d.", d, m, y);
	else if (year)
		buf_printf(b, "%04d-%02d-%02d", y, m, d);
	else
		buf_printf(b, "%d/%d", m, d);
}

static void option(struct buf *b, const char *value, size_t n, const char *shown,
    size_t shown_n, const char *chosen)
{
	buf_puts(b, "<option value=\"");
	esc(b, value, n);
	buf_putc(b, '"');
	if (strlen(chosen) == n && memcmp(chosen, value, n) == 0)
		buf_puts(b, " selected");
	buf_putc(b, '>');
	esc(b, shown, shown_n);
	buf_puts(b, "</option>");
}

/* The distinct values of one field over the calls, for a filter. */
struct choices {
	struct buf seen;	/* "\n" + each value + "\n" */
};

static void choose(struct choices *ch, struct buf *b, const char *v, size_t n, const char *chosen)
{
	const char *p = ch->seen.data, *end = p ? p + ch->seen.len : NULL;

	if (n == 0 || n > PAGE_VALUE_MAX || !json_utf8_valid(v, n) || !value_ok(v, n) || memchr(v, '\n', n))
		return;
	for (; p && p + n + 2 <= end; p++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL || p + n + 2 > end)
			break;
		if (memcmp(p + 1, v, n) == 0 && p[n + 1] == '\n')
			return;
	}
	if (ch->seen.len == 0)
		buf_putc(&ch->seen, '\n');
	buf_put(&ch->seen, v, n);
	buf_putc(&ch->seen, '\n');
	option(b, v, n, v, n, chosen);
}

static void put_form(struct buf *b, const struct run *r, const struct row *rows, size_t n,
    const struct page_filter *flt, enum page_lang lang)
{
	const char *all = words[lang][W_ALL];
	struct choices ch = { { 0 } };
	size_t i, o;
	int d;

	buf_puts(b, "<form method=\"get\"><label>");
	escs(b, words[lang][W_LINE]);
	buf_puts(b, " <select name=\"line\">");
	option(b, "", 0, all, strlen(all), flt->line);
	for (i = 0; i < n; i++)
		if (!rows[i].hidden) {
			const struct fold_field *l = line_of(rows[i].c);

			if (l->set)
				choose(&ch, b, l->data, l->len, flt->line);
		}
	buf_free(&ch.seen);
	buf_puts(b, "</select></label><label>");
	escs(b, words[lang][W_USER]);
	buf_puts(b, " <select name=\"user\">");
	option(b, "", 0, all, strlen(all), flt->user);
	for (i = 0; i < n; i++) {
		size_t pos = 0, len;
		const char *u;

		while (!rows[i].hidden && fold_user(rows[i].c, &pos, &u, &len))
			choose(&ch, b, u, len, flt->user);
	}
	buf_free(&ch.seen);
	buf_puts(b, "</select></label><label>");
	escs(b, words[lang][W_OUTCOME]);
	buf_puts(b, " <select name=\"outcome\">");
	option(b, "", 0, all, strlen(all), flt->outcome);
	for (o = 0; o < NOUTCOMES; o++)
		option(b, outcomes[o], strlen(outcomes[o]), outcome_words[lang][o],
		    strlen(outcome_words[lang][o]), flt->outcome);
	buf_puts(b, "</select></label><label>");
	escs(b, words[lang][W_DAY]);
	buf_puts(b, " <select name=\"day\">");
	option(b, "", 0, all, strlen(all), flt->day_text);
	for (d = 0; d < PAGE_DAYS; d++) {
		struct buf v = { 0 }, shown = { 0 };

		put_day(&v, r->today - d, PAGE_EN, 1);
		put_day(&shown, r->today - d, lang, 1);
		option(b, v.data, v.len, shown.data, shown.len, flt->day_text);
		buf_free(&v);
		buf_free(&shown);
	}
	buf_puts(b, "</select></label><button type=\"submit\">");
	escs(b, words[lang][W_FILTER]);
	buf_puts(b, "</button></form>\n");
}

/* The numbers seen going back in time, for the missed calls: open
 * addressing by the number's FNV-1a hash. */
struct number_state {
	const char *p;
	size_t n;
	int reached;		/* a call reached it later than where the walk is */
	size_t entry;		/* its line in the block, or SIZE_MAX */
};

struct numbers {
	struct number_state *slots;
	size_t mask;
};

static struct number_state *number_at(struct numbers *ns, const struct fold_field *v)
{
	size_t i = (size_t)hash_fnv64(HASH_FNV64_BASIS, v->data, v->len) & ns->mask;

	for (; ns->slots[i].p != NULL; i = (i + 1) & ns->mask)
		if (ns->slots[i].n == v->len && memcmp(ns->slots[i].p, v->data, v->len) == 0)
			return &ns->slots[i];
	ns->slots[i].p = v->data;
	ns->slots[i].n = v->len;
	ns->slots[i].entry = SIZE_MAX;
	return &ns->slots[i];
}

struct missed {
	size_t row;
	int tries;
};

/* Missed incoming calls from a number no later call reached (no outgoing
 * call to it, no answered call from it since), newest first, one line a
 * number with how often it tried since it was last reached.  Going back
 * in time from the newest call, each number's state says whether a later
 * call reached it. */
static void put_missed(struct buf *b, const struct row *rows, size_t n, enum page_lang lang)
{
	struct numbers ns = { NULL, 0 };
	struct missed *list = NULL;
	size_t i, size = 16, nlist = 0;

	while (size < 2 * n + 2)
		size *= 2;
	ns.slots = calloc(size, sizeof *ns.slots);
	list = calloc(n + 1, sizeof *list);
	ns.mask = size - 1;
	for (i = 0; ns.slots && list && i < n; i++) {
		const struct fold_call *c = rows[i].c;
		const struct fold_field *other = party_of(c);
		struct number_state *st;

		if (rows[i].hidden || !other->set || other->len == 0 || is(other, "anonymous"))
			continue;
		st = number_at(&ns, other);
		if (outgoing(c) || kind_of(rows[i].outcome) != K_MISSED) {
			st->reached = 1;
			continue;
		}
		if (st->reached || !rows[i].shown)
			continue;
		if (st->entry == SIZE_MAX) {
			st->entry = nlist;
			list[nlist].row = i;
			list[nlist++].tries = 0;
		}
		list[st->entry].tries++;
	}
	buf_puts(b, "<section class=\"missed-block\"><h2>");
	escs(b, words[lang][W_MISSED_BLOCK]);
	buf_puts(b, "</h2>\n");
	if (ns.slots == NULL || list == NULL)
		b->oom = 1;
	if (nlist > 0)
		buf_puts(b, "<ul>\n");
	for (i = 0; i < nlist && i < MISSED_MAX; i++) {
		const struct row *row = &rows[list[i].row];

		buf_puts(b, "<li>");
		put_caller(b, row->c, lang);
		buf_puts(b, " · ");
		if (list[i].tries > 1)
			buf_printf(b, "%d %s, ", list[i].tries, words[lang][W_TIMES]);
		escs(b, words[lang][W_LAST]);
		buf_putc(b, ' ');
		put_when(b, row->ms, lang);
		buf_puts(b, " · ");
		put_number(b, line_of(row->c), lang, 0);
		buf_puts(b, "</li>\n");
	}
	if (nlist > 0)
		buf_puts(b, "</ul>\n");
	if (nlist > MISSED_MAX) {
		buf_puts(b, "<p class=\"note\">");
		buf_printf(b, words[lang][W_MORE_MISSED], nlist - MISSED_MAX);
		buf_puts(b, "</p>\n");
	} else if (nlist == 0) {
		buf_puts(b, "<p>");
		escs(b, words[lang][W_NONE_MISSED]);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "</section>\n");
	free(ns.slots);
	free(list);
}

static const char *const kind_class[K_KINDS] = { "answered", "voicemail", "missed", "other" };
static const enum word kind_word[K_KINDS] = { W_ANSWERED, W_VOICEMAIL, W_MISSED, W_OTHER };

/* Calls per day, stacked by kind, oldest left; each bar labelled with its
 * total and its day, each part titled with its count. */
static void put_chart(struct buf *b, const struct run *r, const struct row *rows, size_t n,
    enum page_lang lang)
{
	unsigned count[PAGE_DAYS][K_KINDS] = { { 0 } }, total[PAGE_DAYS] = { 0 }, max = 1;
	size_t i;
	int d, k;

	for (i = 0; i < n; i++)
		if (!rows[i].hidden && rows[i].shown) {
			count[rows[i].day][kind_of(rows[i].outcome)]++;
			total[rows[i].day]++;
		}
	for (d = 0; d < PAGE_DAYS; d++)
		max = total[d] > max ? total[d] : max;
	buf_puts(b, "<h2>");
	escs(b, words[lang][W_PER_DAY]);
	buf_puts(b, "</h2>\n<svg viewBox=\"0 0 600 230\" role=\"img\" aria-label=\"");
	escs(b, words[lang][W_PER_DAY]);
	buf_puts(b, "\">\n");
	for (d = 0; d < PAGE_DAYS; d++) {
		int slot = PAGE_DAYS - 1 - d, x = 10 + slot * 39, y = 190;

		for (k = 0; k < K_KINDS; k++) {
			int h = (int)(count[d][k] * 160u / max);

			if (count[d][k] == 0)
				continue;
			h = h < 1 ? 1 : h;
			y -= h;
			buf_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"30\" height=\"%d\">"
			    "<title>", kind_class[k], x, y, h);
			put_day(b, r->today - d, lang, 0);
			buf_printf(b, ": %u ", count[d][k]);
			escs(b, words[lang][kind_word[k]]);
			buf_puts(b, "</title></rect>\n");
		}
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%u</text>", x + 15, y - 3, total[d]);
		buf_printf(b, "<text x=\"%d\" y=\"205\" text-anchor=\"middle\">", x + 15);
		put_day(b, r->today - d, lang, 0);
		buf_puts(b, "</text>\n");
	}
	for (k = 0; k < K_KINDS; k++) {
		buf_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"215\" width=\"10\" height=\"10\"></rect>"
		    "<text x=\"%d\" y=\"224\">", kind_class[k], 10 + k * 140, 24 + k * 140);
		escs(b, words[lang][kind_word[k]]);
		buf_puts(b, "</text>\n");
	}
	buf_puts(b, "</svg>\n");
}

/* Incoming calls by weekday (Monday first) and hour, shaded by how many
 * against the busiest hour, each cell with its count. */
static void put_grid(struct buf *b, const struct row *rows, size_t n, enum page_lang lang)
{
	unsigned cell[7][24] = { { 0 } }, max = 0;
	size_t i;
	int w, h;

	for (i = 0; i < n; i++)
		if (!rows[i].hidden && rows[i].shown && !outgoing(rows[i].c))
			cell[rows[i].wday][rows[i].hour]++;
	for (w = 0; w < 7; w++)
		for (h = 0; h < 24; h++)
			max = cell[w][h] > max ? cell[w][h] : max;
	buf_puts(b, "<h2>");
	escs(b, words[lang][W_GRID]);
	buf_puts(b, "</h2>\n<svg viewBox=\"0 0 610 190\" role=\"img\" aria-label=\"");
	escs(b, words[lang][W_GRID]);
	buf_puts(b, "\">\n");
	for (h = 0; h < 24; h++)
		buf_printf(b, "<text x=\"%d\" y=\"12\" text-anchor=\"middle\">%d</text>", 44 + h * 24, h);
	buf_putc(b, '\n');
	for (w = 0; w < 7; w++) {
		int wd = (w + 1) % 7, y = 20 + w * 24;

		buf_printf(b, "<text x=\"0\" y=\"%d\">%s</text>", y + 15, day_names[lang][wd]);
		for (h = 0; h < 24; h++) {
			unsigned c = cell[wd][h];
			int shade = c == 0 ? 0 : 1 + (int)((c - 1) * 4u / (max ? max : 1));

			shade = shade > 4 ? 4 : shade;
			buf_printf(b, "<rect class=\"g%d\" x=\"%d\" y=\"%d\" width=\"22\" height=\"22\">"
			    "<title>%s %02d:00: %u</title></rect>", shade, 33 + h * 24, y,
			    day_names[lang][wd], h, c);
			if (c > 0)
				buf_printf(b, "<text%s x=\"%d\" y=\"%d\" text-anchor=\"middle\">%u</text>",
				    shade >= 3 ? " class=\"w\"" : "", 44 + h * 24, y + 15, c);
		}
		buf_putc(b, '\n');
	}
	buf_puts(b, "</svg>\n");
}

static void put_list(struct buf *b, const struct row *rows, size_t n,
    const struct page_filter *flt, enum page_lang lang, long long today)
{
	size_t i, listed = 0, matching = 0;

	for (i = 0; i < n; i++)
		if (!rows[i].hidden && rows[i].shown && (flt->day < 0 || today - rows[i].day == flt->day))
			matching++;
	buf_puts(b, "<h2>");
	escs(b, words[lang][W_CALLS]);
	buf_printf(b, " (%zu)</h2>\n", matching);
	if (matching == 0) {
		buf_puts(b, "<p>");
		escs(b, words[lang][W_NO_CALLS]);
		buf_puts(b, "</p>\n");
		return;
	}
	if (matching > PAGE_ROWS_MAX) {
		buf_puts(b, "<p class=\"note\">");
		buf_printf(b, words[lang][W_SHOWN], (size_t)PAGE_ROWS_MAX, matching);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "<table><thead><tr>");
	{
		static const enum word head[] = { W_TIME, W_CALLER, W_LINE, W_USERS, W_OUTCOME, W_RING, W_TALK };
		size_t h;

		for (h = 0; h < sizeof head / sizeof *head; h++) {
			buf_puts(b, "<th>");
			escs(b, words[lang][head[h]]);
			buf_puts(b, "</th>");
		}
	}
	buf_puts(b, "</tr></thead><tbody>\n");
	for (i = 0; i < n && listed < PAGE_ROWS_MAX; i++)
		if (!rows[i].hidden && rows[i].shown && (flt->day < 0 || today - rows[i].day == flt->day)) {
			put_row(b, &rows[i], lang);
			listed++;
		}
	buf_puts(b, "</tbody></table>\n");
}

static int passes(const struct row *row, const struct page_filter *flt)
{
	const struct fold_call *c = row->c;
	const struct fold_field *l = line_of(c);

	if (flt->line[0] && !(l->set && is(l, flt->line)))
		return 0;
	if (flt->user[0] && !has_user(c, flt->user) && !(row->leg && has_user(row->leg, flt->user)))
		return 0;
	return !flt->outcome[0] || strcmp(outcomes[row->outcome], flt->outcome) == 0;
}

static void put_page(struct buf *b, const struct run *r, const struct row *rows, size_t n,
    const struct page_filter *flt, enum page_lang lang)
{
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\"><title>", lang == PAGE_DE ? "de" : "en");
	escs(b, words[lang][W_TITLE]);
	buf_printf(b, "</title><style>%s</style></head><body>\n<h1>", style);
	escs(b, words[lang][W_TITLE]);
	buf_puts(b, " · ");
	put_day(b, r->today - (PAGE_DAYS - 1), lang, 1);
	buf_puts(b, " – ");
	put_day(b, r->today, lang, 1);
	buf_puts(b, "</h1>\n");
	put_form(b, r, rows, n, flt, lang);
	put_missed(b, rows, n, lang);
	put_chart(b, r, rows, n, lang);
	put_grid(b, rows, n, lang);
	put_list(b, rows, n, flt, lang, r->today);
	if (r->skipped) {
		buf_puts(b, "<p class=\"note\">");
		buf_printf(b, words[lang][W_SKIPPED], r->skipped);
		buf_puts(b, "</p>\n");
	}
	if (r->compressed[0]) {
		buf_puts(b, "<p class=\"note\">");
		escs(b, r->compressed);
		buf_putc(b, ' ');
		escs(b, words[lang][W_COMPRESSED]);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "</body></html>\n");
}

enum err page_build(struct buf *html, const char *path, const struct page_filter *flt,
    enum page_lang lang, time_t now, struct fail *f)
{
	struct run r = { 0 };
	struct row *rows = NULL;
	struct tm tm;
	size_t i, n = 0;
	enum err rc;

	/* The zone now, not one a rules file left behind. */
	tzset();
	localtime_r(&now, &tm);
	r.today = date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	tm.tm_mday -= PAGE_DAYS - 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	r.first_ms = (long long)mktime(&tm) * 1000;
	if ((rc = read_logs(&r, path, f)) == ERR_OK && r.ncalls > 0 &&
	    (rows = calloc(r.ncalls, sizeof *rows)) == NULL)
		rc = err_fail(f, ERR_INTERNAL, "out of memory");
	for (i = 0; rc == ERR_OK && i < r.ncalls; i++) {
		struct fold_call *c = r.calls[i];

		fold_sort_keys(c);
		rows[n].c = c;
		rows[n].ms = c->started_ms != FOLD_NONE ? c->started_ms : c->first_ms;
		rows[n].outcome = outcome_index(fold_outcome(c));
		place(&rows[n], r.today);
		c->mark = SIZE_MAX;
		if (rows[n].day >= 0 && rows[n].day < PAGE_DAYS && rows[n].ms <= (long long)now * 1000 + SLACK_MS)
			c->mark = n++;
	}
	if (rc == ERR_OK) {
		tie_legs(&r, rows, n);
		if (n > 1)
			qsort(rows, n, sizeof *rows, by_time_desc);
		for (i = 0; i < n; i++)
			rows[i].shown = passes(&rows[i], flt);
		put_page(html, &r, rows, n, flt, lang);
		if (html->oom)
			rc = err_fail(f, ERR_INTERNAL, "out of memory building the calls page");
	}
	free(rows);
	for (i = 0; i < r.ncalls; i++) {
		fold_free(r.calls[i]);
		free(r.calls[i]);
	}
	free(r.calls);
	fold_table_free(&r.table);
	return rc;
}

const char *page_csp(void)
{
	static char csp[256];
	unsigned char digest[SHA256_LEN];
	char b64[4 * ((SHA256_LEN + 2) / 3) + 1];

	if (csp[0] == '\0') {
		sha256(style, sizeof style - 1, digest);
		base64_encode(digest, sizeof digest, b64);
		snprintf(csp, sizeof csp, "default-src 'none'; style-src 'sha256-%s'; img-src 'none'; "
		    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'", b64);
	}
	return csp;
}
