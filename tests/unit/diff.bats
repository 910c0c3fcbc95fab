#!/usr/bin/env bats
# --diff OLD NEW LOG... and --replay RULES LOG...: last month's calls
# replayed against a changed rules file, from logs written here line by
# line as the program writes them.

load ../helpers

# run --separate-stderr
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	cd "$T"
	: > events.jsonl
}

# call WHEN CALLID FROM TO [LOGFILE]: a newCall record received at WHEN (UTC).
call() {
	printf '{"received":"%s","event":"newCall","signature":"valid","remote_addr":"217.116.118.254","params":{"event":"newCall","from":"%s","to":"%s","direction":"in","callId":"%s","user":["Alice","Bob"]}}\n' \
		"$1" "$3" "$4" "$2" >> "${5:-events.jsonl}"
}

# hangup WHEN CALLID: a hangup record.
hangup() {
	printf '{"received":"%s","event":"hangup","signature":"valid","params":{"event":"hangup","callId":"%s","cause":"normalClearing"}}\n' \
		"$1" "$2" >> events.jsonl
}

rules() {
	local f=$1
	shift
	printf '%s\n' "$@" > "$f"
}

diff_run() {
	run --separate-stderr env -i ${MEMCHECK:-} "$PROG" --diff "$@"
	STDERR=$stderr
}

OFFICE=('version 1' 'timezone Europe/Berlin' 'hours office mon-fri 08:00-18:00'
	'when time @office do pass' 'when always do voicemail' 'end')

@test "an office-hours edit across the change to summer time: exactly the calls it moves" {
	rules old.rules "${OFFICE[@]}"
	rules new.rules 'version 1' 'timezone Europe/Berlin' 'hours office mon-fri 07:30-18:00' \
		'when time @office do pass' 'when always do voicemail' 'end'
	# Fri 27 March 2026, 06:45 UTC is 07:45 CET: now inside the office.
	call 2026-03-27T06:45:00.000Z CA1 4930500 4930222
	# Mon 30 March, after the change: 06:45 UTC is 08:45 CEST, inside both.
	call 2026-03-30T06:45:00.000Z CA2 4930501 4930222
	# Mon 30 March, 05:45 UTC is 07:45 CEST: moved.
	call 2026-03-30T05:45:00.000Z CA3 4930502 4930222
	# Mon 30 March, 05:15 UTC is 07:15 CEST: outside both.
	call 2026-03-30T05:15:00.000Z CA4 4930503 4930222
	hangup 2026-03-30T05:16:00.000Z CA4
	diff_run old.rules new.rules events.jsonl
	assert_failure 1
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 "2026-03-27T06:45:00.000Z CA1 4930500 -> 4930222: voicemail (old.rules:5) => pass (new.rules:4)"
	assert_line --index 1 "2026-03-30T05:45:00.000Z CA3 4930502 -> 4930222: voicemail (old.rules:5) => pass (new.rules:4)"
	assert_line --index 2 "2 of 4 calls would be answered differently"
	assert_equal "$STDERR" "2 calls: voicemail => pass"
}

@test "a new blocklist entry in a list file: only that caller's calls change" {
	printf '493012345678\n' > spam.old
	printf '493012345678\n+49 30 5551234\n' > spam.new
	rules old.rules 'version 1' 'list spam file spam.old' 'when from @spam do reject busy' 'end'
	rules new.rules 'version 1' 'list spam file spam.new' 'when from @spam do reject busy' 'end'
	call 2026-11-02T09:00:00.000Z A 493012345678 4921100
	call 2026-11-02T09:01:00.000Z B 49305551234 4921100
	call 2026-11-02T09:02:00.000Z C 49305551235 4921100
	call 2026-11-03T09:00:00.000Z D 49305551234 4921100
	diff_run old.rules new.rules events.jsonl
	assert_failure 1
	assert_output "2026-11-02T09:01:00.000Z B 49305551234 -> 4921100: pass (no rule) => reject (new.rules:3)
2026-11-03T09:00:00.000Z D 49305551234 -> 4921100: pass (no rule) => reject (new.rules:3)
2 of 4 calls would be answered differently"
	assert_equal "$STDERR" "2 calls: pass => reject"
}

@test "the same rules twice: exit 0, and the count of calls read" {
	rules old.rules "${OFFICE[@]}"
	cp old.rules same.rules
	call 2026-11-02T09:00:00.000Z A 4930500 4930222
	call 2026-11-02T20:00:00.000Z B 4930500 4930222
	diff_run old.rules same.rules events.jsonl
	assert_success
	assert_output "0 of 2 calls would be answered differently"
	assert_equal "$STDERR" ""
}

@test "lines that are not records are skipped and counted; a torn last line too; keypad pushes are not replayed" {
	rules old.rules "${OFFICE[@]}"
	rules new.rules 'version 1' 'when always do reject' 'end'
	call 2026-11-02T09:00:00.000Z A 4930500 4930222
	echo 'sipgate-webhook: a line from somewhere else' >> events.jsonl
	echo '{"event":"newCall","params":{}}' >> events.jsonl
	printf '{"received":"2026-11-02T09:05:00.000Z","event":"dtmf","params":{"event":"dtmf","dtmf":"1","callId":"A"}}\n' >> events.jsonl
	printf '{"received":"2026-11-02T09:06:00.000Z","event":"newCall","params":{"event":"newCall","callId":"cut' >> events.jsonl
	diff_run old.rules new.rules events.jsonl
	assert_failure 1
	assert_line --index 0 --partial " A 4930500 -> 4930222: pass (old.rules:4) => reject (new.rules:2)"
	assert_line --index 1 "1 of 1 calls would be answered differently"
	assert_equal "$STDERR" "1 calls: pass => reject
sipgate-webhook: skipped 3 lines that are not event records"
}

@test "several logs, rotated, in any order; each call is answered at the time it arrived" {
	rules old.rules "${OFFICE[@]}"
	rules new.rules 'version 1' 'timezone Europe/Berlin' 'hours office mon-fri 08:00-17:00' \
		'when time @office do pass' 'when always do voicemail' 'end'
	call 2026-11-03T16:30:00.000Z NEW 4930500 4930222 events.jsonl
	call 2026-11-02T16:30:00.000Z OLD 4930500 4930222 events.jsonl.1
	call 2026-11-02T15:30:00.000Z EARLY 4930500 4930222 events.jsonl.1
	diff_run old.rules new.rules events.jsonl events.jsonl.1
	assert_failure 1
	# 16:30 UTC is 17:30 CET: after the new closing time, on both days.
	assert_output "2026-11-03T16:30:00.000Z NEW 4930500 -> 4930222: pass (old.rules:4) => voicemail (new.rules:5)
2026-11-02T16:30:00.000Z OLD 4930500 -> 4930222: pass (old.rules:4) => voicemail (new.rules:5)
2 of 3 calls would be answered differently"
}

@test "invalid rules, an unreadable log, a usage error: exit 2" {
	rules old.rules "${OFFICE[@]}"
	rules bad.rules 'version 1' 'when always do dail 1' 'end'
	call 2026-11-02T09:00:00.000Z A 4930500 4930222
	diff_run old.rules bad.rules events.jsonl
	assert_failure 2
	assert_equal "$STDERR" "bad.rules:2: unknown action \"dail\""
	diff_run old.rules old.rules no-such.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: no-such.jsonl: No such file or directory"
	diff_run old.rules old.rules
	assert_failure 2
	prog --help
	assert_output --partial "Keypad pushes are not replayed"
}

@test "--replay: how many calls each rule line decides, and the rules no call reaches" {
	rules r.rules 'version 1' 'timezone Europe/Berlin' 'hours office mon-fri 08:00-18:00' \
		'list spam 493012345678' 'menu main tries 2 else hangup' 'when from @spam do reject busy' \
		'when to 4930999 do gather main' 'when time @office do pass' 'when menu main key 1 do hangup' 'end'
	call 2026-11-02T09:00:00.000Z A 493012345678 4930222
	call 2026-11-02T09:00:00.000Z B 4930500 4930222
	call 2026-11-02T10:00:00.000Z C 4930501 4930222
	call 2026-11-02T20:00:00.000Z D 4930501 4930222
	prog --replay r.rules events.jsonl
	assert_success
	assert_output "r.rules:6: 1 calls: when from @spam do reject busy
r.rules:7: never reached: when to 4930999 do gather main
r.rules:8: 2 calls: when time @office do pass
r.rules:9: keypad rule, not replayed: when menu main key 1 do hangup
no rule: 1 calls
4 calls in all"
}

@test "a folder named as a log is an error (exit 2), not 0 of 0 calls unchanged" {
	rules old.rules "${OFFICE[@]}"
	mkdir logs
	call 2026-11-02T09:00:00.000Z A 4930500 4930222 logs/events.jsonl
	diff_run old.rules old.rules logs
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: logs: a folder, not a log: name its files (logs/events.jsonl*)"
	diff_run old.rules old.rules logs/events.jsonl
	assert_success
}

@test "a compressed rotation is an error (exit 2), not its calls uncounted and no change" {
	rules old.rules "${OFFICE[@]}"
	rules new.rules 'version 1' 'when always do reject' 'end'
	call 2026-11-02T09:00:00.000Z A 4930500 4930222 events.jsonl.2
	gzip events.jsonl.2
	diff_run old.rules new.rules events.jsonl.2.gz events.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: events.jsonl.2.gz: compressed (gzip): uncompress it first (gunzip -k events.jsonl.2.gz), or keep rotations uncompressed as the shipped logrotate file does"
	gunzip -k events.jsonl.2.gz
	diff_run old.rules new.rules events.jsonl.2 events.jsonl
	assert_failure 1
	assert_line --index 1 "1 of 1 calls would be answered differently"
}
