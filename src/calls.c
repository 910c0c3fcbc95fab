#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "calls.h"
#include "logs.h"
#include "push/logline.h"

/* A call is final a minute before it is printed (a line of another server
 * may still come), forgotten after 4 hours without an event while open,
 * and its id remembered a minute after it was printed, to drop late
 * duplicates; all in log time. */
#define SETTLE_MS (60LL * 1000)
#define SILENT_MS (4LL * 3600 * 1000)
#define NONE (-1LL)

/* A value that may be null (not set) or empty. */
struct field {
	struct buf b;
	int set;
};

struct keypress {
	long long ms;
	struct field digit;
};

struct call {
	struct field id, orig, xcid, direction, from, to, diversion, caller;
	struct field started, answered, ended, answered_by, cause, outcome, rule;
	struct buf users;	/* counted strings, as logline's pairs */
	int users_set, voicemail;
	long long first_ms, last_ms, started_ms, answered_ms, ended_ms, due_ms;
	struct keypress *keys;
	size_t nkeys;
	uint64_t *seen;		/* digests of the events merged */
	size_t nseen;
	size_t heap;		/* where in the heap of open calls */
	long long printed_ms;	/* NONE while open */
	struct call *next_printed;
};

struct calls {
	struct logs_walk lw;	/* first: the walk's callback finds the rest */
	const struct calls_opts *o;
	struct call **slots;	/* open addressing by id, linear probing */
	size_t nslots, nused;
	struct call **heap;	/* the open calls, the one due first on top */
	size_t nheap, capheap;
	struct call *printed, *printed_last;	/* oldest first */
	long long now;
	struct buf out;
	int failed;
};

/* --- values --- */

static void field_set(struct field *f, const char *p, size_t n)
{
	f->b.len = 0;
	buf_put(&f->b, p, n);
	f->set = 1;
}

static void field_copy(struct field *f, const struct buf *from)
{
	field_set(f, from->data ? from->data : "", from->len);
}

static void field_free(struct field *f)
{
	buf_free(&f->b);
	f->set = 0;
}

static int field_is(const struct field *f, const char *s)
{
	return f->set && f->b.len == strlen(s) && memcmp(f->b.data, s, f->b.len) == 0;
}

/* The first value of a parameter, as calls.jq's first_value takes it. */
static int param(const struct logline *l, const char *name, const char **v, size_t *vlen)
{
	size_t pos = 0, nlen, want = strlen(name);
	const char *n;

	while (logline_pair(l, &pos, &n, &nlen, v, vlen))
		if (nlen == want && memcmp(n, name, want) == 0)
			return 1;
	return 0;
}

/* f keeps what an earlier event gave, else takes this one's. */
static void keep_first(struct field *f, const struct logline *l, const char *name)
{
	const char *v;
	size_t n;

	if (!f->set && param(l, name, &v, &n))
		field_set(f, v, n);
}

/* f takes this event's value when it has one. */
static void take_own(struct field *f, const struct logline *l, const char *name)
{
	const char *v;
	size_t n;

	if (param(l, name, &v, &n))
		field_set(f, v, n);
}

/* The value of a member of the flat JSON object j (the program's "rule"),
 * up to the next ',' or '}', or NULL. */
static const char *member(const struct field *j, const char *key, size_t *len)
{
	const char *p = j->b.data, *end = p + j->b.len, *v;
	size_t klen = strlen(key);
	int depth = 0;

	for (; j->set && p < end; p++) {
		if (*p == '"') {
			const char *s = ++p;

			while (p < end && *p != '"')
				p += *p == '\\' ? 2 : 1;
			if (depth == 1 && p + 1 < end && p[1] == ':' && (size_t)(p - s) == klen &&
			    memcmp(s, key, klen) == 0) {
				for (v = p += 2; p < end && *p != ',' && *p != '}'; p++)
					;
				*len = (size_t)(p - v);
				return v;
			}
		} else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
	}
	return NULL;
}

static int rejected(const struct call *c)
{
	size_t n;
	const char *v = member(&c->rule, "action", &n);

	return v && n == 8 && memcmp(v, "\"reject\"", 8) == 0;
}

/* --- the table of calls by id --- */

static size_t slot_of(const struct calls *cs, const char *id, size_t len)
{
	return (size_t)hash_fnv64(HASH_FNV64_BASIS, id, len) & (cs->nslots - 1);
}

static struct call **find(struct calls *cs, const char *id, size_t len)
{
	size_t i = slot_of(cs, id, len);
	struct call *c;

	for (; (c = cs->slots[i]) != NULL; i = (i + 1) & (cs->nslots - 1))
		if (c->id.b.len == len && (len == 0 || memcmp(c->id.b.data, id, len) == 0))
			break;
	return &cs->slots[i];
}

static int grow_table(struct calls *cs)
{
	struct call **old = cs->slots;
	size_t n = cs->nslots, i;

	if ((cs->slots = calloc(n ? n * 2 : 1024, sizeof *cs->slots)) == NULL) {
		cs->slots = old;
		return -1;
	}
	cs->nslots = n ? n * 2 : 1024;
	for (i = 0; i < n; i++)
		if (old[i])
			*find(cs, old[i]->id.b.data, old[i]->id.b.len) = old[i];
	free(old);
	return 0;
}

/* Linear probing's deletion: the calls after the hole move up into it
 * when their home slot allows. */
static void unlink_call(struct calls *cs, struct call *c)
{
	size_t hole = (size_t)(find(cs, c->id.b.data, c->id.b.len) - cs->slots);
	size_t i = hole, mask = cs->nslots - 1, home;

	cs->slots[hole] = NULL;
	cs->nused--;
	for (i = (i + 1) & mask; cs->slots[i] != NULL; i = (i + 1) & mask) {
		home = slot_of(cs, cs->slots[i]->id.b.data, cs->slots[i]->id.b.len);
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			cs->slots[hole] = cs->slots[i];
			cs->slots[i] = NULL;
			hole = i;
		}
	}
}

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

static struct call *heap_pop(struct calls *cs)
{
	struct call *top = cs->heap[0];

	if (--cs->nheap > 0) {
		heap_place(cs, 0, cs->heap[cs->nheap]);
		heap_fix(cs, 0);
	}
	return top;
}

/* --- one call --- */

static void call_clear(struct call *c)
{
	struct field *fields[] = {
		&c->orig, &c->xcid, &c->direction, &c->from, &c->to, &c->diversion, &c->caller,
		&c->started, &c->answered, &c->ended, &c->answered_by, &c->cause, &c->outcome, &c->rule
	};
	size_t i;

	for (i = 0; i < sizeof fields / sizeof *fields; i++)
		field_free(fields[i]);
	buf_free(&c->users);
	for (i = 0; i < c->nkeys; i++)
		field_free(&c->keys[i].digit);
	free(c->keys);
	free(c->seen);
	c->keys = NULL;
	c->seen = NULL;
	c->nkeys = c->nseen = 0;
}

static void call_free(struct call *c)
{
	call_clear(c);
	field_free(&c->id);
	free(c);
}

static long long min_set(long long a, long long b)
{
	return a == NONE ? b : b == NONE || a < b ? a : b;
}

/* When it is final, or NONE while open: a rejected call at its first
 * newCall or hangup, any other at its hangup. */
static long long final_ms(const struct call *c)
{
	if (rejected(c))
		return min_set(c->started_ms, c->ended_ms);
	return c->ended_ms;
}

static long long due_ms(const struct call *c)
{
	long long f = final_ms(c);

	return f != NONE ? f + SETTLE_MS : c->last_ms + SILENT_MS;
}

/* Whether this event was merged already (the same line twice, or a push
 * replayed); remembered if not.  A keypad digit is an event each time it
 * is typed: for dtmf the time counts too. */
static int seen_before(struct call *c, const struct logline *l, int dtmf)
{
	uint64_t d = hash_fnv64(HASH_FNV64_BASIS, l->pairs.data ? l->pairs.data : "", l->pairs.len);
	uint64_t *s;
	size_t i;

	if (dtmf)
		d = hash_fnv64(d, l->received.data, l->received.len);
	for (i = 0; i < c->nseen; i++)
		if (c->seen[i] == d)
			return 1;
	if ((s = realloc(c->seen, (c->nseen + 1) * sizeof *s)) == NULL)
		return -1;
	c->seen = s;
	c->seen[c->nseen++] = d;
	return 0;
}

static void take_users(struct call *c, const struct logline *l)
{
	size_t pos = 0, nlen, vlen;
	const char *n, *v;

	buf_free(&c->users);
	c->users_set = 0;
	while (logline_pair(l, &pos, &n, &nlen, &v, &vlen))
		if (nlen == 4 && memcmp(n, "user", 4) == 0) {
			buf_put(&c->users, &vlen, sizeof vlen);
			buf_put(&c->users, v, vlen);
			c->users_set = 1;
		}
}

static int merge(struct call *c, const struct logline *l, long long ms)
{
	const char *ev = l->event.data, *v;
	size_t n;

	c->last_ms = c->last_ms > ms ? c->last_ms : ms;
	c->first_ms = min_set(c->first_ms, ms);
	keep_first(&c->orig, l, "origCallId");
	keep_first(&c->xcid, l, "xcid");
	keep_first(&c->direction, l, "direction");
	keep_first(&c->from, l, "from");
	keep_first(&c->to, l, "to");
	keep_first(&c->diversion, l, "diversion");
	if (!c->caller.set && l->caller.len > 0)
		field_copy(&c->caller, &l->caller);
	if (strcmp(ev, "newCall") == 0 && (c->started_ms == NONE || ms < c->started_ms)) {
		field_copy(&c->started, &l->received);
		c->started_ms = ms;
		take_users(c, l);
		field_free(&c->rule);
		if (l->rule.len > 0)
			field_copy(&c->rule, &l->rule);
		/* A newCall's own numbers win over those a later event repeated. */
		take_own(&c->from, l, "from");
		take_own(&c->to, l, "to");
		take_own(&c->direction, l, "direction");
		take_own(&c->diversion, l, "diversion");
	} else if (strcmp(ev, "answer") == 0 && (c->answered_ms == NONE || ms < c->answered_ms)) {
		field_copy(&c->answered, &l->received);
		c->answered_ms = ms;
		field_free(&c->answered_by);
		c->voicemail = 0;
		if (param(l, "user", &v, &n) && n > 0) {
			field_set(&c->answered_by, v, n);
			c->voicemail = n == 9 && memcmp(v, "voicemail", 9) == 0;
		} else
			keep_first(&c->answered_by, l, "answeringNumber");
	} else if (strcmp(ev, "hangup") == 0 && (c->ended_ms == NONE || ms < c->ended_ms)) {
		field_copy(&c->ended, &l->received);
		c->ended_ms = ms;
		field_free(&c->cause);
		keep_first(&c->cause, l, "cause");
		field_free(&c->outcome);
		if (l->outcome.len > 0)
			field_copy(&c->outcome, &l->outcome);
	} else if (strcmp(ev, "dtmf") == 0) {
		struct keypress *k = realloc(c->keys, (c->nkeys + 1) * sizeof *k);

		if (k == NULL)
			return -1;
		c->keys = k;
		memset(&k[c->nkeys], 0, sizeof *k);
		k[c->nkeys].ms = ms;
		if (param(l, "dtmf", &v, &n))
			field_set(&k[c->nkeys].digit, v, n);
		else
			field_set(&k[c->nkeys].digit, "null", 4);
		c->nkeys++;
	}
	return 0;
}

/* --- the record --- */

static const char *outcome(const struct call *c)
{
	if (rejected(c))
		return "rejected";
	if (c->ended_ms == NONE)
		return "open";
	/* The program's own word, where the hangup's record has it. */
	if (c->outcome.set)
		return c->outcome.b.data;
	if (c->answered_ms != NONE)
		return c->voicemail ? "voicemail" : "answered";
	if (field_is(&c->cause, "cancel") || field_is(&c->cause, "noAnswer"))
		return "missed";
	if (field_is(&c->cause, "busy"))
		return "busy";
	if (field_is(&c->cause, "forwarded"))
		return "forwarded";
	return "failed";
}

static void put_json_field(struct buf *out, const struct field *f)
{
	if (f->set)
		json_put_string(out, f->b.data ? f->b.data : "", f->b.len);
	else
		buf_puts(out, "null");
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

/* Ringing ends with the answer, or the hangup of a call nobody took;
 * talking, with the hangup of one answered. */
static long long ring_end(const struct call *c)
{
	return c->answered_ms != NONE ? c->answered_ms : c->ended_ms;
}

static long long talk_end(const struct call *c)
{
	return c->answered_ms != NONE ? c->ended_ms : NONE;
}

static int by_time(const void *a, const void *b)
{
	const struct keypress *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

static void put_bytes(struct buf *out, const char *p, size_t n)
{
	buf_put(out, p, n);
}

/* The users, each through put, between sep. */
static void put_users(struct buf *out, const struct call *c, const char *sep,
    void (*put)(struct buf *, const char *, size_t))
{
	size_t pos = 0, n;

	while (pos + sizeof n <= c->users.len) {
		memcpy(&n, c->users.data + pos, sizeof n);
		if (pos > 0)
			buf_puts(out, sep);
		put(out, c->users.data + pos + sizeof n, n);
		pos += sizeof n + n;
	}
}

static void put_json(struct buf *out, struct call *c)
{
	const struct { const char *name; const struct field *f; } head[] = {
		{ "callId", &c->id }, { "origCallId", &c->orig }, { "xcid", &c->xcid },
		{ "direction", &c->direction }, { "from", &c->from }, { "caller", &c->caller },
		{ "to", &c->to }, { "diversion", &c->diversion },
	};
	size_t i;

	buf_putc(out, '{');
	for (i = 0; i < sizeof head / sizeof *head; i++) {
		buf_printf(out, "%s\"%s\":", i ? "," : "", head[i].name);
		put_json_field(out, head[i].f);
	}
	buf_puts(out, ",\"users\":");
	if (c->users_set) {
		buf_putc(out, '[');
		put_users(out, c, ",", json_put_string);
		buf_putc(out, ']');
	} else
		buf_puts(out, "null");
	buf_puts(out, ",\"started\":");
	put_json_field(out, &c->started);
	buf_puts(out, ",\"answered\":");
	put_json_field(out, &c->answered);
	buf_puts(out, ",\"ended\":");
	put_json_field(out, &c->ended);
	buf_puts(out, ",\"ring_s\":");
	put_seconds(out, c->started_ms, ring_end(c));
	buf_puts(out, ",\"talk_s\":");
	put_seconds(out, c->answered_ms, talk_end(c));
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
	buf_puts(out, c->rule.set ? c->rule.b.data : "null");
	buf_puts(out, ",\"outcome\":");
	json_put_string(out, outcome(c), strlen(outcome(c)));
	buf_puts(out, "}\n");
}

/* A CSV field as jq's @csv writes a string: quoted, quotes doubled. */
static void csv_string(struct buf *out, const char *p, size_t n)
{
	size_t i;

	buf_putc(out, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, p[i]);
	}
	buf_putc(out, '"');
}

static void csv_field(struct buf *out, const struct field *f)
{
	if (f->set)
		csv_string(out, f->b.data ? f->b.data : "", f->b.len);
}

/* The columns of calls-csv.jq. */
static const char csv_header[] =
	"\"started\",\"answered\",\"ended\",\"direction\",\"from\",\"caller\",\"to\",\"diversion\","
	"\"outcome\",\"ring_s\",\"talk_s\",\"answeredBy\",\"cause\",\"users\",\"dtmf\",\"rule_line\","
	"\"callId\",\"origCallId\"\n";

static void csv_seconds(struct buf *out, long long a, long long b)
{
	if (a != NONE && b != NONE)
		put_seconds(out, a, b);
}

static void put_csv(struct buf *out, struct call *c)
{
	const struct field *head[] = {
		&c->started, &c->answered, &c->ended, &c->direction, &c->from, &c->caller, &c->to,
		&c->diversion
	};
	const char *line, *o = outcome(c);
	struct buf keys = { 0 };
	size_t i, n;

	for (i = 0; i < sizeof head / sizeof *head; i++) {
		csv_field(out, head[i]);
		buf_putc(out, ',');
	}
	csv_string(out, o, strlen(o));
	buf_putc(out, ',');
	csv_seconds(out, c->started_ms, ring_end(c));
	buf_putc(out, ',');
	csv_seconds(out, c->answered_ms, talk_end(c));
	buf_putc(out, ',');
	csv_field(out, &c->answered_by);
	buf_putc(out, ',');
	csv_field(out, &c->cause);
	buf_putc(out, ',');
	put_users(&keys, c, " ", put_bytes);
	csv_string(out, keys.data ? keys.data : "", keys.len);
	buf_free(&keys);
	buf_putc(out, ',');
	for (i = 0; i < c->nkeys; i++)
		buf_put(&keys, c->keys[i].digit.b.data, c->keys[i].digit.b.len);
	csv_string(out, keys.data ? keys.data : "", keys.len);
	buf_free(&keys);
	buf_putc(out, ',');
	if ((line = member(&c->rule, "line", &n)) != NULL && !(n == 4 && memcmp(line, "null", 4) == 0))
		buf_put(out, line, n);
	buf_putc(out, ',');
	csv_field(out, &c->id);
	buf_putc(out, ',');
	csv_field(out, &c->orig);
	buf_putc(out, '\n');
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

static void print_call(struct calls *cs, struct call *c)
{
	if (c->first_ms < cs->o->since_ms || c->first_ms >= cs->o->until_ms)
		return;
	if (c->nkeys > 1)
		qsort(c->keys, c->nkeys, sizeof *c->keys, by_time);
	if (cs->o->format == CALLS_CSV)
		put_csv(&cs->out, c);
	else
		put_json(&cs->out, c);
	flush_out(cs, 0);
}

/* Printed: what it held is freed, its id kept a minute longer. */
static void retire(struct calls *cs, struct call *c)
{
	print_call(cs, c);
	call_clear(c);
	c->printed_ms = cs->now;
	c->next_printed = NULL;
	if (cs->printed_last)
		cs->printed_last->next_printed = c;
	else
		cs->printed = c;
	cs->printed_last = c;
}

static void forget_printed(struct calls *cs)
{
	struct call *c;

	while ((c = cs->printed) != NULL && c->printed_ms < cs->now - SETTLE_MS) {
		cs->printed = c->next_printed;
		if (cs->printed == NULL)
			cs->printed_last = NULL;
		unlink_call(cs, c);
		call_free(c);
	}
}

static struct call *new_call(struct calls *cs, const struct logline *l)
{
	struct call *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	field_copy(&c->id, &l->call_id);
	c->first_ms = c->last_ms = c->started_ms = c->answered_ms = c->ended_ms = NONE;
	c->printed_ms = NONE;
	if (c->id.b.oom || heap_push(cs, c) < 0) {
		call_free(c);
		return NULL;
	}
	*find(cs, l->call_id.data, l->call_id.len) = c;
	cs->nused++;
	return c;
}

static int each_event(struct logs_walk *lw, const struct logline *l, long long ms)
{
	struct calls *cs = (struct calls *)lw;
	struct call **slot, *c;
	int seen;

	if (!param(l, "callId", &(const char *){ NULL }, &(size_t){ 0 })) {
		lw->skipped++;
		return 0;
	}
	if (ms > cs->now)
		cs->now = ms;
	forget_printed(cs);
	if ((cs->nused + 1) * 2 > cs->nslots && grow_table(cs) < 0)
		goto oom;
	slot = find(cs, l->call_id.data, l->call_id.len);
	if ((c = *slot) != NULL && c->printed_ms != NONE)
		return 0;	/* printed within the last minute: a late duplicate */
	if (c == NULL && (c = new_call(cs, l)) == NULL)
		goto oom;
	if ((seen = seen_before(c, l, strcmp(l->event.data, "dtmf") == 0)) < 0)
		goto oom;
	if (!seen) {
		if (merge(c, l, ms) < 0)
			goto oom;
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

/* The calls left at the end: the final ones in the order they finished,
 * then the open ones in the order they began. */
static long long end_key(const struct call *c)
{
	long long f = final_ms(c);

	if (f != NONE)
		return f;
	return min_set(min_set(c->started_ms, c->answered_ms), c->ended_ms);
}

static int by_end(const void *a, const void *b)
{
	const struct call *x = *(struct call *const *)a, *y = *(struct call *const *)b;
	int xf = final_ms(x) != NONE, yf = final_ms(y) != NONE;
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
	struct calls cs = { { each_event, idle, 0 }, o, NULL, 0, 0, NULL, 0, 0, NULL, NULL, 0, { 0 }, 0 };
	size_t i;
	int rc;

	if (o->format == CALLS_CSV)
		buf_puts(&cs.out, csv_header);
	rc = grow_table(&cs) < 0 ? -1 : logs_walk(&cs.lw, logs, nlogs);
	if (rc == 0)
		print_rest(&cs);
	flush_out(&cs, 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sipgate-webhook: cannot write the records: %s\n", strerror(errno));
		cs.failed = 1;
	}
	if (cs.lw.skipped)
		fprintf(stderr, "sipgate-webhook: skipped %lu lines that are not events\n", cs.lw.skipped);
	for (i = 0; i < cs.nslots; i++)
		if (cs.slots[i])
			call_free(cs.slots[i]);
	free(cs.slots);
	free(cs.heap);
	buf_free(&cs.out);
	return rc < 0 || cs.failed ? 2 : 0;
}
