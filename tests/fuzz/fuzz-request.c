/*
 * libFuzzer: one whole request, environment and body, through main.c
 * (built with main renamed to webhook_main).  The first input bytes pick
 * the method, media type, length, signature header and settings; the rest
 * is the body.  Asserts that every response is a well-formed CGI response
 * and every line added to the log is valid JSON.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int webhook_main(void);

/* A fuzzer must not take the CPU-time limit meant for one request. */
int fuzz_harden_process(void);
int fuzz_harden_process(void)
{
	return 0;
}

static const char *const methods[] = { "POST", "POST", "POST", "GET", "HEAD", "post", "PUT", "" };
static const char *const types[] = {
	"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
	"APPLICATION/X-WWW-FORM-URLENCODED", "text/plain",
};
static const char *const follows[] = { "answer,hangup", "answer", "hangup", "none", "bogus" };
static const char *const sigs[] = { "off", "log", "require", "off" };

static char log_path[64];

static int memfd_with(const void *p, size_t n)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return fd;
}

static char *slurp(int fd, size_t *len)
{
	struct stat st;
	char *p;

	if (fstat(fd, &st) < 0 || (p = malloc((size_t)st.st_size + 1)) == NULL)
		abort();
	if (pread(fd, p, (size_t)st.st_size, 0) != st.st_size)
		abort();
	*len = (size_t)st.st_size;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cl[32], *out, *log;
	size_t out_len, log_len, start, i;
	int in_fd, out_fd, log_fd, saved_in, saved_out, saved_err, null_fd;
	uint8_t a, b;
	const char *method;

	if (size < 2)
		return 0;
	a = data[0];
	b = data[1];
	data += 2;
	size -= 2;
	if (log_path[0] == '\0')
		snprintf(log_path, sizeof log_path, "/tmp/fuzz-request-%ld.jsonl", (long)getpid());

	method = methods[a & 7];
	setenv("REQUEST_METHOD", method, 1);
	setenv("CONTENT_TYPE", types[(a >> 3) & 3], 1);
	switch ((a >> 5) & 7) {
	case 0: unsetenv("CONTENT_LENGTH"); break;
	case 1: setenv("CONTENT_LENGTH", "+12", 1); break;
	case 2: snprintf(cl, sizeof cl, "%zu", size + 5); setenv("CONTENT_LENGTH", cl, 1); break;
	case 3: snprintf(cl, sizeof cl, "%zu", size / 2); setenv("CONTENT_LENGTH", cl, 1); break;
	default: snprintf(cl, sizeof cl, "%zu", size); setenv("CONTENT_LENGTH", cl, 1); break;
	}
	setenv("SIPGATE_FOLLOW", follows[b % 5], 1);
	setenv("SIPGATE_SIGNATURE", sigs[(b >> 3) & 3], 1);
	if (b & 0x20)
		setenv("SIPGATE_WEBHOOK_URL", "https://h.example/a?b=1&c=\"<x>\"", 1);
	else
		unsetenv("SIPGATE_WEBHOOK_URL");
	if (b & 0x40)
		setenv("HTTP_X_SIPGATE_SIGNATURE", "AAAA", 1);
	else
		unsetenv("HTTP_X_SIPGATE_SIGNATURE");
	setenv("HTTP_HOST", (b & 0x80) ? "h.example:8080" : "[::1", 1);
	setenv("SERVER_NAME", "fallback.example", 1);
	setenv("SERVER_PORT", "8443", 1);
	setenv("SCRIPT_NAME", "/sipgate", 1);
	setenv("REMOTE_ADDR", "192.0.2.1", 1);
	setenv("SIPGATE_LOG", log_path, 1);
	setenv("SIPGATE_SYNC", "0", 1);

	log_fd = open(log_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (log_fd < 0)
		abort();
	in_fd = memfd_with(data, size);
	out_fd = memfd_with(NULL, 0);
	null_fd = open("/dev/null", O_WRONLY);
	fflush(stdout);
	saved_in = dup(0);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(null_fd, 2);
	webhook_main();
	dup2(saved_in, 0);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_in); close(saved_out); close(saved_err); close(in_fd); close(null_fd);

	out = slurp(out_fd, &out_len);
	if (check_cgi_response(out, out_len, strcmp(method, "HEAD") != 0) != 0) {
		fprintf(stderr, "bad response:\n%.*s\n", (int)out_len, out);
		abort();
	}
	log = slurp(log_fd, &log_len);
	for (start = 0, i = 0; i < log_len; i++) {
		if (log[i] == '\n') {
			if (check_json_line(log + start, i + 1 - start) != 0) {
				fprintf(stderr, "bad log line:\n%.*s\n", (int)(i + 1 - start), log + start);
				abort();
			}
			start = i + 1;
		}
	}
	if (start != log_len)
		abort();	/* a torn last line */
	free(out);
	free(log);
	close(out_fd);
	close(log_fd);
	return 0;
}
