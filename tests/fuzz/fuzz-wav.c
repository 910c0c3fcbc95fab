/* libFuzzer: any bytes as the head of an announcement file, through the
 * RIFF/WAVE check of --check-audio.  Asserts that a file is called fine
 * only when it is 8 kHz mono 16-bit PCM with audio in it, and that any
 * other answer comes with a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push/wav.h"

static void one(const uint8_t *data, size_t size, size_t file_size)
{
	struct wav_info w;
	char why[256];

	memset(why, 0, sizeof why);
	if (wav_check(data, size, file_size, &w, why, sizeof why) == 0) {
		if (w.format != 1 || w.channels != 1 || w.rate != 8000 || w.bits != 16 ||
		    w.data_bytes == 0 || w.data_bytes > file_size)
			abort();
	} else if (why[0] == '\0' || memchr(why, '\0', sizeof why) == NULL) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The head is the whole file, or the file goes on past it. */
	one(data, size, size);
	one(data, size, size + 1000000);
	return 0;
}
