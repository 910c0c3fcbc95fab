/*
 * sipgate-webhook: one sipgate.io push, start to end.
 *
 * Read the settings, check the method and the sender's address, then the
 * media type and the length; read the body, verify its signature, decode
 * it, append the event to the log, and answer with the XML that subscribes
 * the call's later events.  Every failure on the way is a struct fail;
 * answer() turns it into the response (err.c has the table).  The request
 * comes in a struct req: its variables, body, clock and error log.
 */
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "buf.h"
#include "cgi.h"
#include "conf.h"
#include "diag.h"
#include "err.h"
#include "form.h"
#include "harden.h"
#include "key.h"
#include "log.h"
#include "record.h"
#include "reply.h"
#include "sig.h"
#include "url.h"
#include "webhook.h"

struct request {
	const struct req *in;	/* what the transport hands over */
	enum cgi_method method;
	size_t unread;		/* body bytes still on stdin, for draining */
	int new_call;		/* the event is newCall: subscribe the rest */
	struct buf url;		/* where follow-up events go */
	struct buf record;	/* the log line */
	struct rsa_key key;	/* whose signature counts */
};

/* Derives the URL for onAnswer/onHangup unless it is configured or unused. */
static enum err follow_url(const struct conf *c, struct request *rq,
    struct fail *f)
{
	if (c->follow == 0 || c->webhook_url != NULL)
		return ERR_OK;
	return url_derive(&rq->url, rq->in, f);
}

/* Decodes the verified body into the log record; notes whether it is a newCall. */
static enum err build_record(struct request *rq, const char *body, size_t len,
    enum sig_outcome outcome, struct fail *f)
{
	const char *remote = req_param(rq->in, "REMOTE_ADDR");
	const struct form_param *event;
	struct record_meta meta;
	struct timespec now;
	struct form form;
	char received[32];
	enum err rc;

	rq->in->now(rq->in->ctx, &now);
	record_timestamp(&now, received);
	if ((rc = form_decode(body, len, &form, f)) != ERR_OK)
		return rc;
	if ((event = form_get(&form, "event")) == NULL) {
		rc = fail_set(f, ERR_NO_EVENT, "the body has no event parameter");
	} else {
		rq->new_call = event->value_len == 7 &&
		    memcmp(event->value, "newCall", 7) == 0;
		meta.received = received;
		meta.remote_addr = remote && *remote ? remote : NULL;
		meta.signature = sig_outcome_name(outcome);
		rc = record_build(&rq->record, &form, &meta, f);
	}
	form_free(&form);
	return rc;
}

static enum err accept_event(const struct conf *c, struct request *rq,
    struct fail *f)
{
	enum sig_outcome outcome = SIG_UNCHECKED;
	const char *why = NULL;
	size_t len;
	char *body;
	enum err rc;

	if (!cgi_is_form(req_param(rq->in, "CONTENT_TYPE")))
		return fail_set(f, ERR_MEDIA_TYPE,
		    "Content-Type must be application/x-www-form-urlencoded");
	if ((rc = cgi_content_length(req_param(rq->in, "CONTENT_LENGTH"),
	    CGI_MAX_BODY, &len, f)) != ERR_OK)
		return rc;
	rc = cgi_read_body(rq->in, len, &body, f);
	rq->unread = 0;
	if (rc != ERR_OK)
		return rc;

	if (c->signature != CONF_SIG_OFF)
		outcome = sig_check(&rq->key,
		    req_param(rq->in, "HTTP_X_SIPGATE_SIGNATURE"), body, len, &why);
	if (outcome != SIG_VALID && c->signature == CONF_SIG_REQUIRE)
		rc = fail_set(f, ERR_SIGNATURE, "forbidden: %s", why);
	else
		rc = build_record(rq, body, len, outcome, f);
	/* sipgate sent it, so it must not vanish with the 400. */
	if (rc != ERR_OK && outcome == SIG_VALID)
		diag_body(rq->in, f->why, body, len);
	free(body);
	if (rc != ERR_OK)
		return rc;
	if ((rc = log_append(rq->in, c->log_path, rq->record.data,
	    rq->record.len, c->sync, f)) != ERR_OK)
		return rc;
	return rq->new_call ? follow_url(c, rq, f) : ERR_OK;
}

static enum err handle(struct request *rq, struct conf *c, struct fail *f)
{
	enum err rc;

	if ((rc = conf_load(c, rq->in, f)) != ERR_OK)
		return rc;
	if (rq->method == CGI_OTHER)
		return fail_set(f, ERR_METHOD, "method not allowed; use POST");
	if ((rc = allow_check(c->allow_from, req_param(rq->in, "REMOTE_ADDR"),
	    f)) != ERR_OK)
		return rc;
	if (c->signature != CONF_SIG_OFF &&
	    (rc = key_load(c->public_key, &rq->key, NULL, f)) != ERR_OK)
		return rc;
	if (rq->method == CGI_POST)
		return accept_event(c, rq, f);
	if ((rc = follow_url(c, rq, f)) != ERR_OK)
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
		if (f->code == ERR_LOG && rq->record.len > 0)
			diag_event(rq->in, f->why, rq->record.data, rq->record.len);
		else if (err_to_stderr(f->code))
			diag(rq->in, f->why);
		reply_error(&out, f, with_body);
	} else if (rq->method != CGI_POST) {
		reply_ok(&out, with_body);
	} else {
		reply_event(&out, rq->new_call ? c->follow : 0,
		    c->webhook_url ? c->webhook_url : rq->url.data);
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
	rc = answer(&rq, &c, &f);
	buf_free(&rq.url);
	buf_free(&rq.record);
	return rc;
}

int main(void)
{
	struct req cgi;

	if (harden_stdio() < 0)
		return 1;
	cgi_req(&cgi);
	harden_process(&cgi);
	return webhook_serve(&cgi);
}
