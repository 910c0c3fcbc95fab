#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"
#include "os/clock.h"
#include "push/memreq.h"
#include "transport/fcgilog.h"

/* One worker has one thread: the queue and the finished list are its. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static struct fcgilog_job *todo, **todo_tail = &todo, *finished;
static int wake[2] = { -1, -1 };	/* the thread writes, the loop polls */
static unsigned in_flight;

/* The append, as the CGI makes it; its notes are kept for the loop. */
static void run(struct fcgilog_job *j)
{
	struct memreq m = { 0 };
	struct req r;

	memreq_init(&r, &m);
	j->rc = log_append_by(&r, j->path, j->line, j->len, j->sync, &j->by, &j->fail);
	j->notes = m.diag;
	m.diag = (struct buf){ 0 };
	memreq_free(&m);
}

static struct fcgilog_job *next_job(void)
{
	struct fcgilog_job *j;

	pthread_mutex_lock(&lock);
	while (todo == NULL)
		pthread_cond_wait(&queued, &lock);
	j = todo;
	if ((todo = j->next) == NULL)
		todo_tail = &todo;
	pthread_mutex_unlock(&lock);
	return j;
}

static void *writer(void *arg)
{
	struct fcgilog_job *j;
	ssize_t n;

	(void)arg;
	for (;;) {
		j = next_job();
		run(j);
		pthread_mutex_lock(&lock);
		j->next = finished;
		finished = j;
		pthread_mutex_unlock(&lock);
		/* The loop reads whatever is there: one byte or many, it
		 * takes every finished job. */
		do
			n = write(wake[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	return NULL;
}

int fcgilog_start(void)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	if (pipe2(wake, O_CLOEXEC) < 0)
		return -1;
	if (fcntl(wake[0], F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	/* Signals stay the loop's: SIGTERM must reach its ppoll. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((rc = pthread_attr_init(&attr)) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &attr, writer, NULL);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 0;
	errno = rc;
fail:
	rc = errno;
	close(wake[0]);
	close(wake[1]);
	wake[0] = wake[1] = -1;
	errno = rc;
	return -1;
}

int fcgilog_fd(void)
{
	return wake[0];
}

struct fcgilog_job *fcgilog_submit(char *path, char *line, size_t len, int sync,
    void *owner)
{
	struct fcgilog_job *j = calloc(1, sizeof *j);

	if (j == NULL)
		return NULL;
	*j = (struct fcgilog_job){ .path = path, .line = line, .len = len, .sync = sync,
	    .owner = owner };
	/* Its time waiting behind others counts against its bound. */
	clock_deadline(&j->by, LOG_LOCK_SECONDS * 1000L);
	pthread_mutex_lock(&lock);
	*todo_tail = j;
	todo_tail = &j->next;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&lock);
	in_flight++;
	return j;
}

struct fcgilog_job *fcgilog_done(void)
{
	struct fcgilog_job *j;
	char drain[256];

	while (read(wake[0], drain, sizeof drain) > 0)
		;
	pthread_mutex_lock(&lock);
	if ((j = finished) != NULL)
		finished = j->next;
	pthread_mutex_unlock(&lock);
	if (j)
		in_flight--;
	return j;
}

void fcgilog_free(struct fcgilog_job *j)
{
	if (j == NULL)
		return;
	free(j->path);
	free(j->line);
	buf_free(&j->notes);
	free(j);
}

unsigned fcgilog_in_flight(void)
{
	return in_flight;
}
