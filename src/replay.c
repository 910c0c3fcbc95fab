#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/conf.h"
#include "os/clock.h"
#include "replay.h"
#include "webhook.h"

static void hand_over(void *ctx, const struct decision *d, const char *record)
{
	struct replay *x = ctx;

	(void)record;
	x->ran = 1;
	if (x->decided)
		x->decided(x, d);
}

int replay_url_stand_in(void)
{
	const char *url = conf_env("SIPGATE_WEBHOOK_URL");

	return url == NULL || *url == '\0';
}

void replay_run(struct replay *x, const char *rules_path, time_t t, const char *query,
    const char *body, size_t len)
{
	struct req r;

	memreq_init(&r, &x->m);
	r.dry_run = hand_over;
	r.outcome = &x->outcome;
	r.ctx = x;
	clock_wall(&x->m.now);
	x->m.body = body;
	x->m.body_len = len;
	snprintf(x->length, sizeof x->length, "%zu", len);
	snprintf(x->at, sizeof x->at, "@%lld", (long long)t);
	memreq_set(&x->m, "REQUEST_METHOD", "POST");
	memreq_set(&x->m, "CONTENT_TYPE", "application/x-www-form-urlencoded");
	memreq_set(&x->m, "CONTENT_LENGTH", x->length);
	memreq_set(&x->m, "QUERY_STRING", query);
	memreq_set(&x->m, "SIPGATE_RULES", rules_path);
	memreq_set(&x->m, "SIPGATE_NOW", x->at);
	memreq_set(&x->m, "SIPGATE_SIGNATURE", "off");
	memreq_set(&x->m, "SIPGATE_LOG", "/nonexistent/not-written-by-a-dry-run");
	memreq_set(&x->m, "SIPGATE_WEBHOOK_URL", conf_env("SIPGATE_WEBHOOK_URL"));
	memreq_set(&x->m, "SIPGATE_FOLLOW", conf_env("SIPGATE_FOLLOW"));
	memreq_set(&x->m, "SIPGATE_STATE_KEY", conf_env("SIPGATE_STATE_KEY"));
	/* The address book as it is now, not as it was at the call. */
	memreq_set(&x->m, "SIPGATE_PHONEBOOK", conf_env("SIPGATE_PHONEBOOK"));
	memreq_set(&x->m, "SIPGATE_COUNTRY", conf_env("SIPGATE_COUNTRY"));
	if (replay_url_stand_in()) {
		memreq_set(&x->m, "HTTP_HOST", "localhost");
		memreq_set(&x->m, "SCRIPT_NAME", "/sipgate");
	}
	webhook_serve(&r);
}

const char *replay_xml(const struct replay *x)
{
	const char *xml = x->m.out.data ? strstr(x->m.out.data, "\r\n\r\n") : NULL;

	if (!x->ran || xml == NULL || x->outcome != ERR_OK)
		return NULL;
	return xml + 4;
}

void replay_free(struct replay *x)
{
	memreq_free(&x->m);
}
