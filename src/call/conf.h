/* conf: the settings, read once per request from its variables (Apache
 * SetEnv, nginx fastcgi_param).  An empty value counts as unset.  A value that
 * cannot be understood is an error: the program never guesses. */
#ifndef CONF_H
#define CONF_H

#include <time.h>

#include "base/err.h"
#include "push/req.h"

#define CONF_FOLLOW_ANSWER 1u
#define CONF_FOLLOW_HANGUP 2u

enum conf_signature { CONF_SIG_REQUIRE, CONF_SIG_LOG, CONF_SIG_OFF };

struct conf {
	const char *log_path;		/* SIPGATE_LOG */
	unsigned follow;		/* SIPGATE_FOLLOW */
	const char *webhook_url;	/* SIPGATE_WEBHOOK_URL; NULL: derive */
	int sync;			/* SIPGATE_SYNC */
	enum conf_signature signature;	/* SIPGATE_SIGNATURE */
	const char *public_key;		/* SIPGATE_PUBLIC_KEY; NULL: built in */
	const char *allow_from;		/* SIPGATE_ALLOW_FROM; NULL: anyone */
	const char *rules;		/* SIPGATE_RULES; NULL: no call rules */
	const char *state_key;		/* SIPGATE_STATE_KEY; NULL: no MAC */
	int rules_strict;		/* SIPGATE_RULES_STRICT */
	int has_now;			/* SIPGATE_NOW=@EPOCH, for tests */
	time_t now;
};

enum err conf_load(struct conf *c, const struct req *r, struct fail *f);

#endif
