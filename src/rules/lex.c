#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/hash.h"
#include "base/scan.h"
#include "rules/extern.h"

const char *const rules_set_what[] = { "list", "hours", "dates" };

void rules_problem(struct parser *p, int line, const char *fmt, ...)
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
void rules_foreign_problem(struct parser *p, const char *text)
{
	if (arena_grow(p->r->arena, (void **)&p->problems, &p->cap_problems,
	    p->nproblems + 1, sizeof *p->problems) == 0) {
		p->problems[p->nproblems].line = p->line;
		p->problems[p->nproblems++].text = arena_strndup(p->r->arena, text, strlen(text));
	}
	if (p->mode == RULES_RUN)
		p->stop = 1;
}

void rules_warn(struct parser *p, int line, const char *fmt, ...)
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

const char *rules_resolve(struct parser *p, const char *path)
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

/* Splits line (NUL-terminated in place) into tokens; NULL or why not. */
const char *rules_tokenize(char *s, char **tok, size_t *ntok)
{
	*ntok = 0;
	for (;;) {
		while (rules_is_blank(*s))
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
			if (end[1] != '\0' && !rules_is_blank(end[1]))
				return "a quoted token must end at a blank";
			*end = '\0';
			tok[(*ntok)++] = s + 1;
			s = end + 1;
			continue;
		}
		tok[(*ntok)++] = s;
		while (*s && !rules_is_blank(*s)) {
			if (*s == '"')
				return "a \" inside a token; quote the whole token";
			s++;
		}
		if (*s == '\0')
			return NULL;
		*s++ = '\0';
	}
}

int rules_valid_name(const char *s)
{
	return rules_name_ok(s, strlen(s));
}

/* A decimal number lo..hi without sign; -1 if not. */
long rules_small_number(const char *s, long lo, long hi)
{
	unsigned long long v;

	if (scan_decimal(s, strlen(s), 6, &v) < 0)
		return -1;
	return (long long)v >= lo && (long long)v <= hi ? (long)v : -1;
}

int rules_valid_url(const char *u)
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

size_t rules_name_hash(const char *s)
{
	return (size_t)hash_fnv64(HASH_FNV64_BASIS, s, strlen(s));
}
