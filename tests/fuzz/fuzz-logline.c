/* libFuzzer: any bytes as a line of the event log, through the reader
 * --diff and --replay use.  Asserts that a record has a time and an event,
 * that the form body it rebuilds is well-formed x-www-form-urlencoded, and
 * that every field is NUL-terminated whatever the line, and that the list
 * of parameters --calls walks ends exactly at its end, one pair per
 * '=' of the body; and that a logline reused from the last input (a
 * reader's buffers are reused line after line) gives what a fresh one
 * gives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push/logline.h"

static int urlencoded(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = p[i];

		if (c == '%') {
			if (len - i < 3 || !strchr("0123456789ABCDEF", p[i + 1]) || !p[i + 1] ||
			    !strchr("0123456789ABCDEF", p[i + 2]) || !p[i + 2])
				return 0;
			i += 2;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr("-._~&=", c))))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline l = { 0 };
	int rc = logline_parse((const char *)data, size, &l);

	if (rc < 0)
		abort();
	if (l.received.data[l.received.len] != '\0' || l.event.data[l.event.len] != '\0' ||
	    l.body.data[l.body.len] != '\0' || l.call_id.data[l.call_id.len] != '\0')
		abort();
	if (rc == 1 && (l.received.len == 0 || l.event.len == 0))
		abort();
	if (!urlencoded(l.body.data, l.body.len))
		abort();
	if (l.rule.data[l.rule.len] != '\0' || l.caller.data[l.caller.len] != '\0' ||
	    l.outcome.data[l.outcome.len] != '\0')
		abort();
	{
		size_t pos = 0, nlen, vlen, pairs = 0, eqs = 0, i;
		const char *name, *value;

		while (logline_pair(&l, &pos, &name, &nlen, &value, &vlen))
			pairs++;
		if (pos != l.pairs.len)
			abort();
		for (i = 0; i < l.body.len; i++)
			eqs += l.body.data[i] == '=';
		if (pairs != eqs)
			abort();
	}
	{
		static struct logline reused;
		int again = logline_parse((const char *)data, size, &reused);

		if (again != rc || reused.pairs.len != l.pairs.len ||
		    (l.pairs.len && memcmp(reused.pairs.data, l.pairs.data, l.pairs.len)) ||
		    reused.body.len != l.body.len ||
		    (l.body.len && memcmp(reused.body.data, l.body.data, l.body.len)) ||
		    strcmp(reused.received.data, l.received.data) || strcmp(reused.event.data, l.event.data) ||
		    strcmp(reused.call_id.data, l.call_id.data) || strcmp(reused.rule.data, l.rule.data) ||
		    strcmp(reused.caller.data, l.caller.data) || strcmp(reused.outcome.data, l.outcome.data))
			abort();
	}
	logline_free(&l);
	return 0;
}
