/* record: turns one decoded request into one JSON Lines record.
 * Parameters are grouped by name in order of first arrival; a name that
 * came with "[]" or more than once becomes an array, so nothing is lost. */
#ifndef RECORD_H
#define RECORD_H

#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "call/outcome.h"
#include "push/form.h"

struct record_meta {
	const char *received;		/* RFC 3339 UTC with milliseconds */
	const char *remote_addr;	/* NULL when the server gave none */
	const char *signature;		/* valid, invalid, missing, unchecked */
	const char *rule;		/* the call rules' decision as JSON, or NULL */
	const char *caller;		/* the caller's name from the address book, or NULL */
	const char *outcome;		/* a hangup's outcome, or NULL */
	const char *outcome_basis;	/* call, hangup or refused: what it rests on */
	long long duration_ms;		/* since the newCall; -1: unknown */
	const struct outcome_facts *facts;	/* a hangup's signed facts, or NULL */
};

/* Appends the record and its final newline to out. */
enum err record_build(struct buf *out, const struct form *form,
    const struct record_meta *meta, struct fail *f);

/* Writes now as 2026-11-26T14:15:30.123Z (25 bytes). */
void record_timestamp(const struct timespec *now, char out[32]);

#endif
