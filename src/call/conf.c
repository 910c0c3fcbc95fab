#include <string.h>

#include "call/conf.h"
#include "base/scan.h"
#include "call/state.h"

#ifndef LOGFILE
#define LOGFILE "/var/log/sipgate-webhook/events.jsonl"
#endif

static const char *setting(const struct req *r, const char *name)
{
	const char *v = req_param(r, name);

	return v && *v ? v : NULL;
}

static int parse_follow(const char *v, unsigned *follow)
{
	const char *p = v;
	size_t n;

	*follow = 0;
	if (strcmp(v, "none") == 0)
		return 0;
	for (;;) {
		n = strcspn(p, ",");
		if (n == 6 && strncmp(p, "answer", n) == 0)
			*follow |= CONF_FOLLOW_ANSWER;
		else if (n == 6 && strncmp(p, "hangup", n) == 0)
			*follow |= CONF_FOLLOW_HANGUP;
		else
			return -1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int parse_epoch(const char *v, time_t *out)
{
	unsigned long long n;

	if (*v++ != '@' || scan_decimal(v, strlen(v), 12, &n) < 0)
		return -1;
	*out = (time_t)n;
	return 0;
}

static int plausible_url(const char *v)
{
	const unsigned char *p;

	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return 0;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7F)
			return 0;
	return 1;
}

/* Where the event goes, and what the reply subscribes to. */
static enum err delivery_settings(struct conf *c, const struct req *r, struct fail *f)
{
	const char *v;

	c->log_path = setting(r, "SIPGATE_LOG");
	if (c->log_path == NULL)
		c->log_path = LOGFILE;
	if (c->log_path[0] != '/')	/* relative to wherever the server runs us */
		return fail_set(f, ERR_CONFIG, "SIPGATE_LOG must be an absolute path");

	c->follow = CONF_FOLLOW_ANSWER | CONF_FOLLOW_HANGUP;
	if ((v = setting(r, "SIPGATE_FOLLOW")) && parse_follow(v, &c->follow) < 0)
		return fail_set(f, ERR_CONFIG,
		    "SIPGATE_FOLLOW=%.64s: want answer,hangup or answer or hangup or none", v);

	c->webhook_url = setting(r, "SIPGATE_WEBHOOK_URL");
	if (c->webhook_url && !plausible_url(c->webhook_url))
		return fail_set(f, ERR_CONFIG,
		    "SIPGATE_WEBHOOK_URL must be an absolute http:// or https:// URL without spaces");

	c->sync = 1;
	if ((v = setting(r, "SIPGATE_SYNC")) && parse_bool(v, &c->sync) < 0)
		return fail_set(f, ERR_CONFIG, "SIPGATE_SYNC=%.64s: want 1 or 0", v);
	return ERR_OK;
}

/* Whom the program believes: the signature policy, the key, the sources. */
static enum err trust_settings(struct conf *c, const struct req *r, struct fail *f)
{
	const char *v;

	c->signature = CONF_SIG_REQUIRE;
	if ((v = setting(r, "SIPGATE_SIGNATURE"))) {
		if (strcmp(v, "require") == 0)
			c->signature = CONF_SIG_REQUIRE;
		else if (strcmp(v, "log") == 0)
			c->signature = CONF_SIG_LOG;
		else if (strcmp(v, "off") == 0)
			c->signature = CONF_SIG_OFF;
		else
			return fail_set(f, ERR_CONFIG,
			    "SIPGATE_SIGNATURE=%.64s: want require, log or off", v);
	}
	c->public_key = setting(r, "SIPGATE_PUBLIC_KEY");
	c->allow_from = setting(r, "SIPGATE_ALLOW_FROM");
	return ERR_OK;
}

/* The call rules, the menus' key, and the time they decide at. */
static enum err rules_settings(struct conf *c, const struct req *r, struct fail *f)
{
	const char *v;

	c->rules = setting(r, "SIPGATE_RULES");
	if (c->rules && c->rules[0] != '/')
		return fail_set(f, ERR_CONFIG, "SIPGATE_RULES must be an absolute path");
	c->state_key = setting(r, "SIPGATE_STATE_KEY");
	if (c->state_key && strlen(c->state_key) < STATE_MIN_KEY)
		return fail_set(f, ERR_CONFIG, "SIPGATE_STATE_KEY must be at least %d bytes", STATE_MIN_KEY);
	c->rules_strict = 0;
	if ((v = setting(r, "SIPGATE_RULES_STRICT")) && parse_bool(v, &c->rules_strict) < 0)
		return fail_set(f, ERR_CONFIG, "SIPGATE_RULES_STRICT=%.64s: want 1 or 0", v);
	c->has_now = 0;
	if ((v = setting(r, "SIPGATE_NOW")) && parse_epoch(v, &c->now) < 0)
		return fail_set(f, ERR_CONFIG, "SIPGATE_NOW=%.64s: want @ and seconds since 1970", v);
	c->has_now = v != NULL;
	return ERR_OK;
}

enum err conf_load(struct conf *c, const struct req *r, struct fail *f)
{
	enum err rc;

	if ((rc = delivery_settings(c, r, f)) != ERR_OK || (rc = trust_settings(c, r, f)) != ERR_OK)
		return rc;
	return rules_settings(c, r, f);
}
