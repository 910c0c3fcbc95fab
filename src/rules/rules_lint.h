/* rules_lint: what --check says about a file that is valid: rules an
 * earlier one always takes first, dial targets that are also to
 * conditions, empty lists.  Only warnings; a request never runs it. */
#ifndef RULES_LINT_H
#define RULES_LINT_H

#include "rules/rules_base.h"

void rules_lint(struct parser *p);

#endif
