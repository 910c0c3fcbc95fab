/* sandbox: what a process may still do once it knows its files: no new
 * privileges, a Landlock ruleset (read only the files and folders named,
 * write only in the folders named, execute nothing) and a seccomp-BPF
 * allow-list of system calls (any other ends the process, saying which
 * call on stderr), each where the kernel offers it.  What the kernel does
 * not offer is said, never silently skipped; older kernels keep working. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <limits.h>
#include <stddef.h>

#define SANDBOX_PATHS 64

/* What a process does besides reading and writing its files. */
enum sandbox_role {
	SANDBOX_CGI,		/* one request on fds 0-2; may rescue to syslog */
	SANDBOX_WORKER,		/* a FastCGI worker: accepts and polls; syslog */
	SANDBOX_READER		/* a command reading files; writes only fds 1-2 */
};

struct sandbox {
	enum sandbox_role role;
	const char *read[SANDBOX_PATHS];	/* files, or folders with all below */
	size_t nread;
	const char *write[4];			/* folders whose files may be made and written */
	size_t nwrite;
	char folders[16][PATH_MAX];		/* room for folders of files */
	size_t nfolders;
};

/* Adds a path; NULL is no path.  -1 if there is no room for it. */
int sandbox_read(struct sandbox *s, const char *path);
int sandbox_write(struct sandbox *s, const char *folder);
/* The folder file is in, to read beneath or (writable) to write in:
 * files replaced there, as a rotated log or a rules file moved into
 * place, stay reachable. */
int sandbox_folder_of(struct sandbox *s, const char *file, int writable);

/* How much of the sandbox a process got. */
enum sandbox_level {
	SANDBOX_FULL,		/* Landlock and seccomp */
	SANDBOX_PARTIAL,	/* one of them: why says what is missing */
	SANDBOX_NONE		/* neither: why says why */
};

/* Restricts the calling process for good.  why gets a line for the error
 * log unless the level is SANDBOX_FULL. */
enum sandbox_level sandbox_enter(const struct sandbox *s, char *why, size_t why_len);

/* What this kernel offers, without restricting anything (for --check). */
enum sandbox_level sandbox_available(char *why, size_t why_len);

#ifdef SANDBOX_PROBE
/* Test builds only (make probe): tries what an attacker would, by name
 * (shadow, outside, write, inlog, exec, fork, socket, ptrace), and says on
 * stderr whether it was refused. */
void sandbox_probe(const char *what, const char *log_path);
#endif

#endif
