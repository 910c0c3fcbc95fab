#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/extern.h"
#include "rules/rules.h"

static const char *const action_words[] = {
	[RULES_ACT_PASS] = "pass", [RULES_ACT_REJECT] = "reject", [RULES_ACT_HANGUP] = "hangup",
	[RULES_ACT_VOICEMAIL] = "voicemail", [RULES_ACT_DIAL] = "dial", [RULES_ACT_CALLERID] = "callerid",
	[RULES_ACT_WITHHOLD] = "withhold", [RULES_ACT_GATHER] = "gather", [RULES_ACT_PLAY] = "play"
};

const char *rules_action_name(enum rules_action_kind kind)
{
	return action_words[kind];
}

int rules_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > RULES_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int rules_find_menu(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmenus; i++)
		if (strcmp(r->menus[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The next line of data[*pos..len) without its LF (and a CR before it). */
int rules_next_line(const char *data, size_t len, size_t *pos, const char **line,
    size_t *line_len)
{
	const char *start = data + *pos, *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl != NULL);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*line = start;
	*line_len = n;
	return 1;
}

int rules_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int rules_list_file(const struct rules *r, const struct rules_list_part *part,
    int (*match)(const struct number *entry, void *ctx), void *ctx,
    char *why, size_t why_len)
{
	const char *line;
	size_t len, pos = 0, n;
	struct stat st;
	char reason[160], msg[200];
	char *data;
	int lineno = 0, hit = 0;

	if ((data = file_read(part->path, RULES_LIST_FILE_MAX, &len, &st, reason, sizeof reason)) == NULL) {
		snprintf(why, why_len, "%s: %s", part->path, reason);
		return -1;
	}
	if (memchr(data, '\0', len)) {
		snprintf(why, why_len, "%s: contains a NUL byte", part->path);
		free(data);
		return -1;
	}
	while (!hit && rules_next_line(data, len, &pos, &line, &n)) {
		const char *hash = memchr(line, '#', n);
		struct number e;

		lineno++;
		if (hash)
			n = (size_t)(hash - line);
		while (n > 0 && rules_is_blank(*line))
			line++, n--;
		while (n > 0 && rules_is_blank(line[n - 1]))
			n--;
		if (n == 0)
			continue;
		if (number_rule(line, n, r->country, &e, msg, sizeof msg) != NULL) {
			snprintf(why, why_len, "%s:%d: %s", part->path, lineno, msg);
			free(data);
			return -1;
		}
		hit = match(&e, ctx);
	}
	free(data);
	return hit;
}

struct list_match {
	const struct number *value;
};

static int entry_matches(const struct number *entry, void *ctx)
{
	return number_match(entry, ((struct list_match *)ctx)->value);
}

int rules_in_list(const struct rules *r, const struct rules_set *s, const struct number *v,
    char *why, size_t why_len)
{
	struct list_match ctx = { v };
	const struct rules_list_part *part;
	size_t i;
	int hit;

	for (part = s->parts; part; part = part->next) {
		if (part->path == NULL) {
			for (i = 0; i < part->nentries; i++)
				if (number_match(&part->entries[i], v))
					return 1;
			continue;
		}
		if ((hit = rules_list_file(r, part, entry_matches, &ctx, why, why_len)) != 0)
			return hit;
	}
	return 0;
}

int rules_in_calendar(const struct rules_set *s, const struct tm *local)
{
	size_t j;

	for (j = 0; j < s->nwindows; j++)
		if (when_in_window(&s->windows[j], local))
			return 1;
	for (j = 0; j < s->ndates; j++)
		if (when_on_date(&s->dates[j], local))
			return 1;
	return 0;
}

void rules_files(const struct rules *r, int (*add)(void *ctx, const char *path, int folder_of),
    void *ctx)
{
	const struct rules_list_part *part;
	size_t i;

	add(ctx, r->dir, 0);
	for (i = 0; i < r->nsources; i++)
		add(ctx, r->sources[i].path, 0);
	/* Lists are read only when a rule reaches them, and may be
	 * replaced meanwhile: their folders. */
	for (i = 0; i < r->nsets; i++)
		for (part = r->sets[i].parts; part; part = part->next)
			if (part->path)
				add(ctx, part->path, 1);
	if (r->zone)
		add(ctx, when_zone_dir(), 0);
}
