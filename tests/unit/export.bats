#!/usr/bin/env bats
# --export NUMBER LOG...: every record of every call a number took part in,
# in any form the number arrived in, the legs tied by origCallId included.

load ../helpers

# run --separate-stderr
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	cd "$T"
	# A call from 0211 12345 forwarded to the voicemail (a second leg),
	# another caller's call, and a rotation older than the live log.
	cat > events.jsonl.1 <<-'EOF'
	{"received":"2026-12-01T09:00:00.000Z","event":"newCall","signature":"valid","params":{"event":"newCall","direction":"in","from":"4921112345","to":"4930999","callId":"A1","origCallId":"A1"}}
	{"received":"2026-12-01T09:00:05.000Z","event":"hangup","signature":"valid","params":{"event":"hangup","callId":"A1","cause":"forwarded"}}
	{"received":"2026-12-01T09:00:05.100Z","event":"newCall","signature":"valid","params":{"event":"newCall","direction":"in","from":"4930777","to":"4930999","callId":"A2","origCallId":"A1","user":["voicemail"]}}
	{"received":"2026-12-01T10:00:00.000Z","event":"newCall","signature":"valid","params":{"event":"newCall","direction":"in","from":"4940111","to":"4930999","callId":"B1"}}
	EOF
	cat > events.jsonl <<-'EOF'
	{"received":"2026-12-02T09:00:00.000Z","event":"newCall","signature":"valid","params":{"event":"newCall","direction":"out","from":"4930999","to":"4940111","callId":"C1"}}
	{"received":"2026-12-02T09:00:09.000Z","event":"answer","signature":"valid","params":{"event":"answer","callId":"C1","answeringNumber":"21112345"}}
	{"received":"2026-12-02T09:00:50.000Z","event":"hangup","signature":"valid","params":{"event":"hangup","callId":"C1","cause":"normalClearing"}}
	EOF
}

export_number() {
	run --separate-stderr env -i SIPGATE_COUNTRY="${COUNTRY:-49}" ${MEMCHECK:-} "$PROG" --export "$@"
	STDERR=$stderr
}

ids() {
	printf '%s\n' "$output" | jq -r '.params.callId + "/" + .event' | tr '\n' ' '
}

@test "the caller's records: both legs of the forwarded call, and the call they answered" {
	export_number 0211-12345 events.jsonl.1 events.jsonl
	assert_success
	assert_equal "$(ids)" "A1/newCall A1/hangup A2/newCall C1/newCall C1/answer C1/hangup "
	assert_equal "$STDERR" "sipgate-webhook: 6 records of 3 calls about 4921112345"
}

@test "the records are printed as the log holds them, byte for byte" {
	export_number 4921112345 events.jsonl.1
	assert_success
	assert_equal "$output" "$(head -n 3 events.jsonl.1)"
}

@test "every form a number is written in finds the same records" {
	local form
	for form in 4921112345 +4921112345 004921112345 '+49 (0)211 12345' '0211/12345'; do
		export_number "$form" events.jsonl.1 events.jsonl
		assert_success
		assert_equal "$(printf '%s\n' "$output" | wc -l)" 6
	done
}

@test "a leg that comes before the call it belongs to is tied all the same" {
	tac events.jsonl.1 > reversed.jsonl
	export_number 4921112345 reversed.jsonl
	assert_success
	assert_equal "$(ids)" "A2/newCall A1/hangup A1/newCall "
	assert_equal "$STDERR" "sipgate-webhook: 3 records of 2 calls about 4921112345"
}

@test "a callee is found as well as a caller, one call counted as one" {
	export_number 4940111 events.jsonl.1 events.jsonl
	assert_success
	assert_equal "$(ids)" "B1/newCall C1/newCall C1/answer C1/hangup "
	assert_equal "$STDERR" "sipgate-webhook: 4 records of 2 calls about 4940111"
}

@test "a number the logs do not hold exits 1 and says so" {
	export_number 4955 events.jsonl.1 events.jsonl
	assert_failure 1
	assert_output ""
	assert_equal "$STDERR" "sipgate-webhook: 0 records of 0 calls about 4955"
}

@test "one record of one call is said in the singular" {
	export_number 4940111 events.jsonl.1
	assert_success
	assert_equal "$STDERR" "sipgate-webhook: 1 record of 1 call about 4940111"
}

@test "the number is read as SIPGATE_COUNTRY says" {
	COUNTRY=43 export_number 0211-12345 events.jsonl.1
	assert_failure 1
	assert_equal "$STDERR" "sipgate-webhook: 0 records of 0 calls about 4321112345"
}

@test "what is not a phone number is refused with exit 2" {
	export_number anonymous events.jsonl
	assert_failure 2
	assert_output ""
	assert_equal "$STDERR" "sipgate-webhook: anonymous: not a phone number (digits, +, 00 or a trunk 0)"
}

@test "a log that cannot be read is exit 2, naming it" {
	export_number 4921112345 events.jsonl missing.jsonl
	assert_failure 2
	assert_equal "$STDERR" "sipgate-webhook: missing.jsonl: No such file or directory"
}

@test "without a log it prints the usage, exit 2" {
	export_number 4921112345
	assert_failure 2
	assert_output ""
	assert_equal "$(grep -cF -- '--export [--format json|csv] NUMBER LOG...' <<< "$STDERR")" 1
}

@test "--format csv: a header, then a row of each record's main fields" {
	export_number --format csv 4921112345 events.jsonl.1
	assert_success
	assert_equal "${lines[0]}" "received,event,callId,origCallId,direction,from,to,diversion,answeringNumber,user,caller,outcome"
	assert_equal "${lines[3]}" '"2026-12-01T09:00:05.100Z","newCall","A2","A1","in","4930777","4930999",,,"voicemail","",""'
	assert_equal "${#lines[@]}" 4
}

@test "--format csv: several users share a cell, a quote in a value is doubled" {
	printf '%s\n' '{"received":"2026-12-03T09:00:00.000Z","event":"newCall","signature":"valid","caller":"Max \"Der\" Muster","params":{"event":"newCall","direction":"in","from":"4921112345","to":"4930999","callId":"D1","user":["Alice","Bob"]}}' > users.jsonl
	export_number --format csv 4921112345 users.jsonl
	assert_success
	assert_equal "${lines[1]}" '"2026-12-03T09:00:00.000Z","newCall","D1",,"in","4921112345","4930999",,,"Alice, Bob","Max ""Der"" Muster",""'
}

@test "--format takes json or csv, nothing else" {
	export_number --format xml 4921112345 events.jsonl
	assert_failure 2
	assert_output ""
	export_number --format json 4921112345 events.jsonl
	assert_success
	assert_equal "$(ids)" "C1/newCall C1/answer C1/hangup "
}
