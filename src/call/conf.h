/* conf: the settings, from one table (name, parser, field, default, what a
 * value must be, a line of help), as nginx's ngx_command_t is the model:
 * loading, --help and the documentation check all read it.  A request's
 * settings come from its variables (Apache SetEnv, nginx fastcgi_param),
 * or, where the transport says so, from the process environment
 * (systemd's Environment=); a process's settings from its environment.
 * An empty value counts as unset.  A value that cannot be understood is an
 * error: the program never guesses. */
#ifndef CONF_H
#define CONF_H

#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "push/req.h"

#define CONF_FOLLOW_ANSWER 1u
#define CONF_FOLLOW_HANGUP 2u
#define CONF_MAX_WORKERS 1024
/* The longest state key a file may hold. */
#define CONF_SECRET_MAX 1024

/* The log when SIPGATE_LOG is unset: the build's LOGFILE. */
#ifdef LOGFILE
#define CONF_LOG_DEFAULT LOGFILE
#else
#define CONF_LOG_DEFAULT "/var/log/sipgate-webhook/events.jsonl"
#endif

/* Where the shipped address book sync writes the book and its index. */
#define CONF_PHONEBOOK_DIR "/var/lib/sipgate-webhook-phonebook"

enum conf_signature { CONF_SIG_REQUIRE, CONF_SIG_LOG, CONF_SIG_OFF };

/* A request's settings. */
struct conf {
	const char *log_path;		/* SIPGATE_LOG */
	unsigned follow;		/* SIPGATE_FOLLOW */
	const char *webhook_url;	/* SIPGATE_WEBHOOK_URL; NULL: derive */
	int sync;			/* SIPGATE_SYNC */
	enum conf_signature signature;	/* SIPGATE_SIGNATURE */
	const char *public_key;		/* SIPGATE_PUBLIC_KEY; NULL: built in */
	const char *allow_from;		/* SIPGATE_ALLOW_FROM; NULL: anyone */
	const char *rules;		/* SIPGATE_RULES; NULL: no call rules */
	const char *phonebook;		/* SIPGATE_PHONEBOOK; NULL: none */
	const char *country;		/* SIPGATE_COUNTRY */
	const char *state_key;		/* SIPGATE_STATE_KEY, or the file's; NULL: no MAC */
	struct conf_secret {
		const char *path;	/* SIPGATE_STATE_KEY_FILE */
		char value[CONF_SECRET_MAX + 1];
	} state_key_file;
	int rules_strict;		/* SIPGATE_RULES_STRICT */
	const char *calls_users;	/* SIPGATE_CALLS_USERS; NULL: any authenticated */
	struct conf_now {
		int set;
		time_t t;
	} now;				/* SIPGATE_NOW=@EPOCH, for tests */
};

/* The FastCGI server's settings. */
struct conf_process {
	unsigned workers;		/* SIPGATE_WORKERS; unset: the CPUs */
};

enum err conf_load(struct conf *c, const struct req *r, struct fail *f);
enum err conf_process_load(struct conf_process *p, struct fail *f);

/* A setting as the process environment has it (NULL: unset or empty), for
 * a dry run that takes some of a shell's settings. */
const char *conf_env(const char *name);

/* Every setting with its line of help, for --help. */
void conf_help(FILE *out);

#endif
