/*
 * Runs a CGI program N times the way a web server does (fork, exec with a
 * CGI environment, the body on a pipe, the response read from a pipe) and
 * prints, tab-separated: median and p99 wall time, median and p99 CPU time
 * (user + system of the child, from wait4), all in microseconds, and the
 * peak RSS in KiB.
 *
 * usage: spawn-bench N BODYFILE PROGRAM [VAR=value ...]
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

int main(int argc, char **argv)
{
	static char body[1 << 20], out[1 << 16];
	char **env, cl[32];
	double *wall, *cpu;
	long maxrss = 0;
	size_t blen;
	FILE *f;
	int n, i, j, nenv;

	if (argc < 4)
		return 2;
	n = atoi(argv[1]);
	if ((f = fopen(argv[2], "rb")) == NULL)
		return 2;
	blen = fread(body, 1, sizeof body, f);
	fclose(f);
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", blen);
	nenv = argc - 4;
	env = calloc((size_t)nenv + 2, sizeof *env);
	wall = calloc((size_t)n, sizeof *wall);
	cpu = calloc((size_t)n, sizeof *cpu);
	if (env == NULL || wall == NULL || cpu == NULL)
		return 2;
	env[0] = cl;
	for (j = 0; j < nenv; j++)
		env[j + 1] = argv[4 + j];

	for (i = 0; i < n; i++) {
		int in[2], outp[2], status;
		struct rusage ru;
		double t0 = now_us();
		size_t off = 0;
		ssize_t r;
		pid_t pid;

		if (pipe(in) < 0 || pipe(outp) < 0)
			return 2;
		if ((pid = fork()) < 0)
			return 2;
		if (pid == 0) {
			dup2(in[0], 0);
			dup2(outp[1], 1);
			close(in[0]); close(in[1]); close(outp[0]); close(outp[1]);
			execve(argv[3], &argv[3], env);
			_exit(127);
		}
		close(in[0]);
		close(outp[1]);
		while (off < blen) {
			r = write(in[1], body + off, blen - off);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			off += (size_t)r;
		}
		close(in[1]);
		while ((r = read(outp[0], out, sizeof out)) > 0 || (r < 0 && errno == EINTR))
			;
		close(outp[0]);
		if (wait4(pid, &status, 0, &ru) < 0)
			return 2;
		wall[i] = now_us() - t0;
		cpu[i] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn-bench: %s failed\n", argv[3]);
			return 1;
		}
	}
	qsort(wall, (size_t)n, sizeof *wall, cmp);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp);
	printf("%.1f\t%.1f\t%.1f\t%.1f\t%ld\n", pct(wall, n, 0.5), pct(wall, n, 0.99),
	    pct(cpu, n, 0.5), pct(cpu, n, 0.99), maxrss);
	return 0;
}
