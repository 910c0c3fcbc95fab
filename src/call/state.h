/* state: where a caller is in a menu, carried in the Gather's onData URL
 * as m (menu), n (tries so far) and, with SIPGATE_STATE_KEY, c: the first
 * 16 bytes of HMAC-SHA256(key, "v1|callId|m|n") in hex, so that a state
 * cannot be forged or moved to another call.  Nothing is kept on disk. */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>

#include "base/buf.h"
#include "rules/rules.h"

#define STATE_MIN_KEY 16
/* The MAC as it stands in the URL: 16 bytes in hex. */
#define STATE_MAC_BYTES 16
#define STATE_MAC_HEX (2 * STATE_MAC_BYTES)

enum state_result {
	STATE_NONE,	/* no m: not a Gather of ours */
	STATE_OK,
	STATE_BAD	/* malformed, or the MAC is missing or wrong: 403 */
};

struct state {
	char menu[RULES_NAME_MAX + 1];
	int n;
};

/* The first STATE_MAC_BYTES of HMAC-SHA256(key, msg) in hex, as every
 * signed value in a URL of ours carries it. */
void state_mac(const char *key, size_t key_len, const struct buf *msg, char hex[STATE_MAC_HEX + 1]);

/* Reads QUERY_STRING (may be NULL); key NULL: no MAC expected. */
enum state_result state_parse(const char *query, const char *key, size_t key_len,
    const char *call_id, size_t call_id_len, struct state *st);

/* Appends base, then ? or &, then m=MENU&n=N and &c=MAC when key is set. */
void state_url(struct buf *out, const char *base, const char *menu, int n,
    const char *key, size_t key_len, const char *call_id, size_t call_id_len);

#endif
