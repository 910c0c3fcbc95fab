/*
 * webhook: one sipgate.io push, start to end, whatever carried it.
 *
 * Read the settings, check the method and the sender's address, then the
 * media type and the length; read the body, verify its signature, decode
 * it, find the caller in the address book, let the call rules decide
 * (newCall and dtmf), append the event and the decision to the log (or,
 * if it refuses them, to the server's error log and syslog), and answer with the XML that steers the call and
 * subscribes its later events.  Every failure on the way is a struct
 * fail; answer() turns it into the response (err.c has the table).  The
 * request comes in a struct req: its variables, body, clock and error log.
 * A GET of PATH_INFO /calls is the calls page instead, for a user the web
 * server authenticated; any other GET or HEAD is the health check.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "book/book.h"
#include "call/conf.h"
#include "call/decide.h"
#include "call/outcome.h"
#include "call/record.h"
#include "call/reply.h"
#include "call/state.h"
#include "crypto/key.h"
#include "crypto/sig.h"
#include "history/page.h"
#include "os/sandbox.h"
#include "log/log.h"
#include "push/allow.h"
#include "push/diag.h"
#include "push/form.h"
#include "push/url.h"
#include "rules/rules.h"
#include "transport/cgi.h"
#include "webhook.h"

struct request {
	const struct req *in;	/* what the transport hands over */
	enum cgi_method method;
	size_t unread;		/* body bytes still on stdin, for draining */
	int steers;		/* newCall or dtmf: sipgate acts on the reply */
	int decided;		/* the call rules were asked */
	struct decision decision;
	struct buf url;		/* where follow-up events go */
	int have_facts;		/* the leg's facts go into the follow-up URL */
	struct outcome_facts facts;
	struct buf call_id;	/* what they are bound to */
	struct buf follow_url;	/* the URL with them */
	struct buf gather_url;	/* a Gather's onData, with the menu state */
	struct buf record;	/* the log line */
	const struct rsa_key *key;	/* whose signature counts */
	int calls_page;		/* a GET of the calls page */
	struct buf page;	/* its HTML */
	enum page_lang lang;
};

/* What of the sandbox this process lacks ("" for none), for the health
 * check: the CGI's, or the FastCGI worker's since its start. */
static char sandbox_missing[512];

/* The request's time: SIPGATE_NOW in tests, else the transport's clock. */
static void request_time(const struct conf *c, const struct request *rq,
    struct timespec *now)
{
	if (c->now.set) {
		now->tv_sec = c->now.t;
		now->tv_nsec = 0;
	} else
		rq->in->now(rq->in->ctx, now);
}

/* What one push carries from step to step. */
struct event {
	char *body;
	size_t len;
	struct timespec now;		/* the request's time */
	enum sig_outcome signature;
	struct form form;
	int dtmf;			/* else newCall, or another event */
	const struct book *book;	/* SIPGATE_PHONEBOOK's, if it could be read */
	char book_error[320];		/* else why not */
	const char *caller;		/* the caller's name from it: */
	char caller_name[BOOK_NAME_MAX + 1];
	const char *outcome;		/* a hangup's */
	const char *outcome_basis;
	long long duration_ms;		/* -1: unknown */
	struct outcome_facts facts;	/* a hangup's, when it brought them */
	struct buf rule_json;		/* the decision, for the record */
};

static void event_free(struct event *ev)
{
	free(ev->body);
	form_free(&ev->form);
	buf_free(&ev->rule_json);
}

/* The body, once its media type and length are right. */
static enum err read_body(struct request *rq, struct event *ev, struct fail *f)
{
	enum err rc;

	if (!cgi_is_form(req_param(rq->in, "CONTENT_TYPE")))
		return err_fail(f, ERR_MEDIA_TYPE,
		    "Content-Type must be application/x-www-form-urlencoded");
	if ((rc = cgi_content_length(req_param(rq->in, "CONTENT_LENGTH"),
	    CGI_MAX_BODY, &ev->len, f)) != ERR_OK)
		return rc;
	rc = cgi_read_body(rq->in, ev->len, &ev->body, f);
	rq->unread = 0;
	return rc;
}

/* sipgate's signature, as SIPGATE_SIGNATURE asks. */
static enum err verify(const struct conf *c, struct request *rq,
    struct event *ev, struct fail *f)
{
	const char *why = NULL;

	if (c->signature == CONF_SIG_OFF)
		return ERR_OK;
	ev->signature = sig_check(rq->key, req_param(rq->in, "HTTP_X_SIPGATE_SIGNATURE"),
	    ev->body, ev->len, &why);
	if (ev->signature != SIG_VALID && c->signature == CONF_SIG_REQUIRE)
		return err_fail(f, ERR_SIGNATURE, "forbidden: %s", why);
	return ERR_OK;
}

/* The form body, with its event: newCall and dtmf steer the call. */
static enum err decode(struct request *rq, struct event *ev, struct fail *f)
{
	const struct form_param *event;
	enum err rc;

	if ((rc = form_decode(ev->body, ev->len, &ev->form, f)) != ERR_OK)
		return rc;
	if ((event = form_get(&ev->form, "event")) == NULL)
		return err_fail(f, ERR_NO_EVENT, "the body has no event parameter");
	ev->dtmf = form_is(event, "dtmf");
	rq->steers = ev->dtmf || form_is(event, "newCall");
	return ERR_OK;
}

/* The caller's name, for a push that names a caller: the from of a call
 * that came in (an outgoing call's from is the office's own line).  A
 * book that cannot be read costs the name, never the call; the admin
 * hears of it on every request, as of a rules file that cannot be used. */
static void find_caller(const struct conf *c, struct request *rq, struct event *ev)
{
	const struct form_param *from = form_get(&ev->form, "from");
	const struct form_param *dir = form_get(&ev->form, "direction");
	const struct book_card *card;
	struct number v;

	if (c->phonebook == NULL)
		return;
	ev->book = book_cache_get(c->phonebook, c->country, ev->book_error, sizeof ev->book_error);
	if (ev->book == NULL)
		diag_monitor(rq->in, "config", ev->book_error);
	if (ev->book == NULL || from == NULL || (dir && form_is(dir, "out")))
		return;
	number_incoming(from->value, from->value_len, c->country, &v);
	/* A copy: a search of an index overwrites the card it found. */
	if ((card = book_find(ev->book, &v)) != NULL) {
		snprintf(ev->caller_name, sizeof ev->caller_name, "%s", card->name);
		ev->caller = ev->caller_name;
	}
}

/* The call rules, asked about a newCall or dtmf when there are any. */
static enum err decide_call(const struct conf *c, struct request *rq,
    struct event *ev, struct fail *f)
{
	struct decide_input in = { 0 };
	enum err rc;

	if (c->rules == NULL || !rq->steers)
		return ERR_OK;
	in.rules_path = c->rules;
	in.form = &ev->form;
	in.dtmf = ev->dtmf;
	in.query = req_param(rq->in, "QUERY_STRING");
	in.key = c->state_key;
	in.key_len = c->state_key ? strlen(c->state_key) : 0;
	in.now = ev->now.tv_sec;
	in.book = ev->book;
	in.book_error = c->phonebook ? ev->book_error : NULL;
	in.caller = ev->caller;
	if ((rc = decide(&in, &rq->decision, f)) != ERR_OK)
		return rc;
	rq->decided = 1;
	decide_json(&ev->rule_json, &rq->decision);
	return ev->rule_json.oom ? err_fail(f, ERR_INTERNAL, "out of memory") : ERR_OK;
}

static long long ms_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

/* What the rules did to the leg, for its hangup to read. */
static unsigned decision_flags(const struct request *rq)
{
	const struct rules_action *a = rq->decided ? rq->decision.action : NULL;

	/* A built-in decision (the caller hung up in a menu) is nobody's refusal. */
	if (a == NULL || rq->decision.line == 0)
		return 0;
	if (a->kind == RULES_ACT_PLAY && a->then)
		a = a->then;
	return a->kind == RULES_ACT_REJECT || a->kind == RULES_ACT_HANGUP ? OUTCOME_REJECTED :
	    a->kind == RULES_ACT_VOICEMAIL ? OUTCOME_TO_VOICEMAIL : 0;
}

/* The facts a newCall starts and a keypad push carries on (signed with the
 * state key: without one there are none), and what a hangup makes of
 * the facts it brings back. */
static void leg_facts(const struct conf *c, struct request *rq, struct event *ev)
{
	const struct form_param *id = form_get(&ev->form, "callId");
	const struct form_param *event = form_get(&ev->form, "event");
	const struct form_param *cause = form_get(&ev->form, "cause");
	size_t key_len = c->state_key ? strlen(c->state_key) : 0;
	struct outcome_facts got;
	enum outcome_read read = OUTCOME_NONE;

	if (c->state_key && (ev->dtmf || (event && form_is(event, "hangup"))))
		read = outcome_parse(req_param(rq->in, "QUERY_STRING"), c->state_key, key_len,
		    id ? id->value : "", id ? id->value_len : 0, &got);
	if (event && form_is(event, "hangup")) {
		ev->outcome = outcome_of(cause ? cause->value : NULL, cause ? cause->value_len : 0,
		    read == OUTCOME_OK ? &got : NULL);
		ev->outcome_basis = read == OUTCOME_OK ? "call" : read == OUTCOME_NONE ? "hangup" : "refused";
		if (read == OUTCOME_OK && ms_of(&ev->now) >= got.start_ms)
			ev->duration_ms = ms_of(&ev->now) - got.start_ms;
		if (read == OUTCOME_OK)
			ev->facts = got;
		return;
	}
	if (c->state_key == NULL || !rq->steers || (ev->dtmf && read != OUTCOME_OK))
		return;
	if (ev->dtmf) {
		rq->facts = got;
		rq->facts.flags = got.flags & OUTCOME_VOICEMAIL_LEG;
	} else {
		rq->facts.start_ms = ms_of(&ev->now);
		rq->facts.flags = outcome_leg(&ev->form);
		outcome_users(&ev->form, &rq->facts);
	}
	rq->facts.flags |= decision_flags(rq);
	rq->have_facts = 1;
	buf_free(&rq->call_id);
	if (id)
		buf_put(&rq->call_id, id->value, id->value_len);
}

/* The log line: the time, the sender, the signature, every parameter and
 * the decision. */
static enum err record(struct request *rq, struct event *ev, struct fail *f)
{
	const char *remote = req_param(rq->in, "REMOTE_ADDR");
	struct record_meta meta;
	char received[32];

	record_timestamp(&ev->now, received);
	meta.received = received;
	meta.remote_addr = remote && *remote ? remote : NULL;
	meta.signature = sig_outcome_name(ev->signature);
	meta.rule = ev->rule_json.len > 0 ? ev->rule_json.data : NULL;
	meta.caller = ev->caller;
	meta.outcome = ev->outcome;
	meta.outcome_basis = ev->outcome_basis;
	meta.duration_ms = ev->duration_ms;
	meta.facts = &ev->facts;
	return record_build(&rq->record, &ev->form, &meta, f);
}

/* The URLs the reply points sipgate at: onAnswer/onHangup (with the leg's
 * facts), a Gather's onData (with them too, and the menu state). */
static enum err reply_urls(const struct conf *c, struct request *rq,
    struct fail *f)
{
	const struct decision *d = &rq->decision;
	int gather = rq->decided && d->action && d->action->kind == RULES_ACT_GATHER;
	const char *base;
	enum err rc;

	if (!(rq->steers && c->follow) && !gather)
		return ERR_OK;
	if (c->webhook_url == NULL && (rc = url_derive(&rq->url, rq->in, f)) != ERR_OK)
		return rc;
	base = c->webhook_url ? c->webhook_url : rq->url.data;
	if (rq->have_facts) {
		outcome_url(&rq->follow_url, base, &rq->facts, c->state_key, strlen(c->state_key),
		    rq->call_id.len ? rq->call_id.data : "", rq->call_id.len);
		if (rq->follow_url.oom)
			return err_fail(f, ERR_INTERNAL, "out of memory building the follow-up URL");
		base = rq->follow_url.data;
	}
	if (!gather)
		return ERR_OK;
	state_url(&rq->gather_url, base, d->rules->menus[d->gather_menu].name, d->gather_n,
	    c->state_key, c->state_key ? strlen(c->state_key) : 0,
	    d->call_id.len ? d->call_id.data : "", d->call_id.len);
	return rq->gather_url.oom ?
	    err_fail(f, ERR_INTERNAL, "out of memory building the Gather URL") : ERR_OK;
}

/* A rules file that could not be used, or a note on a rule, is the
 * admin's to hear of on every request; strict mode makes it a 500. */
static enum err report_decision(const struct conf *c, struct request *rq,
    struct fail *f)
{
	const struct decision *d = &rq->decision;

	if (!rq->decided || d->stale)
		return ERR_OK;
	if (d->error[0] && c->rules_strict)
		return err_fail(f, ERR_CONFIG, "%s", d->error);
	if (d->error[0])
		diag_monitor(rq->in, "config", d->error);
	if (d->note[0])
		diag(rq->in, d->note);
	return ERR_OK;
}

/* The log takes the record, or the server's error log and syslog do; the
 * call is answered as decided either way: sipgate does not retry, and an
 * error status would switch every rule off for the call and lose its
 * later events.  A transport that appends in its own time does both. */
static void keep_record(const struct conf *c, struct request *rq)
{
	struct fail lf = { 0 };

	if (rq->in->append)
		rq->in->append(rq->in->ctx, c->log_path, rq->record.data, rq->record.len, c->sync);
	else if (log_append(rq->in, c->log_path, rq->record.data, rq->record.len,
	    c->sync, &lf) != ERR_OK)
		diag_event(rq->in, lf.why, rq->record.data, rq->record.len);
}

/* The log takes the record, or the server's error log and syslog do (see
 * keep_record); a dry run hands it over instead. */
static void log_event(const struct conf *c, struct request *rq)
{
	if (rq->in->dry_run)
		rq->in->dry_run(rq->in->ctx, rq->decided ? &rq->decision : NULL, rq->record.data);
	else
		keep_record(c, rq);
}

/* An authentic push the story refuses after decoding it: its record, with
 * the refusal where the decision would be, goes where every record goes. */
static void keep_refused(const struct conf *c, struct request *rq, struct event *ev,
    const struct fail *why)
{
	struct fail f = { 0 };

	buf_free(&ev->rule_json);
	buf_puts(&ev->rule_json, "{\"error\":");
	json_put_string(&ev->rule_json, why->why, strlen(why->why));
	buf_putc(&ev->rule_json, '}');
	if (record(rq, ev, &f) == ERR_OK)
		log_event(c, rq);
	else
		diag_body(rq->in, f.why, ev->body, ev->len);
}

/* A push: read, verify, decode, decide, record, log; then what the reply
 * needs. */
static enum err accept_event(const struct conf *c, struct request *rq,
    struct fail *f)
{
	struct event ev = { .signature = SIG_UNCHECKED, .duration_ms = -1 };
	enum err rc;

	if ((rc = read_body(rq, &ev, f)) != ERR_OK)
		return rc;
	request_time(c, rq, &ev.now);
	rc = verify(c, rq, &ev, f);
	if (rc == ERR_OK)
		rc = decode(rq, &ev, f);
	if (rc == ERR_OK)
		find_caller(c, rq, &ev);
	if (rc == ERR_OK)
		rc = decide_call(c, rq, &ev, f);
	if (rc == ERR_OK)
		leg_facts(c, rq, &ev);
	if (rc == ERR_OK)
		rc = record(rq, &ev, f);
	/* sipgate sent it, so it must not vanish with the 400, nor a keypad
	 * push whose menu state is refused (a state key changed mid-call)
	 * with the 403: that one is logged with the refusal. */
	if (rc == ERR_STATE && ev.signature == SIG_VALID)
		keep_refused(c, rq, &ev, f);
	else if (rc != ERR_OK && ev.signature == SIG_VALID)
		diag_body(rq->in, f->why, ev.body, ev.len);
	event_free(&ev);
	if (rc != ERR_OK)
		return rc;
	log_event(c, rq);
	if ((rc = report_decision(c, rq, f)) != ERR_OK)
		return rc;
	return reply_urls(c, rq, f);
}

static int add_read(void *ctx, const char *path, int folder_of)
{
	return folder_of ? sandbox_folder_of(ctx, path, 0) : sandbox_read(ctx, path);
}

/* What requests under c read (the rules file's folder, its list and dates
 * files, the key's folder, the time zone) and write (the log's folder). */
static void request_files(struct sandbox *s, const struct conf *c)
{
	struct buf errors = { 0 };
	const struct rules *r = c->rules ? rules_cache_get(c->rules, &errors) : NULL;

	if (r)
		rules_files(r, add_read, s);
	else
		sandbox_folder_of(s, c->rules, 0);
	buf_free(&errors);
	sandbox_folder_of(s, c->phonebook, 0);
	sandbox_folder_of(s, c->public_key, 0);
	sandbox_folder_of(s, c->state_key_file.path, 0);
	sandbox_read(s, "/etc/localtime");
	sandbox_folder_of(s, c->log_path, 1);
}

/* A CGI: nothing but this request's files from here on, before a byte of
 * the body is read.  What the kernel does not offer the health check says. */
static void restrict_request(const struct conf *c)
{
	struct sandbox s = { .role = SANDBOX_CGI };

	request_files(&s, c);
	if (sandbox_enter(&s, sandbox_missing, sizeof sandbox_missing) == SANDBOX_FULL)
		sandbox_missing[0] = '\0';
}

int webhook_restrict_worker(const struct req *env)
{
	struct sandbox s = { .role = SANDBOX_WORKER };
	struct conf c = { 0 };
	struct fail f;

	/* A setting the environment gets wrong fails each request; the
	 * files it did name are the worker's. */
	(void)conf_load(&c, env, &f);
	request_files(&s, &c);
	/* What the shipped configuration names, whatever a request says. */
	sandbox_read(&s, "/etc/sipgate-webhook");
	sandbox_read(&s, CONF_PHONEBOOK_DIR);
	sandbox_folder_of(&s, CONF_LOG_DEFAULT, 1);
	if (sandbox_enter(&s, sandbox_missing, sizeof sandbox_missing) == SANDBOX_FULL) {
		sandbox_missing[0] = '\0';
		return 0;
	}
	diag(env, sandbox_missing);
	return -1;
}

/* Whether user is one of list's names (separated by commas or spaces). */
static int user_listed(const char *list, const char *user)
{
	size_t n = strlen(user), k;

	while (*list) {
		list += strspn(list, ", \t");
		k = strcspn(list, ", \t");
		if (k == n && k > 0 && memcmp(list, user, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

/* The calls page holds personal data: only for a user the web server
 * authenticated (its REMOTE_USER), and one SIPGATE_CALLS_USERS names when
 * it names any.  The sender allow-list is sipgate's, not the office's. */
static enum err calls_page(const struct conf *c, struct request *rq, struct fail *f)
{
	const char *user = req_param(rq->in, "REMOTE_USER");
	struct page_filter flt;
	struct timespec now;
	enum err rc;

	if (user == NULL || *user == '\0')
		return err_fail(f, ERR_AUTH, "the calls page is only for users the web server "
		    "authenticated: turn on basic auth for it (README, \"The calls page\")");
	if (c->calls_users && !user_listed(c->calls_users, user))
		return err_fail(f, ERR_AUTH, "user %.64s may not see the calls page (SIPGATE_CALLS_USERS)", user);
	if ((rc = page_query(req_param(rq->in, "QUERY_STRING"), &flt, f)) != ERR_OK)
		return rc;
	rq->lang = page_lang(req_param(rq->in, "HTTP_ACCEPT_LANGUAGE"));
	request_time(c, rq, &now);
	return page_build(&rq->page, c->log_path, &flt, rq->lang, now.tv_sec, f);
}

static int is_calls_page(const struct request *rq)
{
	const char *info = req_param(rq->in, "PATH_INFO");

	return (rq->method == CGI_GET || rq->method == CGI_HEAD) && info && strcmp(info, "/calls") == 0;
}

static enum err handle(struct request *rq, struct conf *c, struct fail *f)
{
	enum err rc;

	if ((rc = conf_load(c, rq->in, f)) != ERR_OK)
		return rc;
	if (rq->in->sandbox)
		restrict_request(c);
#ifdef SANDBOX_PROBE
	sandbox_probe(req_param(rq->in, "SANDBOX_PROBE"), c->log_path);
#endif
	if ((rq->calls_page = is_calls_page(rq)) != 0)
		return calls_page(c, rq, f);
	if (rq->method == CGI_OTHER)
		return err_fail(f, ERR_METHOD, "method not allowed; use POST");
	if ((rc = allow_check(c->allow_from, req_param(rq->in, "REMOTE_ADDR"),
	    f)) != ERR_OK)
		return rc;
	if (c->signature != CONF_SIG_OFF &&
	    (rc = key_get(c->public_key, &rq->key, f)) != ERR_OK)
		return rc;
	if (rq->method == CGI_POST)
		return accept_event(c, rq, f);
	if (c->follow && c->webhook_url == NULL &&
	    (rc = url_derive(&rq->url, rq->in, f)) != ERR_OK)
		return rc;
	return log_check(c->log_path, f);
}

static int answer(struct request *rq, const struct conf *c,
    const struct fail *f)
{
	struct buf out = { 0 };
	int with_body = rq->method != CGI_HEAD;
	int rc = 0;

	if (f->code != ERR_OK) {
		if (err_monitor(f->code))
			diag_monitor(rq->in, err_monitor(f->code), f->why);
		else if (err_to_stderr(f->code))
			diag(rq->in, f->why);
		reply_error(&out, f, with_body);
	} else if (rq->calls_page) {
		reply_page(&out, &rq->page, rq->lang == PAGE_DE ? "de" : "en", page_csp(), with_body);
	} else if (rq->method != CGI_POST) {
		reply_ok(&out, sandbox_missing, with_body);
	} else {
		reply_event(&out, rq->steers ? c->follow : 0,
		    rq->follow_url.len ? rq->follow_url.data : c->webhook_url ? c->webhook_url : rq->url.data,
		    rq->decided ? &rq->decision : NULL, rq->gather_url.data);
	}
	if (rq->unread > 0)
		cgi_drain(rq->in, rq->unread);
	if (out.oom || rq->in->write(rq->in->ctx, out.data, out.len) < 0) {
		diag(rq->in, "cannot write the response to the web server");
		rc = 1;
	}
	buf_free(&out);
	return rc;
}

int webhook_serve(const struct req *in)
{
	struct request rq = { 0 };
	struct conf c = { 0 };
	struct fail f = { 0 };
	int rc;

	rq.in = in;
	rq.method = cgi_method(req_param(in, "REQUEST_METHOD"));
	rq.unread = cgi_body_pending(in, rq.method == CGI_POST);
	handle(&rq, &c, &f);
	if (in->outcome)
		*in->outcome = f.code;
	rc = answer(&rq, &c, &f);
	decide_free(&rq.decision);
	buf_free(&rq.url);
	buf_free(&rq.call_id);
	buf_free(&rq.follow_url);
	buf_free(&rq.gather_url);
	buf_free(&rq.record);
	buf_free(&rq.page);
	return rc;
}
