/* csv: a string as one field of RFC 4180 CSV, as jq's @csv writes it:
 * quoted, a quote doubled, every other byte as it is. */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

#include "base/buf.h"

void csv_put_string(struct buf *out, const char *p, size_t n);

#endif
