/* fcgiserver: FastCGI mode.  Finds the listening socket the process was
 * started with (fd 0, as spawn-fcgi and systemd's StandardInput=socket
 * give it, or systemd's LISTEN_FDS=1 on fd 3), starts the workers (the
 * SIPGATE_WORKERS setting, call/conf.h) that accept on it and serve each
 * connection with fcgiconn, their records appended by a thread of each
 * (fcgilog), and supervises them: a worker that dies is replaced; SIGTERM
 * lets each one finish the requests it is in, then ends them all. */
#ifndef FCGISERVER_H
#define FCGISERVER_H

#include "transport/fcgiconn.h"

/* The listening socket's fd; -1 if there is none (a CGI); -2 after saying
 * on stderr why the one given cannot be used. */
int fcgiserver_listener(void);

/* Serves until SIGTERM or SIGINT; the process's exit status (1 after
 * saying why its settings cannot be used).  Each worker calls confine
 * with the process's environment as a request before it accepts. */
int fcgiserver_run(int listener, fcgiconn_handler handler,
    int (*confine)(const struct req *env));

#endif
