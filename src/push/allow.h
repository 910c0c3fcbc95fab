/* allow: SIPGATE_ALLOW_FROM, a comma-separated list of IPv4/IPv6 addresses
 * and CIDR ranges matched against REMOTE_ADDR (never a forwarded header).
 * A list that cannot be parsed fails closed, as a configuration error. */
#ifndef ALLOW_H
#define ALLOW_H

#include "base/err.h"

/* ERR_OK if list is NULL or remote is in it; ERR_ADDRESS if not;
 * ERR_CONFIG if the list is malformed. */
enum err allow_check(const char *list, const char *remote, struct fail *f);

#endif
