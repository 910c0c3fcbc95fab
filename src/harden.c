#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "harden.h"

/* A request needs a few milliseconds; valgrind makes it about a second. */
#ifndef HARDEN_CPU_SECONDS
#define HARDEN_CPU_SECONDS 20
#endif

static int failed(const char *what)
{
	char line[160];

	snprintf(line, sizeof line, "hardening: %s: %s", what, strerror(errno));
	diag(line);
	return -1;
}

int harden_process(void)
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
	if (setrlimit(RLIMIT_CORE, &core) < 0)
		rc = failed("RLIMIT_CORE");
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
