/* reply: every response the program gives, built complete in one buffer
 * (CGI headers, then the XML or text) so it can be written at once. */
#ifndef REPLY_H
#define REPLY_H

#include "buf.h"
#include "err.h"

/* The XML answer to an accepted event: onAnswer/onHangup for follow
 * (CONF_FOLLOW_* bits) pointing at url, or an empty <Response/>. */
void reply_event(struct buf *out, unsigned follow, const char *url);

/* The status and the one-line reason; with_body 0 for HEAD. */
void reply_error(struct buf *out, const struct fail *f, int with_body);

/* 200 "ok" for the health check. */
void reply_ok(struct buf *out, int with_body);

#endif
