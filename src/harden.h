/* harden: narrows what the process may do before it touches any input:
 * no new privileges, no core dumps (they would hold request bodies), a
 * CPU-time ceiling far above a request's needs, umask 027, and SIGPIPE and
 * SIGXFSZ ignored so that a closed pipe or a file-size limit is an error
 * to report, not a silent death.  No file-size limit: the log grows. */
#ifndef HARDEN_H
#define HARDEN_H

/* Returns 0, or -1 after writing what failed to stderr (not fatal). */
int harden_process(void);

#endif
