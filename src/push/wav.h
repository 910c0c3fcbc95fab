/* wav: whether a file is audio sipgate plays: a RIFF/WAVE file of 8 kHz
 * mono 16-bit PCM.  Reads the header only; the reason for a file that is
 * not, in words an admin can act on. */
#ifndef WAV_H
#define WAV_H

#include <stddef.h>

struct wav_info {
	unsigned format;	/* 1 PCM (also when WAVE_FORMAT_EXTENSIBLE says so) */
	unsigned channels;
	unsigned long rate;
	unsigned bits;
	unsigned long data_bytes;
};

/* The first len bytes of a file of file_size bytes: 0 and its info if it
 * is what sipgate plays; -1 with the reason in why (info filled as far as
 * the header could be read, format 0 before that). */
int wav_check(const unsigned char *p, size_t len, size_t file_size,
    struct wav_info *info, char *why, size_t why_len);

/* The same for a file read in windows, for a header whose chunks (say,
 * metadata before the audio) go on past the first bytes: wav_begin with
 * the first bytes, then, while it or wav_walk says 1, wav_walk with the
 * bytes of the file from w->pos on; at 0, wav_finish.  -1: why says. */
struct wav_walk {
	struct wav_info info;
	int have_fmt;
	size_t pos;		/* the file offset of the chunk to read next */
};
int wav_begin(struct wav_walk *w, const unsigned char *p, size_t len, size_t file_size,
    char *why, size_t why_len);
int wav_walk(struct wav_walk *w, const unsigned char *p, size_t len, size_t file_size,
    char *why, size_t why_len);
int wav_finish(const struct wav_walk *w, size_t file_size, struct wav_info *info,
    char *why, size_t why_len);

/* A window of the file: the header's first bytes, or those of a chunk. */
#define WAV_HEAD_MAX 65536

#endif
