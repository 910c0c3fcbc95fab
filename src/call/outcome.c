#include <stdio.h>
#include <string.h>

#include "base/scan.h"
#include "call/outcome.h"
#include "call/state.h"
#include "crypto/hmac.h"
#include "push/form.h"

/* The flags as letters, so that a URL reads as what it says; "-": none. */
static const struct { unsigned bit; char letter; } letters[] = {
	{ OUTCOME_VOICEMAIL_LEG, 'v' }, { OUTCOME_REJECTED, 'r' }, { OUTCOME_TO_VOICEMAIL, 'm' },
};
#define NLETTERS (sizeof letters / sizeof *letters)

static void flag_text(unsigned flags, char out[NLETTERS + 1])
{
	size_t i, n = 0;

	for (i = 0; i < NLETTERS; i++)
		if (flags & letters[i].bit)
			out[n++] = letters[i].letter;
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

/* The lengths keep "A|B" one user and "A", "B" two. */
static void mac_hex(const char *key, size_t key_len, const char *call_id, size_t call_id_len,
    const struct outcome_facts *facts, const char *flags, char hex[STATE_MAC_HEX + 1])
{
	struct buf msg = { 0 };
	size_t i;

	buf_puts(&msg, "o1|");
	buf_put(&msg, call_id, call_id_len);
	buf_printf(&msg, "|%lld|%s", facts->start_ms, flags);
	for (i = 0; i < facts->nusers; i++)
		buf_printf(&msg, "|%zu:%s", strlen(facts->users[i]), facts->users[i]);
	state_mac(key, key_len, &msg, hex);
	buf_free(&msg);
}

/* START.FLAGS.MAC from v[0..len). */
static int split(const char *v, size_t len, struct outcome_facts *facts, char flags[NLETTERS + 1],
    const char **mac)
{
	const char *dot1 = memchr(v, '.', len), *dot2, *end = v + len;
	unsigned long long ms;
	size_t i, j, n;

	if (dot1 == NULL || (dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1))) == NULL)
		return -1;
	if (scan_decimal(v, (size_t)(dot1 - v), 15, &ms) < 0)
		return -1;
	n = (size_t)(dot2 - dot1 - 1);
	if (n == 0 || n > NLETTERS || (size_t)(end - dot2 - 1) != STATE_MAC_HEX)
		return -1;
	memcpy(flags, dot1 + 1, n);
	flags[n] = '\0';
	facts->start_ms = (long long)ms;
	facts->flags = 0;
	for (i = 0; i < n && strcmp(flags, "-") != 0; i++) {
		for (j = 0; j < NLETTERS && letters[j].letter != flags[i]; j++)
			;
		if (j == NLETTERS)
			return -1;
		facts->flags |= letters[j].bit;
	}
	*mac = dot2 + 1;
	return 0;
}

/* A user name that can be carried: 1 to 64 bytes, no NUL. */
static int carried(const char *v, size_t len)
{
	return len > 0 && len <= OUTCOME_USER_MAX && memchr(v, '\0', len) == NULL;
}

static void add_user(struct outcome_facts *facts, const char *v, size_t len)
{
	memcpy(facts->users[facts->nusers], v, len);
	facts->users[facts->nusers++][len] = '\0';
}

/* The u= parameters, in order; -1 if one could never have been ours. */
static int read_users(const struct form *form, struct outcome_facts *facts)
{
	size_t i;

	facts->nusers = 0;
	for (i = 0; i < form->count; i++) {
		const struct form_param *p = &form->params[i];

		if (p->name_len != 1 || p->name[0] != 'u' || p->bracketed)
			continue;
		if (facts->nusers == OUTCOME_USERS_MAX || !carried(p->value, p->value_len))
			return -1;
		add_user(facts, p->value, p->value_len);
	}
	return 0;
}

enum outcome_read outcome_parse(const char *query, const char *key, size_t key_len,
    const char *call_id, size_t call_id_len, struct outcome_facts *facts)
{
	const struct form_param *o = NULL;
	enum outcome_read rc = OUTCOME_REFUSED;
	char flags[NLETTERS + 1], want[STATE_MAC_HEX + 1], canon[NLETTERS + 1];
	const char *mac;
	struct form form;
	struct fail f;
	size_t i;
	int dup = 0;

	if (query == NULL || strstr(query, "o=") == NULL)
		return OUTCOME_NONE;
	if (form_decode(query, strlen(query), &form, &f) != ERR_OK)
		return OUTCOME_REFUSED;
	for (i = 0; i < form.count; i++)
		if (form.params[i].name_len == 1 && form.params[i].name[0] == 'o' && !form.params[i].bracketed)
			dup |= o != NULL, o = &form.params[i];
	if (o == NULL)
		rc = OUTCOME_NONE;
	else if (!dup && key != NULL && split(o->value, o->value_len, facts, flags, &mac) == 0 &&
	    read_users(&form, facts) == 0) {
		/* One spelling of the flags only, so that a MAC covers one meaning. */
		flag_text(facts->flags, canon);
		mac_hex(key, key_len, call_id, call_id_len, facts, canon, want);
		if (strcmp(canon, flags) == 0 && hmac_equal(want, mac, STATE_MAC_HEX))
			rc = OUTCOME_OK;
	}
	form_free(&form);
	return rc;
}

void outcome_url(struct buf *out, const char *base, const struct outcome_facts *facts,
    const char *key, size_t key_len, const char *call_id, size_t call_id_len)
{
	char flags[NLETTERS + 1], hex[STATE_MAC_HEX + 1];
	size_t i;

	flag_text(facts->flags, flags);
	mac_hex(key, key_len, call_id, call_id_len, facts, flags, hex);
	buf_puts(out, base);
	buf_putc(out, strchr(base, '?') ? '&' : '?');
	buf_printf(out, "o=%lld.%s.%s", facts->start_ms, flags, hex);
	for (i = 0; i < facts->nusers; i++) {
		buf_puts(out, "&u=");
		buf_put_urlencoded(out, facts->users[i], strlen(facts->users[i]));
	}
}

void outcome_users(const struct form *form, struct outcome_facts *facts)
{
	size_t i;

	facts->nusers = 0;
	for (i = 0; i < form->count && facts->nusers < OUTCOME_USERS_MAX; i++) {
		const struct form_param *p = &form->params[i];

		if (p->name_len == 4 && memcmp(p->name, "user", 4) == 0 && carried(p->value, p->value_len))
			add_user(facts, p->value, p->value_len);
	}
}

unsigned outcome_leg(const struct form *form)
{
	size_t i;

	for (i = 0; i < form->count; i++)
		if (form->params[i].name_len == 4 && memcmp(form->params[i].name, "user", 4) == 0 &&
		    form_is(&form->params[i], "voicemail"))
			return OUTCOME_VOICEMAIL_LEG;
	return 0;
}

static int cause_is(const char *cause, size_t len, const char *name)
{
	return cause && len == strlen(name) && memcmp(cause, name, len) == 0;
}

const char *outcome_of(const char *cause, size_t cause_len, const struct outcome_facts *facts)
{
	unsigned flags = facts ? facts->flags : 0;

	if (cause_is(cause, cause_len, "forwarded"))
		return "forwarded";
	if (flags & OUTCOME_REJECTED)
		return "rejected";
	if (cause_is(cause, cause_len, "normalClearing"))
		return flags & (OUTCOME_VOICEMAIL_LEG | OUTCOME_TO_VOICEMAIL) ? "voicemail" : "answered";
	/* Nobody took it: the caller gave up, nobody answered, all were busy,
	 * or the number could not be reached. */
	if (cause_is(cause, cause_len, "cancel") || cause_is(cause, cause_len, "noAnswer") ||
	    cause_is(cause, cause_len, "busy") || cause_is(cause, cause_len, "notFound"))
		return "missed";
	return "failed";
}
