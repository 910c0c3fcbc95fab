/*
 * sipgate-webhook: how the program was started decides what it is.  On a
 * listening socket it is a FastCGI server, from a shell the command
 * (--check, --explain, ...), and otherwise the CGI: each request, however
 * it came, is webhook_serve's story (webhook.c).
 */
#include "cli.h"
#include "os/harden.h"
#include "transport/cgi.h"
#include "transport/fcgiserver.h"
#include "webhook.h"

/* No web server set the variables RFC 3875 requires (without options: nor
 * any other a request carries). */
static int from_shell(const struct req *cgi, int argc)
{
	static const char *const request_vars[] = {
		"GATEWAY_INTERFACE", "REQUEST_METHOD", "SERVER_PROTOCOL", "CONTENT_LENGTH",
		"SCRIPT_NAME"
	};
	size_t i, n = argc > 1 ? 2 : sizeof request_vars / sizeof *request_vars;

	for (i = 0; i < n; i++)
		if (req_param(cgi, request_vars[i]) != NULL)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct req cgi;
	int listener;

	if (harden_stdio() < 0)
		return 1;
	cgi_req(&cgi);
	/* Started on a listening socket: FastCGI, each request this story. */
	if ((listener = fcgiserver_listener()) != -1) {
		harden_process(1);
		return listener < 0 ? 1 : fcgiserver_run(listener, webhook_serve, webhook_restrict_worker);
	}
	harden_process(0);
	/* Under a web server argv is the request's (an Apache query without
	 * '=' arrives as arguments): options count only from a shell, and
	 * from a shell without any the usage is the answer, not a CGI's 405. */
	if (from_shell(&cgi, argc))
		return cli_main(argc, argv);
	return webhook_serve(&cgi);
}
