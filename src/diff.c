#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "call/decide.h"
#include "diff.h"
#include "logs.h"
#include "push/logline.h"
#include "replay.h"
#include "rules/rules.h"

/* How one push was decided. */
struct outcome {
	struct replay r;	/* first: the replay's callback finds the rest */
	char action[16];
	int line;		/* 0: no rule matched */
	int failed;		/* the rules could not be used */
	struct buf xml;
};

static void remember(struct replay *rp, const struct decision *d)
{
	struct outcome *o = (struct outcome *)rp;

	snprintf(o->action, sizeof o->action, "%s", d ? d->name : "pass");
	o->line = d && d->rule ? d->rule->line : 0;
	o->failed = d && d->error[0];
}

static void decide_push(struct outcome *o, const char *rules, time_t t, const struct logline *l)
{
	const char *xml;

	memset(o, 0, sizeof *o);
	o->r.decided = remember;
	replay_run(&o->r, rules, t, NULL, l->body.data, l->body.len);
	xml = replay_xml(&o->r);
	buf_puts(&o->xml, xml ? xml : "(no answer)");
	replay_free(&o->r);
}

static void outcome_free(struct outcome *o)
{
	buf_free(&o->xml);
}

/* "voicemail (old.rules:6)", "pass (no rule)". */
static void describe(char *out, size_t len, const struct outcome *o, const char *shown)
{
	if (o->failed)
		snprintf(out, len, "%s (%s unusable)", o->action, shown);
	else if (o->line)
		snprintf(out, len, "%s (%s:%d)", o->action, shown, o->line);
	else
		snprintf(out, len, "%s (no rule)", o->action);
}

/* Counts the newCall records of the logs and hands each on with its time
 * in seconds. */
struct walk {
	struct logs_walk lw;	/* first: the walk's callback finds the rest */
	void (*call)(struct walk *w, const struct logline *l, time_t t);
	unsigned long calls;
};

static int each_newcall(struct logs_walk *lw, const struct logline *l, long long ms)
{
	struct walk *w = (struct walk *)lw;

	if (strcmp(l->event.data, "newCall") == 0) {
		w->calls++;
		w->call(w, l, (time_t)(ms / 1000));
	}
	return 0;
}

/* --- diff --- */

struct pair_count {
	char pair[40];		/* "voicemail => pass" */
	unsigned long n;
};

struct diff_walk {
	struct walk w;		/* first: walk's callback finds the rest */
	const struct diff_rules *old, *new;
	unsigned long differ;
	struct pair_count *pairs;
	size_t npairs;
};

static void count_pair(struct diff_walk *d, const char *from, const char *to)
{
	char pair[40];
	size_t i;
	void *p;

	snprintf(pair, sizeof pair, "%s => %s", from, to);
	for (i = 0; i < d->npairs; i++)
		if (strcmp(d->pairs[i].pair, pair) == 0) {
			d->pairs[i].n++;
			return;
		}
	if ((p = realloc(d->pairs, (d->npairs + 1) * sizeof *d->pairs)) == NULL)
		return;
	d->pairs = p;
	snprintf(d->pairs[d->npairs].pair, sizeof d->pairs[d->npairs].pair, "%s", pair);
	d->pairs[d->npairs++].n = 1;
}

static void compare(struct walk *w, const struct logline *l, time_t t)
{
	struct diff_walk *d = (struct diff_walk *)w;
	struct outcome a, b;
	char was[160], now[160];

	decide_push(&a, d->old->path, t, l);
	decide_push(&b, d->new->path, t, l);
	if (strcmp(a.xml.data ? a.xml.data : "", b.xml.data ? b.xml.data : "") != 0) {
		d->differ++;
		describe(was, sizeof was, &a, d->old->shown);
		describe(now, sizeof now, &b, d->new->shown);
		printf("%s %s %s -> %s: %s => %s\n", l->received.data, l->call_id.data,
		    l->from.len ? l->from.data : "?", l->to.len ? l->to.data : "?", was, now);
		count_pair(d, a.action, b.action);
	}
	outcome_free(&a);
	outcome_free(&b);
}

int diff_logs(const struct diff_rules *old, const struct diff_rules *new,
    char **logs, size_t nlogs)
{
	struct diff_walk d = { { { each_newcall, NULL, 0, NULL, 0 }, compare, 0 }, old, new, 0, NULL, 0 };
	size_t i;
	int rc = logs_walk(&d.w.lw, logs, nlogs);

	if (rc == 0) {
		printf("%lu of %lu calls would be answered differently\n", d.differ, d.w.calls);
		for (i = 0; i < d.npairs; i++)
			fprintf(stderr, "%lu calls: %s\n", d.pairs[i].n, d.pairs[i].pair);
		if (d.w.lw.skipped)
			fprintf(stderr, "sipgate-webhook: skipped %lu lines that are not event records\n",
			    d.w.lw.skipped);
	}
	free(d.pairs);
	return rc < 0 ? 2 : d.differ > 0;
}

/* --- replay: what each rule line decides --- */

struct line_walk {
	struct walk w;		/* first */
	const struct diff_rules *r;
	unsigned long *by_line;	/* index: the rule's line; 0: no rule */
	size_t nlines;
};

static void tally(struct walk *w, const struct logline *l, time_t t)
{
	struct line_walk *lw = (struct line_walk *)w;
	struct outcome o;

	decide_push(&o, lw->r->path, t, l);
	if ((size_t)o.line < lw->nlines)
		lw->by_line[o.line]++;
	outcome_free(&o);
}

int diff_replay(const struct diff_rules *r, char **logs, size_t nlogs)
{
	struct buf errors = { 0 };
	const struct rules *rules = rules_cache_get(r->path, &errors);
	struct line_walk lw = { { { each_newcall, NULL, 0, NULL, 0 }, tally, 0 }, r, NULL, 0 };
	size_t i;
	int rc, last = 0;

	buf_free(&errors);
	if (rules == NULL)
		return 2;
	for (i = 0; i < rules->nrules; i++)
		if (rules->rules[i].line > last)
			last = rules->rules[i].line;
	lw.nlines = (size_t)last + 1;
	if ((lw.by_line = calloc(lw.nlines, sizeof *lw.by_line)) == NULL)
		return 2;
	if ((rc = logs_walk(&lw.w.lw, logs, nlogs)) == 0) {
		/* The rules again: the walk may have read the file anew. */
		rules = rules_cache_get(r->path, &errors);
		buf_free(&errors);
		for (i = 0; rules && i < rules->nrules; i++) {
			const struct rules_rule *rule = &rules->rules[i];
			unsigned long n = (size_t)rule->line < lw.nlines ? lw.by_line[rule->line] : 0;

			if (rule->menu >= 0)
				printf("%s:%d: keypad rule, not replayed: %s\n", r->shown, rule->line, rule->text);
			else if (n == 0)
				printf("%s:%d: never reached: %s\n", r->shown, rule->line, rule->text);
			else
				printf("%s:%d: %lu calls: %s\n", r->shown, rule->line, n, rule->text);
		}
		printf("no rule: %lu calls\n%lu calls in all\n", lw.by_line[0], lw.w.calls);
		if (lw.w.lw.skipped)
			fprintf(stderr, "sipgate-webhook: skipped %lu lines that are not event records\n",
			    lw.w.lw.skipped);
	}
	free(lw.by_line);
	return rc < 0 ? 2 : 0;
}
