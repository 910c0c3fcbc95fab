/* outcome: how a call leg ended, with no state on the server.  The facts
 * of its newCall (when it started, whether the rules rejected it or sent
 * it to the voicemail, whether it is the voicemail's own leg) ride in the
 * onAnswer/onHangup URL as o=START.FLAGS.MAC, where MAC is the first 16
 * bytes of HMAC-SHA256(state key, "o1|callId|START|FLAGS") in hex, and the
 * users it rang as u=NAME, one each, the MAC then covering "|LEN:NAME" for
 * each; the hangup reads them back and, with its cause, names the outcome. */
#ifndef OUTCOME_H
#define OUTCOME_H

#include <stddef.h>

#include "base/buf.h"
#include "push/form.h"

#define OUTCOME_VOICEMAIL_LEG 1u	/* the newCall had user[]=voicemail */
#define OUTCOME_REJECTED 2u		/* the rules rejected it or hung up */
#define OUTCOME_TO_VOICEMAIL 4u		/* the rules sent it to the voicemail */

/* The users a leg carries: the first 8 the newCall names, each of at most
 * 64 bytes (a longer or empty one is not carried), so that the URLs stay
 * short whatever the group. */
#define OUTCOME_USERS_MAX 8
#define OUTCOME_USER_MAX 64

struct outcome_facts {
	long long start_ms;		/* the newCall's time, ms since 1970 */
	unsigned flags;
	size_t nusers;
	char users[OUTCOME_USERS_MAX][OUTCOME_USER_MAX + 1];
};

enum outcome_read {
	OUTCOME_NONE,		/* no o= in the query */
	OUTCOME_OK,
	OUTCOME_REFUSED		/* malformed, not signed with this key, or another call's */
};

/* OUTCOME_VOICEMAIL_LEG for a newCall of the voicemail's own leg. */
unsigned outcome_leg(const struct form *form);

/* The newCall's user[] into facts, as many as fit (see above). */
void outcome_users(const struct form *form, struct outcome_facts *facts);

/* The facts in QUERY_STRING query (may be NULL), bound to call_id. */
enum outcome_read outcome_parse(const char *query, const char *key, size_t key_len,
    const char *call_id, size_t call_id_len, struct outcome_facts *facts);

/* Appends base, then ? or &, then o=START.FLAGS.MAC and &u=NAME for each user. */
void outcome_url(struct buf *out, const char *base, const struct outcome_facts *facts,
    const char *key, size_t key_len, const char *call_id, size_t call_id_len);

/* The outcome of a hangup with cause (NULL: none) and the newCall's
 * facts (NULL: unknown): answered, missed, voicemail, rejected,
 * forwarded or failed. */
const char *outcome_of(const char *cause, size_t cause_len, const struct outcome_facts *facts);

#endif
