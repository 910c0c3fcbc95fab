#!/usr/bin/env bats
# An event the log cannot take is rescued twice: on stderr (the web
# server's error log) and to syslog, which keeps a long line whole where
# nginx would cut it up.  Tested against a /dev/log socket the test owns,
# in a private mount namespace.

load ../helpers
load ../lib/fcgi

setup() {
	common_setup
	if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null; then
		skip_unless_ci_root
	fi
	mkdir "$T/dev"
	python3 "$TOP/tests/tools/syslog-listener" "$T/dev/log" "$T/syslog" 60 &
	LISTENER=$!
	for _ in $(seq 1 100); do [ -e "$T/syslog.ready" ] && break; sleep 0.05; done
	[ -S "$T/dev/log" ]
	CGI_WRAPPER="$TOP/tests/tools/with-private-dev $T/dev ${MEMCHECK:-}"
}

teardown() {
	fcgi_teardown
	touch "$T/syslog.stop"
	wait "$LISTENER" 2> /dev/null || true
}

# received N: waits until the listener has N datagrams.
received() {
	for _ in $(seq 1 100); do
		[ "$(wc -l < "$T/syslog" 2> /dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "the log cannot take the event: the complete record goes to syslog as daemon.err" {
	post 'event=newCall&callId=rescued&from=491234' SIPGATE_LOG="$T/missing/events.jsonl"
	assert_status 200
	received 1
	# <27> is LOG_DAEMON (3 << 3) | LOG_ERR (3).
	run cat "$T/syslog"
	assert_output --regexp '^<27>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} sipgate-webhook: \{"received":'
	sed 's/^[^{]*//' "$T/syslog" > "$T/from-syslog"
	sed -n 's/^sipgate-webhook: event: //p' "$T/stderr" > "$T/from-stderr"
	assert_equal "$(cat "$T/from-syslog")" "$(cat "$T/from-stderr")"
	assert_equal "$(jq -r .params.callId "$T/from-syslog")" rescued
}

@test "rescued events put back as the README says: grep, sed and --restore, each record once" {
	post 'event=newCall&callId=r1&from=491234' SIPGATE_LOG="$T/missing/events.jsonl"
	post 'event=hangup&callId=r1' SIPGATE_LOG="$T/missing/events.jsonl"
	received 2
	mkdir "$T/missing"
	post 'event=newCall&callId=r2'	SIPGATE_LOG="$T/missing/events.jsonl"
	grep -h 'sipgate-webhook: {' "$T/syslog" | sed 's/^[^{]*//' > "$T/rescued.jsonl"
	for _ in 1 2; do
		run env -i SIPGATE_LOG="$T/missing/events.jsonl" "$PROG" --restore "$T/rescued.jsonl"
		assert_success
	done
	assert_output "restored 0 records to $T/missing/events.jsonl; 2 were there already; 0 lines were not event records"
	assert_equal "$(jq -r '.event + " " + .params.callId' "$T/missing/events.jsonl" | tr '\n' ',')" "newCall r2,newCall r1,hangup r1,"
}

@test "a 60 KiB record arrives whole, in one message" {
	note=$(head -c 60000 /dev/zero | tr '\0' n)
	post "event=answer&callId=long&note=$note" SIPGATE_LOG="$T/missing/events.jsonl"
	assert_status 200
	received 1
	sed 's/^[^{]*//' "$T/syslog" > "$T/from-syslog"
	assert_equal "$(jq -r '.params.note | length' "$T/from-syslog")" 60000
	assert_equal "$(check_jsonl "$T/from-syslog")" 1
}

@test "events the log takes and malformed requests send nothing to syslog" {
	post 'event=hangup&callId=fine'
	assert_status 200
	post 'event=hangup' CONTENT_TYPE=text/plain
	assert_status 415
	sleep 0.3
	assert_equal "$(wc -c < "$T/syslog")" 0
}

@test "for monitoring, a refused push, an unwritable log and a rules file that fails each send one daemon.warning line" {
	post 'event=newCall&callId=forged' SIPGATE_SIGNATURE=require
	assert_status 403
	cgi REQUEST_METHOD=GET SIPGATE_LOG="$T/missing/events.jsonl" < /dev/null
	assert_status 503
	post 'event=newCall&callId=r' SIPGATE_RULES="$T/no-rules"
	assert_status 200
	received 3
	sleep 0.3
	# <28> is LOG_DAEMON (3 << 3) | LOG_WARNING (4).
	run sed 's/^<28>[A-Z][a-z]\{2\} [ 0-9]\{2\} [0-9:]\{8\} sipgate-webhook: //' "$T/syslog"
	assert_equal "${#lines[@]}" 3
	assert_line 'refused: forbidden: no X-Sipgate-Signature header'
	assert_line --regexp '^log: .*/missing/events.jsonl'
	assert_line --regexp "^config: $T/no-rules: cannot open"
}

@test "FastCGI mode: the rescued record goes to syslog too, and to the server as FCGI_STDERR" {
	fcgi_have || { [ "${CI:-}" != true ] || false; skip "spawn-fcgi is needed"; }
	FCGI_WRAP="$TOP/tests/tools/with-private-dev $T/dev" fcgi_start SIPGATE_LOG="$T/missing/events.jsonl"
	fcgi_post 'event=newCall&callId=rescued-fcgi&from=491234'
	assert_status 200
	received 1
	sed 's/^[^{]*//' "$T/syslog" > "$T/from-syslog"
	sed -n 's/^sipgate-webhook: event: //p' "$T/stderr" > "$T/from-stderr"
	assert_equal "$(cat "$T/from-syslog")" "$(cat "$T/from-stderr")"
	assert_equal "$(jq -r .params.callId "$T/from-syslog")" rescued-fcgi
}
