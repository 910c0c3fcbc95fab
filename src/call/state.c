#include <string.h>

#include "call/state.h"
#include "crypto/hmac.h"
#include "push/form.h"
#include "rules/rules.h"

void state_mac(const char *key, size_t key_len, const struct buf *msg, char hex[STATE_MAC_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char mac[SHA256_LEN];
	size_t i;

	hmac_sha256(key, key_len, msg->oom ? "" : msg->data, msg->oom ? 0 : msg->len, mac);
	for (i = 0; i < STATE_MAC_BYTES; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 15];
	}
	hex[STATE_MAC_HEX] = '\0';
}

static void mac_hex(const char *key, size_t key_len, const char *call_id,
    size_t call_id_len, const char *menu, int n, char hex[STATE_MAC_HEX + 1])
{
	struct buf msg = { 0 };

	buf_puts(&msg, "v1|");
	buf_put(&msg, call_id, call_id_len);
	buf_printf(&msg, "|%s|%d", menu, n);
	state_mac(key, key_len, &msg, hex);
	buf_free(&msg);
}

static int is(const struct form_param *p, const char *name)
{
	return p->name_len == strlen(name) && memcmp(p->name, name, p->name_len) == 0;
}

enum state_result state_parse(const char *query, const char *key, size_t key_len,
    const char *call_id, size_t call_id_len, struct state *st)
{
	const struct form_param *m = NULL, *n = NULL, *c = NULL;
	enum state_result rc = STATE_BAD;
	struct fail f;
	struct form form;
	char want[STATE_MAC_HEX + 1];
	size_t i;
	int dup = 0;

	if (query == NULL || *query == '\0')
		return STATE_NONE;
	if (form_decode(query, strlen(query), &form, &f) != ERR_OK)
		return strstr(query, "m=") ? STATE_BAD : STATE_NONE;
	for (i = 0; i < form.count; i++) {
		const struct form_param *p = &form.params[i];

		if (p->bracketed)
			continue;
		if (is(p, "m"))
			dup |= m != NULL, m = p;
		else if (is(p, "n"))
			dup |= n != NULL, n = p;
		else if (is(p, "c"))
			dup |= c != NULL, c = p;
	}
	if (m == NULL) {
		rc = STATE_NONE;
		goto out;
	}
	if (dup || n == NULL || n->value_len != 1 || n->value[0] < '0' || n->value[0] > '9' ||
	    !rules_name_ok(m->value, m->value_len))
		goto out;
	memcpy(st->menu, m->value, m->value_len);
	st->menu[m->value_len] = '\0';
	st->n = n->value[0] - '0';
	if (key != NULL) {
		if (c == NULL || c->value_len != STATE_MAC_HEX)
			goto out;
		mac_hex(key, key_len, call_id, call_id_len, st->menu, st->n, want);
		if (!hmac_equal(want, c->value, STATE_MAC_HEX))
			goto out;
	}
	rc = STATE_OK;
out:
	form_free(&form);
	return rc;
}

void state_url(struct buf *out, const char *base, const char *menu, int n,
    const char *key, size_t key_len, const char *call_id, size_t call_id_len)
{
	char hex[STATE_MAC_HEX + 1];

	buf_puts(out, base);
	buf_putc(out, strchr(base, '?') ? '&' : '?');
	buf_printf(out, "m=%s&n=%d", menu, n);
	if (key != NULL) {
		mac_hex(key, key_len, call_id, call_id_len, menu, n, hex);
		buf_printf(out, "&c=%s", hex);
	}
}
