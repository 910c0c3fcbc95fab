#!/usr/bin/env bats
# Load straight into the binary: 64 concurrent writers x 500 events each.

load helpers

setup() { common_setup; }

@test "64 writers x 500 events: exact count, every line parseable, none interleaved" {
	run "$TOP/tests/tools/load-writers" "$PROG" "$LOG" 64 500
	assert_success
	elapsed=$output
	assert_equal "$(check_jsonl)" 32000
	# Every event exactly once, each line's pad as long as its writer made it.
	assert_equal "$(jq -r .params.callId "$LOG" | sort -u | wc -l | tr -d ' ')" 32000
	run jq -r 'select((.params.pad | length) != ((.params.callId | capture("w(?<w>[0-9]+)-e(?<i>[0-9]+)") | ((.w | tonumber) * 37 + (.i | tonumber)) % 900))) | .params.callId' "$LOG"
	assert_output ""
	echo "# 32000 events in ${elapsed} s" >&3
}
