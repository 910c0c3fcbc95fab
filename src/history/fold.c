#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/hash.h"
#include "history/fold.h"
#include "push/logline.h"

/* --- values --- */

/* Fields are set through the call, which hears of a value it could not
 * keep. */
static void field_set(struct fold_call *c, struct fold_field *f, const char *p, size_t n)
{
	char *d;

	if (n >= UINT32_MAX || (d = realloc(f->data, n + 1)) == NULL) {
		c->oom = 1;
		return;
	}
	if (n > 0)
		memcpy(d, p, n);
	d[n] = '\0';
	f->data = d;
	f->len = (uint32_t)n;
	f->set = 1;
}

static void field_copy(struct fold_call *c, struct fold_field *f, const struct buf *from)
{
	field_set(c, f, from->data ? from->data : "", from->len);
}

static void field_free(struct fold_field *f)
{
	free(f->data);
	f->data = NULL;
	f->len = 0;
	f->set = 0;
}

static int field_is(const struct fold_field *f, const char *s)
{
	return f->set && f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}

int fold_param(const struct logline *l, const char *name, const char **v, size_t *vlen)
{
	size_t pos = 0, nlen, want = strlen(name);
	const char *n;

	while (logline_pair(l, &pos, &n, &nlen, v, vlen))
		if (nlen == want && memcmp(n, name, want) == 0)
			return 1;
	return 0;
}

/* The first value of each parameter a call takes, found in one pass. */
enum { P_ORIG, P_XCID, P_DIRECTION, P_FROM, P_TO, P_DIVERSION, P_USER, P_ANSWERING,
	P_CAUSE, P_DTMF, P_NAMES };

static const struct { const char *s; size_t n; } names[P_NAMES] = {
#define NAME(s) { s, sizeof s - 1 }
	NAME("origCallId"), NAME("xcid"), NAME("direction"), NAME("from"), NAME("to"),
	NAME("diversion"), NAME("user"), NAME("answeringNumber"), NAME("cause"), NAME("dtmf")
#undef NAME
};

struct firsts {
	const char *v[P_NAMES];
	size_t n[P_NAMES];
	int set[P_NAMES];
};

static void firsts_of(const struct logline *l, struct firsts *f)
{
	size_t pos = 0, nlen, vlen, i;
	const char *n, *v;

	memset(f->set, 0, sizeof f->set);
	while (logline_pair(l, &pos, &n, &nlen, &v, &vlen))
		for (i = 0; i < P_NAMES; i++)
			if (!f->set[i] && nlen == names[i].n && memcmp(n, names[i].s, nlen) == 0) {
				f->v[i] = v;
				f->n[i] = vlen;
				f->set[i] = 1;
				break;
			}
}

/* to keeps what an earlier event gave, else takes this one's. */
static void keep_first(struct fold_call *c, struct fold_field *to, const struct firsts *f, int which)
{
	if (!to->set && f->set[which])
		field_set(c, to, f->v[which], f->n[which]);
}

/* to takes this event's value when it has one. */
static void take_own(struct fold_call *c, struct fold_field *to, const struct firsts *f, int which)
{
	if (f->set[which])
		field_set(c, to, f->v[which], f->n[which]);
}

const char *fold_rule_member(const struct fold_call *c, const char *key, size_t *len)
{
	const char *p = c->rule.data, *end, *v;
	size_t klen = strlen(key);
	int depth = 0;

	if (!c->rule.set || p == NULL)
		return NULL;
	for (end = p + c->rule.len; p < end; p++) {
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

int fold_rejected(const struct fold_call *c)
{
	size_t n;
	const char *v = fold_rule_member(c, "action", &n);

	return v && n == 8 && memcmp(v, "\"reject\"", 8) == 0;
}

/* --- one call --- */

void fold_time(long long ms, char out[FOLD_TIME_LEN])
{
	long long days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	long long in_day = ms - days * 86400000;
	int y, m, d;

	date_civil(days, &y, &m, &d);
	snprintf(out, FOLD_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
	    (int)(in_day / 3600000), (int)(in_day / 60000 % 60), (int)(in_day / 1000 % 60),
	    (int)(in_day % 1000));
}

int fold_start(struct fold_call *c, const char *id, size_t len)
{
	memset(c, 0, sizeof *c);
	field_set(c, &c->id, id, len);
	c->first_ms = c->last_ms = c->started_ms = c->answered_ms = c->ended_ms = FOLD_NONE;
	return c->oom ? -1 : 0;
}

void fold_clear(struct fold_call *c)
{
	struct fold_field *fields[] = {
		&c->orig, &c->xcid, &c->direction, &c->from, &c->to, &c->diversion, &c->caller,
		&c->answered_by, &c->cause, &c->outcome, &c->rule
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

void fold_free(struct fold_call *c)
{
	fold_clear(c);
	field_free(&c->id);
}

static long long min_set(long long a, long long b)
{
	return a == FOLD_NONE ? b : b == FOLD_NONE || a < b ? a : b;
}

long long fold_final_ms(const struct fold_call *c)
{
	if (fold_rejected(c))
		return min_set(c->started_ms, c->ended_ms);
	return c->ended_ms;
}

/* A digest of p[0..n) eight bytes at a time: it tells the events of one
 * call apart and places calls in the table, in one process's memory, so it
 * need not be FNV's (byte by byte), only fast and 64 bits. */
static uint64_t digest(uint64_t h, const char *p, size_t n)
{
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
		h ^= h >> 29;
	}
	w = n;
	if (n > 0)
		memcpy(&w, p, n);
	h = (h ^ w ^ (uint64_t)n << 59) * 0x9E3779B97F4A7C15u;
	return h ^ h >> 32;
}

/* Whether this event was merged already; remembered if not. */
static int seen_before(struct fold_call *c, const struct logline *l, int dtmf)
{
	uint64_t d = digest(HASH_FNV64_BASIS, l->pairs.data ? l->pairs.data : "", l->pairs.len);
	uint64_t *s;
	size_t i;

	if (dtmf)
		d = digest(d, l->received.data, l->received.len);
	for (i = 0; i < c->nseen; i++)
		if (c->seen[i] == d)
			return 1;
	/* Most calls have two to four events: room for four at first. */
	if ((c->nseen & (c->nseen - 1)) == 0 && c->nseen >= 4) {
		if ((s = realloc(c->seen, c->nseen * 2 * sizeof *s)) == NULL)
			return -1;
		c->seen = s;
	} else if (c->seen == NULL && (c->seen = malloc(4 * sizeof *c->seen)) == NULL)
		return -1;
	c->seen[c->nseen++] = d;
	return 0;
}

/* The users as counted strings, in one allocation of their size. */
static void take_users(struct fold_call *c, const struct logline *l)
{
	size_t pos = 0, nlen, vlen, size = 0;
	const char *n, *v;
	char *p;

	c->users_set = 0;
	while (logline_pair(l, &pos, &n, &nlen, &v, &vlen))
		if (nlen == 4 && memcmp(n, "user", 4) == 0)
			size += sizeof vlen + vlen;
	c->users.len = 0;
	if (size == 0 || buf_reserve(&c->users, size + 1) < 0)
		return;
	/* buf_reserve rounds up to 256: a table of calls keeps the size. */
	if (c->users.cap > size + 1 && (p = realloc(c->users.data, size + 1)) != NULL) {
		c->users.data = p;
		c->users.cap = size + 1;
	}
	pos = 0;
	while (logline_pair(l, &pos, &n, &nlen, &v, &vlen))
		if (nlen == 4 && memcmp(n, "user", 4) == 0) {
			buf_put(&c->users, &vlen, sizeof vlen);
			buf_put(&c->users, v, vlen);
			c->users_set = 1;
		}
}

int fold_user(const struct fold_call *c, size_t *pos, const char **name, size_t *len)
{
	if (*pos + sizeof *len > c->users.len)
		return 0;
	memcpy(len, c->users.data + *pos, sizeof *len);
	*name = c->users.data + *pos + sizeof *len;
	*pos += sizeof *len + *len;
	return 1;
}

static void newcall(struct fold_call *c, const struct logline *l, const struct firsts *f,
    long long ms)
{
	c->started_ms = ms;
	take_users(c, l);
	field_free(&c->rule);
	if (l->rule.len > 0)
		field_copy(c, &c->rule, &l->rule);
	/* A newCall's own numbers win over those a later event repeated. */
	take_own(c, &c->from, f, P_FROM);
	take_own(c, &c->to, f, P_TO);
	take_own(c, &c->direction, f, P_DIRECTION);
	take_own(c, &c->diversion, f, P_DIVERSION);
}

static void answer(struct fold_call *c, const struct firsts *f, long long ms)
{
	c->answered_ms = ms;
	field_free(&c->answered_by);
	c->voicemail = 0;
	if (f->set[P_USER] && f->n[P_USER] > 0) {
		take_own(c, &c->answered_by, f, P_USER);
		c->voicemail = f->n[P_USER] == 9 && memcmp(f->v[P_USER], "voicemail", 9) == 0;
	} else
		keep_first(c, &c->answered_by, f, P_ANSWERING);
}

static void hangup(struct fold_call *c, const struct logline *l, const struct firsts *f,
    long long ms)
{
	c->ended_ms = ms;
	field_free(&c->cause);
	keep_first(c, &c->cause, f, P_CAUSE);
	field_free(&c->outcome);
	if (l->outcome.len > 0)
		field_copy(c, &c->outcome, &l->outcome);
}

static int keypress(struct fold_call *c, const struct firsts *f, long long ms)
{
	struct fold_key *k = realloc(c->keys, (c->nkeys + 1) * sizeof *k);

	if (k == NULL)
		return -1;
	c->keys = k;
	memset(&k[c->nkeys], 0, sizeof *k);
	k[c->nkeys].ms = ms;
	if (f->set[P_DTMF])
		take_own(c, &k[c->nkeys].digit, f, P_DTMF);
	else
		field_set(c, &k[c->nkeys].digit, "null", 4);
	c->nkeys++;
	return 0;
}

int fold_merge(struct fold_call *c, const struct logline *l, long long ms)
{
	const char *ev = l->event.data;
	int dtmf = strcmp(ev, "dtmf") == 0, seen;
	struct firsts f;

	if ((seen = seen_before(c, l, dtmf)) != 0)
		return seen < 0 ? -1 : 0;
	firsts_of(l, &f);
	c->last_ms = c->last_ms > ms ? c->last_ms : ms;
	c->first_ms = min_set(c->first_ms, ms);
	keep_first(c, &c->orig, &f, P_ORIG);
	keep_first(c, &c->xcid, &f, P_XCID);
	keep_first(c, &c->direction, &f, P_DIRECTION);
	keep_first(c, &c->from, &f, P_FROM);
	keep_first(c, &c->to, &f, P_TO);
	keep_first(c, &c->diversion, &f, P_DIVERSION);
	if (!c->caller.set && l->caller.len > 0)
		field_copy(c, &c->caller, &l->caller);
	if (strcmp(ev, "newCall") == 0 && (c->started_ms == FOLD_NONE || ms < c->started_ms))
		newcall(c, l, &f, ms);
	else if (strcmp(ev, "answer") == 0 && (c->answered_ms == FOLD_NONE || ms < c->answered_ms))
		answer(c, &f, ms);
	else if (strcmp(ev, "hangup") == 0 && (c->ended_ms == FOLD_NONE || ms < c->ended_ms))
		hangup(c, l, &f, ms);
	else if (dtmf && keypress(c, &f, ms) < 0)
		return -1;
	return c->oom ? -1 : 1;
}

const char *fold_outcome(const struct fold_call *c)
{
	if (fold_rejected(c))
		return "rejected";
	if (c->ended_ms == FOLD_NONE)
		return "open";
	/* The program's own word, where the hangup's record has it. */
	if (c->outcome.set)
		return c->outcome.data;
	if (c->answered_ms != FOLD_NONE)
		return c->voicemail ? "voicemail" : "answered";
	if (field_is(&c->cause, "cancel") || field_is(&c->cause, "noAnswer"))
		return "missed";
	if (field_is(&c->cause, "busy"))
		return "busy";
	if (field_is(&c->cause, "forwarded"))
		return "forwarded";
	return "failed";
}

long long fold_ring_end(const struct fold_call *c)
{
	return c->answered_ms != FOLD_NONE ? c->answered_ms : c->ended_ms;
}

long long fold_talk_end(const struct fold_call *c)
{
	return c->answered_ms != FOLD_NONE ? c->ended_ms : FOLD_NONE;
}

static int by_time(const void *a, const void *b)
{
	const struct fold_key *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

void fold_sort_keys(struct fold_call *c)
{
	if (c->nkeys > 1)
		qsort(c->keys, c->nkeys, sizeof *c->keys, by_time);
}

/* --- the table --- */

static size_t slot_of(const struct fold_table *t, const char *id, size_t len)
{
	return (size_t)digest(HASH_FNV64_BASIS, id, len) & (t->nslots - 1);
}

struct fold_call **fold_find(struct fold_table *t, const char *id, size_t len)
{
	size_t i = slot_of(t, id, len);
	struct fold_call *c;

	for (; (c = t->slots[i]) != NULL; i = (i + 1) & (t->nslots - 1))
		if (c->id.len == len && (len == 0 || memcmp(c->id.data, id, len) == 0))
			break;
	return &t->slots[i];
}

int fold_reserve(struct fold_table *t)
{
	struct fold_call **old = t->slots;
	size_t n = t->nslots, i;

	if ((t->nused + 1) * 2 <= n)
		return 0;
	if ((t->slots = calloc(n ? n * 2 : 1024, sizeof *t->slots)) == NULL) {
		t->slots = old;
		return -1;
	}
	t->nslots = n ? n * 2 : 1024;
	for (i = 0; i < n; i++)
		if (old[i])
			*fold_find(t, old[i]->id.data, old[i]->id.len) = old[i];
	free(old);
	return 0;
}

void fold_insert(struct fold_table *t, struct fold_call **slot, struct fold_call *c)
{
	*slot = c;
	t->nused++;
}

/* Linear probing's deletion: the calls after the hole move up into it
 * when their home slot allows. */
void fold_remove(struct fold_table *t, struct fold_call *c)
{
	size_t hole = (size_t)(fold_find(t, c->id.data, c->id.len) - t->slots);
	size_t i = hole, mask = t->nslots - 1, home;

	t->slots[hole] = NULL;
	t->nused--;
	for (i = (i + 1) & mask; t->slots[i] != NULL; i = (i + 1) & mask) {
		home = slot_of(t, t->slots[i]->id.data, t->slots[i]->id.len);
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->slots[hole] = t->slots[i];
			t->slots[i] = NULL;
			hole = i;
		}
	}
}

void fold_table_free(struct fold_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = t->nused = 0;
}
