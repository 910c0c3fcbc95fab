/* libFuzzer: any body through the form decoder and the record writer.
 * Asserts that a decoded body always yields one valid JSON line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "call/record.h"
#include "check.h"
#include "push/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_meta meta = { "2026-11-26T00:00:00.000Z", "192.0.2.1", "unchecked", .duration_ms = -1 };
	struct buf line = { 0 };
	struct form form;
	struct fail f;
	char *body = malloc(size + 1);

	if (body == NULL)
		return 0;
	memcpy(body, data, size);
	if (form_decode(body, size, &form, &f) == ERR_OK) {
		if (record_build(&line, &form, &meta, &f) != ERR_OK ||
		    check_json_line(line.data, line.len) != 0)
			abort();
		form_free(&form);
	} else if (f.code != ERR_BAD_FORM || memchr(body, '%', size) == NULL) {
		abort();
	}
	buf_free(&line);
	free(body);
	return 0;
}
