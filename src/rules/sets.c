#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "rules/extern.h"

/* ---- sets and menus ---- */

static int find_set(const struct parser *p, const char *name)
{
	const struct set_index *x = &p->sets;
	size_t i;

	if (x->cap == 0)
		return -1;
	for (i = rules_name_hash(name) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (strcmp(p->r->sets[x->slot[i] - 1].name, name) == 0)
			return x->slot[i] - 1;
	return -1;
}

static void index_put(struct set_index *x, const struct rules_set *sets, int n)
{
	size_t i;

	for (i = rules_name_hash(sets[n].name) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		;
	x->slot[i] = n + 1;
}

/* Indexes r->sets[n], just added (growing the table, from the arena). */
static void index_set(struct parser *p, int n)
{
	struct set_index *x = &p->sets;
	size_t cap = x->cap ? x->cap : 16;
	int i;

	if ((size_t)(n + 1) * 2 > x->cap) {
		while ((size_t)(n + 1) * 2 > cap)
			cap *= 2;
		x->cap = 0;
		if ((x->slot = arena_alloc(p->r->arena, cap * sizeof *x->slot)) == NULL)
			return;
		memset(x->slot, 0, cap * sizeof *x->slot);
		x->cap = cap;
		for (i = 0; i < n; i++)
			index_put(x, p->r->sets, i);
	}
	index_put(x, p->r->sets, n);
}

static void add_pending(struct parser *p, const char *name, const char *what)
{
	if (arena_grow(p->r->arena, (void **)&p->pending, &p->cap_pending,
	    p->npending + 1, sizeof *p->pending) < 0)
		return;
	p->pending[p->npending].name = arena_strndup(p->r->arena, name, strlen(name));
	p->pending[p->npending].what = what;
	p->pending[p->npending].line = p->line;
	p->pending[p->npending++].defined = 0;
}

void rules_resolve_pending(struct parser *p, const char *name, const char *what)
{
	size_t i;

	/* Only references made before a definition are pending: in a file
	 * that defines before it uses (every valid one for sets), none. */
	for (i = 0; i < p->npending; i++)
		if (p->pending[i].defined == 0 && strcmp(p->pending[i].what, what) == 0 &&
		    strcmp(p->pending[i].name, name) == 0)
			p->pending[i].defined = p->line;
}

/* The set a rule refers to as @name; -1 (and a pending or an error) if none. */
int rules_use_set(struct parser *p, const char *ref, enum rules_set_kind kind)
{
	int i;

	if (ref[0] != '@' || !rules_valid_name(ref + 1)) {
		rules_problem(p, p->line, "\"%.40s\": refer to %s %s by @name", ref,
		    kind == RULES_SET_HOURS ? "an" : "a", rules_set_what[kind]);
		return -1;
	}
	if ((i = find_set(p, ref + 1)) < 0) {
		add_pending(p, ref + 1, rules_set_what[kind]);
		return -1;
	}
	if (p->r->sets[i].kind != kind) {
		rules_problem(p, p->line, "\"%s\" is a %s, not a %s", ref + 1,
		    rules_set_what[p->r->sets[i].kind], rules_set_what[kind]);
		return -1;
	}
	return i;
}

int rules_use_menu(struct parser *p, const char *name)
{
	int i;

	if (!rules_valid_name(name)) {
		rules_problem(p, p->line, "bad menu name \"%.40s\"", name);
		return -1;
	}
	if ((i = rules_find_menu(p->r, name)) < 0)
		add_pending(p, name, "menu");
	return i;
}

/* The set called name of kind, created (and resolving pendings) if new. */
static struct rules_set *define_set(struct parser *p, const char *name, enum rules_set_kind kind)
{
	struct rules *r = p->r;
	struct rules_set *s;
	int i;

	if (!rules_valid_name(name)) {
		rules_problem(p, p->line, "bad name \"%.40s\": want 1 to 32 of a-z, 0-9, _ and -", name);
		return NULL;
	}
	if (strcmp(name, RULES_BOOK) == 0) {
		rules_problem(p, p->line, "@%s is the address book (SIPGATE_PHONEBOOK); name the %s otherwise",
		    RULES_BOOK, rules_set_what[kind]);
		return NULL;
	}
	if ((i = find_set(p, name)) >= 0) {
		if (r->sets[i].kind != kind) {
			rules_problem(p, p->line, "\"%s\" is already a %s (line %d)", name,
			    rules_set_what[r->sets[i].kind], r->sets[i].line);
			return NULL;
		}
		return &r->sets[i];
	}
	if (arena_grow(r->arena, (void **)&r->sets, &p->cap_sets, r->nsets + 1, sizeof *r->sets) < 0)
		return NULL;
	s = &r->sets[r->nsets++];
	memset(s, 0, sizeof *s);
	strcpy(s->name, name);
	s->kind = kind;
	s->line = p->line;
	s->tail = &s->parts;
	index_set(p, (int)r->nsets - 1);
	rules_resolve_pending(p, name, rules_set_what[kind]);
	return s;
}

/* ---- list and dates files ---- */

struct check_ctx {
	size_t entries;
};

static int count_entry(const struct number *e, void *ctx)
{
	(void)e;
	((struct check_ctx *)ctx)->entries++;
	return 0;
}

/* A list file that cannot be read is the rules line's problem, named with
 * the list and the file's absolute path; an error on one of its lines is
 * the file's, named as the rules name it. */
static void list_file_problem(struct parser *p, const char *name, const char *shown,
    const char *path, const char *why)
{
	const char *rest = strncmp(why, path, strlen(path)) == 0 ? why + strlen(path) : why;
	char text[MSG_MAX], cwd[PATH_MAX];
	const char *dir = path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL ? "" : cwd;
	const char *sep = dir[0] ? "/" : "";

	if (dir[0] && strncmp(path, "./", 2) == 0)
		path += 2;

	if (rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9') {
		snprintf(text, sizeof text, "%s%s", shown, rest);
		rules_foreign_problem(p, text);
	} else if (strncmp(rest, ": cannot open: ", 15) == 0)
		rules_problem(p, p->line, "list \"%s\": cannot open %s%s%s: %s", name, dir, sep, path, rest + 15);
	else
		rules_problem(p, p->line, "list \"%s\": %s%s%s%s", name, dir, sep, path, rest);
}

void rules_list_statement(struct parser *p, char **tok, size_t n)
{
	struct arena *a = p->r->arena;
	struct rules_list_part *part;
	struct rules_set *s;
	char why[MSG_MAX];
	size_t i;

	if (n < 3) {
		rules_problem(p, p->line, "list needs a name and entries (or file PATH)");
		return;
	}
	if ((s = define_set(p, tok[1], RULES_SET_LIST)) == NULL)
		return;
	if ((part = arena_alloc(a, sizeof *part)) == NULL)
		return;
	part->line = p->line;
	if (strcmp(tok[2], "file") == 0) {
		if (n != 4) {
			rules_problem(p, p->line, "list NAME file PATH takes one path");
			return;
		}
		part->path = rules_resolve(p, arena_strndup(a, tok[3], strlen(tok[3])));
		if (p->mode == RULES_CHECK) {
			struct check_ctx ctx = { 0 };
			struct stat st;

			if (rules_list_file(p->r, part, count_entry, &ctx, why, sizeof why) < 0)
				list_file_problem(p, tok[1], tok[3], part->path, why);
			else {
				if (ctx.entries == 0)
					rules_warn(p, p->line, "list file %s is empty", tok[3]);
				if (stat(part->path, &st) == 0 && (st.st_mode & 022))
					rules_warn(p, p->line, "list file %s is writable by group or others", tok[3]);
			}
		}
	} else {
		if ((part->entries = arena_alloc(a, (n - 2) * sizeof *part->entries)) == NULL)
			return;
		for (i = 2; i < n; i++) {
			if (number_rule(tok[i], strlen(tok[i]), p->r->country,
			    &part->entries[i - 2], why, sizeof why) != NULL) {
				rules_problem(p, p->line, "%s", why);
				return;
			}
		}
		part->nentries = n - 2;
	}
	*s->tail = part;
	s->tail = &part->next;
}

void rules_hours_statement(struct parser *p, char **tok, size_t n)
{
	struct when_window w[32];
	struct rules_set *s;
	char why[200];
	unsigned days;
	size_t i, j, got;

	if (n < 4 || (n - 2) % 2 != 0) {
		rules_problem(p, p->line, "hours NAME takes pairs of DAYS RANGES (mon-fri 08:00-17:00)");
		return;
	}
	if ((s = define_set(p, tok[1], RULES_SET_HOURS)) == NULL)
		return;
	for (i = 2; i < n; i += 2) {
		if (when_days(tok[i], &days, why, sizeof why) ||
		    when_ranges(tok[i + 1], days, w, 32, &got, why, sizeof why)) {
			rules_problem(p, p->line, "%s", why);
			return;
		}
		if (arena_grow(p->r->arena, (void **)&s->windows, &s->cap, s->nwindows + got,
		    sizeof *s->windows) < 0)
			return;
		for (j = 0; j < got; j++)
			s->windows[s->nwindows++] = w[j];
	}
}

static int add_date(struct parser *p, struct rules_set *s, size_t *cap, const char *tok,
    const char *file, int file_line)
{
	char why[200], text[MSG_MAX];

	if (arena_grow(p->r->arena, (void **)&s->dates, cap, s->ndates + 1, sizeof *s->dates) < 0)
		return -1;
	if (when_date(tok, &s->dates[s->ndates], why, sizeof why) != NULL) {
		if (file) {
			snprintf(text, sizeof text, "%s:%d: %s", file, file_line, why);
			rules_foreign_problem(p, text);
		} else
			rules_problem(p, p->line, "%s", why);
		return -1;
	}
	s->ndates++;
	return 0;
}

static void add_source(struct parser *p, const char *path, const struct stat *st)
{
	struct rules *r = p->r;

	if (arena_grow(r->arena, (void **)&r->sources, &r->cap_sources, r->nsources + 1,
	    sizeof *r->sources) < 0)
		return;
	if ((r->sources[r->nsources].path = arena_strndup(r->arena, path, strlen(path))) == NULL)
		return;
	file_id_set(&r->sources[r->nsources++].id, st);
}

static void dates_file(struct parser *p, struct rules_set *s, size_t *cap, const char *shown)
{
	const char *path = rules_resolve(p, shown), *line;
	char reason[160], text[MSG_MAX], buf[RULES_LINE_MAX + 1], *tok[RULES_TOKENS_MAX];
	size_t len, pos = 0, n, ntok, i;
	struct stat st;
	char *data;
	int lineno = 0;

	if ((data = file_read(path, RULES_LIST_FILE_MAX, &len, &st, reason, sizeof reason)) == NULL) {
		snprintf(text, sizeof text, "%s: %s", shown, reason);
		rules_foreign_problem(p, text);
		return;
	}
	if (p->mode == RULES_CHECK && (st.st_mode & 022))
		rules_warn(p, p->line, "dates file %s is writable by group or others", shown);
	add_source(p, path, &st);
	while (rules_next_line(data, len, &pos, &line, &n)) {
		const char *hash = memchr(line, '#', n);

		lineno++;
		if (hash)
			n = (size_t)(hash - line);
		if (n > RULES_LINE_MAX || memchr(line, '\0', n)) {
			snprintf(text, sizeof text, "%s:%d: %s", shown, lineno,
			    n > RULES_LINE_MAX ? "line longer than 4096 bytes" : "contains a NUL byte");
			rules_foreign_problem(p, text);
			break;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		for (i = 0; i < n; i++)
			if (buf[i] == '"')
				buf[i] = ' ';
		if (rules_tokenize(buf, tok, &ntok) != NULL) {
			snprintf(text, sizeof text, "%s:%d: more than 64 dates on a line", shown, lineno);
			rules_foreign_problem(p, text);
			break;
		}
		for (i = 0; i < ntok; i++)
			if (add_date(p, s, cap, tok[i], shown, lineno) < 0)
				goto out;
	}
out:
	free(data);
}

void rules_dates_statement(struct parser *p, char **tok, size_t n)
{
	struct rules_set *s;
	size_t i, cap;

	if (n < 3) {
		rules_problem(p, p->line, "dates needs a name and dates (or file PATH)");
		return;
	}
	if ((s = define_set(p, tok[1], RULES_SET_DATES)) == NULL)
		return;
	cap = s->ndates;	/* arena arrays are exactly full between statements */
	if (strcmp(tok[2], "file") == 0) {
		if (n != 4)
			rules_problem(p, p->line, "dates NAME file PATH takes one path");
		else
			dates_file(p, s, &cap, tok[3]);
		return;
	}
	for (i = 2; i < n; i++)
		if (add_date(p, s, &cap, tok[i], NULL, 0) < 0)
			return;
}

/* Sets and menus used but never defined, or defined too late. */
void rules_report_pending(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->npending; i++) {
		struct pending *q = &p->pending[i];

		if (p->mode == RULES_RUN && p->stop && p->nproblems && q->line > p->problems[0].line)
			continue;
		if (q->defined)
			rules_problem(p, q->line, "%s \"%s\" is used before its definition on line %d",
			    q->what, q->name, q->defined);
		else
			rules_problem(p, q->line, "unknown %s \"%s\"", q->what, q->name);
	}
}
