#include <sys/prctl.h>
#include <sys/resource.h>
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

#include "base/msg.h"
#include "call/conf.h"
#include "log/log.h"
#include "os/clock.h"
#include "os/fdio.h"
#include "push/diag.h"
#include "push/memreq.h"
#include "transport/cgi.h"
#include "transport/fcgilog.h"
#include "transport/fcgiserver.h"

/* Connections one worker keeps open (nginx and Apache keep idle ones);
 * at the limit the one idle longest is closed for a new one. */
#define WORKER_CONNS 1024
/* Descriptors a request may need besides its connection: stdio, the
 * listener, the log, its lock and folder, the rules, a list, the keys,
 * syslog, a zone file, and room to spare.  The connections get the rest. */
#define FDS_RESERVED 24
/* A worker that dies sooner than this after its start is replaced only
 * after this pause, so that a worker failing at once does not spin. */
#define RESTART_PAUSE_MS 1000
/* How long SIGTERM waits for workers to finish before killing them. */
#define STOP_SECONDS 30

static volatile sig_atomic_t stopping;
static unsigned workers;	/* how many, for FCGI_GET_VALUES */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	struct buf line = { 0 };
	va_list ap;

	va_start(ap, fmt);
	msg_vline(&line, (long)getpid(), fmt, ap);
	va_end(ap);
	if (!line.oom)
		fdio_stderr(line.data, line.len);
	buf_free(&line);
}

static int is_listening(int fd)
{
	int v = 0;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v;
}

int fcgiserver_listener(void)
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
	if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		say("cannot mark the listening socket close-on-exec: %s", strerror(errno));
	return 3;
}

/* --- a worker: one poll loop over its connections --- */

struct conn {
	int fd;
	long long last;		/* its last input or output */
	struct fcgiconn *fc;
	struct fcgilog_job *job;	/* its record being appended, or NULL */
};

static struct conn conns[WORKER_CONNS];
static size_t conn_cap = WORKER_CONNS;	/* what the descriptor limit leaves */
static size_t nconns;
static struct pollfd pfd[WORKER_CONNS + 2];

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The last one takes its place: callers walk the array downwards. */
static void drop(size_t i)
{
	/* Its append goes on; nobody waits for the answer now. */
	if (conns[i].job)
		conns[i].job->owner = NULL;
	close(conns[i].fd);
	fcgiconn_free(conns[i].fc);
	conns[i] = conns[--nconns];
}

/* Sends what is queued until the socket is full; -1 if the peer is gone. */
static int send_queued(struct conn *c, long long now)
{
	const char *p;
	size_t len;
	ssize_t n;

	while ((p = fcgiconn_output(c->fc, &len)), len > 0) {
		n = write(c->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->last = now;
		fcgiconn_sent(c->fc, (size_t)n, now);
	}
	return 0;
}

/* One read of what the peer sent, parsed (a request may be served). */
static int receive(struct conn *c, long long now)
{
	unsigned char *p;
	size_t room;
	ssize_t n;

	if ((p = fcgiconn_room(c->fc, &room)) == NULL)
		return -1;
	do
		n = read(c->fd, p, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	c->last = now;
	fcgiconn_input(c->fc, (size_t)n, now);
	return 0;
}

/* A request answered: its record goes to the log's thread. */
static void hand_over(struct conn *c, long long now)
{
	struct memreq m = { 0 };
	struct fail f = { 0 };
	char *path, *line;
	struct req r;
	size_t len;
	enum err rc;
	int sync;

	if (c->job || !fcgiconn_take_append(c->fc, &path, &line, &len, &sync))
		return;
	if ((c->job = fcgilog_submit(path, line, len, sync, c->fc)) != NULL)
		return;
	/* Out of memory for the queue: appended here, as the CGI does. */
	memreq_init(&r, &m);
	rc = log_append(&r, path, line, len, sync, &f);
	fcgiconn_appended(c->fc, m.diag.data, m.diag.len, rc != ERR_OK ? &f : NULL, line, len, now);
	memreq_free(&m);
	free(path);
	free(line);
}

/* Does what the socket's readiness allows; 0 when the connection is over. */
static int serve(struct conn *c, short revents, long long now)
{
	int wants = fcgiconn_wants(c->fc);

	if ((wants & FCGI_WANT_WRITE) && (revents & (POLLOUT | POLLERR | POLLHUP)) &&
	    send_queued(c, now) < 0)
		return 0;
	wants = fcgiconn_wants(c->fc);
	if ((wants & FCGI_WANT_READ) && (revents & (POLLIN | POLLERR | POLLHUP)) &&
	    receive(c, now) < 0)
		return 0;
	hand_over(c, now);
	/* An answer is usually taken at once: no poll round for it. */
	if ((fcgiconn_wants(c->fc) & FCGI_WANT_WRITE) && send_queued(c, now) < 0)
		return 0;
	return !(fcgiconn_wants(c->fc) & FCGI_DONE);
}

/* Where nobody waits for it any more, a refused record still goes to
 * syslog, and what it says to the worker's stderr. */
static void orphan_diag(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	fdio_stderr(p, len);
}

/* Every append the thread finished: its answer may go. */
static void appended(long long now)
{
	struct req orphan = { .diag = orphan_diag };
	struct fcgilog_job *j;
	size_t i;

	while ((j = fcgilog_done()) != NULL) {
		for (i = 0; j->owner && i < nconns; i++)
			if (conns[i].fc == j->owner) {
				conns[i].job = NULL;
				fcgiconn_appended(conns[i].fc, j->notes.data, j->notes.len,
				    j->rc != ERR_OK ? &j->fail : NULL, j->line, j->len, now);
				hand_over(&conns[i], now);	/* a request that was waiting */
			}
		if (j->owner == NULL) {
			orphan_diag(NULL, j->notes.data, j->notes.len);
			if (j->rc != ERR_OK)
				diag_event(&orphan, j->fail.why, j->line, j->len);
		}
		fcgilog_free(j);
	}
}

/* Acts on every deadline that has passed; the nearest one left. */
static long long expire(long long now)
{
	long long next = now + 1000, d;
	size_t i = nconns;

	while (i-- > 0) {
		if ((d = fcgiconn_deadline(conns[i].fc)) <= now) {
			fcgiconn_timeout(conns[i].fc, now);
			if (!serve(&conns[i], 0, now)) {
				drop(i);
				continue;
			}
			d = fcgiconn_deadline(conns[i].fc);
		}
		if (d < next)
			next = d;
	}
	return next;
}

/* At the limit, the connection idle longest makes room; -1 if none is. */
static int make_room(void)
{
	size_t i, oldest = nconns;

	for (i = 0; i < nconns; i++)
		if (fcgiconn_idle(conns[i].fc) &&
		    (oldest == nconns || conns[i].last < conns[oldest].last))
			oldest = i;
	if (oldest == nconns)
		return -1;
	drop(oldest);
	return 0;
}

/* Accepts what waits; -1 when out of descriptors (the listener stays
 * readable then, so the caller stops polling it for a while). */
static int accept_new(int listener, fcgiconn_handler handler, long long now)
{
	struct conn *c;
	int fd;

	for (;;) {
		if (nconns >= conn_cap && make_room() < 0)
			return 0;
		fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNABORTED)
				return 0;
			say("accept: %s", strerror(errno));
			return -1;
		}
		c = &conns[nconns];
		c->fd = fd;
		c->last = now;
		if ((c->fc = fcgiconn_new(now, handler, fdio_stderr,
		    workers * (unsigned)conn_cap, workers)) == NULL) {
			close(fd);
			return -1;
		}
		c->job = NULL;
		if (fcgilog_fd() >= 0)
			fcgiconn_log_aside(c->fc);
		nconns++;
	}
}

static short poll_events(const struct fcgiconn *fc)
{
	int wants = fcgiconn_wants(fc);

	return (short)((wants & FCGI_WANT_READ ? POLLIN : 0) |
	    (wants & FCGI_WANT_WRITE ? POLLOUT : 0));
}

/* One wait for readiness (at most until the nearest deadline) and what
 * it allows: reading, writing, accepting. */
static void round_trip(int listener, fcgiconn_handler handler, long long *accept_after,
    int accepting, long long wait_until)
{
	sigset_t none;
	struct timespec ts;
	size_t i, first = 0, log_at = 0;
	long long now = clock_now_ms(), ms = wait_until - now;
	int idle = nconns < conn_cap, listen_at = -1;

	for (i = 0; i < nconns && !idle; i++)
		idle = fcgiconn_idle(conns[i].fc);
	if (accepting && idle && now >= *accept_after) {
		pfd[first] = (struct pollfd){ .fd = listener, .events = POLLIN };
		listen_at = (int)first++;
	}
	if (fcgilog_fd() >= 0) {
		pfd[first] = (struct pollfd){ .fd = fcgilog_fd(), .events = POLLIN };
		log_at = ++first;
	}
	for (i = 0; i < nconns; i++)
		pfd[first + i] = (struct pollfd){ .fd = conns[i].fd,
		    .events = poll_events(conns[i].fc) };
	ms = ms < 0 ? 0 : ms > 1000 ? 1000 : ms;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000;
	/* SIGTERM is blocked but inside ppoll: a request is never cut. */
	sigemptyset(&none);
	if (ppoll(pfd, first + nconns, &ts, &none) < 0) {
		if (errno != EINTR)
			say("poll: %s", strerror(errno));
		return;
	}
	now = clock_now_ms();
	i = nconns;
	while (i-- > 0)
		if (pfd[first + i].revents && !serve(&conns[i], pfd[first + i].revents, now))
			drop(i);
	if (log_at && (pfd[log_at - 1].revents & POLLIN))
		appended(now);
	if (listen_at >= 0 && (pfd[listen_at].revents & POLLIN) &&
	    accept_new(listener, handler, now) < 0)
		*accept_after = now + 1000;
}

/* Enough descriptors for every connection, where the hard limit allows;
 * below that, fewer connections, so that a request accepted can always
 * open its log: the idle longest makes room for a new one. */
static void size_for_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want = WORKER_CONNS + FDS_RESERVED;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		say("cannot read the descriptor limit: %s", strerror(errno));
		return;
	}
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			say("cannot raise the descriptor limit to %ld: %s", (long)rl.rlim_cur, strerror(errno));
		if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return;
	}
	if (rl.rlim_cur < want)
		conn_cap = rl.rlim_cur > FDS_RESERVED + 1 ? (size_t)(rl.rlim_cur - FDS_RESERVED) : 1;
}

static int worker(int listener, fcgiconn_handler handler,
    int (*confine)(const struct req *env))
{
	struct req env;
	struct sigaction sa = { 0 };
	long long accept_after = 0;
	size_t i;

	sa.sa_handler = on_stop;
	/* Without them a SIGTERM would cut requests short: not a worker then. */
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    signal(SIGHUP, SIG_IGN) == SIG_ERR || signal(SIGCHLD, SIG_DFL) == SIG_ERR) {
		say("cannot set up the signals: %s", strerror(errno));
		return 1;
	}
	size_for_fd_limit();
	if (fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) < 0)
		say("cannot make the listening socket non-blocking: %s", strerror(errno));
	cgi_req(&env);
	confine(&env);
	if (fcgilog_start() < 0)
		say("appending to the log in the poll loop: cannot start its thread: %s", strerror(errno));
	while (!stopping)
		round_trip(listener, handler, &accept_after, 1, expire(clock_now_ms()));
	/* Requests the server already sent are read; each connection ends
	 * once what it began is answered (its deadlines bound that). */
	round_trip(listener, handler, &accept_after, 0, clock_now_ms());
	i = nconns;
	while (i-- > 0) {
		fcgiconn_stop(conns[i].fc);
		if (!serve(&conns[i], 0, clock_now_ms()))
			drop(i);
	}
	/* Appends whose connection is gone still finish. */
	while (nconns > 0 || fcgilog_in_flight() > 0)
		round_trip(listener, handler, &accept_after, 0, expire(clock_now_ms()));
	return 0;
}

/* --- the master --- */

struct slot {
	pid_t pid;
	long long started_ms;
	int waiting;		/* dead; to be restarted after a pause */
};

static pid_t start_worker(int listener, fcgiconn_handler handler,
    int (*confine)(const struct req *env), pid_t master, struct slot *s)
{
	pid_t pid = fork();

	if (pid < 0) {
		say("cannot start a worker: %s", strerror(errno));
		s->pid = 0;
		s->waiting = 1;
		s->started_ms = clock_now_ms();
		return -1;
	}
	if (pid == 0) {
		/* A worker does not outlive its master. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
			say("cannot tie the worker to its master: %s", strerror(errno));
		if (getppid() != master)
			_exit(0);
		_exit(worker(listener, handler, confine));
	}
	s->pid = pid;
	s->waiting = 0;
	s->started_ms = clock_now_ms();
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

int fcgiserver_run(int listener, fcgiconn_handler handler,
    int (*confine)(const struct req *env))
{
	static struct slot slots[CONF_MAX_WORKERS];
	struct conf_process settings;
	struct fail f;
	unsigned n, i;
	pid_t master = getpid();
	struct timespec wait;
	sigset_t set;
	long pause, left;
	int sig;

	if (conf_process_load(&settings, &f) != ERR_OK) {
		say("%s", f.why);
		return 1;
	}
	n = workers = settings.workers;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		say("cannot block the signals the master waits for: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		start_worker(listener, handler, confine, master, &slots[i]);
	for (;;) {
		/* The nearest pending restart decides how long to wait. */
		pause = -1;
		for (i = 0; i < n; i++) {
			if (!slots[i].waiting)
				continue;
			left = RESTART_PAUSE_MS - (long)(clock_now_ms() - slots[i].started_ms);
			if (left <= 0)
				start_worker(listener, handler, confine, master, &slots[i]);
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
