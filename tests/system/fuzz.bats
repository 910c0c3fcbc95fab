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
