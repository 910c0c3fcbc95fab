#include <stdio.h>
#include <string.h>

#include "push/wav.h"

#define WAVE_FORMAT_PCM 1
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

static unsigned long le32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
	    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static const char *format_name(unsigned format)
{
	switch (format) {
	case 3: return "32-bit float";
	case 6: return "A-law";
	case 7: return "mu-law";
	case 0x11: return "IMA ADPCM";
	case 0x2: return "Microsoft ADPCM";
	case 0x50: return "MPEG audio";
	case 0x55: return "MP3";
	default: return NULL;
	}
}

/* The fmt chunk's content. */
static int read_fmt(const unsigned char *c, unsigned long size, struct wav_info *info,
    char *why, size_t why_len)
{
	if (size < 16) {
		snprintf(why, why_len, "a fmt chunk of %lu bytes (16 at least): a broken header", size);
		return -1;
	}
	info->format = le16(c);
	info->channels = le16(c + 2);
	info->rate = le32(c + 4);
	info->bits = le16(c + 14);
	/* The subformat GUID starts with the format code. */
	if (info->format == WAVE_FORMAT_EXTENSIBLE && size >= 26)
		info->format = le16(c + 24);
	return 0;
}

/* What is wrong with a readable format, in one phrase; "" if nothing. */
static void describe(const struct wav_info *w, char *what, size_t len)
{
	const char *name = format_name(w->format);
	char codec[48] = "", rate[24] = "", chans[24] = "", bits[24] = "";

	if (w->format != WAVE_FORMAT_PCM)
		snprintf(codec, sizeof codec, "%s, ", name ? name : "not PCM");
	if (w->rate != 8000)
		snprintf(rate, sizeof rate, "%lu Hz, ", w->rate);
	if (w->channels != 1)
		snprintf(chans, sizeof chans, "%s, ", w->channels == 2 ? "stereo" : "not mono");
	if (w->format == WAVE_FORMAT_PCM && w->bits != 16)
		snprintf(bits, sizeof bits, "%u-bit, ", w->bits);
	snprintf(what, len, "%s%s%s%s", codec, rate, chans, bits);
	if (strlen(what) >= 2)
		what[strlen(what) - 2] = '\0';
}

/* Walks the chunks to the data chunk, reading fmt on the way; *pos is
 * then the data chunk's offset. */
static int find_data(const unsigned char *p, size_t len, size_t file_size,
    struct wav_info *info, size_t *pos, char *why, size_t why_len)
{
	int have_fmt = 0;

	for (*pos = 12;;) {
		unsigned long size;

		if (*pos + 8 > len) {
			snprintf(why, why_len, *pos + 8 > file_size ?
			    "the file ends before its %s chunk: truncated" :
			    "no %s chunk in the first 64 KiB", have_fmt ? "data" : "fmt");
			return -1;
		}
		size = le32(p + *pos + 4);
		if (memcmp(p + *pos, "fmt ", 4) == 0) {
			if (size > len - *pos - 8) {
				snprintf(why, why_len, "the file ends inside its fmt chunk: truncated");
				return -1;
			}
			if (read_fmt(p + *pos + 8, size, info, why, why_len) < 0)
				return -1;
			have_fmt = 1;
		} else if (memcmp(p + *pos, "data", 4) == 0) {
			if (!have_fmt) {
				snprintf(why, why_len, "audio data before the fmt chunk: a broken header");
				return -1;
			}
			info->data_bytes = size;
			return 0;
		}
		/* Chunks are padded to an even length. */
		*pos = size > len ? len : *pos + 8 + size + (size & 1);
	}
}

int wav_check(const unsigned char *p, size_t len, size_t file_size,
    struct wav_info *info, char *why, size_t why_len)
{
	size_t pos;
	char what[128];

	memset(info, 0, sizeof *info);
	if (len < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WAVE", 4) != 0) {
		snprintf(why, why_len, "not a WAV file (no RIFF/WAVE header)");
		return -1;
	}
	if (find_data(p, len, file_size, info, &pos, why, why_len) < 0)
		return -1;
	describe(info, what, sizeof what);
	if (what[0]) {
		snprintf(why, why_len, "%s: sipgate plays only 8 kHz mono 16-bit PCM WAV", what);
		return -1;
	}
	if (info->data_bytes == 0) {
		snprintf(why, why_len, "no audio (an empty data chunk)");
		return -1;
	}
	if (info->data_bytes > file_size - pos - 8) {
		snprintf(why, why_len, "the data chunk announces %lu bytes, the file holds %zu: truncated",
		    info->data_bytes, file_size > pos + 8 ? file_size - pos - 8 : 0);
		return -1;
	}
	return 0;
}
