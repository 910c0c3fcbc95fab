/* url: the absolute URL sipgate should post follow-up events to, derived
 * from the request (RFC 3875 variables) when SIPGATE_WEBHOOK_URL is unset,
 * so that a plain install subscribes to itself. */
#ifndef URL_H
#define URL_H

#include "base/buf.h"
#include "base/err.h"
#include "push/req.h"

/* Refused (ERR_CONFIG) when the request came through HTTP authentication:
 * such a URL would carry no credentials. */
enum err url_derive(struct buf *out, const struct req *r, struct fail *f);

#endif
