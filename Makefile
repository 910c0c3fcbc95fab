# sipgate-webhook: a plain GNU Makefile.  CC, CFLAGS, CPPFLAGS, LDFLAGS,
# PREFIX and DESTDIR are yours to set; the flags the code needs are kept in
# the REQUIRED_* variables so that overriding CFLAGS cannot drop them.

PREFIX     ?= /usr/local
CGIDIR     ?= $(PREFIX)/lib/cgi-bin
DOCDIR     ?= $(PREFIX)/share/doc/sipgate-webhook
MANDIR     ?= $(PREFIX)/share/man
LOGDIR     ?= /var/log/sipgate-webhook
LOGFILE    ?= $(LOGDIR)/events.jsonl
MAX_BODY   ?= 65536

CC         ?= cc
CFLAGS     ?= -O2 -g -Wall -Wextra
LDFLAGS    ?=
INSTALL    ?= install

REQUIRED_CPPFLAGS = -D_GNU_SOURCE -DLOGFILE='"$(LOGFILE)"' -DCGI_MAX_BODY=$(MAX_BODY) -Ibuild
REQUIRED_CFLAGS   = -std=c11

PROG    = cgi-bin/sipgate-webhook
SRCS    = $(wildcard src/*.c)
OBJS    = $(SRCS:src/%.c=build/%.o)
LIBOBJS = $(filter-out build/main.o,$(OBJS))
TOOLS   = $(patsubst tests/tools/%.c,build/tools/%,$(wildcard tests/tools/*.c))

ALL_CFLAGS = $(REQUIRED_CPPFLAGS) $(CPPFLAGS) $(REQUIRED_CFLAGS) $(CFLAGS)

.PHONY: all clean test install uninstall serve bench

all: $(PROG)

$(PROG): $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)

# The sipgate key is kept as the PEM it is published as and becomes a C
# string constant at build time.
build/sipgate_key.inc: src/sipgate-push.pem
	@mkdir -p $(@D)
	sed -e 's/.*/"&\\n"/' $< > $@

build/key.o: build/sipgate_key.inc

# Settings baked into objects: rebuild when they change.
build/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' > $@

build/%.o: src/%.c $(wildcard src/*.h) build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Small drivers that let the bats suite test one module on its own.
build/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIBOBJS)

test: all $(TOOLS)
	tests/run

# Benchmarks (not tests): prints a table and writes build/bench/results.md.
bench: all
	tests/bench/run

# Serves the webhook on http://127.0.0.1:$(PORT)/sipgate until Ctrl-C.
PORT   ?= 8080
SERVER ?=
LOG    ?=
serve: all
	PORT=$(PORT) SERVER=$(SERVER) LOG=$(LOG) tests/serve

install: all
	$(INSTALL) -d $(DESTDIR)$(CGIDIR) $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 $(PROG) $(DESTDIR)$(CGIDIR)/sipgate-webhook
	$(INSTALL) -m 0644 apache-example.conf nginx-fcgiwrap.conf contrib/sipgate-webhook.logrotate \
		$(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 0644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 man/sipgate-webhook.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -d -m 0750 $(DESTDIR)$(LOGDIR)

uninstall:
	rm -f $(DESTDIR)$(CGIDIR)/sipgate-webhook $(DESTDIR)$(MANDIR)/man8/sipgate-webhook.8
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build $(PROG)

FORCE:
