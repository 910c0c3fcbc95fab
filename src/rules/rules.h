/* rules: the call rules engine's one public header.  A file
 * (SIPGATE_RULES) read into memory (parse.c), kept per process (cache.c),
 * and what a request asks of it (lookup.c), which never enters the parser.
 * One statement per line, first match wins; any error makes the whole file
 * invalid and is named "file:line: message".  Dates files are read with
 * the rules; list files only when a rule that uses them is evaluated,
 * except by a full check, which reads them all. */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "os/file.h"
#include "push/number.h"
#include "rules/when.h"

#define RULES_FILE_MAX ((size_t)1 << 20)
#define RULES_LIST_FILE_MAX ((size_t)16 << 20)
#define RULES_LINE_MAX 4096
#define RULES_TOKENS_MAX 64
#define RULES_WHEN_MAX 10000
#define RULES_MENUS_MAX 256
#define RULES_NAME_MAX 32
#define RULES_URL_MAX 1024
#define RULES_DIAL_MAX 5

enum rules_direction { RULES_DIR_IN, RULES_DIR_OUT, RULES_DIR_ANY };

/* The name a rule gives the address book: @phonebook, @phonebook:VIP. */
#define RULES_BOOK "phonebook"
#define RULES_CATEGORY_MAX 64

enum rules_item_kind {
	RULES_ITEM_NUMBER, RULES_ITEM_ANY, RULES_ITEM_SET, RULES_ITEM_TEXT,
	RULES_ITEM_BOOK		/* text: the category, or NULL for any card */
};

/* One alternative of a condition's comma-separated value. */
struct rules_item {
	enum rules_item_kind kind;
	struct number number;	/* RULES_ITEM_NUMBER (or anonymous) */
	int set;		/* RULES_ITEM_SET: index into rules.sets */
	const char *text;	/* RULES_ITEM_TEXT: a user name or a DTMF key;
				 * RULES_ITEM_BOOK: the category or NULL */
};

enum rules_cond_kind {
	RULES_COND_ALWAYS, RULES_COND_DIRECTION, RULES_COND_FROM, RULES_COND_TO, RULES_COND_DIVERSION,
	RULES_COND_USER, RULES_COND_USERID, RULES_COND_FULLUSERID, RULES_COND_TIME, RULES_COND_DATE,
	RULES_COND_PERCENT, RULES_COND_FLAG, RULES_COND_MENU, RULES_COND_KEY
};

struct rules_cond {
	enum rules_cond_kind kind;
	int negate;
	int value;		/* direction, percent, menu index */
	const char *name;	/* flag */
	struct rules_item *items;
	size_t nitems;
};

enum rules_action_kind {
	RULES_ACT_PASS, RULES_ACT_REJECT, RULES_ACT_HANGUP, RULES_ACT_VOICEMAIL, RULES_ACT_DIAL,
	RULES_ACT_CALLERID, RULES_ACT_WITHHOLD, RULES_ACT_GATHER, RULES_ACT_PLAY
};

struct rules_action {
	enum rules_action_kind kind;
	int busy;				/* reject busy */
	const char *numbers[RULES_DIAL_MAX];	/* dial, normalised */
	size_t nnumbers;
	int anonymous;				/* dial ... anonymous */
	const char *callerid;			/* dial ... callerid C, callerid C */
	int menu;				/* gather */
	const char *url;			/* play */
	const struct rules_action *then;		/* play URL then ACTION */
};

/* A list file, or entries written inline. */
struct rules_list_part {
	const char *path;	/* NULL: the entries below */
	int line;		/* where the part was defined */
	struct number *entries;
	size_t nentries;
	struct rules_list_part *next;
};

enum rules_set_kind { RULES_SET_LIST, RULES_SET_HOURS, RULES_SET_DATES };

struct rules_set {
	char name[RULES_NAME_MAX + 1];
	enum rules_set_kind kind;
	int line;
	struct rules_list_part *parts, **tail;	/* RULES_SET_LIST */
	struct when_window *windows;		/* RULES_SET_HOURS */
	size_t nwindows, cap;
	struct when_date *dates;		/* RULES_SET_DATES */
	size_t ndates;
};

struct rules_menu {
	char name[RULES_NAME_MAX + 1];
	int line;
	const char *play;
	int digits, timeout, tries;
	struct rules_action otherwise;	/* else */
};

struct rules_rule {
	int line;
	const char *text;	/* the line as written, for --explain */
	int direction;		/* enum rules_direction; RULES_DIR_IN when unsaid */
	int menu;		/* the menu's index, or one of these: */
#define RULES_NO_MENU (-1)	/* a newCall rule */
#define RULES_MENU_PENDING (-2)	/* a menu not (yet) defined: the file has an error */
	struct rules_cond *conds;
	size_t nconds;
	struct rules_action action;
};

struct arena;

struct rules_source {
	const char *path;
	struct file_id id;
};

struct rules {
	const char *path, *dir;		/* dir: for relative list paths */
	const char *zone;		/* NULL if none */
	char country[4];
	const char *flagdir;
	int uses_book;			/* a rule names @phonebook */
	struct rules_set *sets;
	size_t nsets;
	struct rules_menu *menus;
	size_t nmenus;
	struct rules_rule *rules;
	size_t nrules;
	/* The files read at load besides this one (dates files), so that a
	 * kept copy is read again when any of them changes. */
	struct rules_source *sources;
	size_t nsources, cap_sources;
	struct arena *arena;
};

/* ---- parse.c ---- */

enum rules_mode { RULES_RUN, RULES_CHECK };

/* Reads path.  RULES_RUN stops at the first error; RULES_CHECK reads every
 * list file too and collects every error.  Errors ("file:line: message"
 * lines) go to errors, warnings (RULES_CHECK only) to warnings (may be
 * NULL).  Returns the rules, or NULL if there was any error. */
struct rules *rules_load(const char *path, enum rules_mode mode,
    struct buf *errors, struct buf *warnings);
/* rules_load, also giving the identity of the file it read in *st. */
struct rules *rules_read(const char *path, enum rules_mode mode,
    struct buf *errors, struct buf *warnings, struct stat *st);
void rules_free(struct rules *r);

/* ---- cache.c ---- */

/* The rules a request decides by (RULES_RUN), read once per process and
 * again only when the file or a dates file it names changes (a new inode,
 * size or time stamp), so a FastCGI worker parses an unchanged file once;
 * two files are kept at once (--diff compares two).  Valid while at most
 * one other file is asked for; the caller does not free them. */
const struct rules *rules_cache_get(const char *path, struct buf *errors);

/* ---- lookup.c: what a request asks of loaded rules ---- */

/* Whether s[0..n) is a name for a list, hours, dates, menu or flag:
 * 1 to 32 of a-z, 0-9, _ and -. */
int rules_name_ok(const char *s, size_t n);

/* The index of the menu called name, or -1. */
int rules_find_menu(const struct rules *r, const char *name);

/* The verb naming an action in the record and the file: "dial", ... */
const char *rules_action_name(enum rules_action_kind kind);

/* Whether v is in the list s (its entries written inline, then its files
 * in turn): 1, 0, or -1 with "file:line: message" in why. */
int rules_in_list(const struct rules *r, const struct rules_set *s, const struct number *v,
    char *why, size_t why_len);

/* Reads a list file, calling match on each entry until it returns 1.
 * Returns 1 (a hit), 0 (none), or -1 with "file:line: message" in why. */
int rules_list_file(const struct rules *r, const struct rules_list_part *part,
    int (*match)(const struct number *entry, void *ctx), void *ctx,
    char *why, size_t why_len);

/* Whether local time falls in one of the hours set's windows or on one of
 * the dates set's days. */
int rules_in_calendar(const struct rules_set *s, const struct tm *local);

/* Hands add every file and folder deciding by r reads: the rules file's
 * folder (the file, and lists named relative to it), its dates files, the
 * folder of each list file (folder_of 1), the time zone files. */
void rules_files(const struct rules *r, int (*add)(void *ctx, const char *path, int folder_of),
    void *ctx);

#endif
