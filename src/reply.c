#include "conf.h"
#include "reply.h"

static void put_xml_attr(struct buf *out, const char *name, const char *v)
{
	buf_printf(out, " %s=\"", name);
	for (; *v; v++) {
		switch (*v) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default: buf_putc(out, *v);
		}
	}
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

void reply_event(struct buf *out, unsigned follow, const char *url)
{
	struct buf xml = { 0 };

	buf_puts(&xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response");
	if (follow & CONF_FOLLOW_ANSWER)
		put_xml_attr(&xml, "onAnswer", url);
	if (follow & CONF_FOLLOW_HANGUP)
		put_xml_attr(&xml, "onHangup", url);
	buf_puts(&xml, "/>\n");
	put_response(out, "200 OK", "", "application/xml; charset=utf-8", &xml, 1);
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

void reply_ok(struct buf *out, int with_body)
{
	struct buf text = { 0 };

	buf_puts(&text, "ok\n");
	put_response(out, "200 OK", "", "text/plain; charset=utf-8", &text, with_body);
	buf_free(&text);
}
