# sipgate-webhook: a plain GNU Makefile.  CC, CFLAGS, CPPFLAGS, LDFLAGS,
# PREFIX and DESTDIR are yours to set; the flags the code needs are kept in
# the REQUIRED_* variables so that overriding CFLAGS cannot drop them.

PREFIX     ?= /usr/local
LOGFILE    ?= /var/log/sipgate-webhook/events.jsonl
CC         ?= cc
CFLAGS     ?= -O2 -g -Wall -Wextra
LDFLAGS    ?=

REQUIRED_CPPFLAGS = -D_GNU_SOURCE -DLOGFILE='"$(LOGFILE)"' -Ibuild
REQUIRED_CFLAGS   = -std=c11

PROG    = cgi-bin/sipgate-webhook
SRCS    = $(wildcard src/*.c)
OBJS    = $(SRCS:src/%.c=build/%.o)

ALL_CFLAGS = $(REQUIRED_CPPFLAGS) $(CPPFLAGS) $(REQUIRED_CFLAGS) $(CFLAGS)

.PHONY: all clean test

all: $(PROG)

$(PROG): $(OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)

# The sipgate key is kept as the PEM it is published as and becomes a C
# string constant at build time.
build/sipgate_key.inc: keys/sipgate-push.pem
	@mkdir -p $(@D)
	sed -e 's/.*/"&\\n"/' $< > $@

build/key.o: build/sipgate_key.inc

build/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

test: all
	bats tests

clean:
	rm -rf build $(PROG)
