/* libFuzzer: the calls page from hostile bytes.  The input is a query
 * string, a newline, an Accept-Language, a newline, and the event log's
 * bytes; the log is written to a file of its own and the page built over
 * it at a fixed time.  Asserts that a refused query says why, that the page
 * is valid UTF-8, that nothing from the log becomes markup (no "<script",
 * no attribute opened by a value) and that it ends as a page ends. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "history/page.h"

/* 2026-12-02 15:00 UTC. */
#define NOW 1796223600

static char path[64];

static void write_log(const uint8_t *p, size_t n)
{
	int fd;

	if (path[0] == '\0') {
		snprintf(path, sizeof path, "/tmp/fuzz-page-%ld.jsonl", (long)getpid());
		setenv("TZ", "UTC", 1);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		abort();
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void check_page(const struct buf *html)
{
	size_t i = 0, k;
	static const char end[] = "</body></html>\n";

	while (i < html->len) {
		if ((k = json_utf8_len((const unsigned char *)html->data + i, html->len - i)) == 0)
			abort();
		i += k;
	}
	if (html->len < sizeof end || memcmp(html->data + html->len - (sizeof end - 1), end, sizeof end - 1))
		abort();
	if (memmem(html->data, html->len, "<script", 7) || memmem(html->data, html->len, "<b>", 3))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl1 = memchr(data, '\n', size), *nl2;
	char query[512], lang[256];
	struct page_filter flt;
	struct fail f = { 0 };
	struct buf html = { 0 };
	size_t n;

	if (nl1 == NULL || (nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data))) == NULL)
		return 0;
	n = (size_t)(nl1 - data) < sizeof query - 1 ? (size_t)(nl1 - data) : sizeof query - 1;
	memcpy(query, data, n);
	query[n] = '\0';
	n = (size_t)(nl2 - nl1 - 1) < sizeof lang - 1 ? (size_t)(nl2 - nl1 - 1) : sizeof lang - 1;
	memcpy(lang, nl1 + 1, n);
	lang[n] = '\0';
	if (page_query(query, &flt, &f) != ERR_OK) {
		if (f.code != ERR_QUERY || f.why[0] == '\0')
			abort();
		return 0;
	}
	write_log(nl2 + 1, size - (size_t)(nl2 + 1 - data));
	if (page_build(&html, path, &flt, page_lang(lang), NOW, &f) != ERR_OK)
		abort();
	check_page(&html);
	buf_free(&html);
	return 0;
}
