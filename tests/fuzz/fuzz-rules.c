/*
 * libFuzzer: the call rules parser, the evaluation and the number
 * normalisation.  Input: a rules file, then optionally a 0x01 byte and a
 * form body.  Asserts that the parser either accepts the file or names
 * where it is wrong ("file:line: message" or "file: message"), that an
 * accepted file decides a newCall and a dtmf built from the body without
 * an error and into valid JSON and XML, and that a number normalises to
 * 1-20 digits and the same way on both sides.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call/decide.h"
#include "call/reply.h"
#include "check.h"

static char path[64];

static void write_file(const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		abort();
}

/* Every line is "PATH:N: text" or "PATH: text" for the rules or a list file. */
static void check_errors(const struct buf *errors)
{
	const char *p = errors->data, *end = p + errors->len, *nl;

	if (errors->len == 0 || p[errors->len - 1] != '\n')
		abort();
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || memchr(p, ':', (size_t)(nl - p)) == NULL || nl - p < 3)
			abort();
	}
}

static void check_numbers(const char *p, size_t n)
{
	struct number rule, in;
	char why[200];
	size_t i;

	number_incoming(p, n, "49", &in);
	if (in.kind == NUMBER_DIGITS) {
		size_t len = strlen(in.digits);

		if (len < 1 || len > NUMBER_MAX)
			abort();
		for (i = 0; i < len; i++)
			if (in.digits[i] < '0' || in.digits[i] > '9')
				abort();
	}
	if (number_rule(p, n, "49", &rule, why, sizeof why) == NULL &&
	    rule.kind == NUMBER_DIGITS && !rule.prefix && in.kind == NUMBER_DIGITS &&
	    !number_match(&rule, &in))
		abort();	/* one normalisation for both sides */
}

static void decide_one(const char *body, size_t len, int dtmf, const struct rules *r)
{
	struct decide_input in = { 0 };
	struct decision d;
	struct buf json = { 0 }, xml = { 0 };
	struct fail f;
	struct form form;
	char query[64];
	enum err rc;

	if (form_decode(body, len, &form, &f) != ERR_OK)
		return;
	snprintf(query, sizeof query, "m=%s&n=0", r->nmenus ? r->menus[0].name : "x");
	in.rules_path = path;
	in.form = &form;
	in.dtmf = dtmf;
	in.query = query;
	in.now = 1772615700 + (time_t)len * 3607;
	rc = decide(&in, &d, &f);
	if (rc != ERR_OK && rc != ERR_STATE)
		abort();
	if (rc == ERR_OK) {
		if (d.error[0] && strncmp(d.error, "stale menu", 10) != 0)
			abort();	/* the file was accepted: it must decide */
		buf_puts(&json, "{\"rule\":");
		decide_json(&json, &d);
		buf_puts(&json, "}\n");
		if (json.oom || check_json_line(json.data, json.len) != 0)
			abort();
		reply_xml(&xml, 3, "https://h.example/?a=1&b=2", &d, "https://h.example/?m=x&n=0");
		if (xml.oom || xml.len < 40 || xml.data[xml.len - 1] != '\n')
			abort();
	}
	buf_free(&json);
	buf_free(&xml);
	decide_free(&d);
	form_free(&form);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0x01, size);
	size_t rules_len = sep ? (size_t)(sep - data) : size;
	const char *body = sep ? (const char *)sep + 1 : "event=newCall&direction=in&from=0211123&callId=1";
	size_t body_len = sep ? size - rules_len - 1 : strlen(body);
	struct buf errors = { 0 };
	struct rules *r;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz-rules-%ld", (long)getpid());
	write_file(data, rules_len);
	check_numbers(body, body_len < 64 ? body_len : 64);

	r = rules_load(path, RULES_CHECK, &errors, NULL);
	if (r == NULL) {
		check_errors(&errors);
	} else {
		if (errors.len != 0)
			abort();
		decide_one(body, body_len, 0, r);
		decide_one(body, body_len, 1, r);
		rules_free(r);
	}
	buf_free(&errors);
	return 0;
}
