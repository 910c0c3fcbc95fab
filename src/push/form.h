/* form: decodes an application/x-www-form-urlencoded body into its
 * parameters, in arrival order, byte-exact (NUL and non-UTF-8 survive).
 * A name whose decoded form ends in "[]" is marked as an array member and
 * stored without the brackets; malformed %-escapes are refused. */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#include "base/err.h"

struct form_param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	int bracketed;
};

struct form {
	struct form_param *params;
	size_t count;
	char *store;	/* the decoded bytes the params point into */
};

enum err form_decode(const char *body, size_t len, struct form *out,
    struct fail *f);

/* The first parameter called name (array member or not), or NULL. */
const struct form_param *form_get(const struct form *form, const char *name);
/* Whether p is there and its value is exactly the string value. */
int form_is(const struct form_param *p, const char *value);

void form_free(struct form *form);

#endif
