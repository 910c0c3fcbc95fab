#include <arpa/inet.h>
#include <string.h>

#include "base/scan.h"
#include "push/allow.h"

#define ENTRY_MAX 64

struct addr {
	unsigned char b[16];
	int family;	/* AF_INET: the first 4 bytes count */
};

/* IPv4-mapped IPv6 (::ffff:a.b.c.d) is compared as the IPv4 address. */
static int parse_addr(const char *s, struct addr *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) != 1)
		return -1;
	a->family = AF_INET6;
	if (memcmp(a->b, mapped, sizeof mapped) == 0) {
		memmove(a->b, a->b + 12, 4);
		a->family = AF_INET;
	}
	return 0;
}

static int parse_prefix(const char *s, int max)
{
	unsigned long long n;

	if (scan_decimal(s, strlen(s), 3, &n) < 0)
		return -1;
	return n <= (unsigned long long)max ? (int)n : -1;
}

static int in_range(const struct addr *a, const struct addr *net, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	unsigned char mask = (unsigned char)(0xFF << (8 - rest));

	if (a->family != net->family || memcmp(a->b, net->b, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a->b[full] ^ net->b[full]) & mask) == 0;
}

/* Parses one entry ("addr" or "addr/prefix"); -1 if malformed. */
static int parse_entry(const char *s, size_t len, struct addr *net, int *prefix)
{
	char text[ENTRY_MAX];
	char *slash;
	int max, written_as_v6;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof text)
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if ((slash = strchr(text, '/')))
		*slash = '\0';
	if (parse_addr(text, net) < 0)
		return -1;
	written_as_v6 = strchr(text, ':') != NULL;
	max = written_as_v6 ? 128 : 32;
	*prefix = slash ? parse_prefix(slash + 1, max) : max;
	if (*prefix < 0)
		return -1;
	/* An IPv4-mapped range counts 96 bits of prefix before the IPv4 part. */
	if (net->family == AF_INET && written_as_v6) {
		if (*prefix < 96)
			return -1;
		*prefix -= 96;
	}
	return 0;
}

enum err allow_check(const char *list, const char *remote, struct fail *f)
{
	struct addr peer, net;
	const char *p;
	int prefix, have_peer, match = 0;
	char text[ENTRY_MAX];
	size_t n;

	if (list == NULL)
		return ERR_OK;
	have_peer = remote && strlen(remote) < sizeof text;
	if (have_peer) {
		strcpy(text, remote);
		text[strcspn(text, "%")] = '\0';	/* an IPv6 zone */
		have_peer = parse_addr(text, &peer) == 0;
	}
	for (p = list;; p += n + 1) {
		n = strcspn(p, ",");
		if (parse_entry(p, n, &net, &prefix) < 0)
			return err_fail(f, ERR_CONFIG,
			    "SIPGATE_ALLOW_FROM: cannot parse the entry \"%.*s\"",
			    (int)(n < 64 ? n : 64), p);
		if (have_peer && in_range(&peer, &net, prefix))
			match = 1;
		if (p[n] == '\0')
			break;
	}
	if (!match)
		return err_fail(f, ERR_ADDRESS, "request from %.64s refused by SIPGATE_ALLOW_FROM",
		    remote ? remote : "an unknown address");
	return ERR_OK;
}
