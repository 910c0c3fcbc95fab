/* cli: the program run from a shell, never under a web server: the
 * commands of its table (--check, --check-audio, --diff, --replay,
 * --calls, --restore, --explain, --help, --version), which also gives the usage and
 * --help.  --explain, --diff and --replay run the request's own story as a
 * dry run; --restore is the one that writes, and only to the log. */
#ifndef CLI_H
#define CLI_H

/* Exit status: 0 done, 1 invalid rules (--diff: changes; --restore: lines
 * that are not records), 2 usage (or a file that cannot be read), 3 menu
 * state refused. */
int cli_main(int argc, char **argv);

#endif
