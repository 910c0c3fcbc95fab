#include <string.h>

#include "base/arena.h"
#include "rules/extern.h"

/* Whether number is dialled here for the first time in the file (a set
 * of the numbers seen, open addressing in the arena). */
struct seen {
	const char **slot;
	size_t cap, n;
};

static int first_dial(struct parser *p, struct seen *x, const char *number)
{
	const char **old = x->slot;
	size_t i, cap = x->cap;

	if ((x->n + 1) * 2 > x->cap) {
		x->cap = cap ? cap * 2 : 64;
		if ((x->slot = arena_alloc(p->r->arena, x->cap * sizeof *x->slot)) == NULL) {
			x->slot = old;
			x->cap = cap;
			return 0;
		}
		memset(x->slot, 0, x->cap * sizeof *x->slot);
		x->n = 0;
		for (i = 0; i < cap; i++)
			if (old[i])
				first_dial(p, x, old[i]);
	}
	for (i = rules_name_hash(number) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (strcmp(x->slot[i], number) == 0)
			return 0;
	x->slot[i] = number;
	x->n++;
	return 1;
}

/* A dial target that is also a "to" of some rule: a forwarding loop?  Said
 * once a target, naming the first such line. */
static void dial_loop(struct parser *p, const struct rules_rule *a, const char *number)
{
	const struct rules *r = p->r;
	struct number dialled = { NUMBER_DIGITS, 0, { 0 } };
	size_t j, m, t;

	strcpy(dialled.digits, number);
	for (j = 0; j < r->nrules; j++)
		for (m = 0; m < r->rules[j].nconds; m++) {
			const struct rules_cond *c = &r->rules[j].conds[m];

			if (c->kind != RULES_COND_TO || c->negate)
				continue;
			for (t = 0; t < c->nitems; t++)
				if (c->items[t].kind == RULES_ITEM_NUMBER &&
				    number_match(&c->items[t].number, &dialled)) {
					rules_warn(p, a->line, "dial target %s is also in a \"to\" condition on line %d: a forwarding loop between your own numbers?",
					    number, r->rules[j].line);
					return;
				}
		}
}

/* A list with no entry and no file. */
static void empty_lists(struct parser *p)
{
	const struct rules *r = p->r;
	size_t i;

	for (i = 0; i < r->nsets; i++) {
		const struct rules_set *s = &r->sets[i];
		const struct rules_list_part *part;
		size_t entries = 0;
		int files = 0;

		if (s->kind != RULES_SET_LIST)
			continue;
		for (part = s->parts; part; part = part->next) {
			entries += part->nentries;
			files += part->path != NULL;
		}
		if (entries == 0 && files == 0)
			rules_warn(p, s->line, "list \"%s\" is empty", s->name);
	}
}

/*
 * Whether a rule can take every call of its kind: it has no condition on
 * the call itself (caller, number, time, flag, ...), only always, a
 * direction, its menu, and keys it asks for (whether those keys take
 * everything is judged against each later rule, in shadows()).  A
 * negated key condition excludes some keys, so it never takes all.
 */
static int takes_all(const struct rules_rule *a)
{
	size_t k;

	for (k = 0; k < a->nconds; k++) {
		const struct rules_cond *c = &a->conds[k];

		if (c->kind != RULES_COND_ALWAYS && c->kind != RULES_COND_DIRECTION && c->kind != RULES_COND_MENU &&
		    !(c->kind == RULES_COND_KEY && !c->negate))
			return 0;
	}
	return 1;
}

static int has_key(const struct rules_cond *c, const char *key)
{
	size_t m;

	for (m = 0; m < c->nitems; m++)
		if (strcmp(c->items[m].text, key) == 0)
			return 1;
	return 0;
}

/*
 * Whether the later rule b can never match because a, which takes_all(),
 * comes first: b is in the same menu (or neither is), a's direction covers
 * b's, and each key condition of a takes "any" key.  "any" means some key
 * was typed, so a later rule that asks for "none" (silence) is still
 * reached.
 */
static int shadows(const struct rules_rule *a, const struct rules_rule *b)
{
	size_t k, m;

	if (b->menu != a->menu || !(a->direction == RULES_DIR_ANY || a->direction == b->direction))
		return 0;
	for (k = 0; k < a->nconds; k++) {
		if (a->conds[k].kind != RULES_COND_KEY)
			continue;
		if (!has_key(&a->conds[k], "any"))
			return 0;
		for (m = 0; m < b->nconds; m++)
			if (b->conds[m].kind == RULES_COND_KEY && has_key(&b->conds[m], "none"))
				return 0;
	}
	return 1;
}

/* Warnings only a whole view of the rules can give. */
void rules_lint(struct parser *p)
{
	const struct rules *r = p->r;
	struct seen dialled = { 0 };
	size_t i, j, k;

	empty_lists(p);
	for (i = 0; i < r->nrules; i++) {
		const struct rules_rule *a = &r->rules[i];
		int all = takes_all(a);

		for (j = i + 1; all && j < r->nrules; j++)
			if (shadows(a, &r->rules[j])) {
				rules_warn(p, r->rules[j].line,
				    "never matches: line %d comes first and matches everything it would", a->line);
				break;
			}
		for (k = 0; k < a->action.nnumbers; k++)
			if (first_dial(p, &dialled, a->action.numbers[k]))
				dial_loop(p, a, a->action.numbers[k]);
	}
	if (p->nwarnings > WARNINGS_MAX)
		buf_printf(p->warnings, "%s: warning: %zu more warnings not shown\n", p->path,
		    p->nwarnings - WARNINGS_MAX);
}
