/* number: one normalisation for phone numbers in rules and in pushes.
 * Separators go, a leading +, 00 or 0 (that one becomes the country code)
 * is dealt with once (a "(0)" after + or 00 goes too), and 1 to 20 digits
 * must remain.  "anonymous" (any
 * case), an empty value and a missing one are anonymous. */
#ifndef NUMBER_H
#define NUMBER_H

#include <stddef.h>

#define NUMBER_MAX 20

enum number_kind {
	NUMBER_DIGITS,		/* digits holds 1 to 20 digits */
	NUMBER_ANONYMOUS,
	NUMBER_INVALID		/* not a number: matches no number */
};

struct number {
	enum number_kind kind;
	int prefix;			/* a rule entry that ended in '*' */
	char digits[NUMBER_MAX + 1];
};

/* A value from a push (from, to, diversion); p may be NULL (missing). */
void number_incoming(const char *p, size_t len, const char *country,
    struct number *out);

/* A rule entry: a number, prefix* or anonymous.  Returns NULL, or why it
 * is refused (a static string, or one formatted into why[why_len]). */
const char *number_rule(const char *p, size_t len, const char *country,
    struct number *out, char *why, size_t why_len);

/* Whether incoming value v is matched by rule entry e. */
int number_match(const struct number *e, const struct number *v);

#endif
