#include <sys/random.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/hash.h"
#include "base/json.h"
#include "call/record.h"
#include "os/clock.h"

/* Parameters sharing a name, linked in arrival order. */
struct group {
	size_t first, last, count;
	int bracketed;
};

struct grouping {
	struct group *groups;
	size_t ngroups;
	size_t *next;	/* next parameter of the same group; SIZE_MAX ends */
	size_t *slots;	/* hash table of group indices; SIZE_MAX is empty */
	size_t mask;
};

/*
 * Parameter names are the client's to choose: with a known hash, names
 * chosen to collide turn the table into a list and a 64 KiB body into
 * seconds of CPU.  So the hash is seeded once per process from the kernel
 * and finished with a full avalanche (MurmurHash3's fmix64), which makes
 * every output bit depend on the seed and on every input byte.
 */
static uint64_t hash_seed(void)
{
	static uint64_t seed;
	static int seeded;
	struct timespec ts;

	if (!seeded) {
		if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) {
			/* Early boot: unpredictable enough for a table. */
			clock_mono(&ts);
			seed = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^
			    (uint64_t)(uintptr_t)&ts;
		}
		seeded = 1;
	}
	return seed;
}

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = hash_fnv64(hash_seed() ^ HASH_FNV64_BASIS, s, n);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

static int same_name(const struct form_param *a, const struct form_param *b)
{
	return a->name_len == b->name_len &&
	    memcmp(a->name, b->name, a->name_len) == 0;
}

static int group_params(const struct form *form, struct grouping *g)
{
	size_t size = 16, i, s;

	while (size < form->count * 2)
		size *= 2;
	g->mask = size - 1;
	g->ngroups = 0;
	g->groups = calloc(form->count ? form->count : 1, sizeof *g->groups);
	g->next = calloc(form->count ? form->count : 1, sizeof *g->next);
	g->slots = malloc(size * sizeof *g->slots);
	if (g->groups == NULL || g->next == NULL || g->slots == NULL)
		return -1;
	memset(g->slots, 0xff, size * sizeof *g->slots);

	for (i = 0; i < form->count; i++) {
		const struct form_param *p = &form->params[i];
		struct group *gr;

		s = (size_t)(hash_name(p->name, p->name_len) & g->mask);
		while (g->slots[s] != SIZE_MAX &&
		    !same_name(&form->params[g->groups[g->slots[s]].first], p))
			s = (s + 1) & g->mask;
		if (g->slots[s] == SIZE_MAX) {
			g->slots[s] = g->ngroups;
			gr = &g->groups[g->ngroups++];
			gr->first = i;
		} else {
			gr = &g->groups[g->slots[s]];
			g->next[gr->last] = i;
		}
		gr->last = i;
		gr->count++;
		gr->bracketed |= p->bracketed;
		g->next[i] = SIZE_MAX;
	}
	return 0;
}

static void grouping_free(struct grouping *g)
{
	free(g->groups);
	free(g->next);
	free(g->slots);
}

static void put_params(struct buf *out, const struct form *form,
    const struct grouping *g)
{
	size_t i, j;

	buf_putc(out, '{');
	for (i = 0; i < g->ngroups; i++) {
		const struct group *gr = &g->groups[i];
		const struct form_param *p = &form->params[gr->first];
		int array = gr->bracketed || gr->count > 1;

		if (i > 0)
			buf_putc(out, ',');
		json_put_string(out, p->name, p->name_len);
		buf_putc(out, ':');
		if (array)
			buf_putc(out, '[');
		for (j = gr->first; j != SIZE_MAX; j = g->next[j]) {
			if (j != gr->first)
				buf_putc(out, ',');
			json_put_string(out, form->params[j].value,
			    form->params[j].value_len);
		}
		if (array)
			buf_putc(out, ']');
	}
	buf_putc(out, '}');
}

static void put_field(struct buf *out, const char *name, const char *value)
{
	buf_printf(out, ",\"%s\":", name);
	if (value)
		json_put_string(out, value, strlen(value));
	else
		buf_puts(out, "null");
}

/* The users the newCall rang, which its facts carried. */
static void put_users(struct buf *out, const struct outcome_facts *facts)
{
	size_t i;

	buf_puts(out, ",\"users\":[");
	for (i = 0; i < facts->nusers; i++) {
		if (i > 0)
			buf_putc(out, ',');
		json_put_string(out, facts->users[i], strlen(facts->users[i]));
	}
	buf_putc(out, ']');
}

enum err record_build(struct buf *out, const struct form *form,
    const struct record_meta *meta, struct fail *f)
{
	const struct form_param *event = form_get(form, "event");
	struct grouping g;
	int rc;

	memset(&g, 0, sizeof g);
	rc = group_params(form, &g);
	if (rc == 0) {
		buf_puts(out, "{\"received\":");
		json_put_string(out, meta->received, strlen(meta->received));
		buf_puts(out, ",\"event\":");
		json_put_string(out, event ? event->value : "", event ? event->value_len : 0);
		put_field(out, "signature", meta->signature);
		put_field(out, "remote_addr", meta->remote_addr);
		if (meta->caller)
			put_field(out, "caller", meta->caller);
		if (meta->outcome) {
			put_field(out, "outcome", meta->outcome);
			put_field(out, "outcome_basis", meta->outcome_basis);
		}
		if (meta->outcome && meta->facts && meta->facts->nusers > 0)
			put_users(out, meta->facts);
		if (meta->outcome && meta->duration_ms >= 0)
			buf_printf(out, ",\"duration_s\":%lld.%03lld", meta->duration_ms / 1000,
			    meta->duration_ms % 1000);
		if (meta->rule) {
			buf_puts(out, ",\"rule\":");
			buf_puts(out, meta->rule);
		}
		buf_puts(out, ",\"params\":");
		put_params(out, form, &g);
		buf_puts(out, "}\n");
	}
	grouping_free(&g);
	if (rc < 0 || out->oom)
		return err_fail(f, ERR_INTERNAL, "out of memory building the log record");
	return ERR_OK;
}

void record_timestamp(const struct timespec *now, char out[32])
{
	long long secs = (long long)now->tv_sec, days = secs / 86400, rest = secs % 86400;
	int y, m, d;

	if (rest < 0) {
		rest += 86400;
		days--;
	}
	date_civil(days, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, (int)(rest / 3600),
	    (int)(rest / 60 % 60), (int)(rest % 60), (int)(now->tv_nsec / 1000000));
}
