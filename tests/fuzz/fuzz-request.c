/*
 * libFuzzer: one whole request through webhook_serve(), in-process: the
 * variables, the body and the clock come from memory, and the response
 * and diagnostics go back to memory (src/memreq.c), through the same
 * struct req the CGI fills from its environment.  The first input bytes pick the method,
 * media type, length, signature header and settings; the rest is the
 * body.  Asserts that every response is a well-formed CGI response, every
 * diagnostic is whole lines, and the log holds exactly one valid JSON line
 * after a 200 and none after anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "push/memreq.h"
#include "webhook.h"

/* The real request's signature (tests/fixtures/signed-newcall.sig). */
#include "signed-newcall.inc"

static const char *const methods[] = { "POST", "POST", "POST", "GET", "HEAD", "post", "PUT", "" };
static const char *const types[] = {
	"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
	"APPLICATION/X-WWW-FORM-URLENCODED", "text/plain",
};
static const char *const follows[] = { "answer,hangup", "answer", "hangup", "none", "bogus" };
static const char *const sigs[] = { "off", "log", "require", "off" };

static int log_fd = -1;
static char log_path[64];

/* Every diagnostic is complete lines, each starting with our name. */
static int check_diag(const char *p, size_t len)
{
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		if (i - start < 17 || memcmp(p + start, "sipgate-webhook: ", 17) != 0)
			return -1;
		start = i + 1;
	}
	return start == len ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memreq m = { 0 };
	struct req r;
	char cl[32], *log;
	size_t log_len, start, i, lines = 0;
	off_t end;
	const char *method;
	uint8_t a, b;

	if (size < 2)
		return 0;
	memreq_init(&r, &m);
	a = data[0];
	b = data[1];
	data += 2;
	size -= 2;
	if (log_fd < 0) {
		snprintf(log_path, sizeof log_path, "/tmp/fuzz-request-%ld.jsonl", (long)getpid());
		if ((log_fd = open(log_path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
			abort();
	}
	if (ftruncate(log_fd, 0) < 0)
		abort();

	method = methods[a & 7];
	memreq_set(&m, "REQUEST_METHOD", method);
	memreq_set(&m, "CONTENT_TYPE", types[(a >> 3) & 3]);
	switch ((a >> 5) & 7) {
	case 0: break;
	case 1: memreq_set(&m, "CONTENT_LENGTH", "+12"); break;
	case 2: snprintf(cl, sizeof cl, "%zu", size + 5); memreq_set(&m, "CONTENT_LENGTH", cl); break;
	case 3: snprintf(cl, sizeof cl, "%zu", size / 2); memreq_set(&m, "CONTENT_LENGTH", cl); break;
	default: snprintf(cl, sizeof cl, "%zu", size); memreq_set(&m, "CONTENT_LENGTH", cl); break;
	}
	memreq_set(&m, "SIPGATE_FOLLOW", follows[b % 5]);
	memreq_set(&m, "SIPGATE_SIGNATURE", sigs[(b >> 3) & 3]);
	if (b & 0x20)
		memreq_set(&m, "SIPGATE_WEBHOOK_URL", "https://h.example/a?b=1&c=\"<x>\"");
	if (b & 0x40)
		memreq_set(&m, "HTTP_X_SIPGATE_SIGNATURE", signed_newcall_sig);
	memreq_set(&m, "HTTP_HOST", (b & 0x80) ? "h.example:8080" : "[::1");
	memreq_set(&m, "SERVER_NAME", "fallback.example");
	memreq_set(&m, "SERVER_PORT", "8443");
	memreq_set(&m, "SCRIPT_NAME", "/sipgate");
	memreq_set(&m, "REMOTE_ADDR", "192.0.2.1");
	memreq_set(&m, "SIPGATE_LOG", log_path);
	memreq_set(&m, "SIPGATE_SYNC", "0");
	m.body = (const char *)data;
	m.body_len = size;
	m.now.tv_sec = 1795000000 + (time_t)(a ^ b);
	m.now.tv_nsec = 123456789;

	webhook_serve(&r);

	if (m.out.oom || m.diag.oom)
		abort();
	if (check_cgi_response(m.out.data, m.out.len, strcmp(method, "HEAD") != 0) != 0) {
		fprintf(stderr, "bad response:\n%.*s\n", (int)m.out.len, m.out.data);
		abort();
	}
	if (check_diag(m.diag.data, m.diag.len) != 0) {
		fprintf(stderr, "bad diagnostics:\n%.*s\n", (int)m.diag.len, m.diag.data);
		abort();
	}
	if ((end = lseek(log_fd, 0, SEEK_END)) < 0 || (log = malloc((size_t)end + 1)) == NULL ||
	    pread(log_fd, log, (size_t)end, 0) != end)
		abort();
	log_len = (size_t)end;
	for (start = 0, i = 0; i < log_len; i++) {
		if (log[i] == '\n') {
			if (check_json_line(log + start, i + 1 - start) != 0) {
				fprintf(stderr, "bad log line:\n%.*s\n", (int)(i + 1 - start), log + start);
				abort();
			}
			start = i + 1;
			lines++;
		}
	}
	if (start != log_len)
		abort();	/* a torn last line */
	/* A 200 to a POST means its line was logged; an error, that none was
	 * (a newCall whose follow-up URL fails is logged and then answered 500). */
	if (strcmp(method, "POST") == 0 && memcmp(m.out.data, "Status: 200", 11) == 0 && lines != 1)
		abort();
	if (lines > 1 || (lines == 1 && strcmp(method, "POST") != 0))
		abort();
	free(log);
	memreq_free(&m);
	return 0;
}
