#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/hash.h"
#include "history/fold.h"
#include "logs.h"
#include "privacy.h"
#include "push/logline.h"
#include "push/number.h"

/* The parameters that carry a phone number of the call. */
static const char *const number_params[] = { "from", "to", "diversion", "answeringNumber" };

/* The number asked for, in the one form number_incoming gives. */
struct wanted {
	char digits[NUMBER_MAX + 1];
	const char *national;	/* digits after the country code, or NULL */
};

/*
 * Whether a value is the number: the same digits once normalised, or the
 * national number alone, as sipgate has sent an answeringNumber
 * (21199999999 for 4921199999999).
 */
static int is_number(const struct wanted *w, const char *v, size_t n, const char *country)
{
	struct number got;

	number_incoming(v, n, country, &got);
	if (got.kind != NUMBER_DIGITS)
		return 0;
	return strcmp(got.digits, w->digits) == 0 ||
	    (w->national && v[0] != '0' && v[0] != '+' && strcmp(got.digits, w->national) == 0);
}

/* A call's id, and the call it is a leg of (a union-find forest: legs tied
 * by origCallId share a root, and the root says whether the number took
 * part in any of them). */
struct call_id {
	char *id;
	size_t parent;
	int hit;		/* the root's: the number took part */
	int counted;		/* printed: counted as a call */
};

struct ids {
	struct call_id *at;
	size_t n, cap;
	size_t *slots;		/* index + 1; 0 is empty */
	size_t nslots;
};

static uint64_t id_hash(const char *p, size_t n)
{
	return hash_fnv64(HASH_FNV64_BASIS, p, n);
}

static size_t *id_slot(const struct ids *s, const char *p, size_t n)
{
	size_t i = (size_t)id_hash(p, n) & (s->nslots - 1);

	while (s->slots[i] && (strlen(s->at[s->slots[i] - 1].id) != n ||
	    memcmp(s->at[s->slots[i] - 1].id, p, n) != 0))
		i = (i + 1) & (s->nslots - 1);
	return &s->slots[i];
}

/* Room for one more id in the table and the array; -1 when out of memory. */
static int ids_grow(struct ids *s)
{
	size_t i, *old = s->slots, old_n = s->nslots;
	struct call_id *at;

	if (s->n == s->cap) {
		if ((at = realloc(s->at, (s->cap ? s->cap * 2 : 256) * sizeof *at)) == NULL)
			return -1;
		s->at = at;
		s->cap = s->cap ? s->cap * 2 : 256;
	}
	if ((s->n + 1) * 2 <= s->nslots)
		return 0;
	s->nslots = old_n ? old_n * 2 : 512;
	if ((s->slots = calloc(s->nslots, sizeof *s->slots)) == NULL) {
		s->slots = old;
		s->nslots = old_n;
		return -1;
	}
	for (i = 0; i < old_n; i++)
		if (old[i]) {
			const char *id = s->at[old[i] - 1].id;

			*id_slot(s, id, strlen(id)) = old[i];
		}
	free(old);
	return 0;
}

/* The index of id, added if new; (size_t)-1 when out of memory. */
static size_t ids_add(struct ids *s, const char *p, size_t n)
{
	size_t *slot;
	char *copy;

	if (ids_grow(s) < 0)
		return (size_t)-1;
	if (*(slot = id_slot(s, p, n)))
		return *slot - 1;
	if ((copy = malloc(n + 1)) == NULL)
		return (size_t)-1;
	memcpy(copy, p, n);
	copy[n] = '\0';
	s->at[s->n] = (struct call_id){ copy, s->n, 0, 0 };
	*slot = ++s->n;
	return s->n - 1;
}

static size_t ids_root(struct ids *s, size_t i)
{
	while (s->at[i].parent != i)
		i = s->at[i].parent = s->at[s->at[i].parent].parent;
	return i;
}

static void ids_tie(struct ids *s, size_t a, size_t b)
{
	a = ids_root(s, a);
	b = ids_root(s, b);
	if (a != b) {
		s->at[b].parent = a;
		s->at[a].hit |= s->at[b].hit;
	}
}

static void ids_free(struct ids *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->at[i].id);
	free(s->at);
	free(s->slots);
}

struct export {
	struct logs_walk walk;		/* first: the callbacks get it */
	struct wanted want;
	const char *country;
	struct ids ids;
	int csv;
	struct buf row, cell;
	unsigned long records, calls;
};

/* The columns of --export --format csv; the record's users, one cell. */
static const char csv_header[] = "received,event,callId,origCallId,direction,from,to,"
    "diversion,answeringNumber,user,caller,outcome\n";
static const char *const csv_params[] = { "callId", "origCallId", "direction", "from", "to",
    "diversion", "answeringNumber" };

static void put_cell(struct buf *b, const char *p, size_t n)
{
	buf_putc(b, ',');
	csv_put_string(b, p, n);
}

/* Every value of user (an array) in one cell, ", " between. */
static void put_users(struct buf *b, struct buf *cell, const struct logline *l)
{
	const char *name, *v;
	size_t pos = 0, nlen, vlen;

	cell->len = 0;
	while (logline_pair(l, &pos, &name, &nlen, &v, &vlen))
		if (nlen == 4 && memcmp(name, "user", 4) == 0) {
			if (cell->len)
				buf_puts(cell, ", ");
			buf_put(cell, v, vlen);
		}
	b->oom |= cell->oom;
	put_cell(b, cell->len ? cell->data : "", cell->len);
}

static int put_row(struct export *x, const struct logline *l)
{
	const char *v;
	size_t i, n;

	x->row.len = 0;
	csv_put_string(&x->row, l->received.data, l->received.len);
	put_cell(&x->row, l->event.data, l->event.len);
	for (i = 0; i < sizeof csv_params / sizeof *csv_params; i++) {
		if (fold_param(l, csv_params[i], &v, &n))
			put_cell(&x->row, v, n);
		else
			buf_putc(&x->row, ',');
	}
	put_users(&x->row, &x->cell, l);
	put_cell(&x->row, l->caller.data, l->caller.len);
	put_cell(&x->row, l->outcome.data, l->outcome.len);
	buf_putc(&x->row, '\n');
	if (x->row.oom)
		return -1;
	fwrite(x->row.data, 1, x->row.len, stdout);
	return 0;
}

static int mentions(const struct export *x, const struct logline *l)
{
	const char *v;
	size_t i, n;

	for (i = 0; i < sizeof number_params / sizeof *number_params; i++)
		if (fold_param(l, number_params[i], &v, &n) && is_number(&x->want, v, n, x->country))
			return 1;
	return 0;
}

static int out_of_memory(void)
{
	fputs("sipgate-webhook: out of memory\n", stderr);
	return -1;
}

/* The first walk: every call's id, its legs tied, the number's calls marked. */
static int collect(struct logs_walk *w, const struct logline *l, long long ms)
{
	struct export *x = (struct export *)w;
	const char *orig;
	size_t i, j, n;

	(void)ms;
	if (l->call_id.len == 0)
		return 0;
	if ((i = ids_add(&x->ids, l->call_id.data, l->call_id.len)) == (size_t)-1)
		return out_of_memory();
	if (mentions(x, l))
		x->ids.at[ids_root(&x->ids, i)].hit = 1;
	if (fold_param(l, "origCallId", &orig, &n) && n > 0) {
		if ((j = ids_add(&x->ids, orig, n)) == (size_t)-1)
			return out_of_memory();
		ids_tie(&x->ids, j, i);
	}
	return 0;
}

/* The second: the records of the marked calls, as the log holds them. */
static int print(struct logs_walk *w, const struct logline *l, long long ms)
{
	struct export *x = (struct export *)w;
	size_t slot, i;

	(void)ms;
	/* A call appended since the first walk was not collected: its own
	 * record says whether it is the number's. */
	slot = l->call_id.len ? *id_slot(&x->ids, l->call_id.data, l->call_id.len) : 0;
	if (slot == 0) {
		if (!mentions(x, l))
			return 0;
		if (l->call_id.len) {
			if ((i = ids_add(&x->ids, l->call_id.data, l->call_id.len)) == (size_t)-1)
				return out_of_memory();
			x->ids.at[i].hit = x->ids.at[i].counted = 1;
			x->calls++;
		}
	} else {
		i = slot - 1;
		if (!x->ids.at[ids_root(&x->ids, i)].hit)
			return 0;
		if (!x->ids.at[i].counted) {
			x->ids.at[i].counted = 1;
			x->calls++;
		}
	}
	if (x->csv) {
		if (put_row(x, l) < 0)
			return out_of_memory();
	} else {
		fwrite(w->line, 1, w->line_len, stdout);
		putchar('\n');
	}
	x->records++;
	return 0;
}

static int wanted_number(const char *arg, const char *country, struct wanted *w)
{
	struct number n;
	size_t c = strlen(country);

	number_incoming(arg, strlen(arg), country, &n);
	if (n.kind != NUMBER_DIGITS) {
		fprintf(stderr, "sipgate-webhook: %s: not a phone number (digits, +, 00 or a trunk 0)\n", arg);
		return -1;
	}
	memcpy(w->digits, n.digits, sizeof n.digits);
	w->national = strncmp(w->digits, country, c) == 0 && w->digits[c] ? w->digits + c : NULL;
	return 0;
}

int privacy_export(const char *number, const char *country, int csv, char **logs, size_t nlogs)
{
	struct export x = { .walk = { .each = collect }, .country = country, .csv = csv };
	int rc;

	if (wanted_number(number, country, &x.want) < 0)
		return 2;
	rc = logs_walk(&x.walk, logs, nlogs);
	if (rc == 0) {
		if (csv)
			fputs(csv_header, stdout);
		x.walk.each = print;
		rc = logs_walk(&x.walk, logs, nlogs);
	}
	ids_free(&x.ids);
	buf_free(&x.row);
	buf_free(&x.cell);
	if (rc == 0 && fflush(stdout) != 0) {
		perror("sipgate-webhook: stdout");
		rc = -1;
	}
	if (rc < 0)
		return 2;
	fprintf(stderr, "sipgate-webhook: %lu record%s of %lu call%s about %s\n", x.records,
	    x.records == 1 ? "" : "s", x.calls, x.calls == 1 ? "" : "s", x.want.digits);
	return x.records ? 0 : 1;
}
