#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "server.h"

/* Connections one worker keeps open (nginx and Apache keep idle ones). */
#define WORKER_CONNS 512
/* A kept connection idle this long is closed; nginx's and Apache's pools
 * notice and open a new one. */
#define IDLE_SECONDS 300
/* A worker that dies sooner than this after its start is replaced only
 * after this pause, so that a worker failing at once does not spin. */
#define RESTART_PAUSE_MS 1000
#define MAX_WORKERS 1024
/* How long SIGTERM waits for workers to finish before killing them. */
#define STOP_SECONDS 30

static volatile sig_atomic_t stopping;
static unsigned workers;	/* how many, for FCGI_GET_VALUES */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	n = snprintf(line, sizeof line, "sipgate-webhook[%ld]: ", (long)getpid());
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	(void)fdio_write_all(STDERR_FILENO, line, strlen(line));
}

static int is_listening(int fd)
{
	int v = 0;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v;
}

int server_listener(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char self[24];

	if (is_listening(STDIN_FILENO))
		return STDIN_FILENO;
	if (fds == NULL || pid == NULL)
		return -1;
	snprintf(self, sizeof self, "%ld", (long)getpid());
	if (strcmp(pid, self) != 0)
		return -1;
	if (strcmp(fds, "1") != 0 || !is_listening(3)) {
		say("LISTEN_FDS=%.20s: expected one listening socket", fds);
		return -2;
	}
	/* Not for anything this process starts. */
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/* SIPGATE_WORKERS, or the number of CPUs; 0 if the setting is unusable. */
static unsigned worker_count(void)
{
	const char *v = getenv("SIPGATE_WORKERS");
	long n;
	char *end;

	if (v == NULL || *v == '\0') {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > MAX_WORKERS)
		return 0;
	return (unsigned)n;
}

/* --- a worker --- */

struct conn {
	int fd;
	time_t last;
	struct fcgi_conn *fc;
};

/* SIGPIPE is ignored (harden_process): a peer that left is an EPIPE. */
static ssize_t sock_recv(void *ctx, void *p, size_t len,
    const struct timespec *deadline)
{
	return fdio_read_until(*(int *)ctx, p, len, deadline);
}

static int sock_send(void *ctx, const void *p, size_t len)
{
	return fdio_write_all(*(int *)ctx, p, len);
}

static void stderr_diag(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	(void)fdio_write_all(STDERR_FILENO, p, len);
}

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static time_t now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void drop(struct conn **conns, size_t *n, size_t i)
{
	close(conns[i]->fd);
	fcgi_conn_free(conns[i]->fc);
	free(conns[i]);
	conns[i] = conns[--*n];
}

/* Accepts what waits; -1 when out of descriptors (the listener stays
 * readable then, so the caller stops polling it for a while). */
static int accept_new(int listener, struct conn **conns, size_t *n)
{
	struct timeval send_timeout = { 10, 0 };
	struct fcgi_io io = { sock_recv, sock_send, stderr_diag, NULL };
	struct conn *c;
	int fd;

	while (*n < WORKER_CONNS) {
		fd = accept(listener, NULL, NULL);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNABORTED)
				return 0;
			say("accept: %s", strerror(errno));
			return -1;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		/* A peer that stops reading cannot hold the worker. */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
		if ((c = malloc(sizeof *c)) == NULL) {
			close(fd);
			return -1;
		}
		c->fd = fd;
		c->last = now_seconds();
		io.ctx = &c->fd;
		if ((c->fc = fcgi_conn_new(&io, workers * WORKER_CONNS, workers)) == NULL) {
			free(c);
			close(fd);
			return -1;
		}
		conns[(*n)++] = c;
	}
	return 0;
}

/* Serves the connections that have something to read; the ones the
 * peer sent nothing more to are left for the next poll. */
static int serve_ready(struct conn **conns, size_t *n, struct pollfd *pfd,
    size_t first, fcgi_handler handler)
{
	size_t i = *n;
	int again = 0;

	while (i-- > 0) {
		if (!(pfd[first + i].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !fcgi_conn_buffered(conns[i]->fc))
			continue;
		conns[i]->last = now_seconds();
		if (!fcgi_conn_serve(conns[i]->fc, handler))
			drop(conns, n, i);
		else if (fcgi_conn_buffered(conns[i]->fc))
			again = 1;
	}
	return again;
}

static void close_idle(struct conn **conns, size_t *n)
{
	time_t now = now_seconds();
	size_t i = *n;

	while (i-- > 0)
		if (now - conns[i]->last > IDLE_SECONDS)
			drop(conns, n, i);
}

static int worker(int listener, fcgi_handler handler)
{
	static struct conn *conns[WORKER_CONNS];
	static struct pollfd pfd[WORKER_CONNS + 1];
	struct sigaction sa = { 0 };
	sigset_t none;
	size_t n = 0, i, first;
	struct timespec tick = { 1, 0 }, zero = { 0, 0 };
	time_t accept_after = 0;
	int again = 0, rc;

	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	if (fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) < 0)
		say("cannot make the listening socket non-blocking: %s", strerror(errno));
	/* SIGTERM stays blocked but inside ppoll: a request is always
	 * finished, never interrupted. */
	while (!stopping) {
		first = 0;
		if (n < WORKER_CONNS && now_seconds() >= accept_after) {
			pfd[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
			first = 1;
		}
		for (i = 0; i < n; i++)
			pfd[first + i] = (struct pollfd){ .fd = conns[i]->fd, .events = POLLIN };
		rc = ppoll(pfd, first + n, again ? &zero : &tick, &none);
		if (rc < 0) {
			if (errno != EINTR)
				say("poll: %s", strerror(errno));
			continue;
		}
		again = serve_ready(conns, &n, pfd, first, handler);
		if (first && (pfd[0].revents & POLLIN) && accept_new(listener, conns, &n) < 0)
			accept_after = now_seconds() + 1;
		close_idle(conns, &n);
	}
	/* Requests the server already sent are answered; then the end. */
	for (i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = conns[i]->fd, .events = POLLIN };
	if (n > 0 && poll(pfd, n, 0) > 0)
		serve_ready(conns, &n, pfd, 0, handler);
	while (n > 0)
		drop(conns, &n, n - 1);
	return 0;
}

/* --- the master --- */

struct slot {
	pid_t pid;
	struct timespec started;
	int waiting;		/* dead; to be restarted after a pause */
};

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static pid_t start_worker(int listener, fcgi_handler handler, pid_t master,
    struct slot *s)
{
	pid_t pid = fork();

	if (pid < 0) {
		say("cannot start a worker: %s", strerror(errno));
		s->pid = 0;
		s->waiting = 1;
		clock_gettime(CLOCK_MONOTONIC, &s->started);
		return -1;
	}
	if (pid == 0) {
		/* A worker does not outlive its master. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != master)
			_exit(0);
		_exit(worker(listener, handler));
	}
	s->pid = pid;
	s->waiting = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	return pid;
}

static void report_death(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		say("worker %ld was killed by signal %d; starting another",
		    (long)pid, WTERMSIG(status));
	else
		say("worker %ld exited with status %d; starting another",
		    (long)pid, WEXITSTATUS(status));
}

/* Reaps dead workers; marks their slots for a restart. */
static void reap(struct slot *slots, unsigned n, int quiet)
{
	pid_t pid;
	unsigned i;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < n && slots[i].pid != pid; i++)
			;
		if (i == n)
			continue;
		if (!quiet)
			report_death(pid, status);
		slots[i].pid = 0;
		slots[i].waiting = 1;
	}
}

static int alive(const struct slot *slots, unsigned n)
{
	unsigned i, count = 0;

	for (i = 0; i < n; i++)
		count += slots[i].pid > 0;
	return (int)count;
}

static int stop_all(struct slot *slots, unsigned n, const sigset_t *set)
{
	struct timespec wait = { 1, 0 };
	unsigned i, seconds;

	for (i = 0; i < n; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
	for (seconds = 0; alive(slots, n) > 0 && seconds < STOP_SECONDS; seconds++) {
		sigtimedwait(set, NULL, &wait);
		reap(slots, n, 1);
	}
	for (i = 0; i < n; i++)
		if (slots[i].pid > 0) {
			say("worker %ld did not stop; killing it", (long)slots[i].pid);
			kill(slots[i].pid, SIGKILL);
		}
	while (alive(slots, n) > 0 && waitpid(-1, NULL, 0) > 0)
		reap(slots, n, 1);
	return 0;
}

int server_run(int listener, fcgi_handler handler)
{
	static struct slot slots[MAX_WORKERS];
	unsigned n = workers = worker_count(), i;
	pid_t master = getpid();
	struct timespec wait;
	sigset_t set;
	long pause, left;
	int sig;

	if (n == 0) {
		say("SIPGATE_WORKERS must be a number from 1 to %d", MAX_WORKERS);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++)
		start_worker(listener, handler, master, &slots[i]);
	for (;;) {
		/* The nearest pending restart decides how long to wait. */
		pause = -1;
		for (i = 0; i < n; i++) {
			if (!slots[i].waiting)
				continue;
			left = RESTART_PAUSE_MS - ms_since(&slots[i].started);
			if (left <= 0)
				start_worker(listener, handler, master, &slots[i]);
			else if (pause < 0 || left < pause)
				pause = left;
		}
		if (pause < 0)
			sig = sigwaitinfo(&set, NULL);
		else {
			wait.tv_sec = pause / 1000;
			wait.tv_nsec = pause % 1000 * 1000000;
			sig = sigtimedwait(&set, NULL, &wait);
		}
		if (sig == SIGTERM || sig == SIGINT)
			return stop_all(slots, n, &set);
		if (sig == SIGCHLD)
			reap(slots, n, 0);
	}
}
