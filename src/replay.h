/* replay: one push run through the webhook's own story as a dry run (the
 * log is not written), at a given time, with the settings --explain and
 * --diff take from the environment (SIPGATE_WEBHOOK_URL, SIPGATE_FOLLOW,
 * SIPGATE_STATE_KEY).  The decision goes to a callback while it is valid;
 * the response stays in the memreq until replay_free. */
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>
#include <time.h>

#include "push/memreq.h"

struct decision;

struct replay {
	struct memreq m;	/* first: the memreq callbacks find it */
	/* Called once the rules decided (d NULL: the event has no rules). */
	void (*decided)(struct replay *x, const struct decision *d);
	int ran;		/* decided was called */
	enum err outcome;	/* what the request was answered with */
	char length[24], at[24];
};

/* Whether SIPGATE_WEBHOOK_URL is unset, so that http://localhost/sipgate
 * stands in for it. */
int replay_url_stand_in(void);

/* Runs a POST of body with the rules at rules_path (absolute) at time t,
 * with query as its QUERY_STRING (may be NULL). */
void replay_run(struct replay *x, const char *rules_path, time_t t, const char *query,
    const char *body, size_t len);

/* The XML of a 200 answer, or NULL when the request was refused (the
 * outcome says why). */
const char *replay_xml(const struct replay *x);

void replay_free(struct replay *x);

#endif
