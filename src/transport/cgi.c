#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/scan.h"
#include "os/clock.h"
#include "os/fdio.h"
#include "transport/cgi.h"

/* sipgate gives up after about 10 s; nothing we read may take longer. */
#ifndef CGI_READ_MS
#define CGI_READ_MS 5000
#endif
#ifndef CGI_DRAIN_MS
#define CGI_DRAIN_MS 2000
#endif
#ifndef CGI_DRAIN_MAX
#define CGI_DRAIN_MAX (8u << 20)
#endif

enum cgi_method cgi_method(const char *m)
{
	if (m == NULL)
		return CGI_OTHER;
	if (strcmp(m, "POST") == 0)
		return CGI_POST;
	if (strcmp(m, "GET") == 0)
		return CGI_GET;
	if (strcmp(m, "HEAD") == 0)
		return CGI_HEAD;
	return CGI_OTHER;
}

int cgi_is_form(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";
	size_t n = sizeof want - 1;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* A plain decimal number of any length, saturating just above cap; -1 if
 * not one. */
static int parse_decimal(const char *v, size_t cap, size_t *out)
{
	unsigned long long n;

	if (scan_decimal(v, strlen(v), (size_t)-1, &n) < 0)
		return -1;
	*out = n > cap ? cap + 1 : (size_t)n;
	return 0;
}

enum err cgi_content_length(const char *v, size_t max, size_t *len,
    struct fail *f)
{
	if (v == NULL || *v == '\0')
		return err_fail(f, ERR_NO_LENGTH, "a Content-Length is required");
	if (parse_decimal(v, max, len) < 0)
		return err_fail(f, ERR_BAD_LENGTH,
		    "Content-Length is not a plain decimal number");
	if (*len > max)
		return err_fail(f, ERR_TOO_LARGE,
		    "a body of %.24s bytes is larger than the limit of %zu", v, max);
	return ERR_OK;
}

static const char *env_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t stdin_read(void *ctx, void *p, size_t len,
    const struct timespec *deadline)
{
	(void)ctx;
	return fdio_read_until(STDIN_FILENO, p, len, deadline);
}

static int stdout_write(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	return fdio_write_all(STDOUT_FILENO, p, len);
}

static void stderr_diag(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	fdio_stderr(p, len);
}


void cgi_req(struct req *r)
{
	*r = (struct req){ .param = env_param, .read = stdin_read,
	    .write = stdout_write, .diag = stderr_diag, .now = req_wall_clock, .sandbox = 1 };
}

enum err cgi_read_body(const struct req *r, size_t len, char **body,
    struct fail *f)
{
	struct timespec deadline;
	size_t got = 0;
	ssize_t n;
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		return err_fail(f, ERR_INTERNAL, "out of memory for a %zu-byte body", len);
	clock_deadline(&deadline, CGI_READ_MS);
	while (got < len) {
		n = r->read(r->ctx, p + got, len - got, &deadline);
		if (n <= 0) {
			int saved = errno;

			free(p);
			if (n < 0 && saved != ETIMEDOUT)
				return err_fail(f, ERR_SHORT_BODY,
				    "cannot read the body after %zu of %zu bytes: %s",
				    got, len, strerror(saved));
			return err_fail(f, ERR_SHORT_BODY,
			    "body ended after %zu of the %zu bytes announced%s",
			    got, len, n < 0 ? " (timed out)" : "");
		}
		got += (size_t)n;
	}
	p[len] = '\0';
	*body = p;
	return ERR_OK;
}

void cgi_drain(const struct req *r, size_t expected)
{
	struct timespec deadline;
	char scratch[16384];
	size_t limit = expected < CGI_DRAIN_MAX ? expected : CGI_DRAIN_MAX;
	size_t got = 0;
	ssize_t n;

	clock_deadline(&deadline, CGI_DRAIN_MS);
	while (got < limit) {
		n = r->read(r->ctx, scratch, sizeof scratch, &deadline);
		if (n <= 0)
			return;
		got += (size_t)n;
	}
}

size_t cgi_body_pending(const struct req *r, int is_post)
{
	const char *v = req_param(r, "CONTENT_LENGTH");
	size_t n;

	if (v && parse_decimal(v, CGI_DRAIN_MAX, &n) == 0)
		return n;
	return is_post ? CGI_UNKNOWN : 0;
}
