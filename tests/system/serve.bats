#!/usr/bin/env bats
# make serve: start, take a POST, log it, stop on Ctrl-C, leave nothing.

load ../helpers
load ../lib/servers

setup() {
	common_setup
	if ! srv_have_apache && ! srv_have_nginx; then
		[ "${CI:-}" != true ] || { echo "no web server installed, and CI=true" >&2; return 1; }
		skip "neither Apache with mod_cgid nor nginx with fcgiwrap is installed"
	fi
}

serve_dir() {
	sed -n "s|^Server's error log: *\(.*\)/[a-z]*-error.log$|\1|p" "$T/serve.out" 2> /dev/null
}

# After a failure, stop what the script left behind, by the PIDs it recorded.
teardown() {
	local d
	[ -z "${SERVE_PID:-}" ] || kill -KILL -- "-$SERVE_PID" 2> /dev/null || true
	d=$(serve_dir)
	if [ -n "$d" ] && [ -f "$d/pids" ]; then
		SRV_DIR=$d srv_stop
		rm -rf "$d"
	fi
	[ -z "${LOGDIR:-}" ] || rm -rf "$LOGDIR"
}

# serve_one SERVER [RULES [REPLY ACTION]]: RULES is a rules file's text
# for RULES=, REPLY what the newCall's answer holds, ACTION the logged one.
serve_one() {
	local server=$1 rules=${2:-} reply=${3:-'<Reject reason="busy"/>'} action=${4:-reject} port
	port=$(srv_free_port)
	rm -f "$T/serve.out"
	cd "$TOP"
	# The server's user (www-data, when root runs this) must reach the log:
	# bats' own temporary folder is private.
	LOGDIR=$(mktemp -d /tmp/sipgate-serve-test.XXXXXX)
	chmod 0755 "$LOGDIR"
	set --
	if [ -n "$rules" ]; then
		mkdir "$LOGDIR/rules"
		printf '%s\n' "$rules" > "$LOGDIR/rules/rules"
		set -- RULES="$LOGDIR/rules/rules"
	fi
	[ -z "${SERVE_STATE_KEY:-}" ] || set -- "$@" STATE_KEY="$SERVE_STATE_KEY"
	[ -z "${SERVE_URL:-}" ] || set -- "$@" URL="$SERVE_URL"
	# A background job starts with SIGINT ignored, which no trap can undo:
	# give it back the default a terminal's foreground job has.
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' make -s serve PORT="$port" SERVER="$server" \
		LOG="$LOGDIR/var/events.jsonl" "$@" > "$T/serve.out" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 150); do
		grep -q 'Ctrl-C stops it' "$T/serve.out" 2> /dev/null && break
		kill -0 "$SERVE_PID" 2> /dev/null || break
		sleep 0.1
	done
	run cat "$T/serve.out"
	assert_output --partial "http://127.0.0.1:$port/sipgate"
	assert_output --partial "Health check:            ok"
	assert_output --partial "ssh -N -R $port:localhost:$port you@your-server.example"
	assert_output --partial "proxy_pass http://127.0.0.1:$port;"
	assert_output --partial "curl -i"

	CODE=$(curl -s -o "$T/b" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data 'event=newCall&callId=serve-test' "http://127.0.0.1:$port/sipgate")
	assert_equal "$CODE" 200
	assert_equal "$(tail -n 1 "$LOGDIR/var/events.jsonl" | jq -r '.params.callId + " " + .signature')" "serve-test missing"
	if [ -n "$rules" ]; then
		run cat "$T/serve.out"
		assert_output --partial "Call rules:              $LOGDIR/rules/rules"
		run tail -n 1 "$T/b"
		follow=${SERVE_URL:-http://127.0.0.1:$port/sipgate}
		# make serve always has a state key, so the URLs carry the call's facts.
		assert_output --regexp "<Response onAnswer=\"$(quote_re "$follow")\\?o=[0-9]+\\.[a-z-]+\\.[0-9a-f]{32}\" onHangup=\"$(quote_re "$follow")\\?o=[0-9]+\\.[a-z-]+\\.[0-9a-f]{32}\">$(quote_re "$reply")"
		assert_equal "$(tail -n 1 "$LOGDIR/var/events.jsonl" | jq -r .rule.action)" "$action"
	fi

	# Ctrl-C: SIGINT to the whole foreground process group.
	kill -INT -- "-$SERVE_PID"
	for _ in $(seq 100); do
		kill -0 -- "-$SERVE_PID" 2> /dev/null || break
		sleep 0.1
	done
	run kill -0 -- "-$SERVE_PID"
	assert_failure
	SERVE_PID=
	run cat "$T/serve.out"
	assert_output --partial "serve: stopped."
	run curl -s --max-time 2 "http://127.0.0.1:$port/sipgate"
	assert_failure
	# Nothing of the private instance is left: no process names its folder.
	srvdir=$(serve_dir)
	[ -n "$srvdir" ]
	run pgrep -f "$srvdir"
	assert_failure
	[ ! -e "$srvdir" ]
}

# quote_re TEXT: TEXT as an extended regular expression that matches itself.
quote_re() {
	printf '%s' "$1" | sed 's/[][\.*^$?+(){}|]/\\&/g'
}

@test "make serve under Apache: start, POST, log line, Ctrl-C, nothing left" {
	srv_have_apache || { [ "${CI:-}" != true ] || false; skip "Apache not installed"; }
	serve_one apache
}

@test "make serve RULES=path tries a rules file" {
	srv_have_apache || { [ "${CI:-}" != true ] || false; skip "Apache not installed"; }
	serve_one apache "$(printf '%s\n' 'version 1' 'when direction any do reject busy' 'end')"
}

@test "make serve STATE_KEY=...: menu state is signed with it; without one a key is made for the run" {
	srv_have_apache || { [ "${CI:-}" != true ] || false; skip "Apache not installed"; }
	menu=$(printf '%s\n' 'version 1' 'menu main tries 2 else hangup' 'when direction any do gather main' 'end')
	key=serve-test-state-key-0123456789
	mac=$(printf 'v1|serve-test|main|0' | openssl dgst -sha256 -hmac "$key" -r | cut -c1-32)
	SERVE_STATE_KEY=$key serve_one apache "$menu" "<Gather onData=\"http://127.0.0.1:" gather
	run cat "$T/b"
	assert_output --partial "&amp;m=main&amp;n=0&amp;c=$mac\""
	run cat "$T/serve.out"
	assert_output --partial "Menu state key:          $key (STATE_KEY=... to choose one)"
	serve_one apache "$menu" "<Gather onData=\"http://127.0.0.1:" gather
	run cat "$T/b"
	assert_output --regexp 'n=0&amp;c=[0-9a-f]{32}"'
	run cat "$T/serve.out"
	assert_output --partial "(generated for this run; STATE_KEY=... to choose one)"
}

@test "make serve URL=...: sipgate's later pushes go to the public URL of a tunnel" {
	srv_have_apache || { [ "${CI:-}" != true ] || false; skip "Apache not installed"; }
	SERVE_URL=https://tunnel.example/sipgate serve_one apache \
		"$(printf '%s\n' 'version 1' 'when direction any do reject busy' 'end')"
	run cat "$T/serve.out"
	assert_output --partial "Follow-up URL:           https://tunnel.example/sipgate"
	run env URL='tunnel.example/sipgate' LOG="$T/v/events.jsonl" "$TOP/tests/serve"
	assert_failure
	assert_output --partial "want the public http:// or https:// URL"
}

@test "make serve under nginx + fcgiwrap: start, POST, log line, Ctrl-C, nothing left" {
	srv_have_nginx || { [ "${CI:-}" != true ] || false; skip "nginx/fcgiwrap not installed"; }
	serve_one nginx
}
