#!/usr/bin/env bats
# The siege that switched call control off before the workers served their
# connections from one poll loop: through a private Apache with the
# shipped mod_proxy_fcgi snippet (which passes a body on as it arrives) and
# the program's default workers, 16 clients send their bodies a byte every
# 0.5 s and 24 stop half way, reconnecting whenever cut off, while sipgate's
# real signed request is sent again and again.  No such request may wait
# much longer than without the siege (sipgate gives up after 10 s).

load ../helpers
load ../lib/servers

setup_file() {
	if ! srv_have_apache_fcgi; then
		[ "${CI:-}" != true ] || { echo "Apache's mod_proxy_fcgi is missing, and CI=true" >&2; return 1; }
		return 0
	fi
	SRV_TOP=$TOP SRV_SIGNATURE=require SRV_LOG= SRV_RULES=
	srv_prepare || return 1
	port=$(srv_free_port)
	srv_start_apache_fcgi "$port" || return 1
	printf 'export SIEGE_DIR=%s SIEGE_PORT=%s SIEGE_LOG=%s\n' "$SRV_DIR" "$port" "$SRV_LOG" \
		> "$BATS_FILE_TMPDIR/env"
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/env" ] || return 0
	. "$BATS_FILE_TMPDIR/env"
	SRV_DIR=$SIEGE_DIR srv_stop
	rm -rf "$SIEGE_DIR"
}

setup() {
	common_setup
	srv_have_apache_fcgi || skip "Apache with mod_proxy_fcgi is needed"
	. "$BATS_FILE_TMPDIR/env"
	export SIGNED_BODY="$FIXTURES/signed-newcall.body" SIGNED_SIG="$FIXTURES/signed-newcall.sig"
}

value() { sed -n "s/^$1=//p" "$2"; }

@test "Apache + mod_proxy_fcgi: 16 slow bodies and 24 half requests do not hold back sipgate's requests" {
	seconds=${SIEGE_SECONDS:-12}
	python3 "$TOP/tests/lib/peers.py" siege "http:$SIEGE_PORT" "$seconds" 0 0 > "$T/calm"
	python3 "$TOP/tests/lib/peers.py" siege "http:$SIEGE_PORT" "$seconds" 16 24 > "$T/siege"
	p99=$(value p99_ms "$T/calm")
	max=$(value max_ms "$T/siege")
	echo "calm: $(tr '\n' ' ' < "$T/calm")" >&3
	echo "siege: $(tr '\n' ' ' < "$T/siege")" >&3
	assert_equal "$(value failed "$T/calm") $(value failed "$T/siege")" "0 0"
	[ "$(value count "$T/siege")" -gt 10 ]
	# The goal: the slowest under siege at most twice the calm p99, plus
	# 100 ms.
	awk -v max="$max" -v p99="$p99" 'BEGIN { exit !(max <= 2 * p99 + 100) }'
	# Each answered request was logged, verified.
	assert_equal "$(jq -r .signature "$SIEGE_LOG" | sort | uniq -c | sed 's/^ *//')" \
		"$(( $(value count "$T/calm") + $(value count "$T/siege") )) valid"
}
