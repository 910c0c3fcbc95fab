#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/json.h"
#include "calls.h"
#include "history/fold.h"
#include "logs.h"
#include "push/logline.h"

/* A call is final a minute before it is printed (a line of another server
 * may still come), forgotten after 4 hours without an event while open,
 * and its id remembered a minute after it was printed, to drop late
 * duplicates; all in log time. */
#define SETTLE_MS (60LL * 1000)
#define SILENT_MS (4LL * 3600 * 1000)
#define NONE FOLD_NONE

/* A call of the table: first its fold, which the table points at.  A leg
 * whose origCallId names a call still open is tied to it (a forward to the
 * voicemail, a transfer): it leaves the heap, and the call it came from is
 * due no sooner than its last leg and printed as one call with it. */
struct call {
	struct fold_call f;
	long long due_ms;
	size_t heap;		/* where in the heap of open calls */
	long long printed_ms;	/* NONE while open */
	struct call *next_printed;
	struct call *parent;	/* the call this leg is tied to, or NULL */
	struct call *legs;	/* the legs tied to it, through next_leg */
	struct call *next_leg;
};

struct calls {
	struct logs_walk lw;	/* first: the walk's callback finds the rest */
	const struct calls_opts *o;
	struct fold_table table;
	struct call **heap;	/* the open calls, the one due first on top */
	size_t nheap, capheap;
	struct call *printed, *printed_last;	/* oldest first */
	long long now;
	struct buf out;
	int failed;
};

/* --- the heap of open calls by when they are due --- */

static void heap_place(struct calls *cs, size_t i, struct call *c)
{
	cs->heap[i] = c;
	c->heap = i;
}

static void heap_fix(struct calls *cs, size_t i)
{
	struct call *c = cs->heap[i];
	size_t child;

	while (i > 0 && cs->heap[(i - 1) / 2]->due_ms > c->due_ms) {
		heap_place(cs, i, cs->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		child = 2 * i + 1;
		if (child >= cs->nheap)
			break;
		if (child + 1 < cs->nheap && cs->heap[child + 1]->due_ms < cs->heap[child]->due_ms)
			child++;
		if (cs->heap[child]->due_ms >= c->due_ms)
			break;
		heap_place(cs, i, cs->heap[child]);
		i = child;
	}
	heap_place(cs, i, c);
}

static int heap_push(struct calls *cs, struct call *c)
{
	if (cs->nheap == cs->capheap) {
		size_t cap = cs->capheap ? cs->capheap * 2 : 1024;
		struct call **h = realloc(cs->heap, cap * sizeof *h);

		if (h == NULL)
			return -1;
		cs->heap = h;
		cs->capheap = cap;
	}
	heap_place(cs, cs->nheap++, c);
	heap_fix(cs, cs->nheap - 1);
	return 0;
}

static void heap_remove(struct calls *cs, struct call *c)
{
	size_t i = c->heap;

	if (--cs->nheap > i) {
		heap_place(cs, i, cs->heap[cs->nheap]);
		heap_fix(cs, i);
	}
}

static struct call *heap_pop(struct calls *cs)
{
	struct call *top = cs->heap[0];

	if (--cs->nheap > 0) {
		heap_place(cs, 0, cs->heap[cs->nheap]);
		heap_fix(cs, 0);
	}
	return top;
}

/* --- the record --- */

static void put_json_field(struct buf *out, const struct fold_field *f)
{
	if (f->set)
		json_put_string(out, f->data ? f->data : "", f->len);
	else
		buf_puts(out, "null");
}

/* A time as the log has it, quoted, or in JSON null (CSV: nothing). */
static void put_time(struct buf *out, long long ms, int json)
{
	char t[FOLD_TIME_LEN];

	if (ms == NONE) {
		if (json)
			buf_puts(out, "null");
		return;
	}
	fold_time(ms, t);
	buf_printf(out, "\"%s\"", t);
}

/* Seconds from a to b, as calls.jq prints them (4.25, 60, null). */
static void put_seconds(struct buf *out, long long a, long long b)
{
	long long d;

	if (a == NONE || b == NONE) {
		buf_puts(out, "null");
		return;
	}
	d = b - a;
	if (d < 0) {
		buf_putc(out, '-');
		d = -d;
	}
	buf_printf(out, "%lld", d / 1000);
	if (d % 1000) {
		char frac[8];
		int i = snprintf(frac, sizeof frac, ".%03lld", d % 1000);

		while (frac[i - 1] == '0')
			i--;
		buf_put(out, frac, (size_t)i);
	}
}

/* The legs tied to a call, by their callIds, through put. */
static void put_legs(struct buf *out, const struct call *call, const char *sep,
    void (*put)(struct buf *, const struct fold_field *))
{
	const struct call *l;

	for (l = call->legs; l; l = l->next_leg) {
		if (l != call->legs)
			buf_puts(out, sep);
		put(out, &l->f.id);
	}
}

static void put_json(struct buf *out, const struct call *call, const struct fold_call *c,
    const char *o)
{
	const struct { const char *name; const struct fold_field *f; } head[] = {
		{ "callId", &c->id }, { "origCallId", &c->orig }, { "xcid", &c->xcid },
		{ "direction", &c->direction }, { "from", &c->from }, { "caller", &c->caller },
		{ "to", &c->to }, { "diversion", &c->diversion },
	};
	const char *u;
	size_t i, pos = 0, n;

	buf_putc(out, '{');
	for (i = 0; i < sizeof head / sizeof *head; i++) {
		buf_printf(out, "%s\"%s\":", i ? "," : "", head[i].name);
		put_json_field(out, head[i].f);
	}
	buf_puts(out, ",\"legs\":[");
	put_legs(out, call, ",", put_json_field);
	buf_putc(out, ']');
	buf_puts(out, ",\"users\":");
	if (c->users_set) {
		buf_putc(out, '[');
		while (fold_user(c, &pos, &u, &n)) {
			if (pos > sizeof n + n)
				buf_putc(out, ',');
			json_put_string(out, u, n);
		}
		buf_putc(out, ']');
	} else
		buf_puts(out, "null");
	buf_puts(out, ",\"started\":");
	put_time(out, c->started_ms, 1);
	buf_puts(out, ",\"answered\":");
	put_time(out, c->answered_ms, 1);
	buf_puts(out, ",\"ended\":");
	put_time(out, c->ended_ms, 1);
	buf_puts(out, ",\"ring_s\":");
	put_seconds(out, c->started_ms, fold_ring_end(c));
	buf_puts(out, ",\"talk_s\":");
	put_seconds(out, c->answered_ms, fold_talk_end(c));
	buf_puts(out, ",\"answeredBy\":");
	put_json_field(out, &c->answered_by);
	buf_puts(out, ",\"cause\":");
	put_json_field(out, &c->cause);
	buf_puts(out, ",\"dtmf\":[");
	for (i = 0; i < c->nkeys; i++) {
		if (i)
			buf_putc(out, ',');
		put_json_field(out, &c->keys[i].digit);
	}
	buf_puts(out, "],\"rule\":");
	buf_puts(out, c->rule.set ? c->rule.data : "null");
	buf_puts(out, ",\"outcome\":");
	json_put_string(out, o, strlen(o));
	buf_puts(out, "}\n");
}

static void raw_field(struct buf *out, const struct fold_field *f)
{
	buf_put(out, f->data, f->len);
}

static void csv_field(struct buf *out, const struct fold_field *f)
{
	if (f->set)
		csv_put_string(out, f->data ? f->data : "", f->len);
}

/* The columns of calls-csv.jq. */
static const char csv_header[] =
	"\"started\",\"answered\",\"ended\",\"direction\",\"from\",\"caller\",\"to\",\"diversion\","
	"\"outcome\",\"ring_s\",\"talk_s\",\"answeredBy\",\"cause\",\"users\",\"dtmf\",\"rule_line\","
	"\"callId\",\"origCallId\",\"legs\"\n";

static void csv_seconds(struct buf *out, long long a, long long b)
{
	if (a != NONE && b != NONE)
		put_seconds(out, a, b);
}

static void put_csv(struct buf *out, const struct call *call, const struct fold_call *c,
    const char *o)
{
	const struct fold_field *head[] = {
		&c->direction, &c->from, &c->caller, &c->to, &c->diversion
	};
	const char *line, *u;
	struct buf cell = { 0 };
	size_t i, n, pos = 0;

	put_time(out, c->started_ms, 0);
	buf_putc(out, ',');
	put_time(out, c->answered_ms, 0);
	buf_putc(out, ',');
	put_time(out, c->ended_ms, 0);
	buf_putc(out, ',');
	for (i = 0; i < sizeof head / sizeof *head; i++) {
		csv_field(out, head[i]);
		buf_putc(out, ',');
	}
	csv_put_string(out, o, strlen(o));
	buf_putc(out, ',');
	csv_seconds(out, c->started_ms, fold_ring_end(c));
	buf_putc(out, ',');
	csv_seconds(out, c->answered_ms, fold_talk_end(c));
	buf_putc(out, ',');
	csv_field(out, &c->answered_by);
	buf_putc(out, ',');
	csv_field(out, &c->cause);
	buf_putc(out, ',');
	while (fold_user(c, &pos, &u, &n)) {
		if (cell.len)
			buf_putc(&cell, ' ');
		buf_put(&cell, u, n);
	}
	csv_put_string(out, cell.data ? cell.data : "", cell.len);
	cell.len = 0;
	buf_putc(out, ',');
	for (i = 0; i < c->nkeys; i++)
		buf_put(&cell, c->keys[i].digit.data, c->keys[i].digit.len);
	csv_put_string(out, cell.data ? cell.data : "", cell.len);
	buf_free(&cell);
	buf_putc(out, ',');
	if ((line = fold_rule_member(c, "line", &n)) != NULL && !(n == 4 && memcmp(line, "null", 4) == 0))
		buf_put(out, line, n);
	buf_putc(out, ',');
	csv_field(out, &c->id);
	buf_putc(out, ',');
	csv_field(out, &c->orig);
	buf_putc(out, ',');
	put_legs(&cell, call, " ", raw_field);
	csv_put_string(out, cell.data ? cell.data : "", cell.len);
	buf_free(&cell);
	buf_putc(out, '\n');
}

static long long started_or_first(const struct fold_call *c)
{
	return c->started_ms != NONE ? c->started_ms : c->first_ms;
}

static int by_key_time(const void *a, const void *b)
{
	const struct fold_key *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* A call and its legs as one: its own numbers, users, start and rule; the
 * first answer of any leg; the end when every leg has ended, the latest;
 * the last leg's cause and outcome; every leg's keys.  The view shares
 * what it shows with the calls (keys is its own, freed by the caller). */
static int merged_view(const struct call *c, struct fold_call *v, const char **outcome)
{
	const struct fold_call *last = &c->f;
	const struct call *l;
	size_t n = c->f.nkeys;
	int open = c->f.ended_ms == NONE;

	*v = c->f;
	*outcome = fold_outcome(&c->f);
	if (c->legs == NULL)
		return 0;
	for (l = c->legs; l; l = l->next_leg) {
		const struct fold_call *f = &l->f;

		if (started_or_first(f) >= started_or_first(last))
			last = f;
		if (f->answered_ms != NONE && (v->answered_ms == NONE || f->answered_ms < v->answered_ms)) {
			v->answered_ms = f->answered_ms;
			v->answered_by = f->answered_by;
			v->voicemail = f->voicemail;
		}
		open |= f->ended_ms == NONE;
		if (f->ended_ms != NONE && f->ended_ms > v->ended_ms)
			v->ended_ms = f->ended_ms;
		n += f->nkeys;
	}
	if (open)
		v->ended_ms = NONE;
	v->cause = last->cause;
	*outcome = fold_rejected(&c->f) ? "rejected" : open ? "open" : fold_outcome(last);
	v->keys = NULL;
	v->nkeys = 0;
	if (n > 0 && (v->keys = malloc(n * sizeof *v->keys)) != NULL) {
		for (l = NULL; ; l = l ? l->next_leg : c->legs) {
			const struct fold_call *f = l ? &l->f : &c->f;

			if (f->nkeys)
				memcpy(v->keys + v->nkeys, f->keys, f->nkeys * sizeof *v->keys);
			v->nkeys += f->nkeys;
			if (l && l->next_leg == NULL)
				break;
		}
		qsort(v->keys, v->nkeys, sizeof *v->keys, by_key_time);
	}
	return n > 0 && v->keys == NULL ? -1 : 0;
}

static void flush_out(struct calls *cs, int all)
{
	if (cs->out.oom)
		cs->failed = 1;
	if ((all || cs->out.len >= 1 << 16) && cs->out.len > 0) {
		if (fwrite(cs->out.data, 1, cs->out.len, stdout) != cs->out.len)
			cs->failed = 1;
		cs->out.len = 0;
	}
}

/* A leg's place among its call's legs: when it began, then its id. */
static int leg_before(const struct call *a, const struct call *b)
{
	long long x = started_or_first(&a->f), y = started_or_first(&b->f);
	size_t n = a->f.id.len < b->f.id.len ? a->f.id.len : b->f.id.len;
	int d;

	if (x != y)
		return x < y;
	d = n ? memcmp(a->f.id.data, b->f.id.data, n) : 0;
	return d < 0 || (d == 0 && a->f.id.len < b->f.id.len);
}

/* The legs in that order (an insertion sort: a call has few). */
static void sort_legs(struct call *c)
{
	struct call *sorted = NULL, *l, *next, **at;

	for (l = c->legs; l; l = next) {
		next = l->next_leg;
		for (at = &sorted; *at && !leg_before(l, *at); at = &(*at)->next_leg)
			;
		l->next_leg = *at;
		*at = l;
	}
	c->legs = sorted;
}

static void print_call(struct calls *cs, struct call *c)
{
	struct fold_call v;
	const char *o;

	if (c->f.first_ms < cs->o->since_ms || c->f.first_ms >= cs->o->until_ms)
		return;
	fold_sort_keys(&c->f);
	sort_legs(c);
	if (merged_view(c, &v, &o) < 0) {
		fprintf(stderr, "sipgate-webhook: out of memory\n");
		cs->failed = 1;
		return;
	}
	if (cs->o->format == CALLS_CSV)
		put_csv(&cs->out, c, &v, o);
	else
		put_json(&cs->out, c, &v, o);
	if (c->legs)
		free(v.keys);
	flush_out(cs, 0);
}

/* --- the stream --- */

static long long own_due_ms(const struct fold_call *c)
{
	long long f = fold_final_ms(c);

	return f != NONE ? f + SETTLE_MS : c->last_ms + SILENT_MS;
}

/* A call is due no sooner than any of its legs. */
static long long due_ms(const struct call *c)
{
	long long d = own_due_ms(&c->f), ld;
	const struct call *l;

	for (l = c->legs; l; l = l->next_leg)
		if ((ld = own_due_ms(&l->f)) > d)
			d = ld;
	return d;
}

static void call_free(struct call *c)
{
	fold_free(&c->f);
	free(c);
}

/* What it held is freed, its id kept a minute longer. */
static void tombstone(struct calls *cs, struct call *c)
{
	fold_clear(&c->f);
	c->printed_ms = cs->now;
	c->next_printed = NULL;
	if (cs->printed_last)
		cs->printed_last->next_printed = c;
	else
		cs->printed = c;
	cs->printed_last = c;
}

/* Printed with its legs, and all of them kept as ids a minute longer. */
static void retire(struct calls *cs, struct call *c)
{
	struct call *l, *next;

	print_call(cs, c);
	for (l = c->legs; l; l = next) {
		next = l->next_leg;
		l->next_leg = NULL;
		l->parent = NULL;
		tombstone(cs, l);
	}
	c->legs = NULL;
	tombstone(cs, c);
}

/* A leg whose origCallId names another call still open and not yet due is
 * tied to that call (to the one that call is tied to, if it is a leg
 * itself), once. */
static void tie(struct calls *cs, struct call *c)
{
	const struct fold_field *o = &c->f.orig;
	struct call *p;

	if (c->parent || c->legs || !o->set || o->len == 0 ||
	    (o->len == c->f.id.len && memcmp(o->data, c->f.id.data, o->len) == 0))
		return;
	p = (struct call *)*fold_find(&cs->table, o->data, o->len);
	if (p == NULL || p->printed_ms != NONE)
		return;
	if (p->parent)
		p = p->parent;
	/* One already due is as good as printed: the leg came too late. */
	if (p->due_ms < cs->now)
		return;
	if (p == c)
		return;
	heap_remove(cs, c);
	c->parent = p;
	c->next_leg = p->legs;
	p->legs = c;
}

static void forget_printed(struct calls *cs)
{
	struct call *c;

	while ((c = cs->printed) != NULL && c->printed_ms < cs->now - SETTLE_MS) {
		cs->printed = c->next_printed;
		if (cs->printed == NULL)
			cs->printed_last = NULL;
		fold_remove(&cs->table, &c->f);
		call_free(c);
	}
}

static struct call *new_call(struct calls *cs, struct fold_call **slot, const struct logline *l)
{
	struct call *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->printed_ms = NONE;
	if (fold_start(&c->f, l->call_id.data ? l->call_id.data : "", l->call_id.len) < 0 ||
	    heap_push(cs, c) < 0) {
		call_free(c);
		return NULL;
	}
	fold_insert(&cs->table, slot, &c->f);
	return c;
}

static int each_event(struct logs_walk *lw, const struct logline *l, long long ms)
{
	struct calls *cs = (struct calls *)lw;
	struct fold_call **slot;
	struct call *c;
	int merged;

	if (!fold_param(l, "callId", &(const char *){ NULL }, &(size_t){ 0 })) {
		lw->skipped++;
		return 0;
	}
	if (ms > cs->now)
		cs->now = ms;
	forget_printed(cs);
	if (fold_reserve(&cs->table) < 0)
		goto oom;
	slot = fold_find(&cs->table, l->call_id.data, l->call_id.len);
	c = (struct call *)*slot;
	if (c != NULL && c->printed_ms != NONE)
		return 0;	/* printed within the last minute: a late duplicate */
	if (c == NULL && (c = new_call(cs, slot, l)) == NULL)
		goto oom;
	if ((merged = fold_merge(&c->f, l, ms)) < 0)
		goto oom;
	if (merged) {
		tie(cs, c);
		if (c->parent)
			c = c->parent;
		c->due_ms = due_ms(c);
		heap_fix(cs, c->heap);
	}
	while (cs->nheap > 0 && cs->heap[0]->due_ms < cs->now)
		retire(cs, heap_pop(cs));
	return cs->failed ? -1 : 0;
oom:
	fprintf(stderr, "sipgate-webhook: out of memory\n");
	return -1;
}

/* What is printed goes out before the walk may wait for more. */
static int idle(struct logs_walk *lw)
{
	struct calls *cs = (struct calls *)lw;

	flush_out(cs, 1);
	if (fflush(stdout) != 0)
		cs->failed = 1;
	return cs->failed ? -1 : 0;
}

static long long min_set(long long a, long long b)
{
	return a == NONE ? b : b == NONE || a < b ? a : b;
}

/* The calls left at the end: the final ones in the order they finished,
 * then the open ones in the order they began. */
static long long end_key(const struct call *c)
{
	long long f = fold_final_ms(&c->f);

	if (f != NONE)
		return f;
	return min_set(min_set(c->f.started_ms, c->f.answered_ms), c->f.ended_ms);
}

static int by_end(const void *a, const void *b)
{
	const struct call *x = *(struct call *const *)a, *y = *(struct call *const *)b;
	int xf = fold_final_ms(&x->f) != NONE, yf = fold_final_ms(&y->f) != NONE;
	long long kx = end_key(x), ky = end_key(y);

	if (xf != yf)
		return xf ? -1 : 1;
	return kx < ky ? -1 : kx > ky;
}

static void print_rest(struct calls *cs)
{
	size_t i;

	if (cs->nheap > 1)
		qsort(cs->heap, cs->nheap, sizeof *cs->heap, by_end);
	for (i = 0; i < cs->nheap; i++)
		print_call(cs, cs->heap[i]);
}

int calls_run(const struct calls_opts *o, char **logs, size_t nlogs)
{
	struct calls cs = { { each_event, idle, 0, NULL, 0 }, o, { NULL, 0, 0 }, NULL, 0, 0, NULL, NULL, 0, { 0 }, 0 };
	size_t i;
	int rc;

	if (o->format == CALLS_CSV)
		buf_puts(&cs.out, csv_header);
	rc = fold_reserve(&cs.table) < 0 ? -1 : logs_walk(&cs.lw, logs, nlogs);
	if (rc == 0)
		print_rest(&cs);
	flush_out(&cs, 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sipgate-webhook: cannot write the records: %s\n", strerror(errno));
		cs.failed = 1;
	}
	if (cs.lw.skipped)
		fprintf(stderr, "sipgate-webhook: skipped %lu lines that are not events\n", cs.lw.skipped);
	for (i = 0; i < cs.table.nslots; i++)
		if (cs.table.slots[i])
			call_free((struct call *)cs.table.slots[i]);
	fold_table_free(&cs.table);
	free(cs.heap);
	buf_free(&cs.out);
	return rc < 0 || cs.failed ? 2 : 0;
}
