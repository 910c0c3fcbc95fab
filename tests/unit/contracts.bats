#!/usr/bin/env bats
# The promises of the headers that a grep can check: where the environment
# and the clocks are read, where a status line is written, that every
# header opens with its contract and every public name carries its
# module's prefix.

load ../helpers

setup() { common_setup; }

code() {
	"$TOP/tests/lib/grep-code" "$@"
}

@test "the environment is read only for settings, systemd's socket and the time zone files, besides the CGI's variables" {
	cd "$TOP"
	run code '\b(getenv|secure_getenv|environ)\b' src/*.c src/*/*.c src/*/*.h
	printf '%s\n' "${lines[@]}" | cut -d: -f1 | sort -u > "$T/readers"
	run cat "$T/readers"
	assert_output "$(printf '%s\n' src/call/conf.c src/rules/when.c src/transport/cgi.c src/transport/fcgiserver.c)"
}

@test "the clocks are read only in os/clock.c" {
	cd "$TOP"
	run code '\b(clock_gettime|gettimeofday|time|timespec_get)\s*\(' src/*.c src/*/*.c src/*/*.h
	printf '%s\n' "${lines[@]}" | cut -d: -f1 | sort -u > "$T/readers"
	run cat "$T/readers"
	assert_output src/os/clock.c
}

@test "status lines come only from err.c's table" {
	cd "$TOP"
	run grep -rlE '"[1-5][0-9][0-9] [A-Z]' src --include=*.c
	assert_output src/base/err.c
}

@test "every header opens with its contract, named after its module" {
	cd "$TOP"
	for h in src/*.h src/*/*.h; do
		head -n 1 "$h" | grep -q "^/\* $(basename "$h" .h): " ||
			{ echo "$h does not open with /* $(basename "$h" .h): ..." >&2; return 1; }
	done
}

@test "every public name of a module carries its prefix" {
	run "$TOP/tests/lib/prefixes" "$TOP/src" "$TOP/build"
	assert_success
	assert_output ''
}

@test "the prefix check finds a name without its module's prefix" {
	mkdir -p "$T/src/base" "$T/build/base" "$T/src/rules" "$T/build/rules"
	printf 'int thing_one(void) { return 1; }\nint other_name(void) { return 2; }\n' > "$T/src/base/thing.c"
	printf 'int rules_lookup(void) { return 3; }\n' > "$T/src/rules/lookup.c"
	touch "$T/src/rules/rules.h"
	cc -c -o "$T/build/base/thing.o" "$T/src/base/thing.c"
	cc -c -o "$T/build/rules/lookup.o" "$T/src/rules/lookup.c"
	run "$TOP/tests/lib/prefixes" "$T/src" "$T/build"
	assert_failure
	assert_output 'base/thing.c defines other_name'
}
