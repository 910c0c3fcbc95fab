#!/usr/bin/env bats
# Numbers: one normalisation for rule entries and for what a push carries.

load ../helpers

setup() {
	common_setup
	R="$T/rules"
	F='<Response onAnswer="https://pbx.example/hook" onHangup="https://pbx.example/hook"'
}

# verdict 'RULE LINE' BODY: prints the reply's second line.
verdict() {
	printf 'version 1\n%s\nend\n' "$1" > "$R"
	env -i SIPGATE_WEBHOOK_URL=https://pbx.example/hook ${MEMCHECK:-} "$PROG" --explain "$R" --at @0 "$2" |
		grep -v '^# ' | sed -n 2p
}

rejected() { [ "$(verdict "$1" "$2")" = "$F><Reject reason=\"rejected\"/></Response>" ]; }
passed() { [ "$(verdict "$1" "$2")" = "$F/>" ]; }

@test "rule side: the written forms of one number are equal" {
	for form in '"+49 211 1234567"' '"+49 (0)211 1234567"' '"0049 211 1234567"' 0211/1234567 '"(0211) 123-4567"' 492111234567 0211.1234567; do
		rejected "when from $form do reject" 'event=newCall&direction=in&from=492111234567'
		passed "when from $form do reject" 'event=newCall&direction=in&from=492111234568'
	done
}

@test "country: a national number takes the rules' country code" {
	rejected 'country 43
when from 01234567 do reject' 'event=newCall&direction=in&from=431234567'
	passed 'when from 01234567 do reject' 'event=newCall&direction=in&from=431234567'
}

@test "prefixes: 0900* is 49900*; 00*, +* and * are errors; 21 digits and letters too" {
	rejected 'when from 0900* do reject' 'event=newCall&direction=in&from=49900123456'
	passed 'when from 0900* do reject' 'event=newCall&direction=in&from=4990123456'
	for bad in '00*' '+*' '*'; do
		printf 'version 1\nwhen from %s do reject\nend\n' "$bad" > "$R"
		prog --check "$R"
		assert_failure 1
		assert_output "$R:2: \"$bad\" matches every caller; for calls from abroad write: not from 49*"
	done
	for bad in 123456789012345678901 4930abc; do
		printf 'version 1\nwhen from %s do reject\nend\n' "$bad" > "$R"
		prog --check "$R"
		assert_failure 1
		assert_output "$R:2: not a number: \"$bad\""
	done
	printf 'version 1\nwhen from 12345678901234567890 do reject\nend\n' > "$R"
	prog --check "$R"
	assert_success
}

@test "incoming from: liberal +, anonymous in any case, empty, missing; SIP IDs and junk are no numbers" {
	b='event=newCall&direction=in'
	rejected 'when from 492111234567 do reject' "$b&from=%2B492111234567"
	for v in '&from=anonymous' '&from=Anonymous' '&from=ANONYMOUS' '&from=' ''; do
		rejected 'when from anonymous do reject' "$b$v"
	done
	for v in 123456e0 %00 '%C3%A4491' 1234567890123456789012345678901234567890; do
		passed 'when from anonymous do reject' "$b&from=$v"
		passed 'when from 49* do reject' "$b&from=$v"
		passed 'when not from any do reject' "$b&from=$v"
	done
	# 00000 (seen from sipgate): 00 goes, three zeros remain, a number.
	rejected 'when from 00000 do reject' "$b&from=00000"
	passed 'when from 49* do reject' "$b&from=00000"
	# Short extensions stay as they are.
	rejected 'when from 11 do reject' "$b&from=11"
	# "any" is true for a present, non-empty value, anonymous included.
	rejected 'when from any do reject' "$b&from=anonymous"
	passed 'when from any do reject' "$b&from="
	passed 'when from any do reject' "$b"
}

@test "user, userid and fulluserid: any of the repeated values, byte for byte" {
	b='event=newCall&direction=in'
	rejected 'when user Bob do reject' "$b&user[]=Alice&user[]=Bob"
	rejected 'when user Bob do reject' "$b&user%5B%5D=Alice&user%5B%5D=Bob"
	passed 'when user bob do reject' "$b&user%5B%5D=Bob"
	rejected 'when user "Anna Müller" do reject' "$b&user%5B%5D=Anna+M%C3%BCller"
	rejected 'when userid w3 do reject' "$b&userId%5B%5D=w0&userId%5B%5D=w3"
	passed 'when user w3 do reject' "$b&userId%5B%5D=w3"
	rejected 'when fulluserid 1234567w3 do reject' "$b&fullUserId%5B%5D=1234567w3"
	passed 'when user Alice do reject' "$b&user%5B%5D="
	# The voicemail leg is never re-routed, even among other users.
	passed 'when always do reject' "$b&user%5B%5D=Alice&user%5B%5D=voicemail"
}

@test "to versus diversion; a missing direction matches only direction any" {
	rejected 'when to 492111234560 not diversion any do reject' 'event=newCall&direction=in&to=492111234560'
	passed 'when to 492111234560 not diversion any do reject' 'event=newCall&direction=in&to=492111234560&diversion=492111234569'
	passed 'when always do reject' 'event=newCall&from=1'
	rejected 'when direction any do reject' 'event=newCall&from=1'
	passed 'when direction out do reject' 'event=newCall&direction=in&from=1'
}

@test "a list file: duplicates, blanks, comments mid-line; a bad line, a missing file" {
	printf '# header\n\n491111\n491111   # again\n  \n4922* # block\n' > "$T/l.txt"
	rejected 'list l file l.txt
when from @l do reject' 'event=newCall&direction=in&from=492200'
	passed 'list l file l.txt
when from @l do reject' 'event=newCall&direction=in&from=491112'
	# A bad line after the hit is never read at run time; --check finds it.
	printf '491111\nnot-a-number\n' > "$T/l.txt"
	post 'event=newCall&direction=in&from=491111' SIPGATE_RULES="$R" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	run cat "$T/body"
	assert_line --index 1 "$F><Reject reason=\"rejected\"/></Response>"
	prog --check "$R"
	assert_failure 1
	assert_output "l.txt:2: not a number: \"not-a-number\""
	# Reached at run time, a bad or missing list file leaves the rules out.
	post 'event=newCall&direction=in&from=499999' SIPGATE_RULES="$R" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
	run cat "$T/body"
	assert_line --index 1 "$F/>"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: $T/l.txt:2: not a number: \"not-a-number\""
	assert_equal "$(last_record -c .rule)" "{\"error\":\"$T/l.txt:2: not a number: \\\"not-a-number\\\"\"}"
	rm "$T/l.txt"
	post 'event=newCall&direction=in&from=499999' SIPGATE_RULES="$R" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
	run cat "$T/stderr"
	assert_output "sipgate-webhook: $T/l.txt: cannot open: No such file or directory"
}
