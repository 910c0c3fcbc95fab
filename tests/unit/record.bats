#!/usr/bin/env bats
# The record's parameter table: names are the client's to choose, so
# chosen names must cost what random ones do.

load ../helpers

setup() {
	common_setup
}

@test "9,361 names colliding under FNV-1a's fixed seed cost at most twice random names" {
	{ printf 'event=hangup&'; "$TOOLS/fnv-collide" 9361 colliding; } > "$T/colliding"
	{ printf 'event=hangup&'; "$TOOLS/fnv-collide" 9361 random; } > "$T/random"
	assert_equal "$(wc -c < "$T/colliding")" "$(wc -c < "$T/random")"
	colliding=$("$TOP/tests/tools/cpu-cost" "$PROG" "$T/colliding" 5 "$LOG")
	random=$("$TOP/tests/tools/cpu-cost" "$PROG" "$T/random" 5 "$LOG")
	echo "CPU per request: colliding names ${colliding} ms, random names ${random} ms" >&3
	# Both bodies were logged in full.
	assert_equal "$(sed -n 1p "$LOG" | jq '.params | length')" 9362
	python3 -c "import sys; c, r = map(float, sys.argv[1:]); sys.exit(0 if c <= 2 * max(r, 1.0) else 1)" \
		"$colliding" "$random"
}

@test "received: the UTC calendar is right across leap days, centuries and year ends" {
	for t in 0 951782399 951782400 1709164800 1798757999 1798758000 4107542399 4107542400 253402300799; do
		post 'event=hangup' SIPGATE_NOW="@$t"
		assert_status 200
		assert_equal "$(last_record -r .received)" "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S).000Z"
	done
}
