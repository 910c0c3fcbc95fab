#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/json.h"
#include "call/decide.h"
#include "call/outcome.h"

static const struct rules_action builtin_hangup = { .kind = RULES_ACT_HANGUP, .menu = -1 };

struct eval {
	const struct decide_input *in;
	const struct rules *r;
	struct decision *d;
	int failed;		/* a list file could not be read */
};

/* Where a call falls in the percent split: the 32-bit FNV-1a of its callId,
 * modulo 100, so that every push of a call leg lands the same way. */
static int percent_of(const char *id, size_t len)
{
	return (int)(hash_fnv32(id, len) % 100);
}

static void local_time(struct eval *e)
{
	if (!e->d->have_local) {
		when_local(e->r->zone, e->in->now, &e->d->local);
		e->d->have_local = 1;
	}
}

/* A list file that cannot be read fails the evaluation (its reason kept). */
static int in_list(struct eval *e, int set, const struct number *v)
{
	int hit = rules_in_list(e->r, &e->r->sets[set], v, e->d->error, sizeof e->d->error);

	if (hit < 0)
		e->failed = 1;
	return hit > 0;
}

/* @phonebook, @phonebook:CATEGORY: a book that cannot be used fails the
 * evaluation as an unreadable list file does. */
static int in_book(struct eval *e, const struct rules_item *it, const struct number *v)
{
	const struct book_card *card;

	if (e->in->book == NULL) {
		snprintf(e->d->error, sizeof e->d->error, "@%s: %s", RULES_BOOK,
		    e->in->book_error ? e->in->book_error : "SIPGATE_PHONEBOOK is not set");
		e->failed = 1;
		return 0;
	}
	card = book_find(e->in->book, v);
	return card && (it->text == NULL || book_in_category(card, it->text, strlen(it->text)));
}

static int number_cond(struct eval *e, const struct rules_cond *c, const char *name)
{
	const struct form_param *p = form_get(e->in->form, name);
	struct number v;
	size_t i;

	number_incoming(p ? p->value : NULL, p ? p->value_len : 0, e->r->country, &v);
	for (i = 0; i < c->nitems && !e->failed; i++) {
		const struct rules_item *it = &c->items[i];

		if (it->kind == RULES_ITEM_ANY ? p != NULL && p->value_len > 0 :
		    it->kind == RULES_ITEM_SET ? in_list(e, it->set, &v) :
		    it->kind == RULES_ITEM_BOOK ? in_book(e, it, &v) :
		    number_match(&it->number, &v))
			return 1;
	}
	return 0;
}

static int user_cond(struct eval *e, const struct rules_cond *c, const char *name)
{
	const struct form *f = e->in->form;
	size_t i, j, n = strlen(name);

	for (i = 0; i < f->count; i++) {
		const struct form_param *p = &f->params[i];

		if (p->name_len != n || memcmp(p->name, name, n) != 0)
			continue;
		for (j = 0; j < c->nitems; j++)
			if (form_is(p, c->items[j].text))
				return 1;
	}
	return 0;
}

/* The DTMF input as a key (in a new string): NULL for none, that is a
 * missing or empty value, or one with any byte outside 0-9 * #. */
static char *dtmf_key(const struct form *f)
{
	const struct form_param *p = form_get(f, "dtmf");
	char *key;
	size_t i;

	if (p == NULL || p->value_len == 0)
		return NULL;
	for (i = 0; i < p->value_len; i++)
		if (!strchr("0123456789*#", p->value[i]) || p->value[i] == '\0')
			return NULL;
	if ((key = malloc(p->value_len + 1)) != NULL) {
		memcpy(key, p->value, p->value_len);
		key[p->value_len] = '\0';
	}
	return key;
}

static int key_cond(const struct rules_cond *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		const char *k = c->items[i].text;

		if (strcmp(k, "none") == 0 ? key == NULL :
		    strcmp(k, "any") == 0 ? key != NULL : key && strcmp(k, key) == 0)
			return 1;
	}
	return 0;
}

/* A flag: a regular file.  -1 when it cannot be told (a note is left). */
static int flag_set(struct eval *e, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", e->r->flagdir, name);
	if (stat(path, &st) == 0)
		return S_ISREG(st.st_mode);
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	snprintf(e->d->note, sizeof e->d->note, "flag %.160s: %s", path, strerror(errno));
	return -1;
}

/* 1 if the condition holds, 0 if not, -1 if it cannot be told. */
/* time @H,... or date @D,...: the local time is in one of the hours
 * sets' windows, or today is one of the dates sets' dates (a time
 * condition names only hours sets, a date condition only dates sets). */
static int calendar_cond(struct eval *e, const struct rules_cond *c)
{
	size_t i;

	local_time(e);
	for (i = 0; i < c->nitems; i++)
		if (rules_in_calendar(&e->r->sets[c->items[i].set], &e->d->local))
			return 1;
	return 0;
}

/* percent N: the call leg's place in the split, by its callId. */
static int percent_cond(struct eval *e, const struct rules_cond *c)
{
	const struct form_param *id = form_get(e->in->form, "callId");

	return percent_of(id ? id->value : "", id ? id->value_len : 0) < c->value;
}

static int holds(struct eval *e, const struct rules_cond *c, const char *key)
{
	int v = 0;

	switch (c->kind) {
	case RULES_COND_ALWAYS:
	case RULES_COND_DIRECTION:
	case RULES_COND_MENU:
		return 1;
	case RULES_COND_FROM:
		v = number_cond(e, c, "from");
		break;
	case RULES_COND_TO:
		v = number_cond(e, c, "to");
		break;
	case RULES_COND_DIVERSION:
		v = number_cond(e, c, "diversion");
		break;
	case RULES_COND_USER:
		v = user_cond(e, c, "user");
		break;
	case RULES_COND_USERID:
		v = user_cond(e, c, "userId");
		break;
	case RULES_COND_FULLUSERID:
		v = user_cond(e, c, "fullUserId");
		break;
	case RULES_COND_TIME:
	case RULES_COND_DATE:
		v = calendar_cond(e, c);
		break;
	case RULES_COND_PERCENT:
		v = percent_cond(e, c);
		break;
	case RULES_COND_FLAG:
		if ((v = flag_set(e, c->name)) < 0)
			return -1;
		break;
	case RULES_COND_KEY:
		v = key_cond(c, key);
		break;
	}
	return c->negate ? !v : v;
}

/* 1 if every condition holds; -1 if one cannot be told. */
static int matches(struct eval *e, const struct rules_rule *rule, const char *key)
{
	size_t i;
	int v;

	for (i = 0; i < rule->nconds; i++) {
		if ((v = holds(e, &rule->conds[i], key)) <= 0 || e->failed)
			return e->failed ? 0 : v;
	}
	return 1;
}

static void choose(struct decision *d, const struct rules_rule *rule, const struct rules_action *a)
{
	d->rule = rule;
	d->line = rule ? rule->line : 0;
	d->action = a->kind == RULES_ACT_PASS ? NULL : a;
	d->name = rules_action_name(a->kind);
}

/* callerid and withhold dial the number called: it must be all digits. */
/* A form value is not NUL-terminated: every scan is bounded by its length. */
static int all_digits(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static void outgoing(struct decision *d, const struct form *form)
{
	const struct form_param *to = form_get(form, "to");

	if (to && to->value_len > 0 && to->value_len < sizeof d->to &&
	    all_digits(to->value, to->value_len)) {
		memcpy(d->to, to->value, to->value_len);
		d->to[to->value_len] = '\0';
		return;
	}
	snprintf(d->note, sizeof d->note, "%s needs a \"to\" of digits; passed", d->name);
	d->action = NULL;
	d->name = "pass";
}

/* gather M from state st (NULL: none): the Gather, or M's else at its limit. */
static void gather(struct eval *e, const struct rules_rule *rule, int menu, const struct state *st)
{
	const struct rules_menu *m = &e->r->menus[menu];
	struct decision *d = e->d;
	int n = st && strcmp(st->menu, m->name) == 0 ? st->n + 1 : 0;
	static const struct rules_action gather_action = { .kind = RULES_ACT_GATHER };

	d->gather_menu = menu;
	if (n >= m->tries) {
		choose(d, rule, &m->otherwise);
		d->is_else = 1;
		return;
	}
	choose(d, rule, &gather_action);
	d->gather_n = n;
}

static void act(struct eval *e, const struct rules_rule *rule, const struct state *st)
{
	if (rule->action.kind == RULES_ACT_GATHER) {
		gather(e, rule, rule->action.menu, st);
		return;
	}
	choose(e->d, rule, &rule->action);
	if (rule->action.kind == RULES_ACT_CALLERID || rule->action.kind == RULES_ACT_WITHHOLD)
		outgoing(e->d, e->in->form);
}

static void new_call(struct eval *e)
{
	const struct form_param *dir = form_get(e->in->form, "direction");
	int direction = -1;
	size_t i;
	int v;

	if (form_is(dir, "in"))
		direction = RULES_DIR_IN;
	else if (form_is(dir, "out"))
		direction = RULES_DIR_OUT;
	for (i = 0; i < e->r->nrules; i++) {
		const struct rules_rule *rule = &e->r->rules[i];

		if (rule->menu != RULES_NO_MENU || (rule->direction != RULES_DIR_ANY && rule->direction != direction))
			continue;
		if ((v = matches(e, rule, NULL)) == 0)
			continue;
		if (v < 0) {	/* a flag that cannot be told: this rule passes */
			choose(e->d, rule, &(const struct rules_action){ .kind = RULES_ACT_PASS });
			return;
		}
		act(e, rule, NULL);
		return;
	}
}

static void dtmf_in_menu(struct eval *e, const struct state *st, const char *key)
{
	struct decision *d = e->d;
	const struct form_param *digits = form_get(e->in->form, "dtmf");
	int menu = rules_find_menu(e->r, st->menu);
	size_t i;
	int v;

	if (menu < 0) {
		snprintf(d->error, sizeof d->error, "stale menu %s", st->menu);
		d->stale = 1;
		return;
	}
	d->in_menu = 1;
	if (form_is(digits, "-1")) {
		choose(d, NULL, &builtin_hangup);
		d->why = "dtmf=-1: the caller hung up during the prompt";
		return;
	}
	for (i = 0; i < e->r->nrules; i++) {
		const struct rules_rule *rule = &e->r->rules[i];

		if (rule->menu != menu || (v = matches(e, rule, key)) == 0)
			continue;
		if (v < 0) {
			choose(d, rule, &(const struct rules_action){ .kind = RULES_ACT_PASS });
			return;
		}
		act(e, rule, st);
		return;
	}
	if (!e->failed) {
		gather(e, NULL, menu, st);
		d->why = "no rule of the menu matched the input: the menu repeats";
	}
}

static void dtmf(struct eval *e, const struct state *st)
{
	char *key = dtmf_key(e->in->form);

	dtmf_in_menu(e, st, key);
	free(key);
}

enum err decide(const struct decide_input *in, struct decision *d, struct fail *f)
{
	const struct form_param *id = form_get(in->form, "callId");
	struct buf errors = { 0 };
	struct state st;
	struct eval e = { in, NULL, d, 0 };

	memset(d, 0, sizeof *d);
	d->name = "pass";
	d->caller = in->caller;
	if (id)
		buf_put(&d->call_id, id->value, id->value_len);
	if (in->dtmf) {
		switch (state_parse(in->query, in->key, in->key_len, id ? id->value : "",
		    id ? id->value_len : 0, &st)) {
		case STATE_NONE:
			d->why = "no menu state in the query (no m): not a Gather of ours, no rules";
			return ERR_OK;
		case STATE_BAD:
			return err_fail(f, ERR_STATE, "forbidden: state");
		case STATE_OK:
			break;
		}
		strcpy(d->menu, st.menu);
		d->try_n = st.n;
	} else if (outcome_leg(in->form)) {
		d->why = "the voicemail leg (user[]=voicemail) is never re-routed";
		return ERR_OK;
	}
	if ((d->rules = rules_cache_get(in->rules_path, &errors)) == NULL) {
		snprintf(d->error, sizeof d->error, "%.*s", errors.len > 0 ? (int)errors.len - 1 : 0,
		    errors.oom ? "" : errors.data);
		if (errors.oom)
			snprintf(d->error, sizeof d->error, "%s: out of memory", in->rules_path);
		buf_free(&errors);
		return ERR_OK;
	}
	buf_free(&errors);
	e.r = d->rules;
	if (in->dtmf)
		dtmf(&e, &st);
	else
		new_call(&e);
	if (e.failed) {	/* a list file: as if the whole rules file were invalid */
		d->action = NULL;
		d->name = "pass";
		d->in_menu = 0;
		d->line = 0;
		d->rule = NULL;
	}
	return ERR_OK;
}

void decide_json(struct buf *out, const struct decision *d)
{
	buf_putc(out, '{');
	if (d->error[0]) {
		buf_puts(out, "\"error\":");
		json_put_string(out, d->error, strlen(d->error));
		buf_putc(out, '}');
		return;
	}
	if (d->line)
		buf_printf(out, "\"line\":%d", d->line);
	else
		buf_puts(out, "\"line\":null");
	buf_printf(out, ",\"action\":\"%s\"", d->name);
	if (d->is_else)
		buf_puts(out, ",\"else\":true");
	if (d->in_menu) {
		buf_puts(out, ",\"menu\":");
		json_put_string(out, d->menu, strlen(d->menu));
		buf_printf(out, ",\"try\":%d", d->try_n);
	}
	if (d->note[0]) {
		buf_puts(out, ",\"note\":");
		json_put_string(out, d->note, strlen(d->note));
	}
	buf_putc(out, '}');
}

void decide_free(struct decision *d)
{
	d->rules = NULL;
	buf_free(&d->call_id);
}
