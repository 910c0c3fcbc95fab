/* fcgilog: a FastCGI worker's appends to the log, off its poll loop: one
 * thread takes the records in turn and appends each as the CGI does (the
 * writers' lock within its bound, one write, the flush), and the loop
 * learns of each finished one by a byte on a pipe it polls.  Only the
 * loop touches a job's owner; the thread only its record and result. */
#ifndef FCGILOG_H
#define FCGILOG_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"

struct fcgilog_job {
	char *path, *line;	/* the job's own copies */
	size_t len;
	int sync;
	struct timespec by;	/* the lock is waited for until then */
	enum err rc;		/* the append's outcome, and why it failed */
	struct fail fail;
	struct buf notes;	/* its diagnostics (a torn line ended) */
	void *owner;		/* who waits for it; NULL: nobody any more */
	struct fcgilog_job *next;
};

/* Starts the thread; -1 with errno set if it cannot (the loop then
 * appends itself).  In a worker, after its sandbox is in place. */
int fcgilog_start(void);

/* The descriptor to poll for POLLIN; -1 when not started. */
int fcgilog_fd(void);

/* Queues an append of line (len bytes) to path; the job takes both
 * strings, which must come from malloc.  NULL when out of memory (the
 * strings stay the caller's). */
struct fcgilog_job *fcgilog_submit(char *path, char *line, size_t len, int sync,
    void *owner);

/* The next finished job, or NULL; the caller frees it. */
struct fcgilog_job *fcgilog_done(void);
void fcgilog_free(struct fcgilog_job *j);

/* Jobs submitted and not yet taken back through fcgilog_done. */
unsigned fcgilog_in_flight(void);

#endif
