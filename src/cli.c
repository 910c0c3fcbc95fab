#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/scan.h"
#include "book/book.h"
#include "calls.h"
#include "call/conf.h"
#include "call/decide.h"
#include "cli.h"
#include "diff.h"
#include "os/clock.h"
#include "os/file.h"
#include "os/perm.h"
#include "os/sandbox.h"
#include "push/wav.h"
#include "replay.h"
#include "privacy.h"
#include "restore.h"
#include "rules/rules.h"
#include "webhook.h"

#ifndef VERSION
#define VERSION "unknown"
#endif

static int usage(FILE *out);

/* The header of path, whose first len bytes are head, walked chunk by
 * chunk through the file however far its metadata goes. */
static int wav_file(const char *path, const unsigned char *head, size_t len, size_t size,
    struct wav_info *w, char *why, size_t why_len)
{
	struct wav_walk walk;
	unsigned char window[WAV_HEAD_MAX];
	ssize_t n;
	int rc = wav_begin(&walk, head, len, size, why, why_len), fd = -1;

	while (rc == 1) {
		if (fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
			break;
		if ((n = pread(fd, window, sizeof window, (off_t)walk.pos)) < 0)
			break;
		rc = wav_walk(&walk, window, (size_t)n, size, why, why_len);
		if (rc == 1 && n == 0) {
			snprintf(why, why_len, "the file ends before its %s chunk: truncated",
			    walk.have_fmt ? "data" : "fmt");
			rc = -1;
		}
	}
	if (rc == 1)
		snprintf(why, why_len, "cannot read past the first bytes: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc == 0 ? wav_finish(&walk, size, w, why, why_len) : -1;
}

/* One announcement: "FILE: ok (...)" or what is wrong and how to mend it. */
static int check_audio(const char *path)
{
	struct wav_info w;
	struct stat st;
	char why[256];
	size_t len;
	unsigned char *head = (unsigned char *)file_head(path, WAV_HEAD_MAX, &len, &st, why, sizeof why);
	int rc = head ? wav_file(path, head, len, (size_t)st.st_size, &w, why, sizeof why) : -1;

	free(head);
	if (rc == 0) {
		printf("%s: ok (8000 Hz, mono, 16-bit PCM, %.1f s)\n", path, (double)w.data_bytes / 16000.0);
		return 0;
	}
	printf("%s: %s\n", path, why);
	/* Audio of another kind sox converts; a broken file it cannot mend. */
	if (head != NULL && (strstr(why, "sipgate plays only") || strstr(why, "not a WAV file")))
		printf("%s: convert it: sox '%s' -r 8000 -c 1 -b 16 -e signed-integer OUT.wav\n", path, path);
	return 1;
}

/* --audio-dir PREFIX=DIR: announcements whose URL starts with PREFIX are
 * the files under DIR (the rest of the URL, up to a query, is the name). */
struct audio_dir {
	const char *prefix, *dir;
	size_t prefix_len;
};

static int check_announcement(const char *url, const struct audio_dir *a, int line,
    const char *rules_path)
{
	char path[4096];
	size_t n;

	if (url == NULL || a == NULL || strncmp(url, a->prefix, a->prefix_len) != 0)
		return 0;
	n = strcspn(url + a->prefix_len, "?#");
	if ((size_t)snprintf(path, sizeof path, "%s/%.*s", a->dir, (int)n, url + a->prefix_len) >= sizeof path) {
		printf("%s:%d: %s: the file name is too long\n", rules_path, line, url);
		return 1;
	}
	printf("%s:%d: %s\n", rules_path, line, url);
	return check_audio(path);
}

static int check_action_audio(const struct rules_action *act, const struct audio_dir *a, int line,
    const char *rules_path)
{
	int rc = 0;

	for (; act; act = act->then)
		if (act->kind == RULES_ACT_PLAY)
			rc |= check_announcement(act->url, a, line, rules_path);
	return rc;
}

/* Every announcement the rules name under the prefix. */
static int check_rules_audio(const struct rules *r, const struct audio_dir *a)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->nmenus; i++) {
		rc |= check_announcement(r->menus[i].play, a, r->menus[i].line, r->path);
		rc |= check_action_audio(&r->menus[i].otherwise, a, r->menus[i].line, r->path);
	}
	for (i = 0; i < r->nrules; i++)
		rc |= check_action_audio(&r->rules[i].action, a, r->rules[i].line, r->path);
	return rc;
}

/* A file of the rules the web server's user could not read: the live
 * program would go without it while --check, run as root, read it. */
static void warn_unreadable(const char *path, const struct perm_user *u, const char *what)
{
	char *full = realpath(path, NULL);

	if (full && perm_readable(full, u) == 0)
		fprintf(stderr, "%s: warning: %s is not readable by %s, the user the web server runs as "
		    "(--user NAME for another)\n", full, what, u->name);
	free(full);
}

static void check_readers(const struct rules *r, const struct perm_user *u)
{
	const struct rules_list_part *part;
	size_t i;

	warn_unreadable(r->path, u, "this rules file");
	for (i = 0; i < r->nsources; i++)
		warn_unreadable(r->sources[i].path, u, "this dates file");
	for (i = 0; i < r->nsets; i++)
		for (part = r->sets[i].parts; part; part = part->next)
			if (part->path)
				warn_unreadable(part->path, u, "this list file");
}

/* What others could do with the files the program trusts: switch a flag
 * in a folder anyone may write (and reroute calls), read the state key
 * (and forge menu state).  And what of the sandbox this kernel gives. */
static void check_trust(const struct rules *r)
{
	const char *key = conf_env("SIPGATE_STATE_KEY_FILE");
	char why[512];
	struct stat st;

	if (r->flagdir && stat(r->flagdir, &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		fprintf(stderr, "%s: warning: flagdir %s is writable by every user: anyone could switch a flag and reroute calls (chmod o-w)\n",
		    r->path, r->flagdir);
	else if (r->flagdir && stat(r->flagdir, &st) == 0 && (st.st_mode & S_IWOTH))
		fprintf(stderr, "%s: warning: flagdir %s is writable by every user (sticky, but anyone may add a flag): chmod o-w\n",
		    r->path, r->flagdir);
	if (key && stat(key, &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH)))
		fprintf(stderr, "sipgate-webhook: warning: SIPGATE_STATE_KEY_FILE %s can be read by every user: chmod o-rw (0640, the web server's group)\n",
		    key);
	if (sandbox_available(why, sizeof why) != SANDBOX_FULL)
		fprintf(stderr, "sipgate-webhook: note: %s: requests run less restricted on this kernel\n", why);
}

/* SIPGATE_PHONEBOOK as a request would read it, reported as a list file
 * is: what it could not read and, with verbose, what it holds. */
static int check_book(const struct rules *r, int verbose)
{
	const char *path = conf_env("SIPGATE_PHONEBOOK"), *country = conf_env("SIPGATE_COUNTRY");
	struct buf warnings = { 0 };
	struct book *b;
	char why[400];

	if (path == NULL) {
		if (r->uses_book && verbose)
			fprintf(stderr, "%s: a rule names @%s, but SIPGATE_PHONEBOOK is not set here\n",
			    r->path, RULES_BOOK);
		return 0;
	}
	if (country && (strlen(country) > 3 || strspn(country, "0123456789") != strlen(country) ||
	    country[0] == '0')) {
		fprintf(stderr, "SIPGATE_COUNTRY=%.16s: want a country calling code of 1 to 3 digits\n", country);
		return 1;
	}
	b = book_load(path, country ? country : "49", verbose ? &warnings : NULL, why, sizeof why);
	if (warnings.len)
		fputs(warnings.data, stderr);
	buf_free(&warnings);
	if (b == NULL) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (verbose)
		printf("ok: phonebook %s: %zu numbers on %zu cards from %zu files, %zu cards skipped\n",
		    path, b->nentries, b->ncards, b->nfiles, b->nskipped);
	book_free(b);
	return 0;
}

/* Errors always; with verbose (--check itself) the warnings, and a valid
 * file is said to be so, with what it holds, so that a silent success is
 * not mistaken for nothing having run.  reader: the web server's user, or
 * NULL. */
static int check(const char *path, int verbose, const struct perm_user *reader,
    const struct audio_dir *audio)
{
	struct buf errors = { 0 }, warnings = { 0 };
	struct rules *r = rules_load(path, RULES_CHECK, &errors, &warnings);
	size_t i, lists = 0;

	if (warnings.len && verbose)
		fputs(warnings.data, stderr);
	if (errors.len)
		fputs(errors.data, stderr);
	buf_free(&errors);
	buf_free(&warnings);
	if (r == NULL)
		return 1;
	if (reader)
		check_readers(r, reader);
	if (verbose)
		check_trust(r);
	if (audio && check_rules_audio(r, audio) != 0) {
		rules_free(r);
		return 1;
	}
	for (i = 0; i < r->nsets; i++)
		lists += r->sets[i].kind == RULES_SET_LIST;
	if (check_book(r, verbose) != 0) {
		rules_free(r);
		return 1;
	}
	if (verbose)
		printf("ok: %zu rules, %zu menus, %zu lists\n", r->nrules, r->nmenus, lists);
	rules_free(r);
	return 0;
}

/* @EPOCH or YYYY-MM-DDTHH:MM:SS followed by Z, +HH:MM or -HH:MM. */
static int parse_time(const char *s, time_t *out)
{
	unsigned long long secs;
	long long epoch;
	long east;

	if (s[0] == '@') {
		/* As SIPGATE_NOW takes it: up to 12 digits, far past any call. */
		if (scan_decimal(s + 1, strlen(s + 1), 12, &secs) < 0)
			return -1;
		*out = (time_t)secs;
		return 0;
	}
	if ((s = date_scan(s, &epoch)) == NULL || date_zone(s, &east) < 0)
		return -1;
	epoch -= east;
	*out = (time_t)epoch;
	return 0;
}

/* What --explain collects beside the request itself. */
struct explain {
	struct replay r;	/* first: the replay's callback finds the rest */
	struct buf notes;
	const char *rules_path;
};

static void explain_decided(struct replay *rp, const struct decision *d)
{
	struct explain *x = (struct explain *)rp;
	char when[64];

	if (d == NULL) {
		buf_puts(&x->notes, "# the call rules run for newCall and dtmf only: no rules\n");
		return;
	}
	if (d->caller)
		buf_printf(&x->notes, "# caller: %s (the address book)\n", d->caller);
	if (d->rule)
		buf_printf(&x->notes, "# %s:%d matched: %s\n", x->rules_path, d->rule->line, d->rule->text);
	if (d->why)
		buf_printf(&x->notes, "# %s\n", d->why);
	else if (d->rule == NULL && !d->error[0])
		buf_puts(&x->notes, "# no rule matched: pass\n");
	if (d->is_else)
		buf_printf(&x->notes, "# menu %s: its tries are used up, so its else: %s\n",
		    d->rules->menus[d->gather_menu].name, d->name);
	if (d->error[0])
		buf_printf(&x->notes, "# the rules were not used: %s\n", d->error);
	if (d->note[0])
		buf_printf(&x->notes, "# note: %s\n", d->note);
	if (d->have_local && strftime(when, sizeof when, "%a %Y-%m-%d %H:%M:%S %Z", &d->local))
		buf_printf(&x->notes, "# local time: %s (%s)\n", when, d->rules->zone);
}

static int explain(const char *path, const char *at, const char *query, const char *body)
{
	struct explain x = { 0 };
	const char *xml, *out;
	char *full;
	struct timespec now;
	time_t t;
	int rc;

	if (at == NULL) {
		clock_wall(&now);
		t = now.tv_sec;
	} else if (parse_time(at, &t) < 0) {
		fprintf(stderr, "sipgate-webhook: --at %s: want @EPOCH_SECONDS or 2026-03-04T19:30:00+01:00\n", at);
		return 2;
	}
	if (check(path, 0, NULL, NULL) != 0)
		return 1;
	/* The program reads the rules as the server would: by absolute path. */
	if ((full = realpath(path, NULL)) == NULL) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (at == NULL)
		buf_printf(&x.notes, "# no --at: now, @%lld\n", (long long)t);
	if (replay_url_stand_in())
		buf_puts(&x.notes, "# SIPGATE_WEBHOOK_URL is not set: http://localhost/sipgate stands in for it\n");
	x.rules_path = path;
	x.r.decided = explain_decided;
	replay_run(&x.r, full, t, query, body, strlen(body));
	out = x.r.m.out.data;
	if ((xml = replay_xml(&x.r)) != NULL) {
		fputs(x.notes.data ? x.notes.data : "", stdout);
		fputs(xml, stdout);
		rc = 0;
	} else {
		/* Refused before a decision: say what the CGI would answer. */
		fprintf(stderr, "sipgate-webhook: the CGI would answer: %.*s\n",
		    out ? (int)strcspn(out, "\r") : 0, out ? out : "");
		if (x.r.m.diag.len)
			fputs(x.r.m.diag.data, stderr);
		if (out && strstr(out, "\r\n\r\n"))
			fputs(strstr(out, "\r\n\r\n") + 4, stderr);
		rc = x.r.outcome == ERR_STATE ? 3 : 2;
	}
	replay_free(&x.r);
	buf_free(&x.notes);
	free(full);
	return rc;
}

static int check_audio_command(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 2; i < argc; i++)
		rc |= check_audio(argv[i]);
	return rc;
}

/* --check [--user NAME] [--audio-dir PREFIX=DIR] RULES; the user defaults
 * to www-data where that account exists and is not the one running it. */
static int check_command(int argc, char **argv)
{
	struct perm_user u;
	struct audio_dir audio = { 0 };
	const char *user = NULL, *eq;
	int i, have_user = 0;

	for (i = 2; i + 2 < argc; i += 2) {
		if (strcmp(argv[i], "--user") == 0 && user == NULL)
			user = argv[i + 1];
		else if (strcmp(argv[i], "--audio-dir") == 0 && audio.dir == NULL &&
		    (eq = strchr(argv[i + 1], '=')) != NULL && eq > argv[i + 1]) {
			audio.prefix = argv[i + 1];
			audio.prefix_len = (size_t)(eq - argv[i + 1]);
			audio.dir = eq + 1;
		} else
			break;
	}
	if (i != argc - 1) {
		return usage(stderr);
	}
	if (user && perm_user(user, &u) < 0) {
		fprintf(stderr, "sipgate-webhook: --user %s: no such user\n", user);
		return 2;
	}
	if (user)
		have_user = 1;
	else
		have_user = perm_user("www-data", &u) == 0 && u.uid != geteuid();
	return check(argv[i], 1, have_user ? &u : NULL, audio.dir ? &audio : NULL);
}

/* A rules file for --diff or --replay: checked as --check checks it (its
 * errors printed so), and named by its absolute path. */
static int diff_rules(const char *shown, struct diff_rules *r)
{
	char *full;

	if (check(shown, 0, NULL, NULL) != 0)
		return -1;
	if ((full = realpath(shown, NULL)) == NULL) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", shown, strerror(errno));
		return -1;
	}
	r->shown = shown;
	r->path = full;
	return 0;
}

static int add_read(void *ctx, const char *path, int folder_of)
{
	return folder_of ? sandbox_folder_of(ctx, path, 0) : sandbox_read(ctx, path);
}

/* Logs are anyone's bytes (a sender's, a collector's): what reads them
 * may read the logs and the rules, write nothing but its output. */
static void confine_reader(const struct diff_rules *old, const struct diff_rules *new,
    char **logs, size_t nlogs)
{
	struct sandbox s = { .role = SANDBOX_READER };
	const struct rules *r;
	struct buf errors = { 0 };
	char why[512];
	size_t i;

	if ((r = rules_cache_get(old->path, &errors)) != NULL)
		rules_files(r, add_read, &s);
	if (new && (r = rules_cache_get(new->path, &errors)) != NULL)
		rules_files(r, add_read, &s);
	buf_free(&errors);
	sandbox_read(&s, "/etc/localtime");
	/* Their folders: rotated logs are many files in few folders. */
	for (i = 0; i < nlogs; i++)
		sandbox_folder_of(&s, logs[i], 0);
	/* What the kernel does not offer, --check says. */
	(void)sandbox_enter(&s, why, sizeof why);
}

/* --diff OLD NEW LOG... and --replay RULES LOG...: exit 0, 1 (some calls
 * answered differently, for --diff) or 2 (usage, a log or a rules file). */
static int diff_command(int argc, char **argv)
{
	struct diff_rules old = { 0 }, new = { 0 };
	int replay = strcmp(argv[1], "--replay") == 0, files = replay ? 1 : 2, rc = 2;

	if (argc < 2 + files + 1) {
		return usage(stderr);
	}
	if (diff_rules(argv[2], &old) == 0 && (replay || diff_rules(argv[3], &new) == 0)) {
		confine_reader(&old, replay ? NULL : &new, argv + 2 + files, (size_t)argc - 2 - (size_t)files);
		rc = replay ? diff_replay(&old, argv + 3, (size_t)argc - 3) :
		    diff_logs(&old, &new, argv + 4, (size_t)argc - 4);
	}
	free((char *)old.path);
	free((char *)new.path);
	return rc;
}

/* --calls [--since TIME] [--until TIME] [--format json|csv] LOG...: reads
 * only the logs' folders. */
static int calls_command(int argc, char **argv)
{
	struct calls_opts o = { CALLS_JSON, LLONG_MIN, LLONG_MAX };
	struct sandbox s = { .role = SANDBOX_READER };
	char why[512];
	time_t t;
	int i, j;

	for (i = 2; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--format") == 0 && strcmp(argv[i + 1], "json") == 0)
			o.format = CALLS_JSON;
		else if (strcmp(argv[i], "--format") == 0 && strcmp(argv[i + 1], "csv") == 0)
			o.format = CALLS_CSV;
		else if ((strcmp(argv[i], "--since") == 0 || strcmp(argv[i], "--until") == 0) &&
		    parse_time(argv[i + 1], &t) == 0)
			*(argv[i][2] == 's' ? &o.since_ms : &o.until_ms) = (long long)t * 1000;
		else if (strcmp(argv[i], "--since") == 0 || strcmp(argv[i], "--until") == 0) {
			fprintf(stderr, "sipgate-webhook: %s %s: want @EPOCH_SECONDS or 2026-03-04T19:30:00+01:00\n",
			    argv[i], argv[i + 1]);
			return 2;
		} else
			return usage(stderr);
	}
	if (i == argc || argv[i][0] == '-')
		return usage(stderr);
	for (j = i; j < argc; j++)
		sandbox_folder_of(&s, argv[j], 0);
	(void)sandbox_enter(&s, why, sizeof why);
	return calls_run(&o, argv + i, (size_t)(argc - i));
}

/* Whether this user owns the log's folder, as the writers do: a log or a
 * lock file made by anyone else (root) could shut the writers out. */
static int owns_folder_of(const char *log)
{
	const char *slash = strrchr(log, '/');
	char folder[PATH_MAX];
	struct stat st;

	snprintf(folder, sizeof folder, "%.*s", slash == log ? 1 : (int)(slash - log), log);
	if (stat(folder, &st) < 0) {
		fprintf(stderr, "sipgate-webhook: %s: %s\n", folder, strerror(errno));
		return 0;
	}
	if (st.st_uid == geteuid())
		return 1;
	fprintf(stderr, "sipgate-webhook: run --restore as the owner of %s (uid %lu), as the writers run: "
	    "runuser -u USER -- sipgate-webhook --restore FILE...\n", folder, (unsigned long)st.st_uid);
	return 0;
}

/* --restore FILE...: into the log SIPGATE_LOG names (the built-in one when
 * unset), reading only the files and writing only in the log's folder. */
static int restore_command(int argc, char **argv)
{
	const char *log = conf_env("SIPGATE_LOG");
	struct sandbox s = { .role = SANDBOX_READER };
	char why[512];
	int i;

	if (log == NULL)
		log = CONF_LOG_DEFAULT;
	if (log[0] != '/') {
		fprintf(stderr, "sipgate-webhook: SIPGATE_LOG must be an absolute path, not %s\n", log);
		return 2;
	}
	if (!owns_folder_of(log))
		return 2;
	for (i = 2; i < argc; i++)
		sandbox_folder_of(&s, argv[i], 0);
	sandbox_folder_of(&s, log, 1);
	(void)sandbox_enter(&s, why, sizeof why);
	return restore_records(log, argv + 2, (size_t)argc - 2);
}

/* --export [--format json|csv] NUMBER LOG...: reads only the logs' folders. */
static int export_command(int argc, char **argv)
{
	const char *country = conf_env("SIPGATE_COUNTRY");
	struct sandbox s = { .role = SANDBOX_READER };
	char why[512];
	int i = 2, j, csv = 0;

	if (i + 1 < argc && strcmp(argv[i], "--format") == 0) {
		if (strcmp(argv[i + 1], "csv") != 0 && strcmp(argv[i + 1], "json") != 0)
			return usage(stderr);
		csv = strcmp(argv[i + 1], "csv") == 0;
		i += 2;
	}
	if (argc - i < 2 || (argv[i][0] == '-' && argv[i][1] == '-'))
		return usage(stderr);
	for (j = i + 1; j < argc; j++)
		sandbox_folder_of(&s, argv[j], 0);
	(void)sandbox_enter(&s, why, sizeof why);
	return privacy_export(argv[i], country ? country : "49", csv, argv + i + 1, (size_t)(argc - i - 1));
}

/* --phonebook-index BOOK: the address book as an index on stdout, read
 * as SIPGATE_COUNTRY says, with what it leaves out on stderr. */
static int phonebook_index_command(int argc, char **argv)
{
	const char *country = conf_env("SIPGATE_COUNTRY");
	struct sandbox s = { .role = SANDBOX_READER };
	struct buf warnings = { 0 };
	struct book *b;
	char why[512];
	int rc = 0;

	(void)argc;
	sandbox_folder_of(&s, argv[2], 0);
	(void)sandbox_enter(&s, why, sizeof why);
	b = book_load(argv[2], country ? country : "49", &warnings, why, sizeof why);
	if (warnings.len)
		fputs(warnings.data, stderr);
	buf_free(&warnings);
	if (b == NULL) {
		fprintf(stderr, "sipgate-webhook: %s\n", why);
		return 2;
	}
	if (fflush(stdout) != 0 || book_write_index(b, 1) < 0) {
		fprintf(stderr, "sipgate-webhook: cannot write the index: %s\n", strerror(errno));
		rc = 2;
	}
	book_free(b);
	return rc;
}

/* --explain RULES [--at TIME] [--query QUERY_STRING] BODY, the options
 * anywhere after RULES. */
static int explain_command(int argc, char **argv)
{
	const char *path = NULL, *at = NULL, *query = NULL, *body = NULL;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--at") == 0 && i + 1 < argc && at == NULL)
			at = argv[++i];
		else if (strcmp(argv[i], "--query") == 0 && i + 1 < argc && query == NULL)
			query = argv[++i];
		else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else if (body == NULL && path != NULL && argv[i][0] != '-')
			body = argv[i];
		else
			break;
	}
	if (i == argc && path && body)
		return explain(path, at, query, body);
	return usage(stderr);
}

static int version_command(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("sipgate-webhook %s\n", VERSION);
	return 0;
}

static int help_command(int argc, char **argv);

/* The commands, as cgit's cmd.c has them: dispatch, the usage and --help
 * all come from here.  args: how many may follow the name (max -1: any). */
static const struct command {
	const char *name;
	int min_args, max_args;
	int (*run)(int argc, char **argv);
	const char *usage;	/* what follows the name */
	const char *help;	/* its paragraph in --help, or NULL */
} commands[] = {
	{ "--check", 1, -1, check_command, "[--user NAME] [--audio-dir URL_PREFIX=DIR] RULES",
	  "--check RULES    reads a call rules file and every list and dates file it\n"
	  "                 names; prints each error as file:line: message and exits 1,\n"
	  "                 or prints warnings and \"ok: N rules, M menus, K lists\" and\n"
	  "                 exits 0.  With --user NAME (www-data by default) it also\n"
	  "                 warns of a file that user, the web server's, cannot read.\n" },
	{ "--check-audio", 1, -1, check_audio_command, "FILE...", NULL },
	{ "--diff", 0, -1, diff_command, "OLD_RULES NEW_RULES LOG...",
	  "--diff ...       replays every newCall of the event logs (JSON Lines, any\n"
	  "                 order, rotated files too) against both rules files at the\n"
	  "                 time it arrived, and prints each call the new file would\n"
	  "                 answer differently, then \"N of M calls would be answered\n"
	  "                 differently\".  Keypad pushes are not replayed (their state\n"
	  "                 lives in the call).  Exit 0 (no change), 1 (changes), 2.\n" },
	{ "--replay", 0, -1, diff_command, "RULES LOG...",
	  "--replay ...     how many logged calls each rule line decides, and the\n"
	  "                 lines no call reaches.\n" },
	{ "--calls", 1, -1, calls_command, "[--since TIME] [--until TIME] [--format json|csv] LOG...",
	  "--calls ...      one record per call from the event logs (JSON Lines, any\n"
	  "                 order, several servers, rotated files): numbers, caller,\n"
	  "                 users, times, ring and talk seconds, keys typed, the rule\n"
	  "                 and the outcome; as JSON Lines or CSV.  A call is printed\n"
	  "                 a minute after it ended, one silent for 4 hours as open.\n"
	  "                 --since/--until keep the calls whose first event is in\n"
	  "                 [since, until).  Exit 0, or 2.\n" },
	{ "--restore", 1, -1, restore_command, "FILE...",
	  "--restore ...    puts event records rescued from syslog back into the log\n"
	  "                 (SIPGATE_LOG), each as a writer appends it, under the\n"
	  "                 writers' lock: a record the log already holds is left\n"
	  "                 out, as is a line that is not an event record (named on\n"
	  "                 stderr).  Exit 0, 1 (lines that are not records) or 2 (a\n"
	  "                 file that cannot be read, or the log refused a record).\n" },
	{ "--export", 2, -1, export_command, "[--format json|csv] NUMBER LOG...",
	  "--export ...     prints, as the logs hold them, every record of every call\n"
	  "                 NUMBER took part in (as caller, callee, diversion or\n"
	  "                 answering number, in any form it arrived in; the legs tied\n"
	  "                 by origCallId too): what the logs hold about a person who\n"
	  "                 asks; --format csv: a row of each record's main fields.\n"
	  "                 How many records and calls goes to stderr.  Exit 0,\n"
	  "                 1 (none) or 2 (not a number, a log that cannot be read).\n" },
	{ "--phonebook-index", 1, 1, phonebook_index_command, "BOOK",
	  "--phonebook-index BOOK  writes the address book (a vCard file, a folder of\n"
	  "                 .vcf files or number<TAB>name lines) to stdout as an index:\n"
	  "                 its numbers in sipgate's form, sorted, which a request\n"
	  "                 searches without reading the whole book.  What it leaves\n"
	  "                 out goes to stderr.  Exit 0, or 2.\n" },
	{ "--explain", 0, -1, explain_command, "RULES [--at TIME] [--query QUERY_STRING] BODY",
	  "--explain ...    the dry run of one push: which rule matches at TIME and why\n"
	  "                 (lines starting with '# '), then the exact XML the CGI would\n"
	  "                 answer.  TIME is @EPOCH_SECONDS or RFC 3339 (2026-03-04T19:30:00+01:00);\n"
	  "                 without --at, now.  A keypad (dtmf) push needs its menu\n"
	  "                 state (--query); logged keypad pushes are not replayed.\n"
	  "                 BODY is the form body (event=newCall&from=...).  Reads\n"
	  "                 SIPGATE_WEBHOOK_URL, SIPGATE_FOLLOW and SIPGATE_STATE_KEY from\n"
	  "                 the environment.  Nothing is logged.  Exit 0, 1 (invalid\n"
	  "                 rules), 3 (menu state refused: the CGI's 403) or 2 (usage).\n" },
	{ "--help", 0, 0, help_command, NULL, NULL },
	{ "--version", 0, 0, version_command, NULL, NULL },
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

/* The usage lines, --help and --version sharing the last; 2, the status
 * of a command line not understood. */
static int usage(FILE *out)
{
	size_t i;

	fputs("usage: sipgate-webhook                          (a CGI program: run by a web server)\n", out);
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage)
			fprintf(out, "       sipgate-webhook %s %s\n", commands[i].name, commands[i].usage);
	fputs("       sipgate-webhook --help | --version\n", out);
	return 2;
}

static int help_command(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	usage(stdout);
	fputs("\n", stdout);
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].help)
			fputs(commands[i].help, stdout);
	fputs("\n"
	    "Under a web server (GATEWAY_INTERFACE or REQUEST_METHOD set) every argument\n"
	    "is ignored.  The settings (each in man sipgate-webhook, with the log and\n"
	    "the statuses):\n", stdout);
	conf_help(stdout);
	return 0;
}

int cli_main(int argc, char **argv)
{
	size_t i;
	int args = argc - 2;

	for (i = 0; argc >= 2 && i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0 && args >= commands[i].min_args &&
		    (commands[i].max_args < 0 || args <= commands[i].max_args))
			return commands[i].run(argc, argv);
	return usage(stderr);
}
