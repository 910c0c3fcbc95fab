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

/* Whether two stats are of the same unchanged file: inode, size and both
 * time stamps to the nanosecond (an in-place edit changes ctime). */
int file_same(const struct stat *a, const struct stat *b);

#endif
