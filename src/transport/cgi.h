/* cgi: the request as RFC 3875 hands it over (environment and stdin, the
 * response on stdout), and the body reading every transport shares: bounded
 * in bytes and in time, so no client or server can keep a process busy. */
#ifndef CGI_H
#define CGI_H

#include <stddef.h>

#include "base/err.h"
#include "push/req.h"

/* The largest body accepted; exactly this many bytes is still fine. */
#ifndef CGI_MAX_BODY
#define CGI_MAX_BODY 65536
#endif

enum cgi_method { CGI_GET, CGI_HEAD, CGI_POST, CGI_OTHER };

enum cgi_method cgi_method(const char *request_method);

/* Whether CONTENT_TYPE names application/x-www-form-urlencoded. */
int cgi_is_form(const char *content_type);

/* Parses CONTENT_LENGTH: a plain decimal number no larger than max. */
enum err cgi_content_length(const char *value, size_t max, size_t *len,
    struct fail *f);

/* Fills r with this process's CGI request: the environment, fds 0-2 and
 * the real clock. */
void cgi_req(struct req *r);

/* Reads exactly len body bytes into a new buffer (NUL-terminated). */
enum err cgi_read_body(const struct req *r, size_t len, char **body,
    struct fail *f);

/* Reads and discards up to expected body bytes (CGI_UNKNOWN: until the
 * end), bounded in bytes and time, because Apache cuts off a response that
 * is sent while it is still writing the body. */
#define CGI_UNKNOWN ((size_t)-1)
void cgi_drain(const struct req *r, size_t expected);

/* How much cgi_drain should take if the body is never read: what
 * CONTENT_LENGTH announces, or for a POST without a usable one, all. */
size_t cgi_body_pending(const struct req *r, int is_post);

#endif
