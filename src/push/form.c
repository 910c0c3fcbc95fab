#include <stdlib.h>
#include <string.h>

#include "push/form.h"

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes body[start..end) into out; returns the decoded length, or -1 with
 * *bad set to the offset of a malformed escape.  Written by hand because
 * sscanf("%2hhx") would accept "% 4" and "%+4".
 */
static long decode_part(const char *body, size_t start, size_t end, char *out,
    size_t *bad)
{
	size_t i, n = 0;
	int hi, lo;

	for (i = start; i < end; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '+') {
			out[n++] = ' ';
		} else if (c == '%') {
			if (end - i < 3 ||
			    (hi = hex_value((unsigned char)body[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)body[i + 2])) < 0) {
				*bad = i;
				return -1;
			}
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[n++] = (char)c;
		}
	}
	return (long)n;
}

static size_t count_pairs(const char *body, size_t len)
{
	size_t i, n = 1;

	for (i = 0; i < len; i++)
		if (body[i] == '&')
			n++;
	return n;
}

enum err form_decode(const char *body, size_t len, struct form *out,
    struct fail *f)
{
	size_t pos = 0, used = 0, bad;
	long n;

	memset(out, 0, sizeof *out);
	out->params = calloc(count_pairs(body, len), sizeof *out->params);
	out->store = malloc(len + 1);
	if (out->params == NULL || out->store == NULL) {
		form_free(out);
		return err_fail(f, ERR_INTERNAL, "out of memory decoding the body");
	}

	while (pos <= len) {
		const char *amp = memchr(body + pos, '&', len - pos);
		size_t end = amp ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + pos, '=', end - pos);
		size_t key_end = eq ? (size_t)(eq - body) : end;
		struct form_param *p = &out->params[out->count];

		if (end > pos) {
			p->name = out->store + used;
			if ((n = decode_part(body, pos, key_end, out->store + used, &bad)) < 0)
				goto malformed;
			p->name_len = (size_t)n;
			used += p->name_len;
			p->value = out->store + used;
			if (eq && (n = decode_part(body, key_end + 1, end, out->store + used, &bad)) < 0)
				goto malformed;
			p->value_len = eq ? (size_t)n : 0;
			used += p->value_len;
			if (p->name_len >= 2 && memcmp(p->name + p->name_len - 2, "[]", 2) == 0) {
				p->name_len -= 2;
				p->bracketed = 1;
			}
			out->count++;
		}
		pos = end + 1;
	}
	return ERR_OK;

malformed:
	form_free(out);
	return err_fail(f, ERR_BAD_FORM,
	    "malformed percent-encoding at byte %zu of the body (want %%HH with two hex digits)",
	    bad + 1);
}

const struct form_param *form_get(const struct form *form, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < form->count; i++)
		if (form->params[i].name_len == len &&
		    memcmp(form->params[i].name, name, len) == 0)
			return &form->params[i];
	return NULL;
}

void form_free(struct form *form)
{
	free(form->params);
	free(form->store);
	memset(form, 0, sizeof *form);
}

int form_is(const struct form_param *p, const char *value)
{
	size_t len = strlen(value);

	return p != NULL && p->value_len == len && memcmp(p->value, value, len) == 0;
}
