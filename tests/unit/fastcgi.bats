#!/usr/bin/env bats
# FastCGI mode: the same binary started on a listening socket, spoken to as
# nginx and Apache speak to it (tests/tools/fcgi-client).  Under real
# servers: tests/system/servers.bats.

load ../helpers
load ../lib/fcgi
load ../lib/lock

setup() {
	common_setup
	fcgi_require
}

teardown() {
	fcgi_teardown
}

NEWCALL='event=newCall&from=492111234567&to=4915791234567&direction=in&callId=123456'

@test "started on a listening fd 0: a newCall is logged and answered as by the CGI" {
	fcgi_start
	fcgi_wait_workers 2
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(header Content-Type)" "application/xml; charset=utf-8"
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	assert_equal "$(last_record .params.callId)" '"123456"'
	assert_equal "$(last_record .remote_addr)" '"217.116.118.254"'
	assert_equal "$(tail -n 1 "$T/stderr")" "end app=0 status=0"
	# The same request through the CGI gives the same bytes.
	cp "$T/out" "$T/fcgi-out"
	post "$NEWCALL"
	cmp "$T/out" "$T/fcgi-out"
}

@test "every CGI status holds per request: 405, 415, 411, 413, 400, 403 and the health check" {
	fcgi_start SIPGATE_SIGNATURE=require
	fcgi_post "$NEWCALL" REQUEST_METHOD=PUT
	assert_status 405
	fcgi_post "$NEWCALL" CONTENT_TYPE=text/plain
	assert_status 415
	fcgi_post "$NEWCALL" CONTENT_LENGTH=
	assert_status 411
	fcgi_post "$NEWCALL" CONTENT_LENGTH=65537
	assert_status 413
	fcgi_post "$NEWCALL" CONTENT_LENGTH=500
	assert_status 400
	assert_reason "body ended after"
	fcgi_post "$NEWCALL"
	assert_status 403
	assert_reason "forbidden: no X-Sipgate-Signature header"
	# The reason goes to the server's error log as FCGI_STDERR.
	run cat "$T/stderr"
	assert_output --partial "sipgate-webhook: forbidden: no X-Sipgate-Signature header"
	fcgi_request REQUEST_METHOD=GET SERVER_NAME=h SERVER_PORT=80 SCRIPT_NAME=/sipgate < /dev/null
	assert_status 200
	assert_equal "$(cat "$T/body")" "$HEALTH_OK"
	assert_equal "$(log_lines)" 0
}

@test "the real signed request is verified in FastCGI mode" {
	fcgi_start SIPGATE_SIGNATURE=require
	fcgi_request $(fcgi_vars) CONTENT_LENGTH="$(wc -c < "$FIXTURES/signed-newcall.body" | tr -d ' ')" \
		HTTP_X_SIPGATE_SIGNATURE="$(cat "$FIXTURES/signed-newcall.sig")" < "$FIXTURES/signed-newcall.body"
	assert_status 200
	assert_equal "$(last_record .signature)" '"valid"'
}

@test "settings: the request's params first, then the process environment; request variables only from params" {
	fcgi_start SIPGATE_FOLLOW=none REQUEST_METHOD=POST CONTENT_LENGTH=5
	fcgi_post "$NEWCALL"
	assert_status 200
	# SIPGATE_FOLLOW=none from the environment: no subscriptions.
	assert_equal "$(tail -n 1 "$T/body")" '<Response/>'
	fcgi_post "$NEWCALL" SIPGATE_FOLLOW=answer SIPGATE_LOG="$T/other.jsonl"
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate"/>'
	assert_equal "$(wc -l < "$T/other.jsonl")" 1
	assert_equal "$(log_lines)" 1
	# Nothing of one request is left for the next.
	fcgi_post "$NEWCALL"
	assert_equal "$(tail -n 1 "$T/body")" '<Response/>'
	assert_equal "$(log_lines)" 2
	# REQUEST_METHOD in the environment is not a request's: no method is 405.
	fcgi_request SERVER_NAME=h < /dev/null
	assert_status 405
}

@test "params and stdin in records of one byte each" {
	fcgi_start
	FCGI_OPTS="-p 1" fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(last_record .params.callId)" '"123456"'
}

@test "FCGI_GET_VALUES: no multiplexing; requests as many as workers" {
	fcgi_start SIPGATE_WORKERS=3
	# FCGI_GET_VALUES asking for all three.
	fcgi_record $FCGI_GET_VALUES 0 "$(fcgi_pair FCGI_MAX_CONNS '')$(fcgi_pair FCGI_MAX_REQS '')$(fcgi_pair FCGI_MPXS_CONNS '')" > "$T/raw"
	run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
	assert_line --index 0 'type=10 id=0 len=54 \x0e\x04FCGI_MAX_CONNS3072\x0d\x01FCGI_MAX_REQS3\x0f\x01FCGI_MPXS_CONNS0'
}

@test "other roles get FCGI_UNKNOWN_ROLE, unknown management records FCGI_UNKNOWN_TYPE" {
	fcgi_start
	FCGI_OPTS="-r 2" fcgi_post "$NEWCALL"
	assert_equal "$(tail -n 1 "$T/stderr")" "end app=0 status=3"
	# A management record of type 63, which FastCGI 1.0 does not know.
	fcgi_record 63 0 '' > "$T/raw"
	run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
	assert_line --index 0 'type=11 id=0 len=8 ?\x00\x00\x00\x00\x00\x00\x00'
	assert_equal "$(log_lines)" 0
}

@test "a second request on a busy connection gets FCGI_CANT_MPX_CONN; the first is answered" {
	fcgi_start
	# BEGIN 1, PARAMS 1 (REQUEST_METHOD=GET), BEGIN 2, end of PARAMS 1, STDIN end 1.
	{
		fcgi_begin 1
		fcgi_record $FCGI_PARAMS 1 "$(fcgi_pair REQUEST_METHOD GET)"
		fcgi_begin 2
		fcgi_record $FCGI_PARAMS 1 ''
		fcgi_record $FCGI_STDIN 1 ''
	} > "$T/raw"
	run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
	assert_line --index 0 'type=3 id=2 len=8 \x00\x00\x00\x00\x01\x00\x00\x00'
	assert_line --partial 'type=6 id=1 len='
	assert_line 'type=3 id=1 len=8 \x00\x00\x00\x00\x00\x00\x00\x00'
}

@test "FCGI_ABORT_REQUEST during the body: ended, nothing logged, nothing answered" {
	fcgi_start
	FCGI_OPTS="-A" fcgi_post "$NEWCALL"
	assert_equal "$(cat "$T/out")" ""
	assert_equal "$(tail -n 1 "$T/stderr")" "end app=0 status=0"
	# The server's own error log hears of the short body, not of a failure.
	run cat "$T/fcgi.err"
	refute_output --partial "cannot write the response"
	assert_equal "$(log_lines)" 0
}

@test "a malformed record closes its connection and nothing else" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	worker=$(fcgi_workers)
	for junk in '\002\001\000\001\000\010\000\000' \
	    '\001\001\000\001\000\007\000\000\000\001\000\000\000\000\000' \
	    '\001\001\000\001\000\010\000\000\000\001\000\000\000\000\000\000\001\004\000\001\000\002\000\000\005\001\001\004\000\001\000\000\000\000' \
	    '\001\011\000\000\000\002\000\000\005\001' \
	    '\001\001\000\001\000\010\000\000\000\001\000\000\000\000\000\000\001\005\000\001\000\001\000\000x'; do
		printf "$junk" > "$T/raw"
		run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
		assert_output closed
	done
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(fcgi_workers)" "$worker"
	run cat "$T/fcgi.err"
	assert_output --partial "FastCGI: a record of another version; closing the connection"
	assert_output --partial "FastCGI: a malformed FCGI_BEGIN_REQUEST; closing the connection"
	assert_output --partial "FastCGI: malformed params; closing the connection"
	assert_output --partial "FastCGI: a malformed FCGI_GET_VALUES; closing the connection"
	assert_output --partial "FastCGI: a record before the params ended; closing the connection"
}

@test "a body that stops coming is a 400 at its deadline, as for the CGI; the worker goes on" {
	fcgi_start SIPGATE_WORKERS=1
	# Params announce 99 bytes; 5 come, and the connection stays open.
	python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect('$T/fcgi.sock')
s.sendall(b'\\1\\1\\0\\1\\0\\10\\0\\0\\0\\1\\1\\0\\0\\0\\0\\0'
          b'\\1\\4\\0\\1\\0\\125\\0\\0\\16\\4REQUEST_METHODPOST\\16\\2CONTENT_LENGTH99'
          b'\\14\\41CONTENT_TYPEapplication/x-www-form-urlencoded'
          b'\\1\\4\\0\\1\\0\\0\\0\\0\\1\\5\\0\\1\\0\\5\\0\\0event')
start = time.monotonic()
s.settimeout(15)
got = b''
while b'\\1\\3\\0\\1' not in got:
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
print(round(time.monotonic() - start))
i = got.find(b'Status: ')
print(got[i:got.find(b'\\r\\n', i)].decode())
" > "$T/slow"
	assert_equal "$(sed -n 2p "$T/slow")" "Status: 400 Bad Request"
	secs=$(sed -n 1p "$T/slow")
	[ "$secs" -ge "$FCGI_BODY_SECONDS" ]
	[ "$secs" -le $((FCGI_BODY_SECONDS + 2)) ]
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(log_lines)" 1
}

@test "a connection closed in the middle of a body costs nothing but itself" {
	fcgi_start SIPGATE_WORKERS=1
	{
		fcgi_begin 1
		fcgi_record $FCGI_PARAMS 1 "$(fcgi_pair REQUEST_METHOD POST)$(fcgi_pair CONTENT_LENGTH 99)"
		fcgi_record $FCGI_PARAMS 1 ''
		fcgi_record $FCGI_STDIN 1 event
	} > "$T/raw"
	run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
	assert_output closed
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(log_lines)" 1
}

@test "FCGI_KEEP_CONN: 1,000 requests over one connection, all logged" {
	fcgi_start SIPGATE_WORKERS=1
	FCGI_OPTS="-k -n 1000 -s" fcgi_post "$NEWCALL"
	assert_equal "$(sort "$T/out" | uniq -c | sed 's/^ *//')" "1000 200"
	assert_equal "$(check_jsonl)" 1000
}

@test "without FCGI_KEEP_CONN the program closes the connection after the answer" {
	fcgi_start
	{
		fcgi_begin 1
		fcgi_record $FCGI_PARAMS 1 "$(fcgi_pair REQUEST_METHOD GET)"
		fcgi_record $FCGI_PARAMS 1 ''
		fcgi_record $FCGI_STDIN 1 ''
	} > "$T/raw"
	# -R half-closes only its sending side: "closed" means the program closed.
	run "$FCGI_CLIENT" -R "$T/fcgi.sock" < "$T/raw"
	n=${#lines[@]}
	assert_equal "${lines[n - 2]}" 'type=3 id=1 len=8 \x00\x00\x00\x00\x00\x00\x00\x00'
	assert_equal "${lines[n - 1]}" closed
}

@test "200 concurrent requests from 200 connections: no lost or torn lines" {
	fcgi_start SIPGATE_SYNC=1
	FCGI_OPTS="-c 200 -n 1 -s" fcgi_post "$NEWCALL&pad=$(head -c 2000 /dev/zero | tr '\0' p)"
	assert_equal "$(sort "$T/out" | uniq -c | sed 's/^ *//')" "200 200"
	assert_equal "$(check_jsonl)" 200
}

@test "the event the log cannot take comes back as FCGI_STDERR" {
	fcgi_start SIPGATE_LOG=/proc/self/no-such-dir/events.jsonl
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	run cat "$T/stderr"
	assert_output --partial 'sipgate-webhook: event: {'
	assert_output --partial '"callId":"123456"'
}

@test "SIPGATE_WORKERS: that many workers; a bad value is refused" {
	fcgi_start SIPGATE_WORKERS=3
	fcgi_wait_workers 3
	fcgi_stop
	assert_equal "$FCGI_RC" 0
	for bad in 0 -1 x 1025 2x; do
		fcgi_start SIPGATE_WORKERS="$bad"
		# It ends by itself.
		FCGI_RC=0
		wait "$FCGI_PID" || FCGI_RC=$?
		assert_equal "$bad $FCGI_RC" "$bad 1"
		run cat "$T/fcgi.err"
		assert_output --partial "SIPGATE_WORKERS must be a number from 1 to 1024"
	done
}

@test "a worker that dies is replaced, and says so" {
	fcgi_start SIPGATE_WORKERS=2
	fcgi_wait_workers 2
	victim=$(fcgi_workers | head -n 1)
	kill -KILL "$victim"
	sleep 0.3
	fcgi_wait_workers 2
	run fcgi_workers
	refute_line "$victim"
	run cat "$T/fcgi.err"
	assert_output --partial "worker $victim was killed by signal 9; starting another"
	fcgi_post "$NEWCALL"
	assert_status 200
}

@test "a worker killed under load: every 200 is logged, the rest fail loudly, the master replaces it" {
	fcgi_start SIPGATE_WORKERS=2 SIPGATE_SYNC=1
	fcgi_wait_workers 2
	printf '%s' "$NEWCALL" > "$T/body-in"
	# shellcheck disable=SC2046
	"$FCGI_CLIENT" -c 8 -n 250 -s "$T/fcgi.sock" $(fcgi_vars) CONTENT_LENGTH=${#NEWCALL} < "$T/body-in" > "$T/codes" &
	load=$!
	sleep 0.3
	kill -KILL "$(fcgi_workers | head -n 1)"
	wait "$load"
	ok=$(grep -c '^200$' "$T/codes")
	assert_equal "$(wc -l < "$T/codes")" 2000
	# Each request is answered 200 and logged, or fails where the client sees it.
	assert_equal "$(grep -v -c -e '^200$' -e '^-1$' "$T/codes")" 0
	[ "$ok" -gt 1000 ]
	logged=$(check_jsonl)
	[ "$logged" -ge "$ok" ]
	# The worker's log thread appends the records of every connection it
	# holds before their answers go out: at most the client's 8 connections
	# were logged and not answered when it died.
	[ "$logged" -le $((ok + 8)) ]
	fcgi_wait_workers 2
}

@test "SIGTERM under load: workers finish their requests, every 200 is logged, exit 0" {
	fcgi_start SIPGATE_WORKERS=2 SIPGATE_SYNC=1
	fcgi_wait_workers 2
	printf '%s' "$NEWCALL" > "$T/body-in"
	# shellcheck disable=SC2046
	"$FCGI_CLIENT" -k -c 8 -n 500 -s "$T/fcgi.sock" $(fcgi_vars) CONTENT_LENGTH=${#NEWCALL} < "$T/body-in" > "$T/codes" 2> /dev/null &
	load=$!
	sleep 0.5
	fcgi_stop
	wait "$load" || true
	assert_equal "$FCGI_RC" 0
	ok=$(grep -c '^200$' "$T/codes")
	[ "$ok" -gt 0 ]
	assert_equal "$(check_jsonl)" "$ok"
	assert_equal "$(grep -v -c -e '^200$' -e '^-1$' "$T/codes")" 0
	run pgrep -f "$T/fcgi.sock"
	assert_failure
}

# A file the program reads once must be a second old when read (a write in
# the same clock tick as the read could leave its time stamps unchanged).
settle() { sleep 1.1; }

@test "a kept rules file is read again when one of its dates files changes" {
	F='<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"'
	printf '2020-01-01\n' > "$T/closed"
	printf '%s\n' 'version 1' 'timezone UTC' "dates closed file $T/closed" 'when date @closed do reject' 'end' > "$T/rules"
	settle
	fcgi_start SIPGATE_WORKERS=1 SIPGATE_RULES="$T/rules"
	fcgi_post "$NEWCALL" SIPGATE_NOW=@1767225600
	assert_equal "$(tail -n 1 "$T/body")" "$F/>"
	# 2026-01-01 becomes a closed day; the rules file itself is unchanged.
	printf '2026-01-01\n' > "$T/closed"
	settle
	[ "$(cat "$T/rules")" = "$(printf '%s\n' 'version 1' 'timezone UTC' "dates closed file $T/closed" 'when date @closed do reject' 'end')" ]
	fcgi_post "$NEWCALL" SIPGATE_NOW=@1767225600
	assert_equal "$(tail -n 1 "$T/body")" "$F><Reject reason=\"rejected\"/></Response>"
}

@test "a kept address book folder is read again when a card is added or the folder touched, not on every request" {
	mkdir "$T/book"
	printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Erst\nTEL:0211 1234567\nEND:VCARD\n' > "$T/book/a.vcf"
	settle
	fcgi_start SIPGATE_WORKERS=1 SIPGATE_PHONEBOOK="$T/book"
	fcgi_post "$NEWCALL"
	assert_equal "$(tail -n 1 "$LOG" | jq -r .caller)" Erst
	# Edited in place: the folder's stamps stay, so the kept copy holds.
	printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Zweit\nTEL:0211 1234567\nEND:VCARD\n' > "$T/book/a.vcf"
	fcgi_post "$NEWCALL"
	assert_equal "$(tail -n 1 "$LOG" | jq -r .caller)" Erst
	touch "$T/book"
	settle
	fcgi_post "$NEWCALL"
	assert_equal "$(tail -n 1 "$LOG" | jq -r .caller)" Zweit
	# A card renamed into the folder, as a sync writes one.
	printf 'BEGIN:VCARD\nVERSION:4.0\nFN:Neu\nTEL:+49 30 1234567\nEND:VCARD\n' > "$T/new.tmp"
	mv "$T/new.tmp" "$T/book/b.vcf"
	settle
	fcgi_post 'event=newCall&from=49301234567&to=4915791234567&direction=in&callId=2'
	assert_equal "$(tail -n 1 "$LOG" | jq -r .caller)" Neu
}

@test "systemd socket activation: LISTEN_FDS=1 serves; other counts are refused" {
	fcgi_start_activated SIPGATE_WORKERS=2
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(log_lines)" 1
	fcgi_wait_workers 2
	fcgi_stop
	assert_equal "$FCGI_RC" 0
	# Two sockets where one is expected: an error, not a CGI reading fd 0.
	rm -f "$T/fcgi.sock"
	env -i PATH="$PATH" systemd-socket-activate -l "$T/a.sock" -l "$T/b.sock" "$PROG" 2> "$T/two.err" &
	act=$!
	for i in $(seq 50); do [ -S "$T/b.sock" ] && break; sleep 0.05; done
	python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('$T/a.sock'); s.close()"
	wait "$act" || true
	run cat "$T/two.err"
	assert_output --partial "LISTEN_FDS=2: expected one listening socket"
}

@test "an empty SIPGATE_* param is not given: the process's setting holds (no setting fails open)" {
	printf 'version 1\nwhen always do reject\nend\n' > "$T/rules"
	fcgi_start SIPGATE_ALLOW_FROM=10.0.0.0/8 SIPGATE_RULES="$T/rules" SIPGATE_STATE_KEY=0123456789abcdef0123
	# As nginx sends a fastcgi_param whose variable is empty.
	fcgi_post "$NEWCALL" SIPGATE_ALLOW_FROM=
	assert_status 403
	fcgi_post "$NEWCALL" SIPGATE_ALLOW_FROM= REMOTE_ADDR=10.1.2.3 SIPGATE_RULES=
	assert_status 200
	# The key still signs the call's facts, and the rules rejected it.
	run tail -n 1 "$T/body"
	assert_output --regexp '^<Response onAnswer="https://hooks.example.org/sipgate\?o=[0-9]+\.r\.[0-9a-f]{32}" onHangup="[^"]*"><Reject reason="rejected"/></Response>$'
	# A state without its MAC is refused: the key still holds.
	fcgi_post 'event=dtmf&dtmf=1&callId=1' REMOTE_ADDR=10.1.2.3 SIPGATE_STATE_KEY= QUERY_STRING='m=main&n=0'
	assert_status 403
	# A param that is set still wins over the process.
	fcgi_post "$NEWCALL" REMOTE_ADDR=217.116.118.254 SIPGATE_ALLOW_FROM=217.116.118.0/24
	assert_status 200
}

# fcgi_background NAME [NAME=VALUE ...]: a POST of $NEWCALL in the
# background; its output in $T/NAME.out, the time it ended (ns) in
# $T/NAME.end, its PID in BG_PID.
fcgi_background() {
	local name=$1
	shift
	printf '%s' "$NEWCALL" > "$T/$name.req"
	# shellcheck disable=SC2046
	{ "$FCGI_CLIENT" "$T/fcgi.sock" $(fcgi_vars) CONTENT_LENGTH=${#NEWCALL} "$@" < "$T/$name.req" \
		> "$T/$name.out" 2>&1; date +%s%N > "$T/$name.end"; } &
	BG_PID=$!
}

# health_answered: the health check (a GET) is answered 200.
health_answered() {
	# shellcheck disable=SC2046
	fcgi_request $(fcgi_vars) REQUEST_METHOD=GET < /dev/null
	assert_status 200
}

@test "a record waiting for the writers' lock holds up no other connection; one queued behind it waits no longer than its own bound" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	hold_lock
	fcgi_background a
	a=$BG_PID
	sleep 0.2
	fcgi_background b
	b=$BG_PID
	sleep 0.2
	# The health check is answered at once, while both pushes wait.
	health_answered
	[ ! -e "$T/a.end" ]
	[ ! -e "$T/b.end" ]
	wait "$a" "$b"
	touch "$T/release"
	wait "$HOLDER"
	# Both answered as decided, their records rescued; the second only
	# its own bound after it came, not a second bound after the first.
	for x in a b; do
		run grep -c -e '^Status: 200 OK' -e "cannot lock $LOG: timed out after $LOG_LOCK_SECONDS s" -e '^sipgate-webhook: event: {' "$T/$x.out"
		assert_output 3
	done
	[ $(( $(cat "$T/b.end") - $(cat "$T/a.end") )) -lt $(( LOG_LOCK_SECONDS * 500000000 )) ]
}

@test "a record waiting for the disk holds up no other connection" {
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace not installed"; }
	FCGI_WRAP="strace -f -o /dev/null -e trace=fdatasync -e inject=fdatasync:delay_enter=1500000" \
		fcgi_start SIPGATE_WORKERS=1 SIPGATE_SYNC=1
	# Under strace the master is not the launcher's child: ask it.
	health_answered
	fcgi_background a
	a=$BG_PID
	sleep 0.3
	health_answered
	[ ! -e "$T/a.end" ]
	wait "$a"
	run grep -c '^Status: 200 OK' "$T/a.out"
	assert_output 1
	assert_equal "$(last_record -r .params.callId)" 123456
}
