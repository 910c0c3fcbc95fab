/* reply: every response the program gives, built complete in one buffer
 * (CGI headers, then the XML or text) so it can be written at once. */
#ifndef REPLY_H
#define REPLY_H

#include "base/buf.h"
#include "base/err.h"
#include "call/decide.h"

/* The XML answer to an accepted event: onAnswer/onHangup for follow
 * (CONF_FOLLOW_* bits) pointing at url, and the verbs of the call rules'
 * decision d (NULL: none); gather_url is the onData URL of a Gather. */
void reply_event(struct buf *out, unsigned follow, const char *url,
    const struct decision *d, const char *gather_url);

/* The XML body alone, as reply_event sends it (for --explain). */
void reply_xml(struct buf *xml, unsigned follow, const char *url,
    const struct decision *d, const char *gather_url);

/* The status and the one-line reason; with_body 0 for HEAD. */
void reply_error(struct buf *out, const struct fail *f, int with_body);

/* 200 "ok" for the health check, or "ok, but NOTE" for what is amiss
 * without failing it (note NULL or empty: nothing). */
void reply_ok(struct buf *out, const char *note, int with_body);

/* 200 with the calls page: html in lang ("de", "en") under policy, a
 * Content-Security-Policy; never kept by a cache (it holds personal data). */
void reply_page(struct buf *out, const struct buf *html, const char *lang,
    const char *policy, int with_body);

#endif
