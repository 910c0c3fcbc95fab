#include <string.h>

#include "push/memreq.h"

static const char *mem_param(void *ctx, const char *name)
{
	struct memreq *m = ctx;
	size_t i;

	for (i = 0; i < m->nvars; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}

static ssize_t mem_read(void *ctx, void *p, size_t len, const struct timespec *deadline)
{
	struct memreq *m = ctx;
	size_t n = m->body_len - m->pos;

	(void)deadline;
	if (n > len)
		n = len;
	if (n > 7)
		n = n / 2 + 1;
	memcpy(p, m->body + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static int mem_write(void *ctx, const void *p, size_t len)
{
	buf_put(&((struct memreq *)ctx)->out, p, len);
	return 0;
}

static void mem_diag(void *ctx, const void *p, size_t len)
{
	buf_put(&((struct memreq *)ctx)->diag, p, len);
}

static void mem_now(void *ctx, struct timespec *ts)
{
	*ts = ((struct memreq *)ctx)->now;
}

void memreq_init(struct req *r, struct memreq *m)
{
	*r = (struct req){ .param = mem_param, .read = mem_read, .write = mem_write,
	    .diag = mem_diag, .now = mem_now, .ctx = m };
}

void memreq_set(struct memreq *m, const char *name, const char *value)
{
	if (value == NULL || m->nvars == MEMREQ_VARS)
		return;
	m->names[m->nvars] = name;
	m->values[m->nvars++] = value;
}

void memreq_free(struct memreq *m)
{
	buf_free(&m->out);
	buf_free(&m->diag);
}
