#!/usr/bin/env bats
# The event log: one JSON object per line, appended whole or not at all.

load ../helpers
load ../lib/lock

setup() { common_setup; }

@test "a record has received, event, signature, remote_addr and params" {
	post 'event=answer&callId=1'
	assert_status 200
	run last_record 'keys_unsorted'
	assert_output '["received","event","signature","remote_addr","params"]'
	run last_record .received
	assert_output --regexp '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"$'
	assert_equal "$(last_record .remote_addr)" '"217.116.118.254"'
	assert_equal "$(last_record .signature)" '"unchecked"'
}

@test "the received time is now, in UTC" {
	before=$(date -u +%s)
	post 'event=hangup'
	after=$(date -u +%s)
	t=$(date -u -d "$(last_record -r .received)" +%s)
	[ "$t" -ge "$before" ]
	[ "$t" -le "$after" ]
}

@test "a missing REMOTE_ADDR is null" {
	post 'event=hangup' -u REMOTE_ADDR
	assert_status 200
	assert_equal "$(last_record .remote_addr)" null
}

@test "control characters, quotes and backslashes are escaped" {
	post 'event=x&v=%22q%22+%5C+%0A%0D%09%01%1F%7F+%3C%26%3E'
	assert_status 200
	run grep -c -F '"v":"\"q\" \\ \n\r\t\u0001\u001f\u007f <&>"' "$LOG"
	assert_output 1
	assert_equal "$(check_jsonl)" 1
	assert_equal "$(last_record .params.v)" '"\"q\" \\ \n\r\t\u0001\u001f\u007f <&>"'
}

@test "records are appended, one line each, never rewritten" {
	for i in 1 2 3; do post "event=dtmf&dtmf=$i"; done
	assert_equal "$(check_jsonl)" 3
	assert_equal "$(jq -r .params.dtmf "$LOG" | tr -d '\n')" 123
}

@test "a new log file is created with mode 0640" {
	post 'event=hangup'
	assert_equal "$(stat -c %a "$LOG")" 640
}

@test "the log is fdatasync'ed by default and not with SIPGATE_SYNC=0" {
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace not installed"; }
	# LeakSanitizer (SANITIZE=1 builds) cannot run under ptrace.
	export ASAN_OPTIONS=detect_leaks=0
	CGI_WRAPPER="strace -e trace=fdatasync -o $T/trace" post 'event=hangup' -u SIPGATE_SYNC
	assert_status 200
	run grep -c fdatasync "$T/trace"
	assert_output 1
	CGI_WRAPPER="strace -e trace=fdatasync -o $T/trace" post 'event=hangup' SIPGATE_SYNC=0
	assert_status 200
	run grep -c fdatasync "$T/trace"
	assert_output 0
}

@test "SIPGATE_SYNC with an unknown value is a 500" {
	post 'event=hangup' SIPGATE_SYNC=maybe
	assert_status 500
	run cat "$T/stderr"
	assert_output --partial "SIPGATE_SYNC=maybe"
}

@test "50 processes appending at once: every line whole, exact count" {
	body="event=newCall&callId=$(head -c 3000 /dev/zero | tr '\0' 'A')"
	printf '%s' "$body" > "$T/request"
	len=$(wc -c < "$T/request")
	for i in $(seq 50); do
		env -i REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
			CONTENT_LENGTH="$len" SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off \
			SIPGATE_WEBHOOK_URL=https://h.example/x SIPGATE_SYNC=0 \
			"$PROG" < "$T/request" > "$T/out.$i" &
	done
	wait
	assert_equal "$(check_jsonl)" 50
	assert_equal "$(jq -r '.params.callId | length' "$LOG" | sort -u)" 3000
	assert_equal "$(grep -l '^Status: 200' "$T"/out.* | wc -l)" 50
}

# A log that cannot take the event: the call is answered as decided all the
# same (sipgate does not retry, and an error would switch the call's rules
# off), and the complete record goes to stderr.
assert_event_on_stderr() {
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	run grep -c '^sipgate-webhook: event: {' "$T/stderr"
	assert_output 1
	sed -n 's/^sipgate-webhook: event: //p' "$T/stderr" > "$T/saved"
	assert_equal "$(check_jsonl "$T/saved")" 1
	assert_equal "$(jq -r .params.callId "$T/saved")" lost-1
}

@test "an unwritable log: the call is answered as decided, the event goes to stderr" {
	post 'event=newCall&callId=lost-1' SIPGATE_LOG="$T/no/such/dir/events.jsonl"
	assert_event_on_stderr
	run head -n 1 "$T/stderr"
	assert_output --partial "No such file or directory"
}

# make_read_only DIR [FILE]: DIR (holding FILE, if named) becomes read-only,
# also for root: then it is a tmpfs remounted read-only.
make_read_only() {
	mkdir -p "$1"
	if [ "$(id -u)" = 0 ]; then
		mount -t tmpfs -o size=1m tmpfs "$1" || skip_unless_ci_root
		RO_MOUNT=$1
	fi
	[ -z "${2:-}" ] || { touch "$1/$2"; chmod 0444 "$1/$2"; }
	if [ "$(id -u)" = 0 ]; then mount -o remount,ro "$1"; else chmod 0555 "$1"; fi
}

teardown() {
	[ -z "${RO_MOUNT:-}" ] || umount "$RO_MOUNT"
}

@test "a read-only log file: answered as decided, the event on stderr" {
	make_read_only "$T/ro" events.jsonl
	post 'event=newCall&callId=lost-1' SIPGATE_LOG="$T/ro/events.jsonl"
	assert_event_on_stderr
	assert_equal "$(stat -c %s "$T/ro/events.jsonl")" 0
}

@test "a read-only directory: answered as decided, the event on stderr" {
	make_read_only "$T/ro"
	post 'event=newCall&callId=lost-1' SIPGATE_LOG="$T/ro/events.jsonl"
	assert_event_on_stderr
	[ ! -e "$T/ro/events.jsonl" ]
}

@test "a symlink at the log path is refused, the target untouched" {
	echo original > "$T/target"
	ln -s "$T/target" "$LOG"
	post 'event=newCall&callId=lost-1'
	assert_event_on_stderr
	run head -n 1 "$T/stderr"
	assert_output --partial "it is a symbolic link"
	assert_equal "$(cat "$T/target")" original
}

@test "a FIFO at the log path is refused without blocking" {
	mkfifo "$LOG"
	post 'event=newCall&callId=lost-1'
	assert_event_on_stderr
	run head -n 1 "$T/stderr"
	assert_output --partial "not a regular file"
}

@test "a directory at the log path is refused" {
	mkdir "$LOG"
	post 'event=newCall&callId=lost-1'
	assert_event_on_stderr
}

@test "a file-size limit mid-append: the part written is kept, and the next writer ends it as a line of its own" {
	post 'event=newCall&callId=first'
	size=$(stat -c %s "$LOG")
	big="event=newCall&callId=lost-1&pad=$(head -c 4000 /dev/zero | tr '\0' 'x')"
	# The limit lets the write start and cuts it off in the middle.  stderr
	# goes through a pipe, as to a web server, so the limit spares it.
	cat > "$T/limited" <<-EOS
	#!/bin/sh
	{ prlimit --fsize=$((size + 1000)) "\$@" 2>&1 1>&3 3>&- | cat >&2; } 3>&1
	EOS
	chmod +x "$T/limited"
	CGI_WRAPPER="$T/limited" post "$big"
	assert_event_on_stderr
	run head -n 1 "$T/stderr"
	assert_output --partial "short write"
	assert_output --partial "the part written is ended by the next writer"
	assert_equal "$(stat -c %s "$LOG")" $((size + 1000))
	post 'event=hangup&callId=next'
	assert_equal "$(last_record -r .params.callId)" next
	assert_equal "$(check_jsonl --torn)" "2 1"
}

@test "a lock held too long: answered within the bound even with SIGALRM blocked, the event on stderr" {
	hold_lock
	printf 'event=hangup' > "$T/req"
	start=$(date +%s)
	CGI_WRAPPER="timeout 30 python3 $TOP/tests/tools/with-sigalrm-blocked" post 'event=hangup'
	elapsed=$(( $(date +%s) - start ))
	touch "$T/release"
	wait "$HOLDER"
	assert_status 200
	run cat "$T/stderr"
	assert_output --partial "cannot lock $LOG: timed out after $LOG_LOCK_SECONDS s (another writer holds it)"
	assert_output --partial "sipgate-webhook: event: "
	[ "$elapsed" -ge $((LOG_LOCK_SECONDS - 1)) ]
	[ "$elapsed" -le $((LOG_LOCK_SECONDS + 7)) ]
}

@test "group commit: the flush comes after the lock is released" {
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace not installed"; }
	export ASAN_OPTIONS=detect_leaks=0
	CGI_WRAPPER="strace -o $T/trace -e trace=flock,fdatasync" post 'event=hangup' SIPGATE_SYNC=1
	assert_status 200
	run grep -E '^(flock|fdatasync)\(' "$T/trace"
	assert_line --index 0 --regexp '^flock\([0-9]+, LOCK_EX\|LOCK_NB\) += 0'
	assert_line --index 1 --regexp '^flock\([0-9]+, LOCK_UN\) += 0'
	assert_line --index 2 --regexp '^fdatasync\([0-9]+\) += 0'
}

@test "a failed flush leaves the line (the log never shrinks) and says so; the event goes to stderr, the answer is 200" {
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace not installed"; }
	export ASAN_OPTIONS=detect_leaks=0
	post 'event=hangup&n=0' SIPGATE_SYNC=1
	CGI_WRAPPER="strace -o /dev/null -e trace=fdatasync -e inject=fdatasync:error=EIO" post 'event=hangup&n=1' SIPGATE_SYNC=1
	assert_status 200
	assert_equal "$(jq -r .params.n "$LOG" | tr '\n' ' ')" "0 1 "
	run cat "$T/stderr"
	assert_output --partial "cannot sync $LOG: Input/output error; the line stays in it, maybe not on disk"
	assert_output --partial 'sipgate-webhook: event: {"received":'
}

@test "call control does not depend on the log: with the log gone, the rules still decide the call" {
	printf '%s\n' 'version 1' 'when from 493012345678 do reject busy' 'end' > "$T/rules"
	post 'event=newCall&direction=in&from=493012345678&to=4921100&callId=lost-1' \
		SIPGATE_RULES="$T/rules" SIPGATE_LOG="$T/no/such/dir/events.jsonl"
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"><Reject reason="busy"/></Response>'
	sed -n 's/^sipgate-webhook: event: //p' "$T/stderr" > "$T/saved"
	assert_equal "$(jq -c .rule "$T/saved")" '{"line":2,"action":"reject"}'
	# The health check still tells monitoring that the log is gone.
	cgi REQUEST_METHOD=GET SIPGATE_LOG="$T/no/such/dir/events.jsonl" < /dev/null
	assert_status 503
}

@test "a reader holding a shared lock on the log, as a backup job does, delays no writer" {
	touch "$LOG"
	flock -s "$LOG" sh -c 'touch "$1/held"; while [ ! -e "$1/release" ]; do sleep 0.05; done' sh "$T" &
	reader=$!
	while [ ! -e "$T/held" ]; do sleep 0.05; done
	start=$(date +%s%N)
	post 'event=newCall&callId=past-the-reader' SIPGATE_SYNC=1
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	touch "$T/release"
	wait "$reader"
	assert_status 200
	assert_equal "$(last_record -r .params.callId)" past-the-reader
	run cat "$T/stderr"
	assert_output ''
	[ "$elapsed_ms" -lt 1000 ]
}

@test "the writers' lock is a file beside the log that only its owner may open, outside events.jsonl*" {
	post 'event=hangup'
	assert_status 200
	run stat -c '%a %U' "$T/.events.jsonl.lock"
	assert_output "600 $(id -un)"
	run sh -c "cd '$T' && ls events.jsonl*"
	assert_output events.jsonl
}

@test "where no lock file can be made beside it, the log itself is the writers' lock" {
	# A folder the writer may not write in, holding a log it may write.
	D=$(mktemp -d /tmp/sgw-nolock.XXXXXX)
	touch "$D/events.jsonl"
	if [ "$(id -u)" = 0 ]; then
		chown 65534 "$D/events.jsonl"
		chmod 0755 "$D"
		wrapper="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		chmod 0555 "$D"
		wrapper=
	fi
	# Not under valgrind here: its log folder is root's, not nobody's.
	CGI_WRAPPER="$wrapper" post 'event=hangup&callId=no-lock-file' SIPGATE_LOG="$D/events.jsonl"
	chmod 0755 "$D"
	assert_status 200
	[ ! -e "$D/.events.jsonl.lock" ]
	run grep -c no-lock-file "$D/events.jsonl"
	rm -rf "$D"
	assert_output 1
}
