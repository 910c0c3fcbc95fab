#!/usr/bin/env bats
# What the call rules answer: the worked examples in tests/fixtures/rules, byte for
# byte, through --explain and through the CGI, and the decision in the log.

load ../helpers

setup() {
	common_setup
	RULES="$FIXTURES/rules"
	export SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	F='<Response onAnswer="https://pbx.example/hook" onHangup="https://pbx.example/hook"'
	BODY='event=newCall&direction=in&from=492111234567&to=492111234560&callId=123456&user%5B%5D=Zentrale&userId%5B%5D=w0'
}

# reply FILE AT BODY [QUERY]: the second line of --explain's XML.
reply() {
	local q=()
	[ -z "${4:-}" ] || q=(--query "$4")
	run env -i SIPGATE_WEBHOOK_URL="$SIPGATE_WEBHOOK_URL" ${SIPGATE_STATE_KEY:+SIPGATE_STATE_KEY="$SIPGATE_STATE_KEY"} \
		${MEMCHECK:-} "$PROG" --explain "$1" --at "$2" "${q[@]}" "$3"
	assert_success
	REPLY_XML=$(printf '%s\n' "$output" | grep -v '^# ' | sed -n 2p)
	assert_equal "$(printf '%s\n' "$output" | grep -v '^# ' | sed -n 1p)" '<?xml version="1.0" encoding="UTF-8"?>'
}

expect() {
	reply "$@"
	echo "$EXPECTED" > "$T/want"
	assert_equal "$REPLY_XML" "$EXPECTED"
}

@test "example 1: office hours, evening, voicemail; half-open windows; direction; the voicemail leg" {
	for row in \
		"1772615700|$F/>" \
		"1772649000|$F><Dial><Number>491701234567</Number></Dial></Response>" \
		"1772964000|$F><Dial><Voicemail/></Dial></Response>" \
		"1772816399|$F/>" \
		"1772816400|$F><Dial><Number>491701234567</Number></Dial></Response>" \
		"1772888340|$F><Dial><Number>491701234567</Number></Dial></Response>"; do
		EXPECTED=${row#*|}
		expect "$RULES/example1" "@${row%%|*}" "$BODY"
	done
	EXPECTED="$F/>"
	expect "$RULES/example1" @1772615700 "${BODY/direction=in/direction=out}"
	expect "$RULES/example1" @1772649000 "${BODY/Zentrale/voicemail}"
	assert_output --partial "# the voicemail leg (user[]=voicemail) is never re-routed"
}

@test "example 2: anonymous callers and a spam list file" {
	b='event=newCall&direction=in&to=492111234560&callId=1'
	play="$F><Play><Url>https://media.example/please-show-your-number.wav</Url></Play><Hangup/></Response>"
	busy="$F><Reject reason=\"busy\"/></Response>"
	for row in "anonymous|$play" "|$play" "493012345678|$busy" "49900123456|$busy" \
		"442079460123|$busy" "492111234567|$F/>" "123456e0|$F/>" "Anonymous|$play"; do
		EXPECTED=${row#*|}
		expect "$RULES/example2" @0 "$b&from=${row%%|*}"
	done
	EXPECTED=$play
	expect "$RULES/example2" @0 "$b"
}

@test "example 3: called number, holidays with Easter offsets, a closure" {
	b='event=newCall&direction=in&from=492111234567&callId=123456'
	for row in \
		"492111234569|1791187200|$F><Dial><Number>4921112345671</Number><Number>4921112345672</Number><Number>4921112345673</Number></Dial></Response>" \
		"492111234569|1775203200|$F><Play><Url>https://media.example/support-closed.wav</Url></Play><Hangup/></Response>" \
		"492111234560|1798102800|$F><Dial><Voicemail/></Dial></Response>" \
		"492111234560|1780560000|$F><Dial><Voicemail/></Dial></Response>" \
		"492111234569|1772805600|$F><Play><Url>https://media.example/support-hours.wav</Url></Play><Dial><Voicemail/></Dial></Response>" \
		"492111234560|1773046800|$F/>"; do
		to=${row%%|*}; rest=${row#*|}
		EXPECTED=${rest#*|}
		expect "$RULES/example3" "@${rest%%|*}" "$b&to=$to"
	done
}

@test "example 4: a two-level menu with HMAC-protected state" {
	export SIPGATE_STATE_KEY=example-state-key
	main0='<Gather onData="https://pbx.example/hook?m=main&amp;n=0&amp;c=071bc5566510327b7db5f52c539cb244" maxDigits="1" timeout="5000"><Play><Url>https://media.example/ivr/main.wav</Url></Play></Gather>'
	main1='<Gather onData="https://pbx.example/hook?m=main&amp;n=1&amp;c=59d51890919e459ed9679047eff6fe11" maxDigits="1" timeout="5000"><Play><Url>https://media.example/ivr/main.wav</Url></Play></Gather>'
	service0='<Gather onData="https://pbx.example/hook?m=service&amp;n=0&amp;c=2e49b3cd83a11341b4c5f2df41486593" maxDigits="1" timeout="5000"><Play><Url>https://media.example/ivr/service.wav</Url></Play></Gather>'
	qm0='m=main&n=0&c=071bc5566510327b7db5f52c539cb244'
	qm1='m=main&n=1&c=59d51890919e459ed9679047eff6fe11'
	qs0='m=service&n=0&c=2e49b3cd83a11341b4c5f2df41486593'
	# The newCall's facts ride in its follow-up URLs and the Gather's
	# (outcome.bats); the keypad pushes here bring none back.
	o='o=0.-.97fcee4bd4e8fb99154e958f42d8ef52'
	EXPECTED="<Response onAnswer=\"https://pbx.example/hook?$o\" onHangup=\"https://pbx.example/hook?$o\"><Gather onData=\"https://pbx.example/hook?$o&amp;m=main&amp;n=0&amp;c=071bc5566510327b7db5f52c539cb244\" maxDigits=\"1\" timeout=\"5000\"><Play><Url>https://media.example/ivr/main.wav</Url></Play></Gather></Response>"
	expect "$RULES/example4" @0 'event=newCall&direction=in&to=492111234560&callId=123456'
	EXPECTED="$F>$service0</Response>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=2&callId=123456' "$qm0"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=2&callId=123456' "$qm0"	# a replay: the same
	EXPECTED="$F>$main1</Response>"
	expect "$RULES/example4" @0 'event=dtmf&callId=123456' "$qm0"
	EXPECTED="$F><Dial><Voicemail/></Dial></Response>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=&callId=123456' "$qm1"
	EXPECTED="$F>$main0</Response>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=%2A&callId=123456' "$qs0"
	EXPECTED="$F><Dial><Number>4921112345681</Number><Number>4921112345682</Number></Dial></Response>"
	expect "$RULES/example4" @1773046800 'event=dtmf&dtmf=1&callId=123456' "$qs0"
	EXPECTED="$F><Dial><Voicemail/></Dial></Response>"
	expect "$RULES/example4" @1772964000 'event=dtmf&dtmf=1&callId=123456' "$qs0"
	EXPECTED="$F>$main1</Response>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=7&callId=123456' "$qm0"
	EXPECTED="$F><Hangup/></Response>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=-1&callId=123456' "$qm0"
	EXPECTED="$F/>"
	expect "$RULES/example4" @0 'event=dtmf&dtmf=1&callId=123456'
	# 4j and 4k: a wrong MAC, or one bound to another call, is the CGI's 403.
	run env -i SIPGATE_STATE_KEY=example-state-key ${MEMCHECK:-} "$PROG" --explain "$RULES/example4" --at @0 \
		--query 'm=main&n=0&c=00000000000000000000000000000000' 'event=dtmf&dtmf=1&callId=123456'
	assert_failure 3
	run env -i SIPGATE_STATE_KEY=example-state-key ${MEMCHECK:-} "$PROG" --explain "$RULES/example4" --at @0 \
		--query "$qm0" 'event=dtmf&dtmf=1&callId=654321'
	assert_failure 3
}

@test "example 5: VIP callers and a deterministic 50/50 split" {
	b='event=newCall&direction=in&to=492111234560'
	EXPECTED="$F><Dial><Number>4915199999999</Number></Dial></Response>"
	expect "$RULES/example5" @0 "$b&from=4915112345678&callId=9"
	EXPECTED="$F><Dial><Number>494012345600</Number></Dial></Response>"
	expect "$RULES/example5" @0 "$b&from=492111234567&callId=123456"
	EXPECTED="$F><Dial><Number>493012345600</Number></Dial></Response>"
	expect "$RULES/example5" @0 "$b&from=492111234567&callId=A3"
}

@test "example 6: outgoing calls: caller ID by destination, withholding, blocking" {
	b='event=newCall&direction=out&from=492111234567&callId=1'
	EXPECTED="$F><Dial callerId=\"442071234567\"><Number>442079460000</Number></Dial></Response>"
	expect "$RULES/example6" @0 "$b&to=442079460000&userId%5B%5D=w0"
	EXPECTED="$F><Reject reason=\"rejected\"/></Response>"
	expect "$RULES/example6" @0 "$b&to=4990012345678"
	EXPECTED="$F><Dial anonymous=\"true\"><Number>4930123456</Number></Dial></Response>"
	expect "$RULES/example6" @0 "$b&to=4930123456&userId%5B%5D=w3"
	EXPECTED="$F><Dial callerId=\"492111234560\"><Number>4930123456</Number></Dial></Response>"
	expect "$RULES/example6" @0 "$b&to=4930123456&userId%5B%5D=w0"
	EXPECTED="$F/>"
	expect "$RULES/example6" @0 "${b/direction=out/direction=in}&to=4930123456"
	# callerid when "to" is not all digits: pass, with a note.
	expect "$RULES/example6" @0 "$b&to=anonymous"
	assert_output --partial "# note: callerid needs a \"to\" of digits; passed"
}

@test "example 7: flags switched by touch, per user; a greeting; after hours" {
	mkdir "$T/flags"
	sed "s|FLAGDIR|$T/flags|" "$RULES/example7" > "$T/rules"
	touch "$T/flags/closed"
	EXPECTED="$F><Play><Url>https://media.example/closed-today.wav</Url></Play><Hangup/></Response>"
	expect "$T/rules" @1773046800 "$BODY"
	rm "$T/flags/closed"
	touch "$T/flags/alice-away"
	EXPECTED="$F><Dial><Number>4921112345672</Number></Dial></Response>"
	expect "$T/rules" @1773046800 'event=newCall&direction=in&user%5B%5D=Alice&userId%5B%5D=w1'
	rm "$T/flags/alice-away"
	EXPECTED="$F><Play><Url>https://media.example/welcome.wav</Url></Play></Response>"
	expect "$T/rules" @1773046800 'event=newCall&direction=in&userId%5B%5D=w0'
	EXPECTED="$F><Play><Url>https://media.example/after-hours.wav</Url></Play><Dial><Voicemail/></Dial></Response>"
	expect "$T/rules" @1773082800 'event=newCall&direction=in&userId%5B%5D=w0'
	# A directory is no flag.
	mkdir "$T/flags/closed"
	EXPECTED="$F><Play><Url>https://media.example/welcome.wav</Url></Play></Response>"
	expect "$T/rules" @1773046800 'event=newCall&direction=in&userId%5B%5D=w0'
}

@test "example 8: a night window across both DST changes, whatever the process's TZ" {
	vm="$F><Dial><Voicemail/></Dial></Response>"
	for tz in UNSET UTC America/New_York; do
		for row in 1774745999:v 1774746000:v 1774756799:v 1774756800:p 1774758600:p \
			1792888200:v 1792891800:v 1792904399:v 1792904400:p 1798758000:v; do
			if [ "${row#*:}" = v ]; then EXPECTED=$vm; else EXPECTED="$F/>"; fi
			if [ "$tz" = UNSET ]; then
				expect "$RULES/example8" "@${row%:*}" "$BODY"
			else
				run env -i TZ="$tz" SIPGATE_WEBHOOK_URL="$SIPGATE_WEBHOOK_URL" "$PROG" \
					--explain "$RULES/example8" --at "@${row%:*}" "$BODY"
				assert_equal "$(printf '%s\n' "$output" | grep -v '^# ' | sed -n 2p)" "$EXPECTED"
			fi
		done
	done
}

@test "example 10: forwarding between own numbers with a loop guard" {
	EXPECTED="$F><Dial><Number>492111234561</Number></Dial></Response>"
	expect "$RULES/example10" @0 'event=newCall&direction=in&to=492111234560'
	EXPECTED="$F/>"
	expect "$RULES/example10" @0 'event=newCall&direction=in&to=492111234561&diversion=492111234560'
}

@test "--explain says which line matched and why, and the local time" {
	reply "$RULES/example1" 2026-03-04T19:30:00+01:00 "$BODY"
	assert_line --index 0 "# $RULES/example1:7 matched: when time @evening   do dial 01701234567"
	assert_line --index 1 "# local time: Wed 2026-03-04 19:30:00 CET (Europe/Berlin)"
	reply "$RULES/example1" 2026-03-04T18:30:00Z "$BODY"
	assert_line --index 1 "# local time: Wed 2026-03-04 19:30:00 CET (Europe/Berlin)"
	reply "$RULES/example10" @0 'event=newCall&direction=in&to=1'
	assert_line --index 0 "# no rule matched: pass"
	reply "$RULES/example10" @0 'event=hangup&callId=1'
	assert_line --index 0 "# the call rules run for newCall and dtmf only: no rules"
	assert_equal "$REPLY_XML" "<Response/>"
}

@test "--explain: usage errors exit 2, an invalid file 1; --help and --version" {
	prog --explain "$RULES/example1" --at yesterday "$BODY"
	assert_failure 2
	prog --explain "$RULES/example1" --at
	assert_failure 2
	# Without --at: now, and it says which.
	before=$(date +%s)
	prog --explain "$RULES/example1" "$BODY"
	assert_success
	assert_line --index 0 --regexp '^# no --at: now, @[0-9]+$'
	at=${lines[0]##*@}
	[ "$at" -ge "$before" ]
	[ "$at" -le $((before + 60)) ]
	printf 'version 1\nwhen always do dail 1\nend\n' > "$T/bad"
	prog --explain "$T/bad" --at @0 "$BODY"
	assert_failure 1
	assert_output "$T/bad:2: unknown action \"dail\""
	prog --help
	assert_success
	assert_output --partial "--explain RULES [--at TIME]"
	prog --version
	assert_success
	assert_output --regexp '^sipgate-webhook [0-9]+\.[0-9]+\.[0-9]+$'
	prog --bogus
	assert_failure 2
	# From a shell without arguments: the usage, not a CGI's 405.
	prog
	assert_failure 2
	assert_line --index 0 --partial "usage: sipgate-webhook"
	refute_output --partial "Status:"
}

@test "under a web server, arguments are never options" {
	run env -i REQUEST_METHOD=GET SIPGATE_LOG="$LOG" SIPGATE_FOLLOW=none ${MEMCHECK:-} "$PROG" --check /etc/passwd
	assert_success
	assert_output --partial "Status: 200 OK"
	assert_output --partial "ok"
	run env -i GATEWAY_INTERFACE=CGI/1.1 SIPGATE_LOG="$LOG" ${MEMCHECK:-} "$PROG" --version
	assert_output --partial "Status: 405"
}

# through the CGI, with the decision in the log

rpost() {
	local body=$1
	shift
	post "$body" SIPGATE_WEBHOOK_URL=https://pbx.example/hook "$@"
}

@test "the decision is in the event's record: a match, no match, a built-in" {
	rpost "$BODY" SIPGATE_RULES="$RULES/example1" SIPGATE_NOW=@1772649000
	assert_status 200
	assert_equal "$(header Content-Type)" "application/xml; charset=utf-8"
	assert_equal "$(header Content-Length)" "$(wc -c < "$T/body" | tr -d ' ')"
	assert_equal "$(sed -n 2p "$T/body")" "$F><Dial><Number>491701234567</Number></Dial></Response>"
	assert_equal "$(last_record -c .rule)" '{"line":7,"action":"dial"}'
	assert_equal "$(last_record -r .params.callId)" 123456
	rpost 'event=newCall&direction=in&to=1' SIPGATE_RULES="$RULES/example10"
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"pass"}'
	rpost "${BODY/Zentrale/voicemail}" SIPGATE_RULES="$RULES/example1" SIPGATE_NOW=@1772649000
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"pass"}'
	rpost 'event=newCall&direction=in&from=1&to=2' SIPGATE_RULES="$RULES/example2"
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"pass"}'
	rpost 'event=newCall&direction=in&from=&to=2' SIPGATE_RULES="$RULES/example2"
	assert_equal "$(last_record -c .rule)" '{"line":4,"action":"play"}'
	assert_equal "$(check_jsonl)" 5
}

@test "answer, hangup and unknown events run no rules and carry no rule object" {
	for e in answer hangup dtmfx; do
		rpost "event=$e&callId=1" SIPGATE_RULES="$RULES/example1"
		assert_status 200
		assert_equal "$(sed -n 2p "$T/body")" '<Response/>'
		assert_equal "$(last_record -c .rule)" null
	done
}

@test "SIPGATE_FOLLOW=none: the verbs alone; unset SIPGATE_RULES: no rule object, today's reply" {
	rpost 'event=newCall&direction=in&from=493012345678' SIPGATE_RULES="$RULES/example2" SIPGATE_FOLLOW=none
	assert_equal "$(sed -n 2p "$T/body")" '<Response><Reject reason="busy"/></Response>'
	rpost 'event=newCall&direction=in&from=493012345678'
	assert_equal "$(sed -n 2p "$T/body")" "$F/>"
	assert_equal "$(last_record -c .rule)" null
}

@test "a broken file: the event is logged, today's reply, one stderr line each request; strict mode 500" {
	printf 'version 1\nwhen always do dail 4911\nend\n' > "$T/rules"
	for i in 1 2; do
		rpost 'event=newCall&direction=in&from=1&callId=broken' SIPGATE_RULES="$T/rules"
		assert_status 200
		assert_equal "$(sed -n 2p "$T/body")" "$F/>"
		run cat "$T/stderr"
		assert_output "sipgate-webhook: $T/rules:2: unknown action \"dail\""
	done
	assert_equal "$(last_record -c .rule)" "{\"error\":\"$T/rules:2: unknown action \\\"dail\\\"\"}"
	rpost 'event=dtmf&dtmf=1&callId=broken' SIPGATE_RULES="$T/rules" QUERY_STRING='m=main&n=0'
	assert_status 200
	assert_equal "$(sed -n 2p "$T/body")" "$F/>"
	rpost 'event=newCall&direction=in&from=1&callId=strict' SIPGATE_RULES="$T/rules" SIPGATE_RULES_STRICT=1
	assert_status 500
	assert_reason "server misconfigured; see the server's error log"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: $T/rules:2: unknown action \"dail\""
	assert_equal "$(last_record -r .params.callId)" strict
	assert_equal "$(log_lines)" 4
	# A missing file, a directory, a FIFO: the same, without blocking.
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	for f in "$T/missing" "$T/dir" "$T/fifo"; do
		CGI_WRAPPER="timeout 10 ${MEMCHECK:-}" rpost 'event=newCall&direction=in&from=1' SIPGATE_RULES="$f"
		assert_status 200
		run cat "$T/stderr"
		assert_output --partial "sipgate-webhook: $f: "
	done
	rpost 'event=newCall&direction=in&from=1' SIPGATE_RULES=relative/rules
	assert_status 500
	# answer and hangup never read the file, broken or not.
	rpost 'event=hangup&callId=1' SIPGATE_RULES="$T/rules" SIPGATE_RULES_STRICT=1
	assert_status 200
}

@test "a file replaced with rename between requests: each request reads one whole file" {
	cp "$RULES/example10" "$T/rules"
	rpost 'event=newCall&direction=in&to=492111234560' SIPGATE_RULES="$T/rules"
	run sed -n 2p "$T/body"
	assert_output --partial '<Number>492111234561</Number>'
	printf 'version 1\nwhen always do reject\nend\n' > "$T/rules.new"
	env -i ${MEMCHECK:-} "$PROG" --check "$T/rules.new"
	mv "$T/rules.new" "$T/rules"
	rpost 'event=newCall&direction=in&to=492111234560' SIPGATE_RULES="$T/rules"
	run sed -n 2p "$T/body"
	assert_output --partial '<Reject reason="rejected"/>'
	# Half written (no end line yet): the rules are left out, loudly.
	printf 'version 1\nwhen always do reject\n' > "$T/rules"
	rpost 'event=newCall&direction=in&to=492111234560' SIPGATE_RULES="$T/rules"
	assert_equal "$(sed -n 2p "$T/body")" "$F/>"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: $T/rules: no \"end\" line (file truncated?)"
}

@test "every action's exact XML" {
	b='event=newCall&direction=out&from=1&to=4930123456&callId=1'
	for row in \
		'pass|' \
		'reject|<Reject reason="rejected"/>' \
		'reject rejected|<Reject reason="rejected"/>' \
		'reject busy|<Reject reason="busy"/>' \
		'hangup|<Hangup/>' \
		'voicemail|<Dial><Voicemail/></Dial>' \
		'dial 4911|<Dial><Number>4911</Number></Dial>' \
		'dial 4911 4912 4913 4914 4915|<Dial><Number>4911</Number><Number>4912</Number><Number>4913</Number><Number>4914</Number><Number>4915</Number></Dial>' \
		'dial 4911 anonymous|<Dial anonymous="true"><Number>4911</Number></Dial>' \
		'dial 4911 callerid 0211123|<Dial callerId="49211123"><Number>4911</Number></Dial>' \
		'dial 4911 anonymous callerid +49211|<Dial callerId="49211" anonymous="true"><Number>4911</Number></Dial>' \
		'callerid 0211123|<Dial callerId="49211123"><Number>4930123456</Number></Dial>' \
		'withhold|<Dial anonymous="true"><Number>4930123456</Number></Dial>' \
		'play https://m.example/a.wav|<Play><Url>https://m.example/a.wav</Url></Play>' \
		'play https://m.example/a.wav?x=1&y=2 then reject busy|<Play><Url>https://m.example/a.wav?x=1&amp;y=2</Url></Play><Reject reason="busy"/>' \
		'play https://m.example/a.wav then dial 4911 4912|<Play><Url>https://m.example/a.wav</Url></Play><Dial><Number>4911</Number><Number>4912</Number></Dial>' \
		'play https://m.example/a.wav then voicemail|<Play><Url>https://m.example/a.wav</Url></Play><Dial><Voicemail/></Dial>' \
		'play https://m.example/a.wav then hangup|<Play><Url>https://m.example/a.wav</Url></Play><Hangup/>'; do
		printf 'version 1\nwhen direction out do %s\nend\n' "${row%%|*}" > "$T/rules"
		rpost "$b" SIPGATE_RULES="$T/rules"
		assert_status 200
		if [ -z "${row#*|}" ]; then
			assert_equal "$(sed -n 2p "$T/body")" "$F/>"
		else
			assert_equal "$(sed -n 2p "$T/body")" "$F>${row#*|}</Response>"
		fi
		assert_equal "$(sed -n 1p "$T/body")" '<?xml version="1.0" encoding="UTF-8"?>'
		assert_equal "$(wc -l < "$T/body" | tr -d ' ')" 2
	done
	# callerid and withhold pass when "to" is no plain number, with a note.
	printf 'version 1\nwhen direction out do withhold\nend\n' > "$T/rules"
	rpost 'event=newCall&direction=out&to=%2B4930' SIPGATE_RULES="$T/rules"
	assert_equal "$(sed -n 2p "$T/body")" "$F/>"
	assert_equal "$(last_record -c .rule)" '{"line":2,"action":"pass","note":"withhold needs a \"to\" of digits; passed"}'
	run cat "$T/stderr"
	assert_output 'sipgate-webhook: withhold needs a "to" of digits; passed'
	# "to" last, or followed by a parameter whose name starts with digits:
	# the check stops at the value's end.
	for b in 'event=newCall&direction=out&to=4930123456' 'event=newCall&direction=out&to=4930123456&1x=y'; do
		rpost "$b" SIPGATE_RULES="$T/rules"
		assert_equal "$(sed -n 2p "$T/body")" "$F><Dial anonymous=\"true\"><Number>4930123456</Number></Dial></Response>"
	done
}

@test "--explain takes a relative rules path of 4,095 bytes" {
	printf 'version 1\nwhen always do hangup\nend\n' > "$T/rules"
	cd "$T"
	path="$(printf './%.0s' $(seq 2045))rules"
	assert_equal "${#path}" 4095
	prog --explain "$path" --at @0 'event=newCall&direction=in&callId=1'
	assert_success
	assert_line '<Response onAnswer="http://localhost/sipgate" onHangup="http://localhost/sipgate"><Hangup/></Response>'
}

@test "percent: FNV-1a of the callId modulo 100, known vectors" {
	for row in 123456:74 A3:5; do
		id=${row%:*}; want=${row#*:}
		printf 'version 1\nwhen percent %s do reject\nend\n' "$((want + 1))" > "$T/rules"
		reply "$T/rules" @0 "event=newCall&direction=in&callId=$id"
		assert_equal "$REPLY_XML" "$F><Reject reason=\"rejected\"/></Response>"
		printf 'version 1\nwhen percent %s do reject\nend\n' "$want" > "$T/rules"
		reply "$T/rules" @0 "event=newCall&direction=in&callId=$id"
		assert_equal "$REPLY_XML" "$F/>"
	done
	id=$(sed 's/.*callId=\([^&]*\).*/\1/' "$FIXTURES/signed-newcall.body")
	printf 'version 1\nwhen percent 74 do reject\nend\n' > "$T/rules"
	reply "$T/rules" @0 "event=newCall&direction=in&callId=$id"
	assert_equal "$REPLY_XML" "$F><Reject reason=\"rejected\"/></Response>"
	printf 'version 1\nwhen percent 73 do reject\nend\n' > "$T/rules"
	reply "$T/rules" @0 "event=newCall&direction=in&callId=$id"
	assert_equal "$REPLY_XML" "$F/>"
}

@test "a flag that cannot be told (an unreadable flag folder): that rule passes, with a note" {
	# Somewhere an unprivileged user can reach, unlike the test's own folder.
	d=$(mktemp -d /tmp/sipgate-flag.XXXXXX)
	chmod 755 "$d"
	mkdir -m 0777 "$d/logs"
	printf 'version 1\nflagdir %s\nwhen flag closed do hangup\nend\n' "$d/flags" > "$d/rules"
	chmod 644 "$d/rules"
	# Root reads any folder, so root runs the program as nobody; anyone
	# else is refused a folder of mode 0 by itself.
	if [ "$(id -u)" = 0 ]; then
		mkdir -m 0700 "$d/flags"
		wrapper="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		mkdir -m 0000 "$d/flags"
		wrapper=
	fi
	CGI_WRAPPER=$wrapper rpost 'event=newCall&direction=in' SIPGATE_RULES="$d/rules" SIPGATE_LOG="$d/logs/events.jsonl"
	assert_status 200
	assert_equal "$(sed -n 2p "$T/body")" "$F/>"
	assert_equal "$(jq -c .rule "$d/logs/events.jsonl")" "{\"line\":3,\"action\":\"pass\",\"note\":\"flag $d/flags/closed: Permission denied\"}"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: flag $d/flags/closed: Permission denied"
	chmod 0700 "$d/flags"
	rm -rf "$d"
}
