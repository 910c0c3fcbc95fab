#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/perm.h"

/* The files themselves, not NSS: a statically linked program cannot load
 * NSS modules, and the web server's user is a local system account. */
#define PASSWD "/etc/passwd"
#define GROUP "/etc/group"

/* Field n (0-based) of a colon-separated line, as [*start, *end). */
static int field(const char *line, int n, const char **start, const char **end)
{
	const char *p = line;

	for (; n > 0; n--)
		if ((p = strchr(p, ':')) == NULL)
			return -1;
		else
			p++;
	*start = p;
	*end = p + strcspn(p, ":\n");
	return 0;
}

static int field_is(const char *line, int n, const char *word)
{
	const char *a, *b;

	return field(line, n, &a, &b) == 0 && (size_t)(b - a) == strlen(word) &&
	    memcmp(a, word, (size_t)(b - a)) == 0;
}

static int field_id(const char *line, int n, unsigned long *id)
{
	const char *a, *b;
	char *end;

	if (field(line, n, &a, &b) < 0 || a == b || *a < '0' || *a > '9')
		return -1;
	*id = strtoul(a, &end, 10);
	return end == b ? 0 : -1;
}

/* Whether name is in the comma-separated members of a group line. */
static int member(const char *line, const char *name)
{
	const char *a, *b, *p;
	size_t n = strlen(name), len;

	if (field(line, 3, &a, &b) < 0)
		return 0;
	for (p = a; p < b; p += len + 1) {
		len = strcspn(p, ",:\n");
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* Lines are read whole, however long: a group of many members is one
 * line, and a piece of one read as a line could name a user it does not. */
int perm_user(const char *name, struct perm_user *u)
{
	unsigned long uid, gid;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int found = 0;

	if ((f = fopen(PASSWD, "re")) == NULL)
		return -1;
	while (!found && getline(&line, &cap, f) > 0)
		found = field_is(line, 0, name) && field_id(line, 2, &uid) == 0 &&
		    field_id(line, 3, &gid) == 0;
	fclose(f);
	if (!found) {
		free(line);
		return -1;
	}
	u->name = name;
	u->uid = (uid_t)uid;
	u->groups[0] = (gid_t)gid;
	u->ngroups = 1;
	if ((f = fopen(GROUP, "re")) != NULL) {
		while (u->ngroups < PERM_GROUPS_MAX && getline(&line, &cap, f) > 0)
			if (member(line, name) && field_id(line, 2, &gid) == 0)
				u->groups[u->ngroups++] = (gid_t)gid;
		fclose(f);
	}
	free(line);
	return 0;
}

/* Whether u has the bit (4 read, 1 search) on what st describes. */
static int allowed(const struct stat *st, const struct perm_user *u, unsigned bit)
{
	int i;

	if (u->uid == 0)
		return 1;
	if (st->st_uid == u->uid)
		return (st->st_mode >> 6 & bit) != 0;
	for (i = 0; i < u->ngroups; i++)
		if (st->st_gid == u->groups[i])
			return (st->st_mode >> 3 & bit) != 0;
	return (st->st_mode & bit) != 0;
}

int perm_readable(const char *path, const struct perm_user *u)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t len = strlen(path), i;

	if (len >= sizeof dir || stat(path, &st) < 0)
		return -1;
	if (!allowed(&st, u, 4))
		return 0;
	/* Every folder on the way must let u through. */
	memcpy(dir, path, len + 1);
	for (i = len; i-- > 1;) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (stat(dir, &st) < 0 || !allowed(&st, u, 1))
			return 0;
	}
	return stat("/", &st) == 0 && allowed(&st, u, 1);
}
