#!/usr/bin/env bats
# Load straight into the binary: 64 concurrent writers x 500 events each
# (LOAD_WRITERS, LOAD_EVENTS: CI's sanitizer and valgrind passes, which
# repeat the suite with a slower binary, send fewer).

load ../helpers

setup() { common_setup; }

W=${LOAD_WRITERS:-64}
E=${LOAD_EVENTS:-500}

@test "$W writers x $E events: exact count, every line parseable, none interleaved" {
	run "$TOP/tests/tools/load-writers" "$PROG" "$LOG" "$W" "$E"
	assert_success
	elapsed=$output
	assert_equal "$(check_jsonl)" $((W * E))
	# Every event exactly once, each line's pad as long as its writer made it.
	assert_equal "$(jq -r .params.callId "$LOG" | sort -u | wc -l | tr -d ' ')" $((W * E))
	run jq -r 'select((.params.pad | length) != ((.params.callId | capture("w(?<w>[0-9]+)-e(?<i>[0-9]+)") | ((.w | tonumber) * 37 + (.i | tonumber)) % 900))) | .params.callId' "$LOG"
	assert_output ""
	echo "# $((W * E)) events in ${elapsed} s" >&3
}
