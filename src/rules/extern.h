/* extern: the rules engine's private header, behind rules/rules.h: what the
 * parser's files share and nothing outside rules/ includes.  lex.c: the
 * parser's state, its messages (each error and warning with the line it
 * belongs to), and the lexing of tokens, names, numbers and URLs; sets.c:
 * the names a file defines and uses (lists, hours, dates, menus, and
 * references made before a definition); lint.c: --check's warnings;
 * lookup.c: the reading of a file's lines, which lists share. */
#ifndef RULES_EXTERN_H
#define RULES_EXTERN_H

#include <limits.h>
#include <stddef.h>

#include "base/buf.h"
#include "rules/rules.h"

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

/* The statements of a rules file, as rules_parse.c's table has them. */
enum rules_statement {
	RULES_STMT_VERSION, RULES_STMT_TIMEZONE, RULES_STMT_COUNTRY, RULES_STMT_FLAGDIR, RULES_STMT_LIST,
	RULES_STMT_HOURS, RULES_STMT_DATES, RULES_STMT_MENU, RULES_STMT_WHEN, RULES_STMT_END, RULES_STMT_COUNT
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
	int statements;		/* read so far */
	int seen[RULES_STMT_COUNT];	/* the line a statement was (last) given on: for
				 * timezone, country and flagdir even if refused,
				 * for end only once it was valid */
	const char *text;	/* the statement being read, as written */
	struct buf *warnings;
	size_t nwarnings;
	int noted_then;		/* the play ... then note, once a file */
};

/* Warnings shown at most; the rest are counted. */
#define WARNINGS_MAX 100

/* "list", "hours", "dates", by enum rules_set_kind. */
extern const char *const rules_set_what[];

/* An error on a line of the rules file (INT_MAX: the whole file); in
 * RULES_RUN mode the first one stops the reading. */
void rules_problem(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error found in another file (a list or dates file), already with its
 * own file:line, sorted under the rules line that named it. */
void rules_foreign_problem(struct parser *p, const char *text);
/* A warning, at most WARNINGS_MAX a file (line 0: the whole file). */
void rules_warn(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A path relative to the rules file's folder made absolute. */
const char *rules_resolve(struct parser *p, const char *path);

/* Splits s in place into at most RULES_TOKENS_MAX tokens ("quoted" ones
 * may hold blanks); NULL, or what was wrong. */
const char *rules_tokenize(char *s, char **tok, size_t *ntok);
int rules_valid_name(const char *s);
/* A decimal number lo..hi without sign; -1 if not. */
long rules_small_number(const char *s, long lo, long hi);
int rules_valid_url(const char *u);
/* FNV-1a of a set's name, for the parser's index of names. */
size_t rules_name_hash(const char *s);

/* ---- sets.c ---- */

/* A set (list, hours, dates) named by a condition: its index, or -1 after
 * a problem; unknown yet, it is pending. */
int rules_use_set(struct parser *p, const char *ref, enum rules_set_kind kind);
/* A menu named by gather, menu or else: its index, or -1 after a problem. */
int rules_use_menu(struct parser *p, const char *name);
/* name was defined as what: references to it are no longer pending. */
void rules_resolve_pending(struct parser *p, const char *name, const char *what);
/* Each reference still pending at the end of the file is an error. */
void rules_report_pending(struct parser *p);
void rules_list_statement(struct parser *p, char **tok, size_t n);
void rules_hours_statement(struct parser *p, char **tok, size_t n);
void rules_dates_statement(struct parser *p, char **tok, size_t n);

/* ---- lint.c ---- */

/* What --check says about a file that is valid: rules an earlier one
 * always takes first, dial targets that are also to conditions, empty
 * lists.  Only warnings; a request never runs it. */
void rules_lint(struct parser *p);

/* ---- lookup.c ---- */

/* The next line of data[*pos..len) without its LF (and a CR before it);
 * 0 at the end. */
int rules_next_line(const char *data, size_t len, size_t *pos, const char **line,
    size_t *line_len);
int rules_is_blank(char c);

#endif
