/*
 * The reading of a rules file, statement by statement (actions, menus,
 * when rules and their conditions, the statements read once), and
 * rules_load/rules_read (rules.h), which run it, the pending references
 * and, for --check, the lint, then report the problems in line order.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "os/file.h"
#include "rules/extern.h"

/* ---- actions ---- */

static const char *normalised(struct parser *p, const char *tok, const char *what)
{
	struct number num;
	char why[200];

	if (number_rule(tok, strlen(tok), p->r->country, &num, why, sizeof why) != NULL ||
	    num.kind != NUMBER_DIGITS || num.prefix) {
		rules_problem(p, p->line, "%s: not a number: \"%.40s\"", what, tok);
		return NULL;
	}
	return arena_strndup(p->r->arena, num.digits, strlen(num.digits));
}

/* Warnings, not errors, so that files that worked go on working: a
 * target too short to be a phone number, and targets that look like one
 * number written with spaces ("0049 211 1111111" is three targets). */
static void dial_warnings(struct parser *p, char **tok, const struct rules_action *a)
{
	size_t i;

	for (i = 0; i < a->nnumbers; i++)
		if (strlen(a->numbers[i]) < 6)
			rules_warn(p, p->line, "dial %s has %zu digits: too short for a phone number?",
			    a->numbers[i], strlen(a->numbers[i]));
	for (i = 0; i + 1 < a->nnumbers; i++)
		if ((tok[i][0] == '0' || tok[i][0] == '+') && strlen(tok[i]) <= 5 &&
		    tok[i + 1][0] >= '1' && tok[i + 1][0] <= '9') {
			rules_warn(p, p->line, "dial %s %s ...: one number split by spaces? Each word is a target; write it without spaces",
			    tok[i], tok[i + 1]);
			break;
		}
}

/* Parses tok[0..n) as one action; in_then: after "play URL then". */
static int parse_action(struct parser *p, char **tok, size_t n, struct rules_action *a,
    int in_then);

/* pass, hangup, voicemail, withhold: the verb alone. */
static int bare_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	(void)a;
	if (n == 1)
		return 0;
	if (tok[1][0] == '#')
		rules_problem(p, p->line, "a comment stands on its own line (a line starting with #), not after %s", tok[0]);
	else
		rules_problem(p, p->line, "%s takes nothing after it", tok[0]);
	return -1;
}

static int reject_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	if (n == 1 || (n == 2 && strcmp(tok[1], "rejected") == 0))
		return 0;
	if (n == 2 && strcmp(tok[1], "busy") == 0) {
		a->busy = 1;
		return 0;
	}
	rules_problem(p, p->line, "reject takes rejected or busy");
	return -1;
}

/* dial N1 [.. N5] [anonymous] [callerid C]: the numbers first. */
static int dial_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (strcmp(tok[i], "anonymous") == 0 && !a->anonymous) {
			a->anonymous = 1;
		} else if (strcmp(tok[i], "callerid") == 0 && a->callerid == NULL && i + 1 < n) {
			if ((a->callerid = normalised(p, tok[++i], "callerid")) == NULL)
				return -1;
		} else if (a->anonymous || a->callerid) {
			rules_problem(p, p->line, "dial: numbers come first, then anonymous and callerid C");
			return -1;
		} else if (a->nnumbers == RULES_DIAL_MAX) {
			rules_problem(p, p->line, "dial takes at most 5 numbers (sipgate's limit for incoming calls)");
			return -1;
		} else if ((a->numbers[a->nnumbers++] = normalised(p, tok[i], "dial")) == NULL)
			return -1;
	}
	if (a->nnumbers == 0) {
		rules_problem(p, p->line, "dial needs at least one number");
		return -1;
	}
	dial_warnings(p, tok + 1, a);
	return 0;
}

static int callerid_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	if (n != 2) {
		rules_problem(p, p->line, "callerid takes one number");
		return -1;
	}
	return (a->callerid = normalised(p, tok[1], "callerid")) ? 0 : -1;
}

static int gather_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	if (n != 2) {
		rules_problem(p, p->line, "gather takes one menu name");
		return -1;
	}
	a->menu = rules_use_menu(p, tok[1]);
	return 0;
}

/* play URL [then ACTION] */
static int play_action(struct parser *p, char **tok, size_t n, struct rules_action *a)
{
	struct rules_action *then;

	if (n < 2 || !rules_valid_url(tok[1])) {
		rules_problem(p, p->line, "play needs an http:// or https:// URL of printable ASCII without \" < > \\, at most 1024 bytes");
		return -1;
	}
	a->url = arena_strndup(p->r->arena, tok[1], strlen(tok[1]));
	if (p->warnings && strlen(tok[1]) >= 4 && strcmp(tok[1] + strlen(tok[1]) - 4, ".wav") != 0)
		rules_warn(p, p->line, "%.80s does not end in .wav (sipgate plays 8 kHz mono WAV)", tok[1]);
	if (n == 2)
		return 0;
	if (strcmp(tok[2], "then") != 0 || n == 3) {
		rules_problem(p, p->line, "play URL may be followed only by then ACTION");
		return -1;
	}
	if ((then = arena_alloc(p->r->arena, sizeof *then)) == NULL ||
	    parse_action(p, tok + 3, n - 3, then, 1) < 0)
		return -1;
	a->then = then;
	/* Seen working, but sipgate documents one action a reply. */
	if (!p->noted_then++)
		rules_warn(p, p->line, "play ... then ... puts two verbs into one reply; sipgate documents one action a reply: try such a rule with a real call before you rely on it");
	return 0;
}

/* The verbs, by enum rules_action_kind (their words are rules_action_name's);
 * after_then: may follow "play URL then". */
static const struct action_verb {
	int after_then;
	int (*parse)(struct parser *p, char **tok, size_t n, struct rules_action *a);
} action_verbs[] = {
	[RULES_ACT_PASS] = { 0, bare_action },
	[RULES_ACT_REJECT] = { 1, reject_action },
	[RULES_ACT_HANGUP] = { 1, bare_action },
	[RULES_ACT_VOICEMAIL] = { 1, bare_action },
	[RULES_ACT_DIAL] = { 1, dial_action },
	[RULES_ACT_CALLERID] = { 0, callerid_action },
	[RULES_ACT_WITHHOLD] = { 0, bare_action },
	[RULES_ACT_GATHER] = { 0, gather_action },
	[RULES_ACT_PLAY] = { 0, play_action },
};

static int parse_action(struct parser *p, char **tok, size_t n, struct rules_action *a,
    int in_then)
{
	size_t k;

	memset(a, 0, sizeof *a);
	a->menu = -1;
	if (n == 0) {
		rules_problem(p, p->line, "an action is missing");
		return -1;
	}
	for (k = 0; k < sizeof action_verbs / sizeof *action_verbs; k++)
		if (strcmp(tok[0], rules_action_name((enum rules_action_kind)k)) == 0)
			break;
	if (k == sizeof action_verbs / sizeof *action_verbs) {
		rules_problem(p, p->line, "unknown action \"%.40s\"", tok[0]);
		return -1;
	}
	if (in_then && !action_verbs[k].after_then) {
		rules_problem(p, p->line, "play ... then %s: after then comes hangup, reject, voicemail or dial", tok[0]);
		return -1;
	}
	a->kind = (enum rules_action_kind)k;
	return action_verbs[k].parse(p, tok, n, a);
}

/* ---- menu ---- */

/* Room for one more of an array in the arena, which holds count of at
 * most max: the new element, zeroed, or NULL after a problem. */
static void *append(struct parser *p, void **array, size_t *cap, size_t count, size_t max,
    size_t size, const char *too_many)
{
	char *slot;

	if (count == max) {
		rules_problem(p, p->line, "%s", too_many);
		return NULL;
	}
	if (arena_grow(p->r->arena, array, cap, count + 1, size) < 0)
		return NULL;
	slot = (char *)*array + count * size;
	memset(slot, 0, size);
	return slot;
}

/* A new menu named tok[1], with the defaults: digits 1 timeout 5000
 * tries 3 else hangup. */
static struct rules_menu *new_menu(struct parser *p, char **tok, size_t n)
{
	struct rules *r = p->r;
	struct rules_menu *m;

	if (n < 2 || !rules_valid_name(tok[1])) {
		rules_problem(p, p->line, "menu needs a name of 1 to 32 of a-z, 0-9, _ and -");
		return NULL;
	}
	if (rules_find_menu(r, tok[1]) >= 0) {
		rules_problem(p, p->line, "menu \"%s\" is defined twice (first on line %d)", tok[1],
		    r->menus[rules_find_menu(r, tok[1])].line);
		return NULL;
	}
	if ((m = append(p, (void **)&r->menus, &p->cap_menus, r->nmenus, RULES_MENUS_MAX,
	    sizeof *r->menus, "more than 256 menus")) == NULL)
		return NULL;
	strcpy(m->name, tok[1]);
	m->line = p->line;
	m->digits = 1;
	m->timeout = 5000;
	m->tries = 3;
	m->otherwise.kind = RULES_ACT_HANGUP;
	m->otherwise.menu = RULES_NO_MENU;
	return m;
}

/* else ACTION: what the menu does once its tries are used up. */
static int menu_else(struct parser *p, struct rules_menu *m, char **tok, size_t n)
{
	if (n > 0 && strcmp(tok[0], "gather") == 0) {
		rules_problem(p, p->line, "else cannot be gather (menus would loop while the caller is silent)");
		return -1;
	}
	if (parse_action(p, tok, n, &m->otherwise, 0) < 0)
		return -1;
	/* They place an outgoing call; an else answers a keypad push. */
	if (m->otherwise.kind == RULES_ACT_CALLERID || m->otherwise.kind == RULES_ACT_WITHHOLD) {
		rules_problem(p, p->line, "else cannot be %s (it is for outgoing newCall rules)",
		    rules_action_name(m->otherwise.kind));
		return -1;
	}
	return 0;
}

/* The menu's numbers: the word, its range, where it goes. */
static const struct menu_number {
	const char *word;
	long lo, hi;
	size_t offset;
} menu_numbers[] = {
	{ "digits", 1, 20, offsetof(struct rules_menu, digits) },
	{ "timeout", 0, 60000, offsetof(struct rules_menu, timeout) },
	{ "tries", 1, 9, offsetof(struct rules_menu, tries) },
};

/* play URL, or one of the numbers. */
static int menu_setting(struct parser *p, struct rules_menu *m, const char *key, const char *value)
{
	size_t k;
	long v;

	if (strcmp(key, "play") == 0) {
		if (!rules_valid_url(value)) {
			rules_problem(p, p->line, "menu play needs an http:// or https:// URL of printable ASCII without \" < > \\");
			return -1;
		}
		m->play = arena_strndup(p->r->arena, value, strlen(value));
		return 0;
	}
	for (k = 0; k < sizeof menu_numbers / sizeof *menu_numbers; k++)
		if (strcmp(key, menu_numbers[k].word) == 0 &&
		    (v = rules_small_number(value, menu_numbers[k].lo, menu_numbers[k].hi)) >= 0) {
			*(int *)((char *)m + menu_numbers[k].offset) = (int)v;
			return 0;
		}
	rules_problem(p, p->line, "menu: bad \"%.20s %.40s\" (play URL, digits 1-20, timeout 0-60000, tries 1-9, else ACTION)",
	    key, value);
	return -1;
}

/* menu NAME [play URL] [digits N] [timeout MS] [tries N] [else ACTION] */
static void menu_statement(struct parser *p, char **tok, size_t n)
{
	struct rules_menu *m;
	size_t i;

	if ((m = new_menu(p, tok, n)) == NULL)
		return;
	for (i = 2; i < n; i += 2) {
		if (strcmp(tok[i], "else") == 0) {
			if (menu_else(p, m, tok + i + 1, n - i - 1) < 0)
				return;
			break;
		}
		if (i + 1 >= n) {
			rules_problem(p, p->line, "menu: %s needs a value", tok[i]);
			return;
		}
		if (menu_setting(p, m, tok[i], tok[i + 1]) < 0)
			return;
	}
	p->r->nmenus++;
	rules_resolve_pending(p, tok[1], "menu");
}

/* ---- when ---- */

static int split_items(struct parser *p, struct rules_cond *c, const char *value)
{
	const char *s = value;
	size_t count = 1, i = 0;

	for (; *s; s++)
		count += *s == ',';
	if ((c->items = arena_alloc(p->r->arena, count * sizeof *c->items)) == NULL)
		return -1;
	for (s = value; ; ) {
		size_t n = strcspn(s, ",");

		if (n == 0) {
			rules_problem(p, p->line, "an empty value in \"%.60s\"", value);
			return -1;
		}
		c->items[i].kind = RULES_ITEM_TEXT;
		c->items[i].text = arena_strndup(p->r->arena, s, n);
		if (c->items[i].text == NULL)
			return -1;
		i++;
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	c->nitems = count;
	return 0;
}

/* "when time not @office": the not belongs before the keyword. */
static int misplaced_not(struct parser *p, const char *item, const char *keyword)
{
	if (strcmp(item, "not") != 0)
		return 0;
	rules_problem(p, p->line, "\"not\" goes before the condition it negates: not %s ...", keyword);
	return 1;
}

/* @phonebook (a known caller) or @phonebook:CATEGORY: the address book's,
 * whose text keeps the category (NULL: none). */
static int book_item(struct parser *p, struct rules_item *it)
{
	const char *cat = it->text + sizeof RULES_BOOK;

	it->kind = RULES_ITEM_BOOK;
	p->r->uses_book = 1;
	if (*cat == '\0') {
		it->text = NULL;
		return 0;
	}
	if (cat[1] == '\0' || strlen(cat + 1) > RULES_CATEGORY_MAX) {
		rules_problem(p, p->line, "\"%.40s\": want @%s or @%s:CATEGORY (1 to %d characters)",
		    it->text, RULES_BOOK, RULES_BOOK, RULES_CATEGORY_MAX);
		return -1;
	}
	it->text = cat + 1;
	return 0;
}

static int number_items(struct parser *p, struct rules_cond *c, const char *keyword)
{
	char why[200];
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		struct rules_item *it = &c->items[i];

		if (misplaced_not(p, it->text, keyword))
			return -1;
		if (strcmp(it->text, "any") == 0) {
			it->kind = RULES_ITEM_ANY;
		} else if (strncmp(it->text, "@" RULES_BOOK, sizeof RULES_BOOK) == 0 &&
		    (it->text[sizeof RULES_BOOK] == '\0' || it->text[sizeof RULES_BOOK] == ':')) {
			if (book_item(p, it) < 0)
				return -1;
		} else if (it->text[0] == '@') {
			it->kind = RULES_ITEM_SET;
			it->set = rules_use_set(p, it->text, RULES_SET_LIST);
		} else {
			it->kind = RULES_ITEM_NUMBER;
			if (number_rule(it->text, strlen(it->text), p->r->country, &it->number,
			    why, sizeof why) != NULL) {
				rules_problem(p, p->line, "%s", why);
				return -1;
			}
		}
	}
	return 0;
}

static int set_items(struct parser *p, struct rules_cond *c, enum rules_set_kind kind, const char *keyword)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		if (misplaced_not(p, c->items[i].text, keyword))
			return -1;
		c->items[i].kind = RULES_ITEM_SET;
		c->items[i].set = rules_use_set(p, c->items[i].text, kind);
	}
	return 0;
}

static int key_items(struct parser *p, struct rules_cond *c)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		const char *k = c->items[i].text;

		if (strcmp(k, "none") == 0 || strcmp(k, "any") == 0)
			continue;
		if (strlen(k) > 20 || strspn(k, "0123456789*#") != strlen(k)) {
			rules_problem(p, p->line, "key \"%.30s\": want DTMF keys 0-9 * # (at most 20), none or any", k);
			return -1;
		}
	}
	return 0;
}

static const char *const cond_words[] = {
	[RULES_COND_ALWAYS] = "always", [RULES_COND_DIRECTION] = "direction", [RULES_COND_FROM] = "from",
	[RULES_COND_TO] = "to", [RULES_COND_DIVERSION] = "diversion", [RULES_COND_USER] = "user",
	[RULES_COND_USERID] = "userid", [RULES_COND_FULLUSERID] = "fulluserid", [RULES_COND_TIME] = "time",
	[RULES_COND_DATE] = "date", [RULES_COND_PERCENT] = "percent", [RULES_COND_FLAG] = "flag",
	[RULES_COND_MENU] = "menu", [RULES_COND_KEY] = "key",
};

static int cond_keyword(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof cond_words / sizeof *cond_words; i++)
		if (strcmp(w, cond_words[i]) == 0)
			return (int)i;
	return -1;
}

/* Parses one condition at tok[*i]; advances *i. */
/* direction, percent, flag and menu: one value each. */
static int single_value(struct parser *p, struct rules_cond *c, const char *w)
{
	long v;

	switch (c->kind) {
	case RULES_COND_DIRECTION:
		if (strcmp(w, "in") == 0)
			c->value = RULES_DIR_IN;
		else if (strcmp(w, "out") == 0)
			c->value = RULES_DIR_OUT;
		else if (strcmp(w, "any") == 0)
			c->value = RULES_DIR_ANY;
		else {
			rules_problem(p, p->line, "direction is in, out or any");
			return -1;
		}
		return 0;
	case RULES_COND_PERCENT:
		if ((v = rules_small_number(w, 1, 99)) < 0) {
			rules_problem(p, p->line, "percent takes 1 to 99");
			return -1;
		}
		c->value = (int)v;
		return 0;
	case RULES_COND_FLAG:
		if (p->r->flagdir == NULL) {
			rules_problem(p, p->line, "flag needs a flagdir line before the first when");
			return -1;
		}
		if (!rules_valid_name(w)) {
			rules_problem(p, p->line, "bad flag name \"%.40s\"", w);
			return -1;
		}
		c->name = arena_strndup(p->r->arena, w, strlen(w));
		return 0;
	default:
		c->value = rules_use_menu(p, w);
		return 0;
	}
}

/* The others: a comma-separated list of numbers, names, sets or keys. */
static int item_values(struct parser *p, struct rules_cond *c, const char *keyword,
    const char *w)
{
	if ((c->kind == RULES_COND_TIME || c->kind == RULES_COND_DATE) && p->r->zone == NULL) {
		/* A timezone line that was refused has said so already. */
		if (!p->seen[RULES_STMT_TIMEZONE])
			rules_problem(p, p->line, "%s needs a timezone line before the first when", keyword);
		return -1;
	}
	if (split_items(p, c, w) < 0)
		return -1;
	switch (c->kind) {
	case RULES_COND_FROM:
	case RULES_COND_TO:
	case RULES_COND_DIVERSION:
		return number_items(p, c, keyword);
	case RULES_COND_TIME:
		return set_items(p, c, RULES_SET_HOURS, keyword);
	case RULES_COND_DATE:
		return set_items(p, c, RULES_SET_DATES, keyword);
	case RULES_COND_KEY:
		return key_items(p, c);
	default:
		return 0;
	}
}

/* A condition at tok[*i] ("not" before it if it says so) and its value;
 * *i moves past them. */
static int parse_cond(struct parser *p, char **tok, size_t n, size_t *i, struct rules_cond *c)
{
	const char *w = tok[*i], *keyword;
	int kind, negate = 0;

	memset(c, 0, sizeof *c);
	if (strcmp(w, "not") == 0) {
		negate = 1;
		if (++*i >= n || strcmp(tok[*i], "do") == 0) {
			rules_problem(p, p->line, "not needs a condition after it");
			return -1;
		}
		w = tok[*i];
	}
	if ((kind = cond_keyword(w)) < 0) {
		rules_problem(p, p->line, "unknown condition \"%.40s\"", w);
		return -1;
	}
	c->kind = (enum rules_cond_kind)kind;
	c->negate = negate;
	if (negate && (kind == RULES_COND_DIRECTION || kind == RULES_COND_MENU || kind == RULES_COND_ALWAYS)) {
		rules_problem(p, p->line, "not cannot go before %s", w);
		return -1;
	}
	(*i)++;
	if (kind == RULES_COND_ALWAYS)
		return 0;
	if (*i >= n || strcmp(tok[*i], "do") == 0) {
		rules_problem(p, p->line, "%s needs a value", w);
		return -1;
	}
	keyword = w;
	w = tok[(*i)++];
	if (kind == RULES_COND_DIRECTION || kind == RULES_COND_PERCENT || kind == RULES_COND_FLAG || kind == RULES_COND_MENU)
		return single_value(p, c, w);
	return item_values(p, c, keyword, w);
}

/* What a rule's conditions say about where it applies. */
struct rule_facts {
	int has_key, has_dir;
	const char *call_only;	/* the first condition a dtmf push cannot answer */
};

/* A new rule at the end of the list, with room for n conditions. */
static struct rules_rule *new_rule(struct parser *p, size_t n)
{
	struct rules *r = p->r;
	struct rules_rule *rule;

	if ((rule = append(p, (void **)&r->rules, &p->cap_rules, r->nrules, RULES_WHEN_MAX,
	    sizeof *r->rules, "more than 10000 when lines")) == NULL)
		return NULL;
	rule->line = p->line;
	rule->menu = RULES_NO_MENU;
	rule->direction = RULES_DIR_IN;
	if ((rule->conds = arena_alloc(r->arena, n * sizeof *rule->conds)) == NULL)
		return NULL;
	return rule;
}

/* The conditions from tok[*i] up to "do", and what they say. */
static int read_conds(struct parser *p, char **tok, size_t n, size_t *i,
    struct rules_rule *rule, struct rule_facts *x)
{
	while (*i < n && strcmp(tok[*i], "do") != 0) {
		struct rules_cond *c = &rule->conds[rule->nconds];

		if (parse_cond(p, tok, n, i, c) < 0)
			return -1;
		rule->nconds++;
		switch (c->kind) {
		case RULES_COND_MENU:
			if (rule->menu != RULES_NO_MENU || c->value < -1) {
				rules_problem(p, p->line, "a rule answers one menu");
				return -1;
			}
			/* rules_use_menu's -1: not defined yet, a pending error. */
			rule->menu = c->value == -1 ? RULES_MENU_PENDING : c->value;
			break;
		case RULES_COND_KEY:
			x->has_key = 1;
			break;
		case RULES_COND_DIRECTION:
			x->has_dir = 1;
			rule->direction = c->value;
			/* fall through */
		case RULES_COND_FROM:
		case RULES_COND_TO:
		case RULES_COND_DIVERSION:
		case RULES_COND_USER:
		case RULES_COND_USERID:
		case RULES_COND_FULLUSERID:
			if (x->call_only == NULL)
				x->call_only = cond_words[c->kind];
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The conditions together: some, a menu rule asking only what a dtmf
 * push carries, keys only in a menu. */
static int conds_fit(struct parser *p, const struct rules_rule *rule, const struct rule_facts *x)
{
	if (rule->nconds == 0) {
		rules_problem(p, p->line, "when needs a condition before do (write when always do ...)");
		return 0;
	}
	if (rule->menu != RULES_NO_MENU && x->call_only) {
		rules_problem(p, p->line, "\"%s\" is unknown in a dtmf push (it carries only callId and dtmf)", x->call_only);
		return 0;
	}
	if (x->has_key && rule->menu == RULES_NO_MENU) {
		rules_problem(p, p->line, "key needs menu NAME in the same rule");
		return 0;
	}
	return 1;
}

/* callerid and withhold place an outgoing call: only there. */
static int action_fits(struct parser *p, const struct rules_rule *rule, const struct rule_facts *x)
{
	if (rule->action.kind != RULES_ACT_CALLERID && rule->action.kind != RULES_ACT_WITHHOLD)
		return 1;
	if (!(x->has_dir && rule->direction == RULES_DIR_OUT)) {
		rules_problem(p, p->line, "%s needs direction out (it sets how an outgoing call is placed)",
		    rules_action_name(rule->action.kind));
		return 0;
	}
	if (rule->menu != RULES_NO_MENU) {
		rules_problem(p, p->line, "%s is for newCall rules", rules_action_name(rule->action.kind));
		return 0;
	}
	return 1;
}

/* when CONDITION... do ACTION */
static void when_statement(struct parser *p, char **tok, size_t n)
{
	struct rule_facts x = { 0 };
	struct rules_rule *rule;
	size_t i = 1;

	if ((rule = new_rule(p, n)) == NULL || read_conds(p, tok, n, &i, rule, &x) < 0)
		return;
	if (i >= n) {
		rules_problem(p, p->line, "when needs do ACTION");
		return;
	}
	if (!conds_fit(p, rule, &x) || parse_action(p, tok + i + 1, n - i - 1, &rule->action, 0) < 0 ||
	    !action_fits(p, rule, &x))
		return;
	rule->text = arena_strndup(p->r->arena, p->text, strlen(p->text));
	p->r->nrules++;
}

/* ---- the file ---- */

static void version_statement(struct parser *p, char **tok, size_t n)
{
	if (n != 2 || strcmp(tok[1], "1") != 0)
		rules_problem(p, p->line, "unsupported version \"%.20s\" (this program reads version 1)", n > 1 ? tok[1] : "");
}

static void timezone_statement(struct parser *p, char **tok, size_t n)
{
	char why[200];

	if (n != 2) {
		rules_problem(p, p->line, "timezone takes one zone (Europe/Berlin)");
		return;
	}
	if (when_zone_check(tok[1], why, sizeof why)) {
		rules_problem(p, p->line, "%s", why);
		return;
	}
	p->r->zone = arena_strndup(p->r->arena, tok[1], strlen(tok[1]));
}

static void country_statement(struct parser *p, char **tok, size_t n)
{
	if (n != 2 || strlen(tok[1]) > 3 || rules_small_number(tok[1], 1, 999) < 0 || tok[1][0] == '0') {
		rules_problem(p, p->line, "country takes a country code of 1 to 3 digits (49)");
		return;
	}
	strcpy(p->r->country, tok[1]);
}

static void flagdir_statement(struct parser *p, char **tok, size_t n)
{
	if (n != 2 || tok[1][0] != '/') {
		rules_problem(p, p->line, "flagdir takes one absolute path");
		return;
	}
	p->r->flagdir = arena_strndup(p->r->arena, tok[1], strlen(tok[1]));
}

static void end_statement(struct parser *p, char **tok, size_t n)
{
	(void)tok;
	if (n != 1) {
		rules_problem(p, p->line, "end takes nothing after it");
		return;
	}
	p->seen[RULES_STMT_END] = p->line;
}

/* FIRST: only as the file's first statement.  ONCE: at most once, and
 * before the first when (each of these sets how every rule is read). */
enum { FIRST = 1, ONCE = 2 };

static const struct statement_kind {
	const char *word;
	int flags;
	void (*parse)(struct parser *p, char **tok, size_t n);
} statement_kinds[RULES_STMT_COUNT] = {
	[RULES_STMT_VERSION]  = { "version", FIRST, version_statement },
	[RULES_STMT_TIMEZONE] = { "timezone", ONCE, timezone_statement },
	[RULES_STMT_COUNTRY]  = { "country", ONCE, country_statement },
	[RULES_STMT_FLAGDIR]  = { "flagdir", ONCE, flagdir_statement },
	[RULES_STMT_LIST]     = { "list", 0, rules_list_statement },
	[RULES_STMT_HOURS]    = { "hours", 0, rules_hours_statement },
	[RULES_STMT_DATES]    = { "dates", 0, rules_dates_statement },
	[RULES_STMT_MENU]     = { "menu", 0, menu_statement },
	[RULES_STMT_WHEN]     = { "when", 0, when_statement },
	[RULES_STMT_END]      = { "end", 0, end_statement },
};

/* The statement word w names, or RULES_STMT_COUNT; fold: compared in lower case. */
static enum rules_statement statement_id(const char *w, int fold)
{
	char lower[64];
	size_t i;

	for (i = 0; i + 1 < sizeof lower && w[i]; i++)
		lower[i] = fold && w[i] >= 'A' && w[i] <= 'Z' ? (char)(w[i] - 'A' + 'a') : w[i];
	lower[i] = '\0';
	for (i = 0; i < RULES_STMT_COUNT; i++)
		if (strcmp(lower, statement_kinds[i].word) == 0)
			return (enum rules_statement)i;
	return RULES_STMT_COUNT;
}

/* Where the statement may stand: first, once, before the first when. */
static int in_place(struct parser *p, enum rules_statement id)
{
	const struct statement_kind *k = &statement_kinds[id];

	if ((k->flags & FIRST) && p->statements != 1) {
		rules_problem(p, p->line, "%s must be the first statement", k->word);
		return 0;
	}
	if (!(k->flags & ONCE))
		return 1;
	if (p->seen[id]) {
		rules_problem(p, p->line, "%s may appear once (first on line %d)", k->word, p->seen[id]);
		return 0;
	}
	if (p->seen[RULES_STMT_WHEN]) {
		rules_problem(p, p->line, "%s must come before the first when", k->word);
		return 0;
	}
	return 1;
}

static void statement(struct parser *p, char **tok, size_t n)
{
	enum rules_statement id = statement_id(tok[0], 0);

	if (p->seen[RULES_STMT_END]) {
		rules_problem(p, p->line, "nothing may follow \"end\" (line %d)", p->seen[RULES_STMT_END]);
		return;
	}
	p->statements++;
	if (id == RULES_STMT_COUNT) {
		rules_problem(p, p->line, "unknown statement \"%.40s\"%s", tok[0],
		    statement_id(tok[0], 1) < RULES_STMT_COUNT ? " (keywords are lower case)" : "");
		return;
	}
	if (!in_place(p, id))
		return;
	if ((statement_kinds[id].flags & ONCE) || id == RULES_STMT_WHEN)
		p->seen[id] = p->line;
	statement_kinds[id].parse(p, tok, n);
}

static void parse_file(struct parser *p, const char *data, size_t len)
{
	char buf[RULES_LINE_MAX + 1], text[RULES_LINE_MAX + 1], *tok[RULES_TOKENS_MAX];
	const char *line, *why;
	size_t pos = 0, n, ntok;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (!p->stop && rules_next_line(data, len, &pos, &line, &n)) {
		size_t lead = 0;

		p->line++;
		if (memchr(line, '\0', n)) {
			rules_problem(p, p->line, "contains a NUL byte");
			continue;
		}
		if (n > RULES_LINE_MAX) {
			rules_problem(p, p->line, "line longer than 4096 bytes");
			continue;
		}
		while (lead < n && rules_is_blank(line[lead]))
			lead++;
		if (lead == n || line[lead] == '#')
			continue;
		memcpy(buf, line + lead, n - lead);
		buf[n - lead] = '\0';
		if ((why = rules_tokenize(buf, tok, &ntok)) != NULL) {
			rules_problem(p, p->line, "%s", why);
			continue;
		}
		memcpy(text, line + lead, n - lead);
		text[n - lead] = '\0';
		p->text = text;
		statement(p, tok, ntok);
	}
	p->text = NULL;
}

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x < y ? -1 : x > y;
}

void rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	arena_free(r->arena);
	free(r);
}

struct rules *rules_read(const char *path, enum rules_mode mode,
    struct buf *errors, struct buf *warnings, struct stat *st)
{
	struct parser p = { 0 };
	struct rules *r;
	char why[200], *data, *slash;
	size_t len, i;

	if ((r = calloc(1, sizeof *r)) == NULL || (r->arena = arena_new()) == NULL) {
		buf_printf(errors, "%s: out of memory\n", path);
		free(r);
		return NULL;
	}
	strcpy(r->country, "49");
	r->path = arena_strndup(r->arena, path, strlen(path));
	slash = r->path ? strrchr(r->path, '/') : NULL;
	r->dir = slash == NULL ? "." : slash == r->path ? "/" :
	    arena_strndup(r->arena, r->path, (size_t)(slash - r->path));
	p.r = r;
	p.mode = mode;
	p.path = path;
	p.warnings = mode == RULES_CHECK ? warnings : NULL;

	if ((data = file_read(path, RULES_FILE_MAX, &len, st, why, sizeof why)) == NULL) {
		buf_printf(errors, "%s: %s\n", path, why);
		rules_free(r);
		return NULL;
	}
	if (mode == RULES_CHECK && (st->st_mode & 022))
		rules_warn(&p, 0, "writable by group or others; anyone who can write it decides where calls go");
	parse_file(&p, data, len);
	free(data);
	rules_report_pending(&p);
	if (!p.stop && !p.seen[RULES_STMT_END])
		rules_problem(&p, INT_MAX, "no \"end\" line (file truncated?)");
	if (arena_failed(r->arena))
		rules_problem(&p, INT_MAX, "out of memory");
	if (p.nproblems == 0 && mode == RULES_CHECK)
		rules_lint(&p);
	if (p.nproblems > 0) {
		qsort(p.problems, p.nproblems, sizeof *p.problems, by_line);
		for (i = 0; i < (mode == RULES_RUN ? 1 : p.nproblems); i++)
			buf_printf(errors, "%s\n", p.problems[i].text);
		rules_free(r);
		return NULL;
	}
	return r;
}

struct rules *rules_load(const char *path, enum rules_mode mode,
    struct buf *errors, struct buf *warnings)
{
	struct stat st;

	return rules_read(path, mode, errors, warnings, &st);
}
