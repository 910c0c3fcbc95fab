/* base64: strict decoding of the standard alphabet (RFC 4648 section 4),
 * and encoding into it (a Content-Security-Policy's hash).
 * The input must be a whole number of 4-character groups, '=' only as
 * final padding, and unused bits zero, so each byte string has exactly one
 * accepted encoding. */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/* Decodes into out, which has room for size bytes; returns the decoded
 * length, or -1 if the input is not canonical base64 or would not fit. */
long base64_decode(const char *in, size_t len, unsigned char *out, size_t size);

/* Encodes len bytes, padded, into out, which has room for 4 * ((len + 2) / 3)
 * characters and a NUL. */
void base64_encode(const unsigned char *in, size_t len, char *out);

#endif
