#!/usr/bin/env bats
# The libFuzzer targets: built with clang, each replays its seeds, the
# minimised corpus of the last campaign and the kept regression inputs, then
# fuzzes for FUZZ_TEST_SECONDS (10) on its own.
# make fuzz runs them longer.

load ../helpers

setup_file() {
	if ! command -v clang > /dev/null; then
		[ "${CI:-}" != true ] || { echo "clang is not installed, and CI=true" >&2; return 1; }
		return 0
	fi
	make -C "$TOP" -s fuzz-build > "$BATS_FILE_TMPDIR/build.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/build.log" >&2; return 1; }
}

setup() {
	common_setup
	command -v clang > /dev/null || skip "clang (and libclang-rt-14-dev) not installed"
}

# fuzz NAME: replay, then fuzz briefly in a private corpus.
fuzz() {
	local t=$1 inputs
	inputs=$(ls "$TOP/tests/fuzz/seeds/$t"/* "$TOP/tests/fuzz/corpus/$t"/* "$TOP/tests/fuzz/regress/$t"/* 2> /dev/null || true)
	run "$TOP/build/fuzz/fuzz-$t" $inputs
	assert_success
	mkdir -p "$T/corpus"
	cp $inputs "$T/corpus/"
	run "$TOP/build/fuzz/fuzz-$t" -max_total_time="${FUZZ_TEST_SECONDS:-10}" \
		-dict="$TOP/tests/fuzz/protocol.dict" -artifact_prefix="$T/crash-" "$T/corpus"
	assert_success
	assert_output --partial "Done "
	[ -z "$(ls "$T"/crash-* 2> /dev/null)" ]
}

@test "every fuzz target has its test here, and every test its target" {
	ls "$TOP"/tests/fuzz/fuzz-*.c | sed 's|.*/fuzz-\(.*\)\.c$|\1|' | sort > "$T/targets"
	grep -o '^	fuzz [a-z]*$' "$BATS_TEST_FILENAME" | sed 's/.* //' | sort > "$T/tested"
	run diff "$T/targets" "$T/tested"
	assert_success
	[ "$(wc -l < "$T/targets")" -ge 7 ]
}

@test "the tree keeps a few hundred fuzz inputs at most: seeds, regressions, a minimised corpus" {
	run sh -c "find '$TOP/tests/fuzz/seeds' '$TOP/tests/fuzz/corpus' '$TOP/tests/fuzz/regress' -type f | wc -l"
	[ "$output" -le 400 ]
	# Each regression input is named after its bug, not by its hash.
	run sh -c "ls '$TOP'/tests/fuzz/regress/* | grep -E '^[0-9a-f]{40}\$'"
	assert_output ''
}

@test "fuzz the form decoder and the record writer (valid JSON asserted)" {
	fuzz form
}

@test "fuzz base64 and the signature check (canonical base64 asserted)" {
	fuzz sig
}

@test "fuzz the whole request path (CGI response and JSON log asserted)" {
	fuzz request
}

@test "fuzz the call rules parser, evaluation and number normalisation" {
	fuzz rules
}

@test "fuzz the FastCGI record parser and connection (a well-formed record stream asserted)" {
	fuzz fcgi
}

@test "fuzz the announcement check (only 8 kHz mono 16-bit PCM with audio is fine)" {
	fuzz wav
}

@test "fuzz the event log reader of --diff (records and the form bodies they rebuild)" {
	fuzz logline
}

@test "fuzz the calls page over any query, language and log (UTF-8, no markup from the log)" {
	fuzz page
}
