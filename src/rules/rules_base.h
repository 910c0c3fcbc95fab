/* rules_base: what every part of the rules reader shares, and nothing
 * outside it uses: the parser's state, its messages (each error and
 * warning with the line it belongs to), and the lexing of lines, tokens,
 * names, numbers and URLs. */
#ifndef RULES_BASE_H
#define RULES_BASE_H

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
	STMT_VERSION, STMT_TIMEZONE, STMT_COUNTRY, STMT_FLAGDIR, STMT_LIST,
	STMT_HOURS, STMT_DATES, STMT_MENU, STMT_WHEN, STMT_END, STMT_COUNT
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
	int seen[STMT_COUNT];	/* the line a statement was (last) given on: for
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

/* The next line of data[*pos..len) without its LF (and a CR before it);
 * 0 at the end. */
int rules_next_line(const char *data, size_t len, size_t *pos, const char **line,
    size_t *line_len);
/* A path relative to the rules file's folder made absolute. */
const char *rules_resolve(struct parser *p, const char *path);

int rules_is_blank(char c);
/* Splits s in place into at most RULES_TOKENS_MAX tokens ("quoted" ones
 * may hold blanks); NULL, or what was wrong. */
const char *rules_tokenize(char *s, char **tok, size_t *ntok);
int rules_valid_name(const char *s);
/* A decimal number lo..hi without sign; -1 if not. */
long rules_small_number(const char *s, long lo, long hi);
int rules_valid_url(const char *u);
/* FNV-1a of a set's name, for the parser's index of names. */
size_t rules_name_hash(const char *s);

#endif
