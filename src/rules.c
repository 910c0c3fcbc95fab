#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "file.h"
#include "rules.h"
#include "scan.h"

/* A message that names a file: room for the longest path and the rest, so
 * that neither the line number nor the reason is ever cut. */
#define MSG_MAX (PATH_MAX + 512)

struct problem {
	int line;		/* of the rules file; INT_MAX: the whole file */
	char *text;
};

/* A set or menu used before it was defined; resolved when (or if) it is. */
struct pending {
	const char *name;
	const char *what;	/* "list", "hours", "dates", "menu" */
	int line, defined;
};

/* Set names to their index, so that a file of thousands of lists parses
 * in linear time: open addressing over FNV-1a, at most half full. */
struct set_index {
	int *slot;	/* a set's index + 1; 0: empty */
	size_t cap;
};

struct parser {
	struct rules *r;
	struct set_index sets;
	enum rules_mode mode;
	const char *path;
	int line;
	int stop;		/* RULES_RUN: an error was found */
	struct problem *problems;
	size_t nproblems, cap_problems;
	struct pending *pending;
	size_t npending, cap_pending;
	size_t cap_sets, cap_menus, cap_rules;
	int statements, whens, ended, have[4];	/* version, timezone, country, flagdir */
	struct buf *warnings;
	size_t nwarnings;
	int noted_then;		/* the play ... then note, once a file */
};

/* Warnings shown at most; the rest are counted. */
#define WARNINGS_MAX 100

static const char *const set_what[] = { "list", "hours", "dates" };

static void problem(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct parser *p, int line, const char *fmt, ...)
{
	char msg[MSG_MAX], text[PATH_MAX + 16 + MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line == INT_MAX)
		snprintf(text, sizeof text, "%s: %s", p->path, msg);
	else
		snprintf(text, sizeof text, "%s:%d: %s", p->path, line, msg);
	if (arena_grow(p->r->arena, (void **)&p->problems, &p->cap_problems,
	    p->nproblems + 1, sizeof *p->problems) == 0) {
		p->problems[p->nproblems].line = line;
		p->problems[p->nproblems++].text = arena_strndup(p->r->arena, text, strlen(text));
	}
	if (p->mode == RULES_RUN)
		p->stop = 1;
}

/* A problem found in another file (a list or dates file), sorted under the
 * rules line that named it. */
static void foreign_problem(struct parser *p, const char *text)
{
	if (arena_grow(p->r->arena, (void **)&p->problems, &p->cap_problems,
	    p->nproblems + 1, sizeof *p->problems) == 0) {
		p->problems[p->nproblems].line = p->line;
		p->problems[p->nproblems++].text = arena_strndup(p->r->arena, text, strlen(text));
	}
	if (p->mode == RULES_RUN)
		p->stop = 1;
}

static void warn(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct parser *p, int line, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (p->warnings == NULL || ++p->nwarnings > WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		buf_printf(p->warnings, "%s:%d: warning: %s\n", p->path, line, msg);
	else
		buf_printf(p->warnings, "%s: warning: %s\n", p->path, msg);
}

/* The next line of data[*pos..len) without its LF (and a CR before it). */
static int next_line(const char *data, size_t len, size_t *pos, const char **line,
    size_t *line_len)
{
	const char *start = data + *pos, *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl != NULL);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*line = start;
	*line_len = n;
	return 1;
}

static const char *resolve(struct parser *p, const char *path)
{
	size_t dl, pl;
	char *full;

	if (path[0] == '/')
		return path;
	dl = strlen(p->r->dir);
	pl = strlen(path);
	if ((full = arena_alloc(p->r->arena, dl + pl + 2)) == NULL)
		return path;
	memcpy(full, p->r->dir, dl);
	full[dl] = '/';
	memcpy(full + dl + 1, path, pl + 1);
	return full;
}

/* ---- lexing ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line (NUL-terminated in place) into tokens; NULL or why not. */
static const char *tokenize(char *s, char **tok, size_t *ntok)
{
	*ntok = 0;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (*s == '\0')
			return NULL;
		if (*ntok == RULES_TOKENS_MAX)
			return "more than 64 tokens on a line";
		if (*s == '"') {
			char *end = strchr(s + 1, '"');

			if (end == NULL)
				return "unterminated \"";
			if (end == s + 1)
				return "an empty \"\" where a value is required";
			if (end[1] != '\0' && !is_blank(end[1]))
				return "a quoted token must end at a blank";
			*end = '\0';
			tok[(*ntok)++] = s + 1;
			s = end + 1;
			continue;
		}
		tok[(*ntok)++] = s;
		while (*s && !is_blank(*s)) {
			if (*s == '"')
				return "a \" inside a token; quote the whole token";
			s++;
		}
		if (*s == '\0')
			return NULL;
		*s++ = '\0';
	}
}

static int valid_name(const char *s)
{
	return rules_name_ok(s, strlen(s));
}

int rules_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > RULES_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* A decimal number lo..hi without sign; -1 if not. */
static long small_number(const char *s, long lo, long hi)
{
	unsigned long long v;

	if (scan_decimal(s, strlen(s), 6, &v) < 0)
		return -1;
	return (long long)v >= lo && (long long)v <= hi ? (long)v : -1;
}

static int valid_url(const char *u)
{
	size_t n = strlen(u), i;

	if (n > RULES_URL_MAX || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];

		if (c < 0x21 || c > 0x7E || c == '"' || c == '<' || c == '>' || c == '\\')
			return 0;
	}
	return 1;
}

/* ---- sets and menus ---- */

static size_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static int find_set(const struct parser *p, const char *name)
{
	const struct set_index *x = &p->sets;
	size_t i;

	if (x->cap == 0)
		return -1;
	for (i = name_hash(name) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (strcmp(p->r->sets[x->slot[i] - 1].name, name) == 0)
			return x->slot[i] - 1;
	return -1;
}

static void index_put(struct set_index *x, const struct set *sets, int n)
{
	size_t i;

	for (i = name_hash(sets[n].name) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
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

int rules_find_menu(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmenus; i++)
		if (strcmp(r->menus[i].name, name) == 0)
			return (int)i;
	return -1;
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

static void resolve_pending(struct parser *p, const char *name, const char *what)
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
static int use_set(struct parser *p, const char *ref, enum set_kind kind)
{
	int i;

	if (ref[0] != '@' || !valid_name(ref + 1)) {
		problem(p, p->line, "\"%.40s\": refer to %s %s by @name", ref,
		    kind == SET_HOURS ? "an" : "a", set_what[kind]);
		return -1;
	}
	if ((i = find_set(p, ref + 1)) < 0) {
		add_pending(p, ref + 1, set_what[kind]);
		return -1;
	}
	if (p->r->sets[i].kind != kind) {
		problem(p, p->line, "\"%s\" is a %s, not a %s", ref + 1,
		    set_what[p->r->sets[i].kind], set_what[kind]);
		return -1;
	}
	return i;
}

static int use_menu(struct parser *p, const char *name)
{
	int i;

	if (!valid_name(name)) {
		problem(p, p->line, "bad menu name \"%.40s\"", name);
		return -1;
	}
	if ((i = rules_find_menu(p->r, name)) < 0)
		add_pending(p, name, "menu");
	return i;
}

/* The set called name of kind, created (and resolving pendings) if new. */
static struct set *define_set(struct parser *p, const char *name, enum set_kind kind)
{
	struct rules *r = p->r;
	struct set *s;
	int i;

	if (!valid_name(name)) {
		problem(p, p->line, "bad name \"%.40s\": want 1 to 32 of a-z, 0-9, _ and -", name);
		return NULL;
	}
	if ((i = find_set(p, name)) >= 0) {
		if (r->sets[i].kind != kind) {
			problem(p, p->line, "\"%s\" is already a %s (line %d)", name,
			    set_what[r->sets[i].kind], r->sets[i].line);
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
	resolve_pending(p, name, set_what[kind]);
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

int rules_list_file(const struct rules *r, const struct list_part *part,
    int (*match)(const struct number *entry, void *ctx), void *ctx,
    char *why, size_t why_len)
{
	const char *line;
	size_t len, pos = 0, n;
	struct stat st;
	char reason[160], msg[200];
	char *data;
	int lineno = 0, hit = 0;

	if ((data = file_read(part->path, RULES_LIST_FILE_MAX, &len, &st, reason, sizeof reason)) == NULL) {
		snprintf(why, why_len, "%s: %s", part->path, reason);
		return -1;
	}
	if (memchr(data, '\0', len)) {
		snprintf(why, why_len, "%s: contains a NUL byte", part->path);
		free(data);
		return -1;
	}
	while (!hit && next_line(data, len, &pos, &line, &n)) {
		const char *hash = memchr(line, '#', n);
		struct number e;

		lineno++;
		if (hash)
			n = (size_t)(hash - line);
		while (n > 0 && is_blank(*line))
			line++, n--;
		while (n > 0 && is_blank(line[n - 1]))
			n--;
		if (n == 0)
			continue;
		if (number_rule(line, n, r->country, &e, msg, sizeof msg) != NULL) {
			snprintf(why, why_len, "%s:%d: %s", part->path, lineno, msg);
			free(data);
			return -1;
		}
		hit = match(&e, ctx);
	}
	free(data);
	return hit;
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
		foreign_problem(p, text);
	} else if (strncmp(rest, ": cannot open: ", 15) == 0)
		problem(p, p->line, "list \"%s\": cannot open %s%s%s: %s", name, dir, sep, path, rest + 15);
	else
		problem(p, p->line, "list \"%s\": %s%s%s%s", name, dir, sep, path, rest);
}

static void list_statement(struct parser *p, char **tok, size_t n)
{
	struct arena *a = p->r->arena;
	struct list_part *part;
	struct set *s;
	char why[MSG_MAX];
	size_t i;

	if (n < 3) {
		problem(p, p->line, "list needs a name and entries (or file PATH)");
		return;
	}
	if ((s = define_set(p, tok[1], SET_LIST)) == NULL)
		return;
	if ((part = arena_alloc(a, sizeof *part)) == NULL)
		return;
	part->line = p->line;
	if (strcmp(tok[2], "file") == 0) {
		if (n != 4) {
			problem(p, p->line, "list NAME file PATH takes one path");
			return;
		}
		part->path = resolve(p, arena_strndup(a, tok[3], strlen(tok[3])));
		if (p->mode == RULES_CHECK) {
			struct check_ctx ctx = { 0 };
			struct stat st;

			if (rules_list_file(p->r, part, count_entry, &ctx, why, sizeof why) < 0)
				list_file_problem(p, tok[1], tok[3], part->path, why);
			else {
				if (ctx.entries == 0)
					warn(p, p->line, "list file %s is empty", tok[3]);
				if (stat(part->path, &st) == 0 && (st.st_mode & 022))
					warn(p, p->line, "list file %s is writable by group or others", tok[3]);
			}
		}
	} else {
		if ((part->entries = arena_alloc(a, (n - 2) * sizeof *part->entries)) == NULL)
			return;
		for (i = 2; i < n; i++) {
			if (number_rule(tok[i], strlen(tok[i]), p->r->country,
			    &part->entries[i - 2], why, sizeof why) != NULL) {
				problem(p, p->line, "%s", why);
				return;
			}
		}
		part->nentries = n - 2;
	}
	*s->tail = part;
	s->tail = &part->next;
}

static void hours_statement(struct parser *p, char **tok, size_t n)
{
	struct when_window w[32];
	struct set *s;
	char why[200];
	unsigned days;
	size_t i, j, got;

	if (n < 4 || (n - 2) % 2 != 0) {
		problem(p, p->line, "hours NAME takes pairs of DAYS RANGES (mon-fri 08:00-17:00)");
		return;
	}
	if ((s = define_set(p, tok[1], SET_HOURS)) == NULL)
		return;
	for (i = 2; i < n; i += 2) {
		if (when_days(tok[i], &days, why, sizeof why) ||
		    when_ranges(tok[i + 1], days, w, 32, &got, why, sizeof why)) {
			problem(p, p->line, "%s", why);
			return;
		}
		if (arena_grow(p->r->arena, (void **)&s->windows, &s->cap, s->nwindows + got,
		    sizeof *s->windows) < 0)
			return;
		for (j = 0; j < got; j++)
			s->windows[s->nwindows++] = w[j];
	}
}

static int add_date(struct parser *p, struct set *s, size_t *cap, const char *tok,
    const char *file, int file_line)
{
	char why[200], text[MSG_MAX];

	if (arena_grow(p->r->arena, (void **)&s->dates, cap, s->ndates + 1, sizeof *s->dates) < 0)
		return -1;
	if (when_date(tok, &s->dates[s->ndates], why, sizeof why) != NULL) {
		if (file) {
			snprintf(text, sizeof text, "%s:%d: %s", file, file_line, why);
			foreign_problem(p, text);
		} else
			problem(p, p->line, "%s", why);
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

static void dates_file(struct parser *p, struct set *s, size_t *cap, const char *shown)
{
	const char *path = resolve(p, shown), *line;
	char reason[160], text[MSG_MAX], buf[RULES_LINE_MAX + 1], *tok[RULES_TOKENS_MAX];
	size_t len, pos = 0, n, ntok, i;
	struct stat st;
	char *data;
	int lineno = 0;

	if ((data = file_read(path, RULES_LIST_FILE_MAX, &len, &st, reason, sizeof reason)) == NULL) {
		snprintf(text, sizeof text, "%s: %s", shown, reason);
		foreign_problem(p, text);
		return;
	}
	if (p->mode == RULES_CHECK && (st.st_mode & 022))
		warn(p, p->line, "dates file %s is writable by group or others", shown);
	add_source(p, path, &st);
	while (next_line(data, len, &pos, &line, &n)) {
		const char *hash = memchr(line, '#', n);

		lineno++;
		if (hash)
			n = (size_t)(hash - line);
		if (n > RULES_LINE_MAX || memchr(line, '\0', n)) {
			snprintf(text, sizeof text, "%s:%d: %s", shown, lineno,
			    n > RULES_LINE_MAX ? "line longer than 4096 bytes" : "contains a NUL byte");
			foreign_problem(p, text);
			break;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		for (i = 0; i < n; i++)
			if (buf[i] == '"')
				buf[i] = ' ';
		if (tokenize(buf, tok, &ntok) != NULL) {
			snprintf(text, sizeof text, "%s:%d: more than 64 dates on a line", shown, lineno);
			foreign_problem(p, text);
			break;
		}
		for (i = 0; i < ntok; i++)
			if (add_date(p, s, cap, tok[i], shown, lineno) < 0)
				goto out;
	}
out:
	free(data);
}

static void dates_statement(struct parser *p, char **tok, size_t n)
{
	struct set *s;
	size_t i, cap;

	if (n < 3) {
		problem(p, p->line, "dates needs a name and dates (or file PATH)");
		return;
	}
	if ((s = define_set(p, tok[1], SET_DATES)) == NULL)
		return;
	cap = s->ndates;	/* arena arrays are exactly full between statements */
	if (strcmp(tok[2], "file") == 0) {
		if (n != 4)
			problem(p, p->line, "dates NAME file PATH takes one path");
		else
			dates_file(p, s, &cap, tok[3]);
		return;
	}
	for (i = 2; i < n; i++)
		if (add_date(p, s, &cap, tok[i], NULL, 0) < 0)
			return;
}

/* ---- actions ---- */

static const char *normalised(struct parser *p, const char *tok, const char *what)
{
	struct number num;
	char why[200];

	if (number_rule(tok, strlen(tok), p->r->country, &num, why, sizeof why) != NULL ||
	    num.kind != NUMBER_DIGITS || num.prefix) {
		problem(p, p->line, "%s: not a number: \"%.40s\"", what, tok);
		return NULL;
	}
	return arena_strndup(p->r->arena, num.digits, strlen(num.digits));
}

/* Warnings, not errors, so that files that worked go on working: a
 * target too short to be a phone number, and targets that look like one
 * number written with spaces ("0049 211 1111111" is three targets). */
static void dial_warnings(struct parser *p, char **tok, const struct action *a)
{
	size_t i;

	for (i = 0; i < a->nnumbers; i++)
		if (strlen(a->numbers[i]) < 6)
			warn(p, p->line, "dial %s has %zu digits: too short for a phone number?",
			    a->numbers[i], strlen(a->numbers[i]));
	for (i = 0; i + 1 < a->nnumbers; i++)
		if ((tok[i][0] == '0' || tok[i][0] == '+') && strlen(tok[i]) <= 5 &&
		    tok[i + 1][0] >= '1' && tok[i + 1][0] <= '9') {
			warn(p, p->line, "dial %s %s ...: one number split by spaces? Each word is a target; write it without spaces",
			    tok[i], tok[i + 1]);
			break;
		}
}

/* Parses tok[0..n) as one action; in_then: after "play URL then". */
static int parse_action(struct parser *p, char **tok, size_t n, struct action *a,
    int in_then)
{
	const char *verb = n > 0 ? tok[0] : "";
	size_t i;

	memset(a, 0, sizeof *a);
	a->menu = -1;
	if (n == 0) {
		problem(p, p->line, "an action is missing");
		return -1;
	}
	if (in_then && (strcmp(verb, "pass") == 0 || strcmp(verb, "play") == 0 ||
	    strcmp(verb, "gather") == 0 || strcmp(verb, "callerid") == 0 ||
	    strcmp(verb, "withhold") == 0)) {
		problem(p, p->line, "play ... then %s: after then comes hangup, reject, voicemail or dial", verb);
		return -1;
	}
	if (strcmp(verb, "pass") == 0 || strcmp(verb, "hangup") == 0 ||
	    strcmp(verb, "voicemail") == 0 || strcmp(verb, "withhold") == 0) {
		a->kind = verb[0] == 'p' ? ACT_PASS : verb[0] == 'h' ? ACT_HANGUP :
		    verb[0] == 'v' ? ACT_VOICEMAIL : ACT_WITHHOLD;
		if (n != 1 && tok[1][0] == '#')
			problem(p, p->line, "a comment stands on its own line (a line starting with #), not after %s", verb);
		else if (n != 1)
			problem(p, p->line, "%s takes nothing after it", verb);
		if (n != 1)
			return -1;
		return 0;
	}
	if (strcmp(verb, "reject") == 0) {
		a->kind = ACT_REJECT;
		if (n == 1 || (n == 2 && strcmp(tok[1], "rejected") == 0))
			return 0;
		if (n == 2 && strcmp(tok[1], "busy") == 0) {
			a->busy = 1;
			return 0;
		}
		problem(p, p->line, "reject takes rejected or busy");
		return -1;
	}
	if (strcmp(verb, "dial") == 0) {
		a->kind = ACT_DIAL;
		for (i = 1; i < n; i++) {
			if (strcmp(tok[i], "anonymous") == 0 && !a->anonymous) {
				a->anonymous = 1;
			} else if (strcmp(tok[i], "callerid") == 0 && a->callerid == NULL && i + 1 < n) {
				if ((a->callerid = normalised(p, tok[++i], "callerid")) == NULL)
					return -1;
			} else if (a->anonymous || a->callerid) {
				problem(p, p->line, "dial: numbers come first, then anonymous and callerid C");
				return -1;
			} else if (a->nnumbers == RULES_DIAL_MAX) {
				problem(p, p->line, "dial takes at most 5 numbers (sipgate's limit for incoming calls)");
				return -1;
			} else if ((a->numbers[a->nnumbers++] = normalised(p, tok[i], "dial")) == NULL)
				return -1;
		}
		if (a->nnumbers == 0) {
			problem(p, p->line, "dial needs at least one number");
			return -1;
		}
		dial_warnings(p, tok + 1, a);
		return 0;
	}
	if (strcmp(verb, "callerid") == 0) {
		a->kind = ACT_CALLERID;
		if (n != 2) {
			problem(p, p->line, "callerid takes one number");
			return -1;
		}
		return (a->callerid = normalised(p, tok[1], "callerid")) ? 0 : -1;
	}
	if (strcmp(verb, "gather") == 0) {
		a->kind = ACT_GATHER;
		if (n != 2) {
			problem(p, p->line, "gather takes one menu name");
			return -1;
		}
		a->menu = use_menu(p, tok[1]);
		return 0;
	}
	if (strcmp(verb, "play") == 0) {
		struct action *then;

		a->kind = ACT_PLAY;
		if (n < 2 || !valid_url(tok[1])) {
			problem(p, p->line, "play needs an http:// or https:// URL of printable ASCII without \" < > \\, at most 1024 bytes");
			return -1;
		}
		a->url = arena_strndup(p->r->arena, tok[1], strlen(tok[1]));
		if (p->warnings && strlen(tok[1]) >= 4 && strcmp(tok[1] + strlen(tok[1]) - 4, ".wav") != 0)
			warn(p, p->line, "%.80s does not end in .wav (sipgate plays 8 kHz mono WAV)", tok[1]);
		if (n == 2)
			return 0;
		if (strcmp(tok[2], "then") != 0 || n == 3) {
			problem(p, p->line, "play URL may be followed only by then ACTION");
			return -1;
		}
		if ((then = arena_alloc(p->r->arena, sizeof *then)) == NULL ||
		    parse_action(p, tok + 3, n - 3, then, 1) < 0)
			return -1;
		a->then = then;
		/* Seen working, but sipgate documents one action a reply. */
		if (!p->noted_then++)
			warn(p, p->line, "play ... then ... puts two verbs into one reply; sipgate documents one action a reply: try such a rule with a real call before you rely on it");
		return 0;
	}
	problem(p, p->line, "unknown action \"%.40s\"", verb);
	return -1;
}

const char *rules_action_name(const struct action *a)
{
	static const char *const names[] = {
		[ACT_PASS] = "pass", [ACT_REJECT] = "reject", [ACT_HANGUP] = "hangup",
		[ACT_VOICEMAIL] = "voicemail", [ACT_DIAL] = "dial", [ACT_CALLERID] = "callerid",
		[ACT_WITHHOLD] = "withhold", [ACT_GATHER] = "gather", [ACT_PLAY] = "play",
	};

	return names[a->kind];
}

/* ---- menu ---- */

static void menu_statement(struct parser *p, char **tok, size_t n)
{
	struct rules *r = p->r;
	struct menu *m;
	size_t i;
	long v;

	if (n < 2 || !valid_name(tok[1])) {
		problem(p, p->line, "menu needs a name of 1 to 32 of a-z, 0-9, _ and -");
		return;
	}
	if (rules_find_menu(r, tok[1]) >= 0) {
		problem(p, p->line, "menu \"%s\" is defined twice (first on line %d)", tok[1],
		    r->menus[rules_find_menu(r, tok[1])].line);
		return;
	}
	if (r->nmenus == RULES_MENUS_MAX) {
		problem(p, p->line, "more than 256 menus");
		return;
	}
	if (arena_grow(r->arena, (void **)&r->menus, &p->cap_menus, r->nmenus + 1, sizeof *r->menus) < 0)
		return;
	m = &r->menus[r->nmenus];
	memset(m, 0, sizeof *m);
	strcpy(m->name, tok[1]);
	m->line = p->line;
	m->digits = 1;
	m->timeout = 5000;
	m->tries = 3;
	m->otherwise.kind = ACT_HANGUP;
	m->otherwise.menu = -1;
	for (i = 2; i < n; i += 2) {
		const char *key = tok[i];

		if (strcmp(key, "else") == 0) {
			if (i + 1 < n && strcmp(tok[i + 1], "gather") == 0) {
				problem(p, p->line, "else cannot be gather (menus would loop while the caller is silent)");
				return;
			}
			if (parse_action(p, tok + i + 1, n - i - 1, &m->otherwise, 0) < 0)
				return;
			/* They place an outgoing call; an else answers a keypad push. */
			if (m->otherwise.kind == ACT_CALLERID || m->otherwise.kind == ACT_WITHHOLD) {
				problem(p, p->line, "else cannot be %s (it is for outgoing newCall rules)",
				    rules_action_name(&m->otherwise));
				return;
			}
			break;
		}
		if (i + 1 >= n) {
			problem(p, p->line, "menu: %s needs a value", key);
			return;
		}
		if (strcmp(key, "play") == 0) {
			if (!valid_url(tok[i + 1])) {
				problem(p, p->line, "menu play needs an http:// or https:// URL of printable ASCII without \" < > \\");
				return;
			}
			m->play = arena_strndup(r->arena, tok[i + 1], strlen(tok[i + 1]));
		} else if (strcmp(key, "digits") == 0 && (v = small_number(tok[i + 1], 1, 20)) >= 0) {
			m->digits = (int)v;
		} else if (strcmp(key, "timeout") == 0 && (v = small_number(tok[i + 1], 0, 60000)) >= 0) {
			m->timeout = (int)v;
		} else if (strcmp(key, "tries") == 0 && (v = small_number(tok[i + 1], 1, 9)) >= 0) {
			m->tries = (int)v;
		} else {
			problem(p, p->line, "menu: bad \"%.20s %.40s\" (play URL, digits 1-20, timeout 0-60000, tries 1-9, else ACTION)",
			    key, tok[i + 1]);
			return;
		}
	}
	r->nmenus++;
	resolve_pending(p, tok[1], "menu");
}

/* ---- when ---- */

static int split_items(struct parser *p, struct cond *c, const char *value)
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
			problem(p, p->line, "an empty value in \"%.60s\"", value);
			return -1;
		}
		c->items[i].kind = ITEM_TEXT;
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
	problem(p, p->line, "\"not\" goes before the condition it negates: not %s ...", keyword);
	return 1;
}

static int number_items(struct parser *p, struct cond *c, const char *keyword)
{
	char why[200];
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		if (misplaced_not(p, it->text, keyword))
			return -1;
		if (strcmp(it->text, "any") == 0) {
			it->kind = ITEM_ANY;
		} else if (it->text[0] == '@') {
			it->kind = ITEM_SET;
			it->set = use_set(p, it->text, SET_LIST);
		} else {
			it->kind = ITEM_NUMBER;
			if (number_rule(it->text, strlen(it->text), p->r->country, &it->number,
			    why, sizeof why) != NULL) {
				problem(p, p->line, "%s", why);
				return -1;
			}
		}
	}
	return 0;
}

static int set_items(struct parser *p, struct cond *c, enum set_kind kind, const char *keyword)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		if (misplaced_not(p, c->items[i].text, keyword))
			return -1;
		c->items[i].kind = ITEM_SET;
		c->items[i].set = use_set(p, c->items[i].text, kind);
	}
	return 0;
}

static int key_items(struct parser *p, struct cond *c)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		const char *k = c->items[i].text;

		if (strcmp(k, "none") == 0 || strcmp(k, "any") == 0)
			continue;
		if (strlen(k) > 20 || strspn(k, "0123456789*#") != strlen(k)) {
			problem(p, p->line, "key \"%.30s\": want DTMF keys 0-9 * # (at most 20), none or any", k);
			return -1;
		}
	}
	return 0;
}

static const char *const cond_words[] = {
	[COND_ALWAYS] = "always", [COND_DIRECTION] = "direction", [COND_FROM] = "from",
	[COND_TO] = "to", [COND_DIVERSION] = "diversion", [COND_USER] = "user",
	[COND_USERID] = "userid", [COND_FULLUSERID] = "fulluserid", [COND_TIME] = "time",
	[COND_DATE] = "date", [COND_PERCENT] = "percent", [COND_FLAG] = "flag",
	[COND_MENU] = "menu", [COND_KEY] = "key",
};

static int cond_kind(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof cond_words / sizeof *cond_words; i++)
		if (strcmp(w, cond_words[i]) == 0)
			return (int)i;
	return -1;
}

/* Parses one condition at tok[*i]; advances *i. */
static int parse_cond(struct parser *p, char **tok, size_t n, size_t *i, struct cond *c)
{
	const char *w = tok[*i], *keyword;
	int kind, negate = 0;
	long v;

	memset(c, 0, sizeof *c);
	if (strcmp(w, "not") == 0) {
		negate = 1;
		if (++*i >= n || strcmp(tok[*i], "do") == 0) {
			problem(p, p->line, "not needs a condition after it");
			return -1;
		}
		w = tok[*i];
	}
	if ((kind = cond_kind(w)) < 0) {
		problem(p, p->line, "unknown condition \"%.40s\"", w);
		return -1;
	}
	c->kind = (enum cond_kind)kind;
	c->negate = negate;
	if (negate && (kind == COND_DIRECTION || kind == COND_MENU || kind == COND_ALWAYS)) {
		problem(p, p->line, "not cannot go before %s", w);
		return -1;
	}
	(*i)++;
	if (kind == COND_ALWAYS)
		return 0;
	if (*i >= n || strcmp(tok[*i], "do") == 0) {
		problem(p, p->line, "%s needs a value", w);
		return -1;
	}
	keyword = w;
	w = tok[(*i)++];
	switch (c->kind) {
	case COND_DIRECTION:
		if (strcmp(w, "in") == 0)
			c->value = DIR_IN;
		else if (strcmp(w, "out") == 0)
			c->value = DIR_OUT;
		else if (strcmp(w, "any") == 0)
			c->value = DIR_ANY;
		else {
			problem(p, p->line, "direction is in, out or any");
			return -1;
		}
		return 0;
	case COND_PERCENT:
		if ((v = small_number(w, 1, 99)) < 0) {
			problem(p, p->line, "percent takes 1 to 99");
			return -1;
		}
		c->value = (int)v;
		return 0;
	case COND_FLAG:
		if (p->r->flagdir == NULL) {
			problem(p, p->line, "flag needs a flagdir line before the first when");
			return -1;
		}
		if (!valid_name(w)) {
			problem(p, p->line, "bad flag name \"%.40s\"", w);
			return -1;
		}
		c->name = arena_strndup(p->r->arena, w, strlen(w));
		return 0;
	case COND_MENU:
		c->value = use_menu(p, w);
		return 0;
	case COND_TIME:
	case COND_DATE:
		if (p->r->zone == NULL) {
			/* A timezone line that was refused has said so already. */
			if (!p->have[1])
				problem(p, p->line, "%s needs a timezone line before the first when",
				    c->kind == COND_TIME ? "time" : "date");
			return -1;
		}
		break;
	default:
		break;
	}
	if (split_items(p, c, w) < 0)
		return -1;
	switch (c->kind) {
	case COND_FROM:
	case COND_TO:
	case COND_DIVERSION:
		return number_items(p, c, keyword);
	case COND_TIME:
		return set_items(p, c, SET_HOURS, keyword);
	case COND_DATE:
		return set_items(p, c, SET_DATES, keyword);
	case COND_KEY:
		return key_items(p, c);
	default:
		return 0;
	}
}

static void when_statement(struct parser *p, char **tok, size_t n, const char *text)
{
	struct rules *r = p->r;
	struct rule *rule;
	size_t i = 1;
	int has_key = 0, has_dir = 0;
	const char *call_only = NULL;

	if (r->nrules == RULES_WHEN_MAX) {
		problem(p, p->line, "more than 10000 when lines");
		return;
	}
	if (arena_grow(r->arena, (void **)&r->rules, &p->cap_rules, r->nrules + 1, sizeof *r->rules) < 0)
		return;
	rule = &r->rules[r->nrules];
	memset(rule, 0, sizeof *rule);
	rule->line = p->line;
	rule->menu = -1;
	rule->direction = DIR_IN;
	if ((rule->conds = arena_alloc(r->arena, n * sizeof *rule->conds)) == NULL)
		return;
	while (i < n && strcmp(tok[i], "do") != 0) {
		struct cond *c = &rule->conds[rule->nconds];

		if (parse_cond(p, tok, n, &i, c) < 0)
			return;
		rule->nconds++;
		switch (c->kind) {
		case COND_MENU:
			if (rule->menu != -1 || c->value < -1) {
				problem(p, p->line, "a rule answers one menu");
				return;
			}
			rule->menu = c->value;
			if (c->value == -1)	/* not defined yet: a pending error */
				rule->menu = -2;
			break;
		case COND_KEY:
			has_key = 1;
			break;
		case COND_DIRECTION:
			has_dir = 1;
			rule->direction = c->value;
			/* fall through */
		case COND_FROM:
		case COND_TO:
		case COND_DIVERSION:
		case COND_USER:
		case COND_USERID:
		case COND_FULLUSERID:
			if (call_only == NULL)
				call_only = cond_words[c->kind];
			break;
		default:
			break;
		}
	}
	if (i >= n) {
		problem(p, p->line, "when needs do ACTION");
		return;
	}
	if (rule->nconds == 0) {
		problem(p, p->line, "when needs a condition before do (write when always do ...)");
		return;
	}
	if (rule->menu != -1 && call_only) {
		problem(p, p->line, "\"%s\" is unknown in a dtmf push (it carries only callId and dtmf)", call_only);
		return;
	}
	if (has_key && rule->menu == -1) {
		problem(p, p->line, "key needs menu NAME in the same rule");
		return;
	}
	if (parse_action(p, tok + i + 1, n - i - 1, &rule->action, 0) < 0)
		return;
	if ((rule->action.kind == ACT_CALLERID || rule->action.kind == ACT_WITHHOLD) &&
	    !(has_dir && rule->direction == DIR_OUT)) {
		problem(p, p->line, "%s needs direction out (it sets how an outgoing call is placed)",
		    rules_action_name(&rule->action));
		return;
	}
	if (rule->menu != -1 && (rule->action.kind == ACT_CALLERID || rule->action.kind == ACT_WITHHOLD)) {
		problem(p, p->line, "%s is for newCall rules", rules_action_name(&rule->action));
		return;
	}
	rule->text = arena_strndup(r->arena, text, strlen(text));
	r->nrules++;
}

/* ---- the file ---- */

static const char *const keywords[] = {
	"version", "timezone", "country", "flagdir", "list", "hours", "dates",
	"menu", "when", "end",
};

static int once(struct parser *p, int which, const char *word, int before_when)
{
	if (p->have[which]) {
		problem(p, p->line, "%s may appear once (first on line %d)", word, p->have[which]);
		return -1;
	}
	if (before_when && p->whens) {
		problem(p, p->line, "%s must come before the first when", word);
		return -1;
	}
	p->have[which] = p->line;
	return 0;
}

static void statement(struct parser *p, char **tok, size_t n, const char *text)
{
	struct rules *r = p->r;
	const char *w = tok[0];
	char why[200];
	size_t i;

	if (p->ended) {
		problem(p, p->line, "nothing may follow \"end\" (line %d)", p->ended);
		return;
	}
	p->statements++;
	if (strcmp(w, "version") == 0) {
		if (p->statements != 1) {
			problem(p, p->line, "version must be the first statement");
			return;
		}
		if (n != 2 || strcmp(tok[1], "1") != 0) {
			problem(p, p->line, "unsupported version \"%.20s\" (this program reads version 1)", n > 1 ? tok[1] : "");
			return;
		}
		p->have[0] = p->line;
	} else if (strcmp(w, "timezone") == 0) {
		if (once(p, 1, "timezone", 1) < 0)
			return;
		if (n != 2) {
			problem(p, p->line, "timezone takes one zone (Europe/Berlin)");
			return;
		}
		if (when_zone_check(tok[1], why, sizeof why)) {
			problem(p, p->line, "%s", why);
			return;
		}
		r->zone = arena_strndup(r->arena, tok[1], strlen(tok[1]));
	} else if (strcmp(w, "country") == 0) {
		if (once(p, 2, "country", 1) < 0)
			return;
		if (n != 2 || strlen(tok[1]) > 3 || small_number(tok[1], 1, 999) < 0 || tok[1][0] == '0') {
			problem(p, p->line, "country takes a country code of 1 to 3 digits (49)");
			return;
		}
		strcpy(r->country, tok[1]);
	} else if (strcmp(w, "flagdir") == 0) {
		if (once(p, 3, "flagdir", 1) < 0)
			return;
		if (n != 2 || tok[1][0] != '/') {
			problem(p, p->line, "flagdir takes one absolute path");
			return;
		}
		r->flagdir = arena_strndup(r->arena, tok[1], strlen(tok[1]));
	} else if (strcmp(w, "list") == 0) {
		list_statement(p, tok, n);
	} else if (strcmp(w, "hours") == 0) {
		hours_statement(p, tok, n);
	} else if (strcmp(w, "dates") == 0) {
		dates_statement(p, tok, n);
	} else if (strcmp(w, "menu") == 0) {
		menu_statement(p, tok, n);
	} else if (strcmp(w, "when") == 0) {
		p->whens++;
		when_statement(p, tok, n, text);
	} else if (strcmp(w, "end") == 0) {
		if (n != 1) {
			problem(p, p->line, "end takes nothing after it");
			return;
		}
		p->ended = p->line;
	} else {
		char lower[64];

		for (i = 0; i + 1 < sizeof lower && w[i]; i++)
			lower[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] - 'A' + 'a') : w[i];
		lower[i] = '\0';
		for (i = 0; i < sizeof keywords / sizeof *keywords; i++)
			if (strcmp(lower, keywords[i]) == 0)
				break;
		problem(p, p->line, "unknown statement \"%.40s\"%s", w,
		    i < sizeof keywords / sizeof *keywords ? " (keywords are lower case)" : "");
	}
}

static void parse(struct parser *p, const char *data, size_t len)
{
	char buf[RULES_LINE_MAX + 1], text[RULES_LINE_MAX + 1], *tok[RULES_TOKENS_MAX];
	const char *line, *why;
	size_t pos = 0, n, ntok;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (!p->stop && next_line(data, len, &pos, &line, &n)) {
		size_t lead = 0;

		p->line++;
		if (memchr(line, '\0', n)) {
			problem(p, p->line, "contains a NUL byte");
			continue;
		}
		if (n > RULES_LINE_MAX) {
			problem(p, p->line, "line longer than 4096 bytes");
			continue;
		}
		while (lead < n && is_blank(line[lead]))
			lead++;
		if (lead == n || line[lead] == '#')
			continue;
		memcpy(buf, line + lead, n - lead);
		buf[n - lead] = '\0';
		if ((why = tokenize(buf, tok, &ntok)) != NULL) {
			problem(p, p->line, "%s", why);
			continue;
		}
		memcpy(text, line + lead, n - lead);
		text[n - lead] = '\0';
		statement(p, tok, ntok, text);
	}
}

/* Sets and menus used but never defined, or defined too late. */
static void report_pending(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->npending; i++) {
		struct pending *q = &p->pending[i];

		if (p->mode == RULES_RUN && p->stop && p->nproblems && q->line > p->problems[0].line)
			continue;
		if (q->defined)
			problem(p, q->line, "%s \"%s\" is used before its definition on line %d",
			    q->what, q->name, q->defined);
		else
			problem(p, q->line, "unknown %s \"%s\"", q->what, q->name);
	}
}

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x < y ? -1 : x > y;
}

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
	for (i = name_hash(number) & (x->cap - 1); x->slot[i]; i = (i + 1) & (x->cap - 1))
		if (strcmp(x->slot[i], number) == 0)
			return 0;
	x->slot[i] = number;
	x->n++;
	return 1;
}

/* A dial target that is also a "to" of some rule: a forwarding loop?  Said
 * once a target, naming the first such line. */
static void dial_loop(struct parser *p, const struct rule *a, const char *number)
{
	const struct rules *r = p->r;
	struct number dialled = { NUMBER_DIGITS, 0, { 0 } };
	size_t j, m, t;

	strcpy(dialled.digits, number);
	for (j = 0; j < r->nrules; j++)
		for (m = 0; m < r->rules[j].nconds; m++) {
			const struct cond *c = &r->rules[j].conds[m];

			if (c->kind != COND_TO || c->negate)
				continue;
			for (t = 0; t < c->nitems; t++)
				if (c->items[t].kind == ITEM_NUMBER &&
				    number_match(&c->items[t].number, &dialled)) {
					warn(p, a->line, "dial target %s is also in a \"to\" condition on line %d: a forwarding loop between your own numbers?",
					    number, r->rules[j].line);
					return;
				}
		}
}

/* Warnings only a whole view of the rules can give. */
static void check_rules(struct parser *p)
{
	const struct rules *r = p->r;
	struct seen dialled = { 0 };
	size_t i, j, k, m, t;

	for (i = 0; i < r->nsets; i++) {
		const struct set *s = &r->sets[i];
		const struct list_part *part;
		size_t entries = 0;
		int files = 0;

		if (s->kind != SET_LIST)
			continue;
		for (part = s->parts; part; part = part->next) {
			entries += part->nentries;
			files += part->path != NULL;
		}
		if (entries == 0 && files == 0)
			warn(p, s->line, "list \"%s\" is empty", s->name);
	}
	for (i = 0; i < r->nrules; i++) {
		const struct rule *a = &r->rules[i];
		int catch_all = 1;

		for (k = 0; k < a->nconds; k++)
			if (a->conds[k].kind != COND_ALWAYS && a->conds[k].kind != COND_DIRECTION &&
			    a->conds[k].kind != COND_MENU &&
			    !(a->conds[k].kind == COND_KEY && !a->conds[k].negate))
				catch_all = 0;
		for (j = i + 1; catch_all && j < r->nrules; j++) {
			const struct rule *b = &r->rules[j];
			int shadowed = b->menu == a->menu &&
			    (a->direction == DIR_ANY || a->direction == b->direction);

			for (k = 0; shadowed && k < a->nconds; k++) {
				const struct cond *c = &a->conds[k];
				int any = 0;

				if (c->kind != COND_KEY)
					continue;
				for (m = 0; m < c->nitems; m++)
					any |= strcmp(c->items[m].text, "any") == 0;
				if (!any)
					shadowed = 0;
				for (m = 0; shadowed && m < b->nconds; m++)
					if (b->conds[m].kind == COND_KEY)
						for (t = 0; t < b->conds[m].nitems; t++)
							if (strcmp(b->conds[m].items[t].text, "none") == 0)
								shadowed = 0;
			}
			if (shadowed) {
				warn(p, b->line, "never matches: line %d comes first and matches everything it would", a->line);
				break;
			}
		}
		for (k = 0; k < a->action.nnumbers; k++)
			if (first_dial(p, &dialled, a->action.numbers[k]))
				dial_loop(p, a, a->action.numbers[k]);
	}
	if (p->nwarnings > WARNINGS_MAX)
		buf_printf(p->warnings, "%s: warning: %zu more warnings not shown\n", p->path,
		    p->nwarnings - WARNINGS_MAX);
}

/* rules_load, also giving the identity of the file it read in *st. */
static struct rules *load(const char *path, enum rules_mode mode,
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
		warn(&p, 0, "writable by group or others; anyone who can write it decides where calls go");
	parse(&p, data, len);
	free(data);
	report_pending(&p);
	if (!p.stop && !p.ended)
		problem(&p, INT_MAX, "no \"end\" line (file truncated?)");
	if (arena_failed(r->arena))
		problem(&p, INT_MAX, "out of memory");
	if (p.nproblems == 0 && mode == RULES_CHECK)
		check_rules(&p);
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

	return load(path, mode, errors, warnings, &st);
}

/* Two files kept: a worker reads one, --diff compares two. */
#define KEPT 2
static struct kept {
	struct rules *r;
	struct file_id id;
	unsigned long used;	/* for evicting the one used least recently */
} kept[KEPT];

/* At exit, so that a leak checker sees every allocation given back. */
static void forget_kept(void)
{
	size_t i;

	for (i = 0; i < KEPT; i++) {
		rules_free(kept[i].r);
		kept[i].r = NULL;
	}
}

static int kept_unchanged(const struct kept *k, const char *path)
{
	size_t i;

	if (!file_id_unchanged(&k->id, path))
		return 0;
	for (i = 0; i < k->r->nsources; i++)
		if (!file_id_unchanged(&k->r->sources[i].id, k->r->sources[i].path))
			return 0;
	return 1;
}

/* The slot holding path, or the one to load it into. */
static struct kept *kept_slot(const char *path)
{
	struct kept *k = &kept[0];
	size_t i;

	for (i = 0; i < KEPT; i++)
		if (kept[i].r && strcmp(path, kept[i].r->path) == 0)
			return &kept[i];
	for (i = 0; i < KEPT; i++)
		if (kept[i].r == NULL || kept[i].used < k->used)
			k = &kept[i];
	return k;
}

const struct rules *rules_get(const char *path, struct buf *errors)
{
	static unsigned long uses;
	static int registered;
	struct kept *k = kept_slot(path);
	struct stat st;

	if (k->r && strcmp(path, k->r->path) == 0 && kept_unchanged(k, path)) {
		k->used = ++uses;
		return k->r;
	}
	rules_free(k->r);
	k->r = NULL;
	if (!registered)
		registered = atexit(forget_kept) == 0;
	if ((k->r = load(path, RULES_RUN, errors, NULL, &st))) {
		file_id_set(&k->id, &st);
		k->used = ++uses;
	}
	return k->r;
}

void rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	arena_free(r->arena);
	free(r);
}
