#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "os/clock.h"
#include "os/fdio.h"

ssize_t fdio_read_until(int fd, void *p, size_t len,
    const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long left;
	ssize_t n;
	int rc;

	for (;;) {
		if ((left = clock_ms_left(deadline)) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		n = read(fd, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n;
	}
}

int fdio_write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	while (len > 0) {
		n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

void fdio_stderr(const char *line, size_t len)
{
	(void)fdio_write_all(STDERR_FILENO, line, len);
}
