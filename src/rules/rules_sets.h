/* rules_sets: the names a rules file defines and uses: the list, hours
 * and dates statements, their files, the menus' names, and the references
 * made before a definition (pending until it comes, an error if never). */
#ifndef RULES_SETS_H
#define RULES_SETS_H

#include "rules/rules_base.h"

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

#endif
