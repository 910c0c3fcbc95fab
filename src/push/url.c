#include <string.h>
#include <strings.h>

#include "push/url.h"

#define HOST_MAX 255

static const char *env(const struct req *r, const char *name)
{
	const char *v = req_param(r, name);

	return v && *v ? v : NULL;
}

static int is_https(const struct req *r)
{
	const char *https = env(r, "HTTPS"), *scheme = env(r, "REQUEST_SCHEME");

	return (https && strcasecmp(https, "on") == 0) ||
	    (scheme && strcasecmp(scheme, "https") == 0);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * A host is a DNS name, an IPv4 address or a bracketed IPv6 address, with an
 * optional :port.  Anything else, or something overlong, is not used: the
 * Host header is the client's to choose.  Sets *has_port.
 */
static int valid_host(const char *h, int *has_port)
{
	size_t len = strlen(h), name_end, i;

	if (len == 0 || len > HOST_MAX)
		return 0;
	if (h[0] == '[') {
		const char *close = strchr(h, ']');

		if (close == NULL || close == h + 1)
			return 0;
		for (i = 1; h + i < close; i++)
			if (!strchr("0123456789abcdefABCDEF:.", h[i]))
				return 0;
		name_end = (size_t)(close - h) + 1;
	} else {
		name_end = strcspn(h, ":");
		if (name_end == 0)
			return 0;
		for (i = 0; i < name_end; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", h[i]))
				return 0;
	}
	if (h[name_end] == '\0') {
		*has_port = 0;
		return 1;
	}
	*has_port = 1;
	return h[name_end] == ':' && all_digits(h + name_end + 1, len - name_end - 1);
}

/* The server hands the path over decoded: encode what a URL cannot hold. */
static void put_path(struct buf *out, const char *p)
{
	static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-._~!$&'()*+,;=:@/";

	for (; *p; p++) {
		if (strchr(keep, *p))
			buf_putc(out, *p);
		else
			buf_printf(out, "%%%02X", (unsigned char)*p);
	}
}

enum err url_derive(struct buf *out, const struct req *r, struct fail *f)
{
	const char *host = env(r, "HTTP_HOST"), *port = env(r, "SERVER_PORT");
	const char *script = env(r, "SCRIPT_NAME"), *info = env(r, "PATH_INFO");
	int https = is_https(r), has_port = 0;

	if (env(r, "AUTH_TYPE") || env(r, "REMOTE_USER"))
		return err_fail(f, ERR_CONFIG,
		    "HTTP authentication is on, so set SIPGATE_WEBHOOK_URL with the credentials in it: "
		    "a derived follow-up URL has none, and sipgate's answer and hangup pushes would get 401");

	if (host == NULL || !valid_host(host, &has_port))
		host = env(r, "SERVER_NAME");
	if (host == NULL || !valid_host(host, &has_port))
		return err_fail(f, ERR_CONFIG,
		    "cannot derive the webhook URL (no usable HTTP_HOST or SERVER_NAME); set SIPGATE_WEBHOOK_URL");

	buf_puts(out, https ? "https://" : "http://");
	buf_puts(out, host);
	if (!has_port && port && all_digits(port, strlen(port)) &&
	    strcmp(port, https ? "443" : "80") != 0) {
		buf_putc(out, ':');
		buf_puts(out, port);
	}
	if (script == NULL && info == NULL)
		buf_putc(out, '/');
	if (script)
		put_path(out, script);
	if (info)
		put_path(out, info);
	if (out->oom)
		return err_fail(f, ERR_INTERNAL, "out of memory deriving the webhook URL");
	return ERR_OK;
}
