#!/usr/bin/env bats
# Faults of the machine and the web server around the program: a full disk,
# writers killed mid-append, pipes closed on either side.

load ../helpers

setup() { common_setup; }

teardown() {
	[ -z "${MNT:-}" ] || umount "$MNT"
}

@test "a full disk while appending: answered as decided, the event on stderr, the part written a line of its own" {
	[ "$(id -u)" = 0 ] || skip_unless_ci_root
	MNT="$T/tiny"
	mkdir "$MNT"
	mount -t tmpfs -o size=64k tmpfs "$MNT" || { MNT=; skip_unless_ci_root; }
	LOG="$MNT/events.jsonl"
	post 'event=newCall&callId=first'
	assert_status 200
	# Fill the rest of the filesystem, then send more than would fit.
	dd if=/dev/zero of="$MNT/filler" bs=1k count=1000 2> /dev/null || true
	rm -f "$MNT/filler"
	dd if=/dev/zero of="$MNT/filler" bs=1k count=$(( $(df -k --output=avail "$MNT" | tail -n 1) - 8 )) 2> /dev/null || true
	size=$(stat -c %s "$LOG")
	post "event=newCall&callId=lost-1&pad=$(head -c 20000 /dev/zero | tr '\0' x)"
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	run grep -c '^sipgate-webhook: event: {' "$T/stderr"
	assert_output 1
	run head -n 1 "$T/stderr"
	assert_output --regexp "(No space left on device|short write)"
	# What was written stays (the log never shrinks); once there is room,
	# the next writer ends it as a line of its own and appends whole.
	[ "$(stat -c %s "$LOG")" -ge "$size" ]
	rm -f "$MNT/filler"
	post 'event=hangup&callId=after'
	assert_status 200
	assert_equal "$(last_record -r .params.callId)" after
	run check_jsonl --torn
	assert_output --regexp '^2 [01]$'
}

@test "writers killed with SIGKILL mid-append: every record whole, every torn one ended by the next writer" {
	body="event=newCall&callId=k&pad=$(head -c 60000 /dev/zero | tr '\0' x)"
	printf '%s' "$body" > "$T/request"
	len=$(wc -c < "$T/request")
	writer() {
		while :; do
			env -i REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
				CONTENT_LENGTH="$len" SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off \
				SIPGATE_FOLLOW=none SIPGATE_SYNC=0 "$PROG" < "$T/request" > /dev/null 2>> "$T/stderr.all"
		done
	}
	for i in $(seq 8); do writer & done
	# Kill whichever CGI processes are running, again and again.
	for round in $(seq 40); do
		pkill -KILL -f -x "$PROG" 2> /dev/null || true
		sleep 0.05
	done
	kill $(jobs -p) 2> /dev/null || true
	wait 2> /dev/null || true
	pkill -KILL -f -x "$PROG" 2> /dev/null || true
	# One more writer ends any torn line the last kill left.
	post 'event=hangup&callId=last'
	assert_status 200
	read -r n torn < <(check_jsonl --torn)
	[ "$n" -ge 2 ]
	assert_equal "$(jq -R 'fromjson? | .params.pad | length' "$LOG" | sort -u | grep -v '^0$' | tr '\n' ' ')" "60000 "
	assert_equal "$(last_record -r .params.callId)" last
	# Each torn line was reported by the writer that ended it.
	assert_equal "$(cat "$T/stderr.all" "$T/stderr" | grep -c 'ended a torn last line')" "$torn"
	echo "# $n complete lines; $torn torn lines ended" >&3
}

@test "a torn last line left by a killed writer is ended with a newline by the next one, never cut off" {
	printf '{"received":"x"}\n{"received":"partial' > "$LOG"
	size=$(stat -c %s "$LOG")
	post 'event=hangup&callId=next'
	assert_status 200
	assert_equal "$(head -c "$size" "$LOG")" "$(printf '{"received":"x"}\n{"received":"partial')"
	assert_equal "$(sed -n 2p "$LOG")" '{"received":"partial'
	assert_equal "$(check_jsonl --torn)" "2 1"
	assert_equal "$(last_record -r .params.callId)" next
	run cat "$T/stderr"
	assert_output "sipgate-webhook: ended a torn last line of $LOG with a newline (its writer was killed or ran out of room mid-write)"
}

@test "stdin closed early: 400 at once, a line on stderr, nothing logged" {
	printf 'event=hangup&callId=1' > "$T/request"
	cgi CONTENT_LENGTH=500 < "$T/request"
	assert_status 400
	run cat "$T/stderr"
	assert_output --partial "body ended after 21 of the 500 bytes announced"
	assert_equal "$(log_lines)" 0
}

@test "stdout closed by the server (EPIPE): no hang, a line on stderr, the event logged" {
	printf 'event=newCall&callId=epipe' > "$T/request"
	python3 - "$PROG" "$T/request" "$LOG" > "$T/result" <<-'PY'
	import os, subprocess, sys
	prog, request, log = sys.argv[1:]
	r, w = os.pipe()
	os.close(r)                      # the server has gone away
	env = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
	       "CONTENT_LENGTH": str(os.path.getsize(request)), "SIPGATE_LOG": log,
	       "SIPGATE_SIGNATURE": "off", "SERVER_NAME": "h.example"}
	with open(request, "rb") as body:
	    p = subprocess.run([prog], stdin=body, stdout=w, stderr=subprocess.PIPE, env=env, timeout=20)
	print(p.returncode)
	print(p.stderr.decode().strip())
	PY
	run cat "$T/result"
	assert_line --index 0 1
	assert_line --index 1 "sipgate-webhook: cannot write the response to the web server"
	assert_equal "$(last_record -r .params.callId)" epipe
}

@test "a writer holding the lock forever: the request gives up on the log, not on the call" {
	post 'event=hangup&callId=before'
	flock -x "$(dirname "$LOG")/.$(basename "$LOG").lock" sh -c 'touch "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.05; done' sh "$T" &
	locker=$!
	while [ ! -e "$T/held" ]; do sleep 0.05; done
	post 'event=newCall&callId=blocked'
	touch "$T/release"
	wait "$locker"
	assert_status 200
	run head -n 1 "$T/stderr"
	assert_output --partial "cannot lock"
	assert_output --partial "timed out"
	run grep -c '"callId":"blocked"' "$T/stderr"
	assert_output 1
}
