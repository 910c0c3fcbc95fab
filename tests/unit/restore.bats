#!/usr/bin/env bats
# --restore FILE...: records rescued from syslog put back into the event
# log as a writer appends them, each once, beside live writers.

load ../helpers

# run --separate-stderr
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	cd "$T"
}

# record CALLID [EVENT]: a record as the program writes it.
record() {
	printf '{"received":"2026-11-26T10:00:00.000Z","event":"%s","signature":"valid","remote_addr":"217.116.118.254","params":{"event":"%s","callId":"%s"}}\n' \
		"${2:-newCall}" "${2:-newCall}" "$1"
}

restore() {
	run --separate-stderr env -i SIPGATE_LOG="${RESTORE_LOG:-$LOG}" ${MEMCHECK:-} "$PROG" --restore "$@"
	STDERR=$stderr
}

@test "rescued records go into the log; those it holds already, and a second run, add nothing" {
	post 'event=newCall&callId=live'
	record A > rescued.jsonl
	tail -n 1 "$LOG" >> rescued.jsonl
	record B hangup >> rescued.jsonl
	restore rescued.jsonl
	assert_success
	assert_output "restored 2 records to $LOG; 1 were there already; 0 lines were not event records"
	assert_equal "$STDERR" ""
	assert_equal "$(jq -r .params.callId "$LOG" | tr '\n' ' ')" "live A B "
	restore rescued.jsonl rescued.jsonl
	assert_success
	assert_output "restored 0 records to $LOG; 6 were there already; 0 lines were not event records"
	assert_equal "$(check_jsonl)" 3
}

@test "a line that is not an event record is named and left out (exit 1); a last line without a newline is restored" {
	{
		record A
		echo 'sipgate-webhook: a message, not a record'
		echo
		echo '{"event":"newCall","params":{}}'
		record B | tr -d '\n'
	} > rescued.jsonl
	restore rescued.jsonl
	assert_failure 1
	assert_output "restored 2 records to $LOG; 0 were there already; 2 lines were not event records"
	assert_equal "$STDERR" "sipgate-webhook: rescued.jsonl:2: not an event record, left out
sipgate-webhook: rescued.jsonl:4: not an event record, left out"
	assert_equal "$(jq -r .params.callId "$LOG" | tr '\n' ' ')" "A B "
}

@test "beside live writers: every rescued record and every written one is in the log once, each line whole" {
	for i in $(seq 200); do record "rescued-$i"; done > rescued.jsonl
	printf 'event=hangup&callId=live' > "$T/request"
	writer() {
		for _ in $(seq 50); do
			env -i REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=24 \
				SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 SIPGATE_WEBHOOK_URL=https://h.example/ \
				"$PROG" < "$T/request" > /dev/null
		done
	}
	for w in 1 2 3 4; do writer & done
	restore rescued.jsonl
	wait
	assert_success
	assert_output "restored 200 records to $LOG; 0 were there already; 0 lines were not event records"
	assert_equal "$(check_jsonl)" 400
	assert_equal "$(jq -r .params.callId "$LOG" | grep -c '^rescued-')" 200
	assert_equal "$(jq -r .params.callId "$LOG" | grep '^rescued-' | sort -u | wc -l)" 200
	assert_equal "$(jq -r .params.callId "$LOG" | grep -c '^live$')" 200
}

@test "the log refuses a record: exit 2, the reason, nothing after it tried; a second run finishes" {
	command -v prlimit > /dev/null || { [ "${CI:-}" != true ] || false; skip "prlimit not installed"; }
	for id in A B C; do record "$id"; done > rescued.jsonl
	# Room for A and part of B, as a full disk would leave.
	run --separate-stderr env -i SIPGATE_LOG="$LOG" prlimit --fsize=200 "$PROG" --restore rescued.jsonl
	assert_failure 2
	assert_output "restored 1 records to $LOG; 0 were there already; 0 lines were not event records"
	assert_equal "$stderr" "sipgate-webhook: short write to $LOG: No space left on device; the part written is ended by the next writer"
	assert_equal "$(wc -c < "$LOG")" 200
	restore rescued.jsonl
	assert_success
	assert_output "restored 2 records to $LOG; 1 were there already; 0 lines were not event records"
	assert_equal "$STDERR" "sipgate-webhook: ended a torn last line of $LOG with a newline (its writer was killed or ran out of room mid-write)"
	assert_equal "$(check_jsonl --torn)" "3 1"
	assert_equal "$(jq -R -r 'fromjson? | .params.callId' "$LOG" | tr '\n' ' ')" "A B C "
}

@test "the log is not a regular file, or its folder is missing: exit 2, the reason, nothing appended" {
	record A > rescued.jsonl
	RESTORE_LOG="$T/missing/events.jsonl" restore rescued.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: $T/missing: No such file or directory"
	ln -s "$T/rescued.jsonl" "$T/link.jsonl"
	RESTORE_LOG="$T/link.jsonl" restore rescued.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: $T/link.jsonl: Too many levels of symbolic links"
	assert_equal "$(wc -l < rescued.jsonl)" 1
}

@test "usage: a relative SIPGATE_LOG, a folder or a compressed file to restore from, no file at all" {
	record A > rescued.jsonl
	RESTORE_LOG=events.jsonl restore rescued.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: SIPGATE_LOG must be an absolute path, not events.jsonl"
	restore "$T"
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: $T: a folder, not a log: name its files ($T/events.jsonl*)"
	gzip -k rescued.jsonl
	restore rescued.jsonl.gz
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: rescued.jsonl.gz: compressed (gzip): uncompress it first (gunzip -k rescued.jsonl.gz), or keep rotations uncompressed as the shipped logrotate file does"
	restore
	assert_failure 2
	[ ! -e "$LOG" ]
}

@test "run by another user than the log folder's owner (root, say), it refuses: what it made could shut the writers out" {
	record A > rescued.jsonl
	mkdir "$T/logs"
	if [ "$(id -u)" = 0 ]; then
		chown 65534 "$T/logs"
		owner=65534
	else
		# A folder this user does not own: the system's own.
		RESTORE_LOG=/tmp/events.jsonl restore rescued.jsonl
		assert_failure 2
		assert_equal "$STDERR" "sipgate-webhook: run --restore as the owner of /tmp (uid 0), as the writers run: runuser -u USER -- sipgate-webhook --restore FILE..."
		return 0
	fi
	RESTORE_LOG="$T/logs/events.jsonl" restore rescued.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: run --restore as the owner of $T/logs (uid $owner), as the writers run: runuser -u USER -- sipgate-webhook --restore FILE..."
	[ ! -e "$T/logs/events.jsonl" ]
	[ ! -e "$T/logs/.events.jsonl.lock" ]
}
