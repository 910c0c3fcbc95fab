/* file: reading a small configuration file whole (the rules, their lists,
 * a key), without hanging on a FIFO and without taking a file that grows
 * while it is read; and telling whether a file is still the one read. */
#ifndef FILE_H
#define FILE_H

#include <sys/stat.h>

#include <stddef.h>

/* The regular file at path, at most max bytes, NUL-terminated, in memory
 * the caller frees; its length in *len and its identity in *st.  NULL with
 * a short reason in why ("not a regular file", "larger than N bytes", ...). */
char *file_read(const char *path, size_t max, size_t *len, struct stat *st,
    char *why, size_t why_len);

/* The first max bytes (or fewer) of the regular file at path, as
 * file_read gives them; *st says how large the whole file is. */
char *file_head(const char *path, size_t max, size_t *len, struct stat *st,
    char *why, size_t why_len);

/* A file as a cache last read it. */
struct file_id {
	struct stat st;
	int settled;	/* its time stamps were a second old when it was read */
};

/* Records st, of the file just read. */
void file_id_set(struct file_id *id, const struct stat *st);

/* Whether path is still the file id was read from: the same inode, size
 * and time stamps to the nanosecond.  The kernel stamps writes with a
 * coarse clock (a few ms), so a write just after the read may leave the
 * stamps unchanged: a file read while fresh never counts as unchanged. */
int file_id_unchanged(const struct file_id *id, const char *path);

#endif
