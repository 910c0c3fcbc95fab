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

int wav_walk(struct wav_walk *w, const unsigned char *p, size_t len, size_t file_size,
    char *why, size_t why_len)
{
	for (;;) {
		unsigned long size;

		if (w->pos + 8 > file_size) {
			snprintf(why, why_len, "the file ends before its %s chunk: truncated",
			    w->have_fmt ? "data" : "fmt");
			return -1;
		}
		if (len < 8)
			return 1;
		size = le32(p + 4);
		if (memcmp(p, "fmt ", 4) == 0) {
			if (size > len - 8) {
				if (w->pos + 8 + size > file_size) {
					snprintf(why, why_len, "the file ends inside its fmt chunk: truncated");
					return -1;
				}
				if (size > WAV_HEAD_MAX - 8) {
					snprintf(why, why_len, "a fmt chunk of %lu bytes: a broken header", size);
					return -1;
				}
				return 1;
			}
			if (read_fmt(p + 8, size, &w->info, why, why_len) < 0)
				return -1;
			w->have_fmt = 1;
		} else if (memcmp(p, "data", 4) == 0) {
			if (!w->have_fmt) {
				snprintf(why, why_len, "audio data before the fmt chunk: a broken header");
				return -1;
			}
			w->info.data_bytes = size;
			return 0;
		}
		/* Chunks are padded to an even length. */
		size += size & 1;
		if (size > file_size - w->pos - 8) {
			snprintf(why, why_len, "the file ends before its %s chunk: truncated",
			    w->have_fmt ? "data" : "fmt");
			return -1;
		}
		w->pos += 8 + size;
		if (size > len - 8)
			return 1;
		p += 8 + size;
		len -= 8 + size;
	}
}

int wav_begin(struct wav_walk *w, const unsigned char *p, size_t len, size_t file_size,
    char *why, size_t why_len)
{
	memset(w, 0, sizeof *w);
	if (len < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WAVE", 4) != 0) {
		snprintf(why, why_len, "not a WAV file (no RIFF/WAVE header)");
		return -1;
	}
	w->pos = 12;
	return wav_walk(w, p + 12, len - 12, file_size, why, why_len);
}

int wav_finish(const struct wav_walk *w, size_t file_size, struct wav_info *info,
    char *why, size_t why_len)
{
	char what[128];

	*info = w->info;
	describe(info, what, sizeof what);
	if (what[0]) {
		snprintf(why, why_len, "%s: sipgate plays only 8 kHz mono 16-bit PCM WAV", what);
		return -1;
	}
	if (info->data_bytes == 0) {
		snprintf(why, why_len, "no audio (an empty data chunk)");
		return -1;
	}
	if (info->data_bytes > file_size - w->pos - 8) {
		snprintf(why, why_len, "the data chunk announces %lu bytes, the file holds %zu: truncated",
		    info->data_bytes, file_size > w->pos + 8 ? file_size - w->pos - 8 : 0);
		return -1;
	}
	return 0;
}

int wav_check(const unsigned char *p, size_t len, size_t file_size,
    struct wav_info *info, char *why, size_t why_len)
{
	struct wav_walk w;
	int rc = wav_begin(&w, p, len, file_size, why, why_len);

	*info = w.info;
	if (rc == 1)
		snprintf(why, why_len, "no %s chunk in the first 64 KiB", w.have_fmt ? "data" : "fmt");
	if (rc != 0)
		return -1;
	return wav_finish(&w, file_size, info, why, why_len);
}
