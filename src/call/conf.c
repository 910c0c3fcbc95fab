#include <sys/stat.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/scan.h"
#include "os/file.h"
#include "call/conf.h"
#include "call/state.h"

#define STR(x) #x
#define XSTR(x) STR(x)

/* Each parser takes the value (NULL when unset and without a default) and
 * fills its field; -1 if the value cannot be understood. */
typedef int conf_parser(const char *v, void *field);

static int absolute_path(const char *v, void *field)
{
	*(const char **)field = v;
	return v == NULL || v[0] == '/' ? 0 : -1;	/* not relative to wherever the server runs us */
}

static int text(const char *v, void *field)
{
	*(const char **)field = v;
	return 0;
}

static int follow(const char *v, void *field)
{
	unsigned *follow = field;
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

static int boolean(const char *v, void *field)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *(int *)field = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *(int *)field = 0, 0;
	}
	return -1;
}

static int url(const char *v, void *field)
{
	const unsigned char *p;

	*(const char **)field = v;
	if (v == NULL)
		return 0;
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return -1;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7F)
			return -1;
	return 0;
}

static int signature(const char *v, void *field)
{
	static const char *const names[] = {
		[CONF_SIG_REQUIRE] = "require", [CONF_SIG_LOG] = "log", [CONF_SIG_OFF] = "off"
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(v, names[i]) == 0)
			return *(enum conf_signature *)field = (enum conf_signature)i, 0;
	return -1;
}

static int state_key(const char *v, void *field)
{
	*(const char **)field = v;
	return v == NULL || strlen(v) >= STATE_MIN_KEY ? 0 : -1;
}

/* A secret from a file (a systemd credential, or one only root and the
 * server's group may read), so that it is in no environment or unit file
 * every local user can read.  A trailing newline is not part of it. */
static int secret_file(const char *v, void *field)
{
	struct conf_secret *secret = field;
	char why[160], *data;
	struct stat st;
	size_t len;

	secret->path = v;
	secret->value[0] = '\0';
	if (v == NULL)
		return 0;
	if (v[0] != '/' || (data = file_read(v, CONF_SECRET_MAX + 1, &len, &st, why, sizeof why)) == NULL)
		return -1;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len > CONF_SECRET_MAX || len < STATE_MIN_KEY || memchr(data, '\0', len)) {
		free(data);
		return -1;
	}
	memcpy(secret->value, data, len);
	secret->value[len] = '\0';
	free(data);
	return 0;
}

/* A country calling code: 1 to 3 digits, not starting with 0. */
static int country(const char *v, void *field)
{
	size_t n = strspn(v, "0123456789");

	*(const char **)field = v;
	return n >= 1 && n <= 3 && v[n] == '\0' && v[0] != '0' ? 0 : -1;
}

static int epoch(const char *v, void *field)
{
	struct conf_now *now = field;
	unsigned long long n;

	now->set = v != NULL;
	if (v == NULL)
		return 0;
	if (*v++ != '@' || scan_decimal(v, strlen(v), 12, &n) < 0)
		return -1;
	now->t = (time_t)n;
	return 0;
}

static int workers(const char *v, void *field)
{
	unsigned long long n;
	long cpus;

	if (v == NULL) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus < 1 ? 1 : cpus > CONF_MAX_WORKERS ? CONF_MAX_WORKERS : (unsigned long long)cpus;
	} else if (scan_decimal(v, strlen(v), 5, &n) < 0 || n < 1 || n > CONF_MAX_WORKERS)
		return -1;
	*(unsigned *)field = (unsigned)n;
	return 0;
}

enum conf_scope { CONF_REQUEST, CONF_PROCESS };

static const struct conf_setting {
	const char *name;
	enum conf_scope scope;
	conf_parser *parse;
	size_t field;		/* in struct conf, or struct conf_process */
	const char *def;	/* taken when unset; NULL: the parser's own */
	int show_value;		/* the message repeats a bad value (never a secret) */
	const char *want;	/* what a value must be */
	const char *help;
} settings[] = {
	/* In this order: a request with several bad settings is told of the first. */
	{ "SIPGATE_LOG", CONF_REQUEST, absolute_path, offsetof(struct conf, log_path), CONF_LOG_DEFAULT, 0,
	  "an absolute path", "the event log (JSON Lines)" },
	{ "SIPGATE_FOLLOW", CONF_REQUEST, follow, offsetof(struct conf, follow), "answer,hangup", 1,
	  "answer,hangup or answer or hangup or none", "the follow-up events a newCall subscribes to" },
	{ "SIPGATE_WEBHOOK_URL", CONF_REQUEST, url, offsetof(struct conf, webhook_url), NULL, 0,
	  "an absolute http:// or https:// URL without spaces", "the URL follow-up events go to; unset: derived" },
	{ "SIPGATE_SYNC", CONF_REQUEST, boolean, offsetof(struct conf, sync), "1", 1,
	  "1 or 0", "whether each record is synced to disk before the answer" },
	{ "SIPGATE_SIGNATURE", CONF_REQUEST, signature, offsetof(struct conf, signature), "require", 1,
	  "require, log or off", "require, log or off: what a push without a valid signature gets" },
	{ "SIPGATE_PUBLIC_KEY", CONF_REQUEST, text, offsetof(struct conf, public_key), NULL, 0,
	  "a PEM file", "sipgate's key as a PEM file; unset: built in" },
	{ "SIPGATE_ALLOW_FROM", CONF_REQUEST, text, offsetof(struct conf, allow_from), NULL, 0,
	  "addresses and CIDR ranges", "the senders allowed, by address or range" },
	{ "SIPGATE_CALLS_USERS", CONF_REQUEST, text, offsetof(struct conf, calls_users), NULL, 0,
	  "user names separated by commas", "who may open the calls page; unset: every user the web server authenticated" },
	{ "SIPGATE_RULES", CONF_REQUEST, absolute_path, offsetof(struct conf, rules), NULL, 0,
	  "an absolute path", "the call rules file" },
	{ "SIPGATE_PHONEBOOK", CONF_REQUEST, absolute_path, offsetof(struct conf, phonebook), NULL, 0,
	  "an absolute path", "the address book: a vCard file, a folder of .vcf files or number-TAB-name lines" },
	{ "SIPGATE_COUNTRY", CONF_REQUEST, country, offsetof(struct conf, country), "49", 1,
	  "a country calling code of 1 to 3 digits", "the country of national numbers in the address book" },
	{ "SIPGATE_STATE_KEY", CONF_REQUEST, state_key, offsetof(struct conf, state_key), NULL, 0,
	  "at least " XSTR(STATE_MIN_KEY) " bytes", "the key that signs menu state" },
	{ "SIPGATE_STATE_KEY_FILE", CONF_REQUEST, secret_file, offsetof(struct conf, state_key_file), NULL, 0,
	  "an absolute path to a readable file of " XSTR(STATE_MIN_KEY) " to " XSTR(CONF_SECRET_MAX) " bytes",
	  "a file holding the state key (a systemd credential)" },
	{ "SIPGATE_RULES_STRICT", CONF_REQUEST, boolean, offsetof(struct conf, rules_strict), "0", 1,
	  "1 or 0", "whether a rules file that cannot be used answers 500" },
	{ "SIPGATE_NOW", CONF_REQUEST, epoch, offsetof(struct conf, now), NULL, 1,
	  "@ and seconds since 1970", "the time the rules decide at, for tests" },
	{ "SIPGATE_WORKERS", CONF_PROCESS, workers, offsetof(struct conf_process, workers), NULL, 0,
	  "a number from 1 to " XSTR(CONF_MAX_WORKERS), "FastCGI: how many workers; unset: the CPUs" },
};

const char *conf_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static const char *request_setting(const struct req *r, const char *name)
{
	const char *v = req_param(r, name);

	if (v && *v)
		return v;
	return r->env_settings ? conf_env(name) : NULL;
}

static enum err take(const struct conf_setting *s, const char *v, void *base, struct fail *f)
{
	if (v == NULL)
		v = s->def;
	if (s->parse(v, (char *)base + s->field) == 0)
		return ERR_OK;
	if (s->show_value)
		return err_fail(f, ERR_CONFIG, "%s=%.64s: want %s", s->name, v, s->want);
	return err_fail(f, ERR_CONFIG, "%s must be %s", s->name, s->want);
}

enum err conf_load(struct conf *c, const struct req *r, struct fail *f)
{
	enum err rc;
	size_t i;

	for (i = 0; i < sizeof settings / sizeof *settings; i++)
		if (settings[i].scope == CONF_REQUEST &&
		    (rc = take(&settings[i], request_setting(r, settings[i].name), c, f)) != ERR_OK)
			return rc;
	if (c->state_key_file.path) {
		if (c->state_key)
			return err_fail(f, ERR_CONFIG, "set SIPGATE_STATE_KEY or SIPGATE_STATE_KEY_FILE, not both");
		c->state_key = c->state_key_file.value;
	}
	return ERR_OK;
}

enum err conf_process_load(struct conf_process *p, struct fail *f)
{
	enum err rc;
	size_t i;

	for (i = 0; i < sizeof settings / sizeof *settings; i++)
		if (settings[i].scope == CONF_PROCESS &&
		    (rc = take(&settings[i], conf_env(settings[i].name), p, f)) != ERR_OK)
			return rc;
	return ERR_OK;
}

void conf_help(FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof settings / sizeof *settings; i++)
		fprintf(out, "  %-22s %s\n", settings[i].name, settings[i].help);
}
