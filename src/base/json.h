/* json: writes arbitrary bytes as one JSON string.  Valid UTF-8 is kept,
 * control characters, '"' and '\' are escaped, and every byte that is not
 * part of valid UTF-8 becomes the code point of the same value (0xF6 ->
 * \u00f6), so the output is always valid JSON and no byte is dropped. */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#include "base/buf.h"

void json_put_string(struct buf *b, const char *s, size_t len);

/* The length of the valid UTF-8 sequence at s, or 0 if none starts there. */
size_t json_utf8_len(const unsigned char *s, size_t len);

/* Whether s[0..len) is valid UTF-8 throughout. */
int json_utf8_valid(const char *s, size_t len);

#endif
