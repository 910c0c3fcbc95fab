/* decide: what the call rules say about one newCall or dtmf push, as a
 * decision: the action to answer with (or none), and the "rule" object for
 * the record.  It never fails the request except for a forged menu state
 * (ERR_STATE): a rules file that cannot be used leaves the decision empty
 * with its error set, and the caller answers as if there were no rules. */
#ifndef DECIDE_H
#define DECIDE_H

#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "book/book.h"
#include "call/state.h"
#include "push/form.h"
#include "rules/rules.h"

struct decide_input {
	const char *rules_path;
	const struct form *form;
	int dtmf;			/* else newCall */
	const char *query;		/* QUERY_STRING of a dtmf push */
	const char *key;		/* SIPGATE_STATE_KEY, or NULL */
	size_t key_len;
	time_t now;
	const struct book *book;	/* SIPGATE_PHONEBOOK's, or NULL: */
	const char *book_error;		/* why not (NULL: it is not set) */
	const char *caller;		/* the caller's name, for --explain */
};

struct decision {
	const struct rules *rules;	/* kept for the actions below */
	const struct rules_action *action;	/* NULL: no verbs */
	int line;			/* 0: a built-in decision (null) */
	const char *name;		/* the action's verb for the record */
	int is_else;
	int in_menu;			/* a dtmf in a menu: menu and try */
	char menu[RULES_NAME_MAX + 1];
	int try_n;
	int gather_menu, gather_n;	/* the Gather to send, for RULES_ACT_GATHER */
	char to[21];			/* callerid/withhold: the number called */
	struct buf call_id;		/* what a Gather's state is bound to */
	const char *why;		/* a built-in decision, in words */
	char note[256];
	char error[512];		/* non-empty: the rules were not used */
	int stale;			/* ...because the call's menu is gone from them:
					 * the specification's <Response/>, no report */
	const struct rules_rule *rule;	/* the rule that matched, for --explain */
	const char *caller;		/* the address book's name for the caller */
	struct tm local;		/* the local time the rules saw */
	int have_local;
};

enum err decide(const struct decide_input *in, struct decision *d, struct fail *f);

/* The "rule" object for the record. */
void decide_json(struct buf *out, const struct decision *d);

void decide_free(struct decision *d);

#endif
