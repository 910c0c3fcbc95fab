#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "os/sandbox.h"

int sandbox_read(struct sandbox *s, const char *path)
{
	if (path == NULL)
		return 0;
	if (s->nread == SANDBOX_PATHS)
		return -1;
	s->read[s->nread++] = path;
	return 0;
}

int sandbox_write(struct sandbox *s, const char *folder)
{
	if (folder == NULL)
		return 0;
	if (s->nwrite == sizeof s->write / sizeof *s->write)
		return -1;
	s->write[s->nwrite++] = folder;
	return 0;
}

int sandbox_folder_of(struct sandbox *s, const char *file, int writable)
{
	char *dir, *slash;

	size_t i;

	if (file == NULL)
		return 0;
	if (s->nfolders == sizeof s->folders / sizeof *s->folders || strlen(file) >= PATH_MAX)
		return -1;
	dir = s->folders[s->nfolders];
	strcpy(dir, file);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';	/* "/x" is in "/" */
	for (i = 0; i < s->nfolders; i++)
		if (strcmp(s->folders[i], dir) == 0 && !writable)
			return 0;
	s->nfolders++;
	return writable ? sandbox_write(s, dir) : sandbox_read(s, dir);
}

/* ---- Landlock, declared here: Debian 12's kernel headers are older
 * than the ABI versions this uses, and the kernel takes the struct at
 * the size we pass as long as what it does not know of is zero. ---- */

#define LL_CREATE_VERSION	(1u << 0)
#define LL_RULE_PATH_BENEATH	1
#define LL_FS_EXECUTE		(1ull << 0)
#define LL_FS_WRITE_FILE	(1ull << 1)
#define LL_FS_READ_FILE		(1ull << 2)
#define LL_FS_READ_DIR		(1ull << 3)
#define LL_FS_ABI1		((1ull << 13) - 1)	/* execute .. make_sym */
#define LL_FS_MAKE_REG		(1ull << 8)
#define LL_FS_REFER		(1ull << 13)		/* ABI 2 */
#define LL_FS_TRUNCATE		(1ull << 14)		/* ABI 3 */
#define LL_FS_IOCTL_DEV		(1ull << 15)		/* ABI 5 */
#define LL_NET_BIND_TCP		(1ull << 0)		/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ull << 0)		/* ABI 6 */
#define LL_SCOPE_SIGNAL		(1ull << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* Built without it for valgrind, which knows no Landlock call (make
 * SANDBOX=0): not even asked, so that valgrind has nothing to report. */
#if defined(SYS_landlock_create_ruleset) && defined(SYS_landlock_add_rule) && \
    defined(SYS_landlock_restrict_self) && !defined(SANDBOX_NO_LANDLOCK)
#define LANDLOCK_BUILT 1
static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

/* One file or folder with the rights that apply to what it is; a path
 * that does not exist needs no rule (nothing can be opened there). */
static int add_path(int ruleset, const char *path, uint64_t rights, uint64_t handled)
{
	struct ll_path_beneath rule;
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		rights &= LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_TRUNCATE;
	rule.allowed_access = rights & handled;
	rule.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0);
	close(fd);
	return rc < 0 ? -1 : 0;
}

static int landlock_enter(const struct sandbox *s, int abi, char *why, size_t why_len)
{
#ifdef SANDBOX_READ_PROC
	/* The sanitizers' build: LeakSanitizer reads /proc at exit. */
	static const char *const proc = "/proc";
#endif
	struct ll_ruleset_attr attr = { 0 };
	uint64_t rd = LL_FS_READ_FILE | LL_FS_READ_DIR;
	uint64_t wr = rd | LL_FS_WRITE_FILE | LL_FS_MAKE_REG | LL_FS_TRUNCATE;
	size_t i;
	int ruleset;

	attr.handled_access_fs = LL_FS_ABI1 | (abi >= 2 ? LL_FS_REFER : 0) |
	    (abi >= 3 ? LL_FS_TRUNCATE : 0) | (abi >= 5 ? LL_FS_IOCTL_DEV : 0);
	if (abi >= 4)	/* no rule for it: no TCP at all */
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0) {
		snprintf(why, why_len, "Landlock: creating the ruleset: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < s->nread; i++)
		if (add_path(ruleset, s->read[i], rd, attr.handled_access_fs) < 0) {
			snprintf(why, why_len, "Landlock: %s: %s", s->read[i], strerror(errno));
			close(ruleset);
			return -1;
		}
#ifdef SANDBOX_READ_PROC
	if (add_path(ruleset, proc, rd, attr.handled_access_fs) < 0) {
		snprintf(why, why_len, "Landlock: %s: %s", proc, strerror(errno));
		close(ruleset);
		return -1;
	}
#endif
	for (i = 0; i < s->nwrite; i++)
		if (add_path(ruleset, s->write[i], wr, attr.handled_access_fs) < 0) {
			snprintf(why, why_len, "Landlock: %s: %s", s->write[i], strerror(errno));
			close(ruleset);
			return -1;
		}
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
		snprintf(why, why_len, "Landlock: restricting the process: %s", strerror(errno));
		close(ruleset);
		return -1;
	}
	close(ruleset);
	return 0;
}
#else
#define LANDLOCK_BUILT 0
static int landlock_abi(void)
{
	return 0;
}

static int landlock_enter(const struct sandbox *s, int abi, char *why, size_t why_len)
{
	(void)s;
	(void)abi;
	snprintf(why, why_len, "Landlock: not known to the C library this was built with");
	return -1;
}
#endif

/* ---- seccomp ---- */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define SECCOMP_ARCH AUDIT_ARCH_I386
#endif

/* Built as the sanitizers' and valgrind's test builds are: their runtime
 * makes system calls of its own that no list can foresee (make
 * SANITIZE=1, make valgrind); Landlock stays on. */
#if defined(SECCOMP_ARCH) && !defined(SANDBOX_NO_SECCOMP)

/* Every role's calls: files, memory, time, signals, the end. */
static const int common_calls[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_close, SYS_lseek,
	SYS_openat, SYS_fstat, SYS_newfstatat, SYS_fcntl, SYS_flock,
	SYS_fdatasync, SYS_fsync, SYS_getdents64, SYS_munmap, SYS_mremap, SYS_brk,
	SYS_madvise, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_exit, SYS_exit_group,
	SYS_getpid, SYS_gettid, SYS_getrandom, SYS_clock_gettime, SYS_clock_getres,
	SYS_gettimeofday, SYS_nanosleep, SYS_clock_nanosleep, SYS_ppoll, SYS_getcwd,
	SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_getppid, SYS_restart_syscall,
	/* glibc's qsort asks how much memory the machine has before it sorts
	 * more than a kilobyte (the address book's numbers). */
	SYS_sysinfo,
#ifdef SYS_statx
	SYS_statx,
#endif
#ifdef SYS_open
	SYS_open, SYS_stat, SYS_lstat, SYS_poll, SYS_time,
#endif
};

/* Sending to syslog (/dev/log), to rescue an event the log refused. */
static const int syslog_calls[] = { SYS_connect, SYS_sendto, SYS_sendmsg };

/* A FastCGI worker's connections, and the thread that appends to its log
 * (started after the sandbox, which it shares) with the pipe that wakes
 * the poll loop. */
static const int worker_calls[] = {
	SYS_accept4, SYS_accept, SYS_getsockopt, SYS_shutdown, SYS_recvfrom,
	SYS_pipe2, SYS_futex, SYS_set_robust_list,
#ifdef SYS_rseq
	SYS_rseq,
#endif
};

#define LD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define ARG_LO(n) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, args[n]))
#define ARG_HI(n) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, args[n]) + 4)
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define ALLOW RET(SECCOMP_RET_ALLOW)
#define REFUSE RET(SECCOMP_RET_TRAP)

struct program {
	struct sock_filter op[256];
	size_t n;
	int full;
};

static void put(struct program *p, struct sock_filter f)
{
	if (p->n == sizeof p->op / sizeof *p->op) {
		p->full = 1;
		return;
	}
	p->op[p->n++] = f;
}

/* if (nr == call) allow; */
static void allow_call(struct program *p, int call)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 1));
	put(p, (struct sock_filter)ALLOW);
}

static void allow_calls(struct program *p, const int *calls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		allow_call(p, calls[i]);
}

/* if (nr == call) { if (arg n == value) allow; else refuse; } */
static void allow_with_arg(struct program *p, int call, int n, uint32_t value)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 6));
	put(p, (struct sock_filter)ARG_HI(n));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3));
	put(p, (struct sock_filter)ARG_LO(n));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1));
	put(p, (struct sock_filter)ALLOW);
	put(p, (struct sock_filter)REFUSE);
}

/* if (nr == call) { if (arg n & bits) refuse; else allow; } */
static void allow_without_bits(struct program *p, int call, int n, uint32_t bits)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 4));
	put(p, (struct sock_filter)ARG_LO(n));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, bits, 0, 1));
	put(p, (struct sock_filter)REFUSE);
	put(p, (struct sock_filter)ALLOW);
}

/* if (nr == call) { if (arg n & bit) allow; else refuse; } */
static void allow_with_bit(struct program *p, int call, int n, uint32_t bit)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 4));
	put(p, (struct sock_filter)ARG_LO(n));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, bit, 0, 1));
	put(p, (struct sock_filter)ALLOW);
	put(p, (struct sock_filter)REFUSE);
}

/* if (nr == call) fail with err; */
static void fail_call(struct program *p, int call, uint32_t err)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 1));
	put(p, (struct sock_filter)RET(SECCOMP_RET_ERRNO | err));
}

/* if (nr == call) { if (arg n == value) refuse; else allow; } */
static void allow_but_arg(struct program *p, int call, int n, uint32_t value)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call, 0, 4));
	put(p, (struct sock_filter)ARG_LO(n));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1));
	put(p, (struct sock_filter)REFUSE);
	put(p, (struct sock_filter)ALLOW);
}

static void build(struct program *p, enum sandbox_role role)
{
	put(p, (struct sock_filter)LD(arch));
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0));
	put(p, (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS));
	put(p, (struct sock_filter)LD(nr));
	/* No call at all: a tracer (strace -e inject) skipping one. */
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xFFFFFFFFu, 0, 1));
	put(p, (struct sock_filter)ALLOW);
#ifdef __x86_64__
	/* The x32 calls are other numbers for the same things. */
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
	put(p, (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS));
#endif
	allow_calls(p, common_calls, sizeof common_calls / sizeof *common_calls);
	/* Memory, but never executable: no code can be brought in. */
	allow_without_bits(p, SYS_mmap, 2, PROT_EXEC);
	allow_without_bits(p, SYS_mprotect, 2, PROT_EXEC);
	/* Signals may be handled, but SIGSYS stays ours: a refusal ends. */
	allow_but_arg(p, SYS_rt_sigaction, 0, SIGSYS);
	/* isatty(), as stdio asks it, and nothing else of ioctl. */
	allow_with_arg(p, SYS_ioctl, 1, TCGETS);
	if (role != SANDBOX_READER) {
		allow_with_arg(p, SYS_socket, 0, AF_UNIX);
		allow_calls(p, syslog_calls, sizeof syslog_calls / sizeof *syslog_calls);
	}
	if (role == SANDBOX_WORKER) {
		allow_calls(p, worker_calls, sizeof worker_calls / sizeof *worker_calls);
		/* Threads, never processes: clone3's flags are out of the
		 * filter's reach, so the C library is told it is not there and
		 * falls back to clone, whose flags must say CLONE_THREAD. */
#ifdef SYS_clone3
		fail_call(p, SYS_clone3, ENOSYS);
#endif
		allow_with_bit(p, SYS_clone, 0, CLONE_THREAD);
	}
	put(p, (struct sock_filter)REFUSE);
}

/* A refused call: said on stderr, then the process ends (it cannot be
 * trusted to go on).  Only async-signal-safe calls, all on the list. */
static void refused(int sig, siginfo_t *si, void *ctx)
{
	char line[96] = "sipgate-webhook: sandbox: system call ", *p = line + strlen(line);
	char digits[12];
	int n = si->si_syscall, i = 0;

	(void)sig;
	(void)ctx;
	do
		digits[i++] = (char)('0' + n % 10);
	while ((n /= 10) > 0 && i < (int)sizeof digits);
	while (i > 0)
		*p++ = digits[--i];
	memcpy(p, " refused; the process ends\n", 28);
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		_exit(128 + SIGSYS);
	_exit(128 + SIGSYS);
}

static int seccomp_enter(enum sandbox_role role, char *why, size_t why_len)
{
	static struct program p;
	struct sock_fprog prog;
	struct sigaction sa;

	p.n = 0;
	p.full = 0;
	build(&p, role);
	if (p.full) {
		snprintf(why, why_len, "seccomp: the filter does not fit");
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = refused;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		snprintf(why, why_len, "seccomp: SIGSYS: %s", strerror(errno));
		return -1;
	}
	prog.len = (unsigned short)p.n;
	prog.filter = p.op;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		snprintf(why, why_len, "seccomp: %s", strerror(errno));
		return -1;
	}
	return 0;
}

#else
static int seccomp_enter(enum sandbox_role role, char *why, size_t why_len)
{
	(void)role;
	snprintf(why, why_len, "seccomp: not in this build");
	return -1;
}

#endif

/* What the kernel offers, whatever this build uses of it. */
static int seccomp_offered(char *why, size_t why_len)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		snprintf(why, why_len, "seccomp: not in this kernel");
		return 0;
	}
	return 1;
}

static enum sandbox_level level(int landlock, int seccomp, const char *ll_why,
    const char *sc_why, char *why, size_t why_len)
{
	if (landlock && seccomp)
		return SANDBOX_FULL;
	if (landlock || seccomp) {
		snprintf(why, why_len, "sandbox without %s", landlock ? sc_why : ll_why);
		return SANDBOX_PARTIAL;
	}
	snprintf(why, why_len, "no sandbox: %s; %s", ll_why, sc_why);
	return SANDBOX_NONE;
}

enum sandbox_level sandbox_available(char *why, size_t why_len)
{
	char ll_why[160] = "Landlock: not in this kernel", sc_why[160] = "";
	/* A build without it cannot ask the kernel; the kernel is not to blame. */
	int landlock = LANDLOCK_BUILT ? landlock_abi() > 0 : 1;

	return level(landlock, seccomp_offered(sc_why, sizeof sc_why), ll_why, sc_why, why, why_len);
}

enum sandbox_level sandbox_enter(const struct sandbox *s, char *why, size_t why_len)
{
	char ll_why[320] = "Landlock: not in this kernel", sc_why[160] = "";
	int abi = landlock_abi(), landlock = 0, seccomp;

	/* Set already by os/harden.c; both need it, and it cannot be undone. */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(why, why_len, "no sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return SANDBOX_NONE;
	}
	if (!LANDLOCK_BUILT)
		snprintf(ll_why, sizeof ll_why, "Landlock: not in this build");
	else if (abi > 0)
		landlock = landlock_enter(s, abi, ll_why, sizeof ll_why) == 0;
	/* Last: the filter would refuse Landlock's own calls. */
	seccomp = seccomp_enter(s->role, sc_why, sizeof sc_why) == 0;
	return level(landlock, seccomp, ll_why, sc_why, why, why_len);
}

#ifdef SANDBOX_PROBE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ptrace.h>

/* A test build's stand-in for an attacker who took over the process
 * after its sandbox: one attempt, and what became of it, on stderr.  A
 * call the filter refuses ends the process there (see refused). */
void sandbox_probe(const char *what, const char *log_path)
{
	char line[PATH_MAX + 128], path[PATH_MAX];
	const char *slash = log_path ? strrchr(log_path, '/') : NULL;
	int rc = -1, fd = -1;

	if (what == NULL)
		return;
	if (strcmp(what, "shadow") == 0)
		rc = fd = open("/etc/shadow", O_RDONLY);
	else if (strcmp(what, "outside") == 0)
		rc = fd = open("/etc/hostname", O_RDONLY);
	else if (strcmp(what, "write") == 0)
		rc = fd = open("/tmp/sandbox-probe", O_WRONLY | O_CREAT, 0600);
	else if (strcmp(what, "inlog") == 0 && slash) {
		snprintf(path, sizeof path, "%.*s/sandbox-probe", (int)(slash - log_path), log_path);
		rc = fd = open(path, O_WRONLY | O_CREAT, 0600);
	} else if (strcmp(what, "exec") == 0) {
		char *argv[] = { "/bin/sh", "-c", "true", NULL };

		rc = execve("/bin/sh", argv, argv + 3);
	} else if (strcmp(what, "fork") == 0) {
		if ((rc = fork()) == 0)
			_exit(0);
	} else if (strcmp(what, "socket") == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };

		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((rc = fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
			rc = connect(fd, (struct sockaddr *)&to, sizeof to);
	} else if (strcmp(what, "ptrace") == 0) {
		/* Let go at once if it worked: the parent is the test's. */
		if ((rc = (int)ptrace(PTRACE_ATTACH, getppid(), NULL, NULL)) == 0)
			ptrace(PTRACE_DETACH, getppid(), NULL, NULL);
	} else
		return;
	if (rc < 0)
		snprintf(line, sizeof line, "sipgate-webhook: sandbox probe %s: refused (%s)\n", what, strerror(errno));
	else
		snprintf(line, sizeof line, "sipgate-webhook: sandbox probe %s: ALLOWED\n", what);
	if (fd >= 0)
		close(fd);
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		return;
}
#endif
