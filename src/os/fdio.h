/* fdio: the two ways a CGI moves bytes over the descriptors it was given
 * (stdin, stdout, stderr): reading that gives up at a deadline, and writing
 * all of it; EINTR is retried in both.  FastCGI connections are
 * non-blocking and never wait here (fcgiserver.c). */
#ifndef FDIO_H
#define FDIO_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

/* Up to len bytes, waiting at most until deadline (CLOCK_MONOTONIC): > 0
 * bytes, 0 at the end, -1 with errno set (ETIMEDOUT when time ran out). */
ssize_t fdio_read_until(int fd, void *p, size_t len,
    const struct timespec *deadline);

/* All len bytes, or -1 with errno set. */
int fdio_write_all(int fd, const void *p, size_t len);
/* Lines for stderr, best effort: there is nowhere left to report a
 * failing error log. */
void fdio_stderr(const char *line, size_t len);

#endif
