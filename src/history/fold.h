/* fold: one call folded from its event records, in whatever order they
 * come (calls.jq's semantics: the earliest newCall, answer and hangup
 * count, a newCall's own numbers win, the same event twice counts once),
 * and a table of calls by callId.  Nothing here prints or decides when a
 * call is over; --calls and the calls page do. */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define FOLD_NONE (-1LL)	/* a time the log does not show */

struct logline;

/* A value that may be null (not set) or empty; NUL-terminated when set.
 * Small, as a table holds thousands: a record's value is at most 1 MiB. */
struct fold_field {
	char *data;
	uint32_t len;
	uint32_t set;
};

struct fold_key {
	long long ms;
	struct fold_field digit;
};

struct fold_call {
	struct fold_field id, orig, xcid, direction, from, to, diversion, caller;
	struct fold_field answered_by, cause, outcome, rule;
	struct buf users;	/* counted strings: fold_user */
	int users_set, voicemail;
	long long first_ms, last_ms, started_ms, answered_ms, ended_ms;	/* or FOLD_NONE */
	struct fold_key *keys;
	size_t nkeys;
	uint64_t *seen;		/* digests of the events merged */
	size_t nseen;
	size_t mark;		/* the owner's (the page: the call's row) */
	int oom;		/* a value could not be kept: fold_merge says -1 */
};

/* ms as the log writes a time: 2026-03-04T07:30:00.000Z (a leap second,
 * :60, comes out as the next minute's :00).  The call keeps its times as
 * milliseconds only: a table of thousands of calls stays small. */
#define FOLD_TIME_LEN 40	/* room for any int year */
void fold_time(long long ms, char out[FOLD_TIME_LEN]);

/* A call of this id with nothing merged yet; -1 when out of memory. */
int fold_start(struct fold_call *c, const char *id, size_t len);
/* Frees what the call holds but its id. */
void fold_clear(struct fold_call *c);
void fold_free(struct fold_call *c);

/* The first value of a parameter of l: 1, or 0 when it has none. */
int fold_param(const struct logline *l, const char *name, const char **v, size_t *vlen);

/* Merges the event l received at ms, unless the call has it already (the
 * same line twice, a push replayed; a keypad digit counts each time it is
 * typed): 1 merged, 0 a duplicate, -1 out of memory. */
int fold_merge(struct fold_call *c, const struct logline *l, long long ms);

/* The rules rejected it (final at its newCall). */
int fold_rejected(const struct fold_call *c);
/* When it is final, or FOLD_NONE while open: a rejected call at its first
 * newCall or hangup, any other at its hangup. */
long long fold_final_ms(const struct fold_call *c);
/* answered, missed, voicemail, rejected, busy, forwarded, failed or open:
 * the hangup record's own outcome where the program logged one. */
const char *fold_outcome(const struct fold_call *c);
/* Ringing ends with the answer, or the hangup of a call nobody took;
 * talking, with the hangup of one answered (FOLD_NONE: not shown). */
long long fold_ring_end(const struct fold_call *c);
long long fold_talk_end(const struct fold_call *c);
/* The member key of the call's rule object as written (up to the next
 * ',' or '}'), or NULL. */
const char *fold_rule_member(const struct fold_call *c, const char *key, size_t *len);
/* The user at *pos (0 first), *pos moved on: 1, or 0 after the last. */
int fold_user(const struct fold_call *c, size_t *pos, const char **name, size_t *len);
/* The keypad digits in the order they were typed. */
void fold_sort_keys(struct fold_call *c);

/* Calls by id, open addressing with linear probing.  A table holds
 * pointers to calls the caller owns; the pointer a call is stored under
 * must stay valid until it is removed. */
struct fold_table {
	struct fold_call **slots;
	size_t nslots, nused;
};

/* The slot of id: the call there, or NULL where one of that id goes. */
struct fold_call **fold_find(struct fold_table *t, const char *id, size_t len);
/* Room for one more call: 0, or -1 when out of memory. */
int fold_reserve(struct fold_table *t);
/* Stores c under its id (its slot, from fold_find, empty). */
void fold_insert(struct fold_table *t, struct fold_call **slot, struct fold_call *c);
void fold_remove(struct fold_table *t, struct fold_call *c);
void fold_table_free(struct fold_table *t);

#endif
