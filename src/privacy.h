/* privacy: what the event logs hold about one phone number, for the person
 * who asks (--export): every record of every call the number took part in
 * (as caller, callee, diversion or answering number, in any form numbers
 * arrive in), the legs tied to such a call by origCallId included, printed
 * as the logs hold them (or as CSV rows). */
#ifndef PRIVACY_H
#define PRIVACY_H

#include <stddef.h>

/* 0 when it printed records, 1 when the logs hold none about the number,
 * 2 when the number is none or a log cannot be read (said on stderr).
 * country: SIPGATE_COUNTRY's, for numbers written with a trunk 0; csv: a
 * row of the record's main fields each, after a header, for a spreadsheet. */
int privacy_export(const char *number, const char *country, int csv, char **logs, size_t nlogs);

#endif
