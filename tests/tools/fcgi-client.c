/* A FastCGI client for the tests: sends requests to a unix socket the way
 * nginx does and reports what came back.
 *
 *   fcgi-client [options] SOCKET [NAME=VALUE ...] < body
 *     -k        FCGI_KEEP_CONN, and every request over one connection
 *     -n N      send the request N times (default 1)
 *     -c C      from C processes at once, N each
 *     -s        only each response's status, one a line (-1: none came)
 *     -r ROLE   the role in FCGI_BEGIN_REQUEST (default 1, responder)
 *     -i ID     the request id (default 1)
 *     -p N      params and stdin in records of at most N bytes
 *     -A        abort: send params and half the body, then FCGI_ABORT_REQUEST
 *     -R        raw: send stdin as it is, then print every record received
 *               until the peer closes (or 5 s pass)
 *
 * Without -s and -R: the FCGI_STDOUT stream on stdout, FCGI_STDERR on
 * stderr, then "end app=A status=S" on stderr.  Exit 0, or 2 when the
 * connection failed or closed before FCGI_END_REQUEST. */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int keep, summary, abort_it, raw;
static unsigned role = 1, reqid = 1;
static size_t chunk = 65535;
static char *body;
static size_t body_len;
static const char *sock_path;

static int dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strncpy(sa.sun_path, sock_path, sizeof sa.sun_path - 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror(sock_path);
		exit(2);
	}
	return fd;
}

static void put(char **b, size_t *len, const void *p, size_t n)
{
	*b = realloc(*b, *len + n);
	memcpy(*b + *len, p, n);
	*len += n;
}

static void record(char **b, size_t *len, int type, unsigned id,
    const void *p, size_t n)
{
	unsigned char h[8] = { 1, (unsigned char)type, (unsigned char)(id >> 8),
	    (unsigned char)id, (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };

	put(b, len, h, 8);
	put(b, len, p, n);
}

static void stream(char **b, size_t *len, int type, const char *p, size_t n)
{
	size_t k;

	for (; n > 0; p += k, n -= k) {
		k = n < chunk ? n : chunk;
		record(b, len, type, reqid, p, k);
	}
}

static void pair_len(char **b, size_t *len, size_t n)
{
	unsigned char l[4] = { (unsigned char)(n >> 24 | 0x80), (unsigned char)(n >> 16),
	    (unsigned char)(n >> 8), (unsigned char)n };

	if (n < 128)
		put(b, len, (unsigned char[]){ (unsigned char)n }, 1);
	else
		put(b, len, l, 4);
}

static char *build(size_t *len, char **params, int nparams)
{
	unsigned char begin[8] = { (unsigned char)(role >> 8), (unsigned char)role,
	    (unsigned char)(keep ? 1 : 0), 0, 0, 0, 0, 0 };
	char *b = NULL, *pairs = NULL;
	size_t plen = 0;
	int i;

	*len = 0;
	record(&b, len, 1, reqid, begin, 8);
	for (i = 0; i < nparams; i++) {
		char *eq = strchr(params[i], '=');
		size_t nl = eq ? (size_t)(eq - params[i]) : strlen(params[i]);
		const char *v = eq ? eq + 1 : "";

		pair_len(&pairs, &plen, nl);
		pair_len(&pairs, &plen, strlen(v));
		put(&pairs, &plen, params[i], nl);
		put(&pairs, &plen, v, strlen(v));
	}
	stream(&b, len, 4, pairs, plen);
	record(&b, len, 4, reqid, "", 0);
	if (abort_it) {
		stream(&b, len, 5, body, body_len / 2);
		record(&b, len, 2, reqid, "", 0);
	} else {
		stream(&b, len, 5, body, body_len);
		record(&b, len, 5, reqid, "", 0);
	}
	free(pairs);
	return b;
}

static int send_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = send(fd, p, n, MSG_NOSIGNAL)) < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int read_full(int fd, unsigned char *p, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t k;

	while (n > 0) {
		if (poll(&pfd, 1, 30000) <= 0)
			return -1;
		if ((k = read(fd, p, n)) <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads records until this request's FCGI_END_REQUEST; the status code of
 * the response (from its Status: line) or -1. */
static int response(int fd, int print)
{
	unsigned char h[8], c[65535 + 255];
	char *out = NULL;
	size_t out_len = 0, n;
	int status = -1;

	for (;;) {
		if (read_full(fd, h, 8) < 0)
			break;
		n = (size_t)h[4] << 8 | h[5];
		if (read_full(fd, c, n + h[6]) < 0)
			break;
		if (h[1] == 6)
			put(&out, &out_len, c, n);
		else if (h[1] == 7 && print)
			fwrite(c, 1, n, stderr);
		else if (h[1] == 3) {
			if (print) {
				if (out_len > 0)
					fwrite(out, 1, out_len, stdout);
				fprintf(stderr, "end app=%u status=%u\n",
				    (unsigned)c[0] << 24 | c[1] << 16 | c[2] << 8 | c[3], c[4]);
			}
			put(&out, &out_len, "", 1);
			status = strncmp(out, "Status: ", 8) == 0 ? atoi(out + 8) : 0;
			break;
		}
	}
	free(out);
	return status;
}

static void raw_mode(void)
{
	unsigned char h[8], c[65535 + 255];
	size_t n, i;
	int fd = dial();

	send_all(fd, body, body_len);
	shutdown(fd, SHUT_WR);
	for (;;) {
		if (read_full(fd, h, 8) < 0)
			break;
		n = (size_t)h[4] << 8 | h[5];
		if (read_full(fd, c, n + h[6]) < 0) {
			printf("truncated record\n");
			break;
		}
		printf("type=%u id=%u len=%zu ", h[1], (unsigned)h[2] << 8 | h[3], n);
		for (i = 0; i < n; i++)
			if (c[i] >= 0x20 && c[i] < 0x7f && c[i] != '\\')
				putchar(c[i]);
			else
				printf("\\x%02x", c[i]);
		putchar('\n');
	}
	printf("closed\n");
}

int main(int argc, char **argv)
{
	long count = 1, procs = 1, p, i;
	char *req, buf[65536];
	size_t req_len;
	ssize_t k;
	int opt, fd = -1, st;

	while ((opt = getopt(argc, argv, "kn:c:sr:i:p:AR")) != -1) {
		switch (opt) {
		case 'k': keep = 1; break;
		case 'n': count = atol(optarg); break;
		case 'c': procs = atol(optarg); break;
		case 's': summary = 1; break;
		case 'r': role = (unsigned)atoi(optarg); break;
		case 'i': reqid = (unsigned)atoi(optarg); break;
		case 'p': chunk = (size_t)atol(optarg); break;
		case 'A': abort_it = 1; break;
		case 'R': raw = 1; break;
		default: return 64;
		}
	}
	if (optind >= argc)
		return 64;
	sock_path = argv[optind++];
	while ((k = read(0, buf, sizeof buf)) > 0)
		put(&body, &body_len, buf, (size_t)k);
	if (raw) {
		raw_mode();
		free(body);
		return 0;
	}
	req = build(&req_len, argv + optind, argc - optind);
	for (p = 0; p < procs; p++) {
		if (procs > 1 && fork() != 0)
			continue;
		for (i = 0; i < count; i++) {
			if (fd < 0 || !keep)
				fd = dial();
			if (send_all(fd, req, req_len) < 0)
				st = -1;
			else
				st = response(fd, !summary);
			if (summary)
				printf("%d\n", st);
			if (st < 0 && !summary) {
				free(req);
				free(body);
				return 2;
			}
			if (st < 0 || !keep) {
				close(fd);
				fd = -1;
			}
		}
		if (procs > 1) {
			fflush(stdout);
			_exit(0);
		}
	}
	while (procs > 1 && wait(NULL) > 0)
		;
	free(req);
	free(body);
	return 0;
}
