/* sig: checks X-Sipgate-Signature (base64 of an RSA PKCS#1 v1.5 SHA-256
 * signature over the exact raw body) and names the outcome for the log. */
#ifndef SIG_H
#define SIG_H

#include <stddef.h>

#include "crypto/rsa.h"

enum sig_outcome { SIG_VALID, SIG_INVALID, SIG_MISSING, SIG_UNCHECKED };

/* header may be NULL.  On anything but SIG_VALID, why says what failed. */
enum sig_outcome sig_check(const struct rsa_key *key, const char *header,
    const char *body, size_t len, const char **why);

const char *sig_outcome_name(enum sig_outcome o);

#endif
