/* url: the absolute URL sipgate should post follow-up events to, derived
 * from the request (RFC 3875 variables) when SIPGATE_WEBHOOK_URL is unset,
 * so that a plain install subscribes to itself. */
#ifndef URL_H
#define URL_H

#include "buf.h"
#include "err.h"

enum err url_derive(struct buf *out, struct fail *f);

#endif
