/* harden: narrows what the process may do before it touches any input:
 * no new privileges, no core dumps and no ptrace by other users (both
 * would expose request bodies), a
 * CPU-time ceiling far above a CGI request's needs, umask 027, and SIGPIPE and
 * SIGXFSZ ignored so that a closed pipe or a file-size limit is an error
 * to report, not a silent death.  No file-size limit: the log grows. */
#ifndef HARDEN_H
#define HARDEN_H

/* Opens /dev/null onto whichever of fds 0, 1 and 2 is closed, so that no
 * file the program opens later becomes its stdin, stdout or stderr.  Run it
 * first; -1 if that cannot be done (nothing is safe to write then). */
int harden_stdio(void);

/* Returns 0, or -1 after reporting what failed on stderr, the server's
 * error log (not fatal).
 * long_lived (FastCGI mode): no CPU-time ceiling, which counts a whole
 * process's life, not one request's. */
int harden_process(int long_lived);

#endif
