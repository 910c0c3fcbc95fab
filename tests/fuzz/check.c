#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "check.h"

struct cursor {
	const unsigned char *p, *end;
};

static int value(struct cursor *c, int depth);

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int hex4(const unsigned char *p)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == 0)
			return -1;
	return 0;
}

static int string(struct cursor *c)
{
	size_t n;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p < 0x20)
			return -1;
		if (*c->p == '\\') {
			if (c->end - c->p < 2)
				return -1;
			if (c->p[1] == 'u') {
				if (c->end - c->p < 6 || hex4(c->p + 2) < 0)
					return -1;
				c->p += 6;
			} else if (strchr("\"\\/bfnrt", c->p[1]) && c->p[1]) {
				c->p += 2;
			} else {
				return -1;
			}
			continue;
		}
		if ((n = json_utf8_len(c->p, (size_t)(c->end - c->p))) == 0)
			return -1;
		c->p += n;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	return 0;
}

static int number(struct cursor *c)
{
	const unsigned char *start = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	while (c->p < c->end && strchr("0123456789.eE+-", *c->p) && *c->p)
		c->p++;
	return c->p > start ? 0 : -1;
}

static int container(struct cursor *c, int depth, char close, int keyed)
{
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		skip_ws(c);
		if (keyed) {
			if (string(c) < 0)
				return -1;
			skip_ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if (value(c, depth + 1) < 0)
			return -1;
		skip_ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
	}
}

static int value(struct cursor *c, int depth)
{
	if (depth > 64)
		return -1;
	skip_ws(c);
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '{': return container(c, depth, '}', 1);
	case '[': return container(c, depth, ']', 0);
	case '"': return string(c);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

int check_json_line(const char *p, size_t len)
{
	struct cursor c = { (const unsigned char *)p, (const unsigned char *)p + len };

	if (len < 3 || p[0] != '{' || p[len - 1] != '\n' || memchr(p, '\n', len - 1))
		return -1;
	c.end--;
	if (value(&c, 0) < 0)
		return -1;
	return c.p == c.end ? 0 : -1;
}

int check_cgi_response(const char *p, size_t len, int with_body)
{
	const char *end = p + len, *line = p, *eol, *body;
	long declared = -1;
	int first = 1;

	for (;;) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL || eol == line || eol[-1] != '\r')
			return -1;
		if (eol - line == 1)
			break;
		if (first) {
			if (strncmp(line, "Status: ", 8) != 0 || eol - line < 13 ||
			    !strchr("12345", line[8]) || line[11] != ' ')
				return -1;
			first = 0;
		} else {
			const char *colon = memchr(line, ':', (size_t)(eol - line));

			if (colon == NULL || colon == line || colon[1] != ' ')
				return -1;
			if (strncmp(line, "Content-Length: ", 16) == 0)
				declared = strtol(line + 16, NULL, 10);
		}
		line = eol + 1;
	}
	if (first)
		return -1;
	body = eol + 1;
	if (!with_body)
		return body == end ? 0 : -1;
	return declared == end - body ? 0 : -1;
}
