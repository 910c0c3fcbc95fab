/* Checks the fuzz targets assert on every output: a log line is one valid
 * JSON object in valid UTF-8 ending in "\n"; a response is a well-formed
 * CGI response whose Content-Length is right. */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>

/* 0 if p[0..len) is one JSON object followed by exactly one '\n'. */
int check_json_line(const char *p, size_t len);

/* 0 if p[0..len) is "Status: NNN reason", header lines, an empty line and
 * a body as long as Content-Length says (with_body 0: no body). */
int check_cgi_response(const char *p, size_t len, int with_body);

#endif
