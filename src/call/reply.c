#include "call/conf.h"
#include "call/reply.h"

static void put_xml_text(struct buf *out, const char *v);

static void put_xml_attr(struct buf *out, const char *name, const char *v)
{
	buf_printf(out, " %s=\"", name);
	put_xml_text(out, v);
	buf_putc(out, '"');
}

/* extra: further header lines, each ending in CRLF, or "". */
static void put_response(struct buf *out, const char *status, const char *extra,
    const char *type, const struct buf *body, int with_body)
{
	buf_printf(out, "Status: %s\r\n%s", status, extra);
	buf_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n\r\n", type, body->len);
	if (with_body)
		buf_put(out, body->data, body->len);
	if (body->oom)
		out->oom = 1;
}

static void put_xml_text(struct buf *out, const char *v)
{
	for (; *v; v++) {
		switch (*v) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default: buf_putc(out, *v);
		}
	}
}

static void put_number(struct buf *out, const char *n)
{
	buf_puts(out, "<Number>");
	put_xml_text(out, n);
	buf_puts(out, "</Number>");
}

static void put_dial(struct buf *out, const char *callerid, int anonymous,
    const char *const *numbers, size_t n)
{
	size_t i;

	buf_puts(out, "<Dial");
	if (callerid)
		put_xml_attr(out, "callerId", callerid);
	if (anonymous)
		buf_puts(out, " anonymous=\"true\"");
	buf_putc(out, '>');
	for (i = 0; i < n; i++)
		put_number(out, numbers[i]);
	buf_puts(out, "</Dial>");
}

static void put_action(struct buf *out, const struct rules_action *a,
    const struct decision *d, const char *gather_url)
{
	const struct rules_menu *m;
	const char *to = d->to;

	switch (a->kind) {
	case RULES_ACT_PASS:
		break;
	case RULES_ACT_REJECT:
		buf_printf(out, "<Reject reason=\"%s\"/>", a->busy ? "busy" : "rejected");
		break;
	case RULES_ACT_HANGUP:
		buf_puts(out, "<Hangup/>");
		break;
	case RULES_ACT_VOICEMAIL:
		buf_puts(out, "<Dial><Voicemail/></Dial>");
		break;
	case RULES_ACT_DIAL:
		put_dial(out, a->callerid, a->anonymous, a->numbers, a->nnumbers);
		break;
	case RULES_ACT_CALLERID:
		put_dial(out, a->callerid, 0, &to, 1);
		break;
	case RULES_ACT_WITHHOLD:
		put_dial(out, NULL, 1, &to, 1);
		break;
	case RULES_ACT_GATHER:
		m = &d->rules->menus[d->gather_menu];
		buf_puts(out, "<Gather");
		put_xml_attr(out, "onData", gather_url ? gather_url : "");
		buf_printf(out, " maxDigits=\"%d\" timeout=\"%d\"", m->digits, m->timeout);
		if (m->play == NULL) {
			buf_puts(out, "/>");
			break;
		}
		buf_puts(out, "><Play><Url>");
		put_xml_text(out, m->play);
		buf_puts(out, "</Url></Play></Gather>");
		break;
	case RULES_ACT_PLAY:
		buf_puts(out, "<Play><Url>");
		put_xml_text(out, a->url);
		buf_puts(out, "</Url></Play>");
		if (a->then)
			put_action(out, a->then, d, gather_url);
		break;
	}
}

void reply_xml(struct buf *xml, unsigned follow, const char *url,
    const struct decision *d, const char *gather_url)
{
	buf_puts(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response");
	if (follow & CONF_FOLLOW_ANSWER)
		put_xml_attr(xml, "onAnswer", url);
	if (follow & CONF_FOLLOW_HANGUP)
		put_xml_attr(xml, "onHangup", url);
	if (d == NULL || d->action == NULL) {
		buf_puts(xml, "/>\n");
		return;
	}
	buf_putc(xml, '>');
	put_action(xml, d->action, d, gather_url);
	buf_puts(xml, "</Response>\n");
}

void reply_event(struct buf *out, unsigned follow, const char *url,
    const struct decision *d, const char *gather_url)
{
	struct buf xml = { 0 };

	reply_xml(&xml, follow, url, d, gather_url);
	put_response(out, err_status(ERR_OK), "", "application/xml; charset=utf-8", &xml, 1);
	buf_free(&xml);
}

void reply_error(struct buf *out, const struct fail *f, int with_body)
{
	struct buf text = { 0 };

	buf_puts(&text, err_public(f));
	buf_putc(&text, '\n');
	put_response(out, err_status(f->code),
	    f->code == ERR_METHOD ? "Allow: GET, HEAD, POST\r\n" : "",
	    "text/plain; charset=utf-8", &text,
	    with_body);
	buf_free(&text);
}

void reply_ok(struct buf *out, const char *note, int with_body)
{
	struct buf text = { 0 };

	if (note && *note)
		buf_printf(&text, "ok, but %s\n", note);
	else
		buf_puts(&text, "ok\n");
	put_response(out, err_status(ERR_OK), "", "text/plain; charset=utf-8", &text, with_body);
	buf_free(&text);
}

void reply_page(struct buf *out, const struct buf *html, const char *lang,
    const char *policy, int with_body)
{
	struct buf extra = { 0 };

	buf_printf(&extra, "Content-Security-Policy: %s\r\nContent-Language: %s\r\n"
	    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
	    "Vary: Accept-Language\r\n", policy, lang);
	buf_printf(out, "Status: %s\r\n%s", err_status(ERR_OK), extra.data);
	buf_printf(out, "Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store, private\r\n\r\n", html->len);
	if (with_body)
		buf_put(out, html->data, html->len);
	if (html->oom || extra.oom)
		out->oom = 1;
	buf_free(&extra);
}
