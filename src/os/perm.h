/* perm: whether another user (the web server's) could read a file, told
 * from its mode bits and those of the folders above it, as the kernel would
 * tell it without ACLs.  For --check run as root, which reads anything. */
#ifndef PERM_H
#define PERM_H

#include <sys/types.h>

#define PERM_GROUPS_MAX 64

struct perm_user {
	const char *name;
	uid_t uid;
	gid_t groups[PERM_GROUPS_MAX];	/* the primary group first */
	int ngroups;
};

/* The account called name; -1 if there is none. */
int perm_user(const char *name, struct perm_user *u);

/* 1 if u could open path for reading, 0 if not, -1 if path cannot be told
 * (it does not exist: the program's own check says so). */
int perm_readable(const char *path, const struct perm_user *u);

#endif
