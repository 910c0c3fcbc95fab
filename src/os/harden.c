#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/msg.h"
#include "os/fdio.h"
#include "os/harden.h"

/* A request needs a few milliseconds; valgrind makes it about a second. */
#ifndef HARDEN_CPU_SECONDS
#define HARDEN_CPU_SECONDS 20
#endif

static int failed(const char *what)
{
	struct buf line = { 0 };

	msg_line(&line, 0, "hardening: %s: %s", what, strerror(errno));
	if (!line.oom)
		fdio_stderr(line.data, line.len);
	buf_free(&line);
	return -1;
}

int harden_stdio(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor is fd itself. */
		if (open("/dev/null", O_RDWR | O_NOCTTY) != fd)
			return -1;
	}
	return 0;
}

int harden_process(int long_lived)
{
	struct rlimit core = { 0, 0 };
	struct rlimit cpu = { HARDEN_CPU_SECONDS, HARDEN_CPU_SECONDS };
	struct rlimit old;
	int rc = 0;

	umask(027);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		rc = failed("ignoring SIGPIPE");
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		rc = failed("ignoring SIGXFSZ");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = failed("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		rc = failed("PR_SET_DUMPABLE");
	if (setrlimit(RLIMIT_CORE, &core) < 0)
		rc = failed("RLIMIT_CORE");
	if (long_lived)
		return rc;
	/* Only ever lower a limit the server already set. */
	if (getrlimit(RLIMIT_CPU, &old) < 0)
		rc = failed("getrlimit RLIMIT_CPU");
	else if (old.rlim_cur == RLIM_INFINITY || old.rlim_cur > cpu.rlim_cur) {
		if (old.rlim_max != RLIM_INFINITY && old.rlim_max < cpu.rlim_max)
			cpu.rlim_max = cpu.rlim_cur = old.rlim_max;
		if (setrlimit(RLIMIT_CPU, &cpu) < 0)
			rc = failed("RLIMIT_CPU");
	}
	return rc;
}
