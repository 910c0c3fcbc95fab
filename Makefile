# sipgate-webhook: a plain GNU Makefile.  CC, CFLAGS, CPPFLAGS, LDFLAGS,
# PREFIX and DESTDIR are yours to set; the flags the code needs are kept in
# the REQUIRED_* variables so that overriding CFLAGS cannot drop them.

PREFIX     ?= /usr/local
CGIDIR     ?= $(PREFIX)/lib/cgi-bin
BINDIR     ?= $(PREFIX)/bin
SHAREDIR   ?= $(PREFIX)/share/sipgate-webhook
DOCDIR     ?= $(PREFIX)/share/doc/sipgate-webhook
MANDIR     ?= $(PREFIX)/share/man
LOGDIR     ?= /var/log/sipgate-webhook
LOGFILE    ?= $(LOGDIR)/events.jsonl
# Who owns the log folder: the web server's user, and adm to read it.
LOG_OWNER  ?= www-data:adm
MAX_BODY   ?= 65536
VERSION    ?= 0.2.0

CC         ?= cc
CFLAGS     ?= -O2 -g -Wall -Wextra
LDFLAGS    ?=
INSTALL    ?= install
# Linked statically by default: a CGI starts once per request, and skipping
# the dynamic loader makes each start cheaper (docs/performance.md).
# LINK_STATIC= links against the shared libc instead.
LINK_STATIC ?= -static

# make SANITIZE=1: an ASan+UBSan build (the test suite runs against it too).
ifeq ($(SANITIZE),1)
CFLAGS  += -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
LINK_STATIC =
SECCOMP = 0
# LeakSanitizer reads /proc at exit: the sandbox lets this build read it.
REQUIRED_CPPFLAGS_SANDBOX = -DSANDBOX_READ_PROC
endif

# make SECCOMP=0: no system-call filter (Landlock stays): for the
# sanitizers' and valgrind's test builds only, whose runtimes make calls
# of their own that no list can foresee (docs/security.md).
# make SANDBOX=0: neither, for valgrind's build only (valgrind 3.19 knows
# no Landlock call and would report each).
ifeq ($(SANDBOX),0)
SECCOMP = 0
BUILD_FACTS += SANDBOX=0
REQUIRED_CPPFLAGS_SANDBOX += -DSANDBOX_NO_LANDLOCK
endif
ifeq ($(SECCOMP),0)
BUILD_FACTS += SECCOMP=0
REQUIRED_CPPFLAGS_SANDBOX += -DSANDBOX_NO_SECCOMP
endif

# make BN_PORTABLE=1: 32-bit bignum limbs, as on a compiler without
# unsigned __int128 (i386, armhf); the suite checks both paths.
REQUIRED_CPPFLAGS = -D_GNU_SOURCE -DLOGFILE='"$(LOGFILE)"' -DCGI_MAX_BODY=$(MAX_BODY) -DVERSION='"$(VERSION)"' -Isrc -Ibuild
ifeq ($(BN_PORTABLE),1)
REQUIRED_CPPFLAGS += -DBN_PORTABLE
endif
REQUIRED_CFLAGS   = -std=c11

PROG    = cgi-bin/sipgate-webhook
# src/ has a folder per layer (docs/layers.md), the program's top on its own.
SRCS    = $(wildcard src/*/*.c) $(wildcard src/*.c)
OBJS    = $(SRCS:src/%.c=build/%.o)
# The program's entry and the commands around the story (they call
# webhook_serve); the rest, the story included, is what tools and fuzzers
# link.
PROGOBJS = main.o cli.o replay.o diff.o logs.o restore.o calls.o privacy.o
LIBOBJS = $(filter-out $(addprefix build/,$(PROGOBJS)),$(OBJS))
TOOLS   = $(patsubst tests/tools/%.c,build/tools/%,$(wildcard tests/tools/*.c)) build/tools/bn-tool-portable

# make DEADLINES=short: the bounds a test waits out shortened to a second
# (make check builds so).  build/facts tells the tests what was built.
ifeq ($(DEADLINES),short)
DEADLINE_FLAGS = CGI_READ_MS=1000 FCGI_FIRST_BYTE_MS=1000 FCGI_REQUEST_MS=1000 FCGI_RECORD_MS=1000 LOG_LOCK_SECONDS=1
BUILD_FACTS += $(DEADLINE_FLAGS)
endif
REQUIRED_CPPFLAGS += $(addprefix -D,$(DEADLINE_FLAGS)) $(REQUIRED_CPPFLAGS_SANDBOX)

ALL_CFLAGS = $(REQUIRED_CPPFLAGS) $(CPPFLAGS) $(REQUIRED_CFLAGS) $(CFLAGS)

.PHONY: all check clean probe test install install-files install-logdir deb uninstall serve bench valgrind fuzz fuzz-build

all: $(PROG)

$(PROG): $(OBJS) build/facts
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LINK_STATIC) -o $@ $(OBJS)

# The sipgate key is kept as the PEM it is published as and becomes a C
# string constant at build time.
build/sipgate_key.inc: src/crypto/sipgate-push.pem
	@mkdir -p $(@D)
	sed -e 's/.*/"&\\n"/' $< > $@

# Its Montgomery constants too, computed by a build tool compiled with the
# program's own flags (the limb width follows BN_PORTABLE).
build/keygen: src/crypto/gen/keygen.c build/crypto/spki.o build/crypto/bn.o build/crypto/base64.o build/crypto/sha256.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

build/sipgate_key_mont.inc: build/keygen src/crypto/sipgate-push.pem
	build/keygen src/crypto/sipgate-push.pem > $@.tmp && mv $@.tmp $@

build/crypto/key.o: build/sipgate_key.inc build/sipgate_key_mont.inc

# The modular exponentiation is the CPU of a signed request; unrolled, the
# compiler schedules its multiply-add chains much better (a quarter off).
build/crypto/bn.o: REQUIRED_CFLAGS += -funroll-loops

# Settings baked into objects: rebuild when they change.
build/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LINK_STATIC)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LINK_STATIC)' > $@

# What the tests are to expect of this build (its bounds, its filter),
# written with the program.
build/facts: build/flags
	@printf '%s\n' $(BUILD_FACTS) > $@

# -MMD: each object's header dependencies, as the compiler saw them.
build/%.o: src/%.c build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
-include $(OBJS:.o=.d)

# make probe: a test build (never installed) whose requests, given
# SANDBOX_PROBE=NAME, try an attacker's move after the sandbox is in place
# (tests/unit/sandbox.bats).
PROBE = build/probe/sipgate-webhook
probe: $(PROBE)
$(PROBE): $(SRCS) build/sipgate_key.inc build/sipgate_key_mont.inc build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSANDBOX_PROBE $(LDFLAGS) $(LINK_STATIC) -o $@ $(SRCS)

# Small drivers that let the bats suite test one module on its own.
build/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS)

# The bignum with 32-bit limbs too, so that the suite compares both paths
# with openssl on every machine.
build/tools/bn-tool-portable: tests/tools/bn-tool.c src/crypto/bn.c src/crypto/bn.h build/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DBN_PORTABLE -funroll-loops $(LDFLAGS) -o $@ tests/tools/bn-tool.c src/crypto/bn.c

# TESTS: the bats files or folders to run: the module tests (tests/unit)
# and the system tests (tests/system, real servers, the package, the
# fuzzers), all of them by default.
TESTS ?= tests/unit tests/system
# The module tests two files at a time (JOBS), the system tests one by one.
test: all $(TOOLS) $(PROBE)
	tests/setup
	JOBS=$${JOBS:-2} tests/run $(TESTS)

# The module tests alone, in seconds: no root, no network, no tests/setup;
# a build whose deadlines are a second, so that a test that waits one out
# waits a second.  The next make rebuilds with the real ones.
check:
	$(MAKE) DEADLINES=short all $(TOOLS) $(PROBE)
	JOBS=$${JOBS:-4} tests/run tests/unit

# The suite once more with every direct CGI run under valgrind's memcheck;
# any error or leak fails (exit code 99, and the reports are searched).
# Dynamically linked, so that memcheck can watch malloc; LINK_STATIC= is
# passed on so that the suite's own makes (make serve) do not relink it.
# The files whose tests start the program or a module's driver themselves
# (through cgi() or $$MEMCHECK); a new file joins the list by name.
VALGRIND_TESTS ?= $(addprefix tests/unit/,allow.bats audio.bats bn.bats decide.bats diff.bats \
	form.bats harden.bats log.bats menu.bats number.bats reply.bats request.bats restore.bats export.bats rules.bats \
	signature.bats when.bats) $(addprefix tests/system/,faults.bats hostile.bats syslog.bats watched.bats)
valgrind:
	$(MAKE) LINK_STATIC= SANDBOX=0 all $(TOOLS)
	tests/setup
	rm -rf build/valgrind && mkdir -p build/valgrind
	LINK_STATIC= SANDBOX=0 MEMCHECK="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --log-file=$(CURDIR)/build/valgrind/%p.log" \
		JOBS=$${JOBS:-2} tests/run $(VALGRIND_TESTS)
	@if grep -l . build/valgrind/*.log 2> /dev/null; then \
		echo "valgrind reported errors: see the files above"; exit 1; fi

# libFuzzer targets (clang), each over its own seeds with the protocol's
# dictionary, for FUZZ_SECONDS each.  Crashes land in build/fuzz/.
CLANG        ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS   = -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LDFLAGS  = -fsanitize=fuzzer,address,undefined
FUZZ_OBJS     = $(SRCS:src/%.c=build/fuzz/obj/%.o)
FUZZ_LIBOBJS  = $(filter-out $(addprefix build/fuzz/obj/,$(PROGOBJS)),$(FUZZ_OBJS))
# The targets are the files tests/fuzz/fuzz-*.c: listed nowhere else.
FUZZERS       = $(patsubst tests/fuzz/fuzz-%.c,build/fuzz/fuzz-%,$(wildcard tests/fuzz/fuzz-*.c))

build/fuzz/signed-newcall.inc: tests/fixtures/signed-newcall.sig
	@mkdir -p $(@D)
	printf 'static const char signed_newcall_sig[] = "%s";\n' "$$(cat $<)" > $@

# The modular exponentiation runs the same loops whatever the input: its
# coverage tells the fuzzer nothing and its comparison hooks cost the
# whole-request target two thirds of its speed.  Sanitized all the same.
build/fuzz/obj/crypto/bn.o: FUZZ_CFLAGS = -g -O2 -funroll-loops -fsanitize=address,undefined -fno-sanitize-recover=undefined

build/fuzz/obj/%.o: src/%.c build/sipgate_key.inc build/sipgate_key_mont.inc build/flags
	@mkdir -p $(@D)
	$(CLANG) $(REQUIRED_CPPFLAGS) $(REQUIRED_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
-include $(FUZZ_OBJS:.o=.d)

build/fuzz/check.o: tests/fuzz/check.c tests/fuzz/check.h
	@mkdir -p $(@D)
	$(CLANG) $(REQUIRED_CPPFLAGS) $(REQUIRED_CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/fuzz-request: build/fuzz/signed-newcall.inc

build/fuzz/fuzz-keys.inc: $(wildcard tests/fuzz/keys/*.pem)
	@mkdir -p $(@D)
	for k in $^; do \
		n=$$(basename $$k .pem | tr - _); \
		echo "static const char $${n}_pem[] ="; sed -e 's/.*/"&\\n"/' $$k; echo ";"; \
	done > $@

build/fuzz/fuzz-sig: build/fuzz/fuzz-keys.inc

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c build/fuzz/check.o $(FUZZ_LIBOBJS)
	$(CLANG) $(REQUIRED_CPPFLAGS) $(REQUIRED_CFLAGS) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) -Ibuild/fuzz -o $@ $(filter %.c %.o,$^)

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	tests/fuzz/run $(FUZZ_SECONDS)

# Benchmarks (not tests): prints a table and writes build/bench/results.md.
# valgrind can run neither Landlock nor the filter: the instruction counts
# are of the same objects linked with a sandbox module built without both.
BENCH_OBJS = $(filter-out build/os/sandbox.o,$(OBJS)) build/bench/sandbox-off.o
bench: all
	$(CC) $(CFLAGS) $(LDFLAGS) -o build/sipgate-webhook-dynamic $(OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -DSANDBOX_NO_LANDLOCK -DSANDBOX_NO_SECCOMP -c -o build/bench/sandbox-off.o src/os/sandbox.c
	$(CC) $(CFLAGS) $(LDFLAGS) $(LINK_STATIC) -o build/sipgate-webhook-unsandboxed $(BENCH_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o build/sipgate-webhook-dynamic-unsandboxed $(BENCH_OBJS)
	LIBOBJS='$(LIBOBJS)' tests/bench/run

# Serves the webhook on http://127.0.0.1:$(PORT)/sipgate until Ctrl-C.
PORT   ?= 8080
SERVER ?=
LOG    ?=
RULES  ?=
STATE_KEY ?=
URL    ?=
serve: all
	PORT=$(PORT) SERVER=$(SERVER) LOG=$(LOG) RULES=$(RULES) STATE_KEY=$(STATE_KEY) URL=$(URL) tests/serve

# The program is the CGI and, linked into BINDIR, the command (--check,
# --explain).  The examples name the CGI where CGIDIR put it.  The log
# folder is the web server's (setgid: its files are the adm group's too);
# as another user than root the chown is left to you.  The Debian package
# installs the files and makes the log folder in its postinst.
EXAMPLES = apache-example.conf nginx-fcgiwrap.conf contrib/sipgate-webhook.logrotate \
	contrib/rules.example contrib/blocklist contrib/sipgate-webhook.socket \
	contrib/sipgate-webhook.service contrib/nginx-fastcgi.conf \
	contrib/nginx-fastcgi-upstream.conf contrib/apache-fastcgi.conf \
	contrib/phonebook-vdirsyncer.conf contrib/sipgate-webhook-phonebook.service \
	contrib/sipgate-webhook-phonebook.timer
install: install-files install-logdir

install-files: all
	$(INSTALL) -d $(DESTDIR)$(CGIDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SHAREDIR)
	$(INSTALL) -m 0755 $(PROG) $(DESTDIR)$(CGIDIR)/sipgate-webhook
	sed 's|/usr/local/share/sipgate-webhook|$(SHAREDIR)|' contrib/rsyslog-alerts.conf > $(DESTDIR)$(SHAREDIR)/rsyslog-alerts.conf
	chmod 0644 $(DESTDIR)$(SHAREDIR)/rsyslog-alerts.conf
	ln -sf $(CGIDIR)/sipgate-webhook $(DESTDIR)$(BINDIR)/sipgate-webhook
	$(INSTALL) -m 0644 contrib/calls.jq contrib/calls-csv.jq contrib/calls-daily.jq \
		contrib/rsyslog-sender.conf contrib/rsyslog-collector.conf contrib/apprise-alert \
		contrib/sipgate-webhook.mtail contrib/sipgate-webhook.rules.yml \
		contrib/sipgate-webhook-collector.logrotate $(DESTDIR)$(SHAREDIR)/
	for f in $(EXAMPLES); do \
		sed 's|/usr/local/lib/cgi-bin|$(CGIDIR)|g' $$f > $(DESTDIR)$(DOCDIR)/examples/$${f##*/} && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$${f##*/} || exit 1; \
	done
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/docs
	$(INSTALL) -m 0644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/docs/
	for page in man8/sipgate-webhook.8 man5/sipgate-webhook-rules.5; do \
		sed -e 's|/usr/local/share/doc/sipgate-webhook|$(DOCDIR)|g' \
		    -e 's|/usr/local/share/sipgate-webhook|$(SHAREDIR)|g' \
		    -e 's|/usr/local/lib/cgi-bin|$(CGIDIR)|g' man/$${page#*/} > $(DESTDIR)$(MANDIR)/$$page && \
		chmod 0644 $(DESTDIR)$(MANDIR)/$$page || exit 1; \
	done

install-logdir:
	$(INSTALL) -d -m 2750 $(DESTDIR)$(LOGDIR)
	chown $(LOG_OWNER) $(DESTDIR)$(LOGDIR) 2> /dev/null || \
		echo "make install: could not give $(DESTDIR)$(LOGDIR) to $(LOG_OWNER); do it as root: chown $(LOG_OWNER) $(LOGDIR)"

# make deb: the Debian package (debian/), built with Debian's own tools in
# a copy of the source, so that neither this tree nor its parent gets
# their files; the .deb is left in build/.
deb:
	rm -rf build/deb && mkdir -p build/deb/src
	tar -cf - --exclude=./build --exclude=./.git --exclude=./cgi-bin --exclude=./tests . | \
		tar -xf - -C build/deb/src
	cd build/deb/src && dpkg-buildpackage -b -us -uc
	cp build/deb/sipgate-webhook_*.deb build/

uninstall:
	rm -f $(DESTDIR)$(CGIDIR)/sipgate-webhook $(DESTDIR)$(BINDIR)/sipgate-webhook \
		$(DESTDIR)$(MANDIR)/man8/sipgate-webhook.8 $(DESTDIR)$(MANDIR)/man5/sipgate-webhook-rules.5
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build $(PROG)

FORCE:
