/* cli: the program run from a shell, never under a web server:
 * --check FILE, --explain FILE --at TIME [--query Q] BODY, --help and
 * --version.  --explain runs the request's own story as a dry run. */
#ifndef CLI_H
#define CLI_H

/* Exit status: 0 done, 1 invalid rules, 2 usage, 3 menu state refused. */
int cli_main(int argc, char **argv);

#endif
