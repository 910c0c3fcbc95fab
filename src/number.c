#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"

static int is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '/' || c == '(' ||
	    c == ')' || c == '.';
}

/*
 * Steps 1, 3 and 4: separators dropped, then the first of +, 00 and 0
 * that applies, once; 1 to 20 digits must remain.  0 on success.
 */
static int normalise(const char *p, size_t len, const char *country,
    char out[NUMBER_MAX + 1])
{
	char raw[64];
	size_t n = 0, i, start = 0, clen = strlen(country);

	for (i = 0; i < len; i++) {
		if (is_separator(p[i]))
			continue;
		if (n == sizeof raw)
			return -1;
		raw[n++] = p[i];
	}
	if (n > 0 && raw[0] == '+')
		start = 1;
	else if (n > 1 && raw[0] == '0' && raw[1] == '0')
		start = 2;
	for (i = start; i < n; i++)
		if (raw[i] < '0' || raw[i] > '9')
			return -1;
	if (start == 0 && n > 0 && raw[0] == '0') {
		if (clen + n - 1 > NUMBER_MAX)
			return -1;
		memcpy(out, country, clen);
		memcpy(out + clen, raw + 1, n - 1);
		out[clen + n - 1] = '\0';
		return clen + n - 1 > 0 ? 0 : -1;
	}
	if (n - start == 0 || n - start > NUMBER_MAX)
		return -1;
	memcpy(out, raw + start, n - start);
	out[n - start] = '\0';
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
