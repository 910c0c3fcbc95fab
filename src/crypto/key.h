/* key: sipgate's RSA public key, built in from src/sipgate-push.pem, or
 * another one read from a PEM file (SubjectPublicKeyInfo, rsaEncryption,
 * 2048 to 8192 bits) so that a rotated key needs no rebuild. */
#ifndef KEY_H
#define KEY_H


#include "base/err.h"
#include "crypto/rsa.h"
#include "crypto/sha256.h"

/* path NULL: the built-in key.  fingerprint (may be NULL) receives the
 * SHA-256 of the key's DER form. */
enum err key_load(const char *path, struct rsa_key *key,
    unsigned char fingerprint[SHA256_LEN], struct fail *f);

/* The key a request checks against, parsed once per process: the built-in
 * one, or the file's, parsed again only when the file changes (a new
 * inode, size or time stamp).  Valid until the next call. */
enum err key_get(const char *path, const struct rsa_key **key, struct fail *f);

#endif
