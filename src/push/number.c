#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "push/number.h"

/* A table, because list files run every byte of every line through it. */
static const unsigned char separator[256] = {
	[' '] = 1, ['\t'] = 1, ['-'] = 1, ['/'] = 1, ['('] = 1, [')'] = 1, ['.'] = 1,
};

static int is_separator(char c)
{
	return separator[(unsigned char)c];
}

/*
 * Steps 1, 3 and 4 in one pass: separators are skipped, the first of +, 00
 * and 0 that applies is dealt with once (after + or 00 a "(0)" is dropped),
 * and 1 to 20 digits must remain.
 * 0 on success.
 */
static int normalise(const char *p, size_t len, const char *country,
    char out[NUMBER_MAX + 1])
{
	size_t i = 0, j, n = 0;
	int international = 0;

	while (i < len && is_separator(p[i]))
		i++;
	if (i < len && p[i] == '+') {
		i++;
		international = 1;
	} else if (i < len && p[i] == '0') {
		for (j = i + 1; j < len && is_separator(p[j]); j++)
			;
		if (j < len && p[j] == '0') {
			i = j + 1;
			international = 1;
		} else {
			n = strlen(country);
			memcpy(out, country, n);
			i++;
		}
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		/* "+49 (0)211": the trunk 0 that a national caller dials. */
		if (international && c == '(' && i + 2 < len && p[i + 1] == '0' && p[i + 2] == ')') {
			i += 2;
			continue;
		}
		if (is_separator((char)c))
			continue;
		if (c < '0' || c > '9' || n == NUMBER_MAX)
			return -1;
		out[n++] = (char)c;
	}
	if (n == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

void number_incoming(const char *p, size_t len, const char *country,
    struct number *out)
{
	out->prefix = 0;
	out->digits[0] = '\0';
	if (p == NULL || len == 0 ||
	    (len == 9 && strncasecmp(p, "anonymous", 9) == 0)) {
		out->kind = NUMBER_ANONYMOUS;
		return;
	}
	out->kind = memchr(p, '\0', len) == NULL &&
	    normalise(p, len, country, out->digits) == 0 ?
	    NUMBER_DIGITS : NUMBER_INVALID;
}

const char *number_rule(const char *p, size_t len, const char *country,
    struct number *out, char *why, size_t why_len)
{
	out->prefix = 0;
	out->digits[0] = '\0';
	if (len == 9 && memcmp(p, "anonymous", 9) == 0) {
		out->kind = NUMBER_ANONYMOUS;
		return NULL;
	}
	out->kind = NUMBER_DIGITS;
	if (len > 0 && p[len - 1] == '*') {
		out->prefix = 1;
		len--;
	}
	if (normalise(p, len, country, out->digits) == 0)
		return NULL;
	if (out->prefix) {
		size_t i, digits = 0;

		for (i = 0; i < len; i++)
			if (!is_separator(p[i]) && p[i] != '+' && p[i] != '0')
				digits++;
		if (digits == 0) {
			snprintf(why, why_len, "\"%.*s*\" matches every caller; for calls from abroad write: not from 49*",
			    (int)(len > 40 ? 40 : len), p);
			return why;
		}
	}
	snprintf(why, why_len, "not a number: \"%.*s%s\"", (int)(len > 64 ? 64 : len), p,
	    out->prefix ? "*" : "");
	return why;
}

int number_match(const struct number *e, const struct number *v)
{
	size_t n;

	if (e->kind == NUMBER_ANONYMOUS)
		return v->kind == NUMBER_ANONYMOUS;
	if (v->kind != NUMBER_DIGITS)
		return 0;
	if (!e->prefix)
		return strcmp(e->digits, v->digits) == 0;
	n = strlen(e->digits);
	return strncmp(e->digits, v->digits, n) == 0;
}
