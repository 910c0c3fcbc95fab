#!/usr/bin/env bats
# Keypad menus: dtmf input, keys, tries, and the state in the onData URL,
# through the CGI (the query string is QUERY_STRING) and --explain.

load ../helpers

setup() {
	common_setup
	R="$T/rules"
	KEY=example-state-key
	# A reply to a dtmf push subscribes the call's events as a newCall's does.
	P='<Response onAnswer="https://pbx.example/hook" onHangup="https://pbx.example/hook"'
	printf '%s\n' 'version 1' \
		'menu main play https://media.example/main.wav?a=1&b=2 tries 3 else voicemail' \
		'menu quiet digits 4 timeout 0 tries 1 else hangup' \
		'when to 492111234560 do gather main' \
		'when to 492111234561 do gather quiet' \
		'when menu main key 1 do dial 4911' \
		'when menu main key 2,3 do dial 4923' \
		'when menu main key 007 do dial 4907' \
		'when menu main key * do reject busy' \
		'when menu main key # do gather quiet' \
		'when menu main key 12# do hangup' \
		'when menu main key none do play https://media.example/hello.wav then voicemail' \
		'when menu quiet key any do dial 4999' \
		'end' > "$R"
}

mac() {
	printf 'v1|%s|%s|%s' "$1" "$2" "$3" | openssl dgst -sha256 -hmac "$KEY" -r | cut -c1-32
}

# outcome_mac CALLID START_MS FLAGS: the MAC of a leg's facts.
outcome_mac() {
	printf 'o1|%s|%s|%s' "$1" "$2" "$3" | openssl dgst -sha256 -hmac "$KEY" -r | cut -c1-32
}

# dtmf QUERY BODY [VAR=value ...]: a dtmf push through the CGI.
dtmf() {
	local q=$1 b=$2
	shift 2
	post "$b" SIPGATE_RULES="$R" SIPGATE_STATE_KEY="$KEY" QUERY_STRING="$q" \
		SIPGATE_WEBHOOK_URL=https://pbx.example/hook "$@"
}

second_line() {
	sed -n 2p "$T/body"
}

state() { echo "m=$1&n=$2&c=$(mac "${3:-123456}" "$1" "$2")"; }

@test "the Gather: state URL with &amp;, escaped Play URL, explicit defaults, self-closing without Play" {
	post 'event=newCall&direction=in&to=492111234560&callId=123456' SIPGATE_RULES="$R" \
		SIPGATE_STATE_KEY="$KEY" SIPGATE_WEBHOOK_URL='https://pbx.example/hook?customer=1&x=2' SIPGATE_NOW=@0
	assert_status 200
	local o="o=0.-.$(outcome_mac 123456 0 -)"
	assert_equal "$(second_line)" "<Response onAnswer=\"https://pbx.example/hook?customer=1&amp;x=2&amp;$o\" onHangup=\"https://pbx.example/hook?customer=1&amp;x=2&amp;$o\"><Gather onData=\"https://pbx.example/hook?customer=1&amp;x=2&amp;$o&amp;m=main&amp;n=0&amp;c=$(mac 123456 main 0)\" maxDigits=\"1\" timeout=\"5000\"><Play><Url>https://media.example/main.wav?a=1&amp;b=2</Url></Play></Gather></Response>"
	post 'event=newCall&direction=in&to=492111234561&callId=123456' SIPGATE_RULES="$R" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_equal "$(second_line)" '<Response onAnswer="https://pbx.example/hook" onHangup="https://pbx.example/hook"><Gather onData="https://pbx.example/hook?m=quiet&amp;n=0" maxDigits="4" timeout="0"/></Response>'
}

@test "the derived URL never carries the previous state" {
	post "event=dtmf&dtmf=9&callId=123456" SIPGATE_RULES="$R" SIPGATE_STATE_KEY="$KEY" \
		QUERY_STRING="$(state main 0)" HTTP_HOST=hooks.example.org
	assert_status 200
	assert_equal "$(second_line)" "<Response onAnswer=\"https://hooks.example.org/sipgate\" onHangup=\"https://hooks.example.org/sipgate\"><Gather onData=\"https://hooks.example.org/sipgate?m=main&amp;n=1&amp;c=$(mac 123456 main 1)\" maxDigits=\"1\" timeout=\"5000\"><Play><Url>https://media.example/main.wav?a=1&amp;b=2</Url></Play></Gather></Response>"
}

@test "dtmf values: digits, leading zeros, * and #, several keys, and what counts as none" {
	q=$(state main 0)
	for row in '1|<Dial><Number>4911</Number></Dial>' '3|<Dial><Number>4923</Number></Dial>' \
		'007|<Dial><Number>4907</Number></Dial>' '%2A|<Reject reason="busy"/>' \
		'12%23|<Hangup/>' '|<Play><Url>https://media.example/hello.wav</Url></Play><Dial><Voicemail/></Dial>' \
		'%00|<Play><Url>https://media.example/hello.wav</Url></Play><Dial><Voicemail/></Dial>' \
		'1%002|<Play><Url>https://media.example/hello.wav</Url></Play><Dial><Voicemail/></Dial>' \
		'A|<Play><Url>https://media.example/hello.wav</Url></Play><Dial><Voicemail/></Dial>' \
		'-1|<Hangup/>'; do
		dtmf "$q" "event=dtmf&dtmf=${row%%|*}&callId=123456"
		assert_status 200
		assert_equal "$(second_line)" "$P>${row#*|}</Response>"
	done
	dtmf "$q" 'event=dtmf&callId=123456'
	assert_equal "$(second_line)" "$P><Play><Url>https://media.example/hello.wav</Url></Play><Dial><Voicemail/></Dial></Response>"
	dtmf "$q" "event=dtmf&dtmf=$(printf '1%.0s' $(seq 1 100))&callId=123456"
	assert_status 200
	run second_line
	assert_output --partial "m=main&amp;n=1&amp;c=$(mac 123456 main 1)"
}

@test "tries: up on repeats, reset when the menu changes, else at the limit; tries 1" {
	dtmf "$(state main 0)" 'event=dtmf&dtmf=9&callId=123456'
	run second_line
	assert_output --partial "m=main&amp;n=1&amp;c=$(mac 123456 main 1)"
	dtmf "$(state main 1)" 'event=dtmf&dtmf=9&callId=123456'
	run second_line
	assert_output --partial "m=main&amp;n=2&amp;c=$(mac 123456 main 2)"
	dtmf "$(state main 2)" 'event=dtmf&dtmf=9&callId=123456'
	assert_equal "$(second_line)" "$P><Dial><Voicemail/></Dial></Response>"
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"voicemail","else":true,"menu":"main","try":2}'
	# Another menu starts at 0; with tries 1 a repeat is its else at once.
	dtmf "$(state main 2)" 'event=dtmf&dtmf=%23&callId=123456'
	run second_line
	assert_output --partial "m=quiet&amp;n=0&amp;c=$(mac 123456 quiet 0)"
	assert_equal "$(last_record -c .rule)" '{"line":10,"action":"gather","menu":"main","try":2}'
	dtmf "$(state quiet 0)" 'event=dtmf&callId=123456'
	assert_equal "$(second_line)" "$P><Hangup/></Response>"
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"hangup","else":true,"menu":"quiet","try":0}'
}

@test "state that is not ours, stale, malformed or forged" {
	# No m: not a Gather of ours; no rules, an empty answer.
	dtmf '' 'event=dtmf&dtmf=1&callId=123456'
	assert_status 200
	assert_equal "$(second_line)" "$P/>"
	assert_equal "$(last_record -c .rule)" '{"line":null,"action":"pass"}'
	dtmf 'customer=123' 'event=dtmf&dtmf=1&callId=123456'
	assert_equal "$(second_line)" "$P/>"
	# A menu the rules no longer have.
	dtmf "$(state gone 0)" 'event=dtmf&dtmf=1&callId=123456'
	assert_status 200
	assert_equal "$(second_line)" "$P/>"
	assert_equal "$(last_record -c .rule)" '{"error":"stale menu gone"}'
	run cat "$T/stderr"
	assert_output ""
	# Strict mode is about a rules file that cannot be used, not about a
	# menu removed while a caller was in it.
	dtmf "$(state gone 0)" 'event=dtmf&dtmf=1&callId=123456' SIPGATE_RULES_STRICT=1
	assert_status 200
	assert_equal "$(second_line)" "$P/>"
	run cat "$T/stderr"
	assert_output ""
	before=$(log_lines)
	c=$(mac 123456 main 0)
	for q in "m=main&m=main&n=0&c=$c" "m=main&n=0&n=0&c=$c" "m=main&n=01&c=$c" "m=main&n=-1&c=$c" \
		"m=main&n=10&c=$c" "m=main&n=0" "m=main&n=0&c=$(echo "$c" | tr a-f A-F)" "m=main&n=0&c=${c:0:31}" \
		"m=main&n=0&c=${c}0" "m=main&n=0&c=00000000000000000000000000000000" "m=Main&n=0&c=$c"; do
		dtmf "$q" 'event=dtmf&dtmf=1&callId=123456'
		assert_status 403
		assert_reason "forbidden: state"
		run cat "$T/stderr"
		assert_output ""
	done
	# Bound to its callId: another call's state is refused.
	dtmf "$(state main 0 654321)" 'event=dtmf&dtmf=1&callId=123456'
	assert_status 403
	assert_equal "$(log_lines)" "$before"
	# Other parameters, and percent-encoded names, are fine.
	dtmf "customer=123&%6D=main&n=0&c=$c" 'event=dtmf&dtmf=1&callId=123456'
	assert_status 200
	assert_equal "$(second_line)" "$P><Dial><Number>4911</Number></Dial></Response>"
}

@test "--explain: a state the webhook would refuse exits 3, another refusal 2" {
	run env -i SIPGATE_STATE_KEY="$KEY" SIPGATE_WEBHOOK_URL=https://pbx.example/hook ${MEMCHECK:-} "$PROG" --explain "$R" --at @0 \
		--query "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456'
	assert_success
	assert_line "${P}><Dial><Number>4911</Number></Dial></Response>"
	run env -i SIPGATE_STATE_KEY="$KEY" SIPGATE_WEBHOOK_URL=https://pbx.example/hook ${MEMCHECK:-} "$PROG" --explain "$R" --at @0 \
		--query 'm=main&n=0&c=00000000000000000000000000000000' 'event=dtmf&dtmf=1&callId=123456'
	assert_failure 3
	assert_line --index 0 "sipgate-webhook: the CGI would answer: Status: 403 Forbidden"
	assert_line "forbidden: state"
	run env -i SIPGATE_STATE_KEY="$KEY" ${MEMCHECK:-} "$PROG" --explain "$R" --at @0 'dtmf=1&callId=123456'
	assert_failure 2
	assert_line --index 0 "sipgate-webhook: the CGI would answer: Status: 400 Bad Request"
}

@test "without a state key, no MAC is asked for or checked" {
	post 'event=dtmf&dtmf=1&callId=123456' SIPGATE_RULES="$R" QUERY_STRING='m=main&n=0' SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
	assert_equal "$(second_line)" "$P><Dial><Number>4911</Number></Dial></Response>"
	post 'event=dtmf&dtmf=1&callId=123456' SIPGATE_RULES="$R" QUERY_STRING='m=main&n=0&c=junk' SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
}

@test "a replay of a signed dtmf gives the same reply; a key shorter than 16 bytes is a 500" {
	dtmf "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456'
	first=$(cat "$T/body")
	dtmf "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456'
	assert_equal "$(cat "$T/body")" "$first"
	dtmf "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456' SIPGATE_STATE_KEY=fifteen-bytes!!
	assert_status 500
	run cat "$T/stderr"
	assert_output "sipgate-webhook: SIPGATE_STATE_KEY must be at least 16 bytes"
}

@test "SIPGATE_STATE_KEY_FILE: the key from a file signs as the setting does; a newline ends it" {
	printf '%s\n' "$KEY" > "$T/state-key"
	chmod 0640 "$T/state-key"
	post 'event=newCall&direction=in&to=492111234560&callId=123456' SIPGATE_RULES="$R" \
		SIPGATE_STATE_KEY_FILE="$T/state-key" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
	run grep -cF "&amp;c=$(mac 123456 main 0)\"" "$T/body"
	assert_output 1
	# The state it signed is taken back with the key from the file.
	post "event=dtmf&dtmf=1&callId=123456" SIPGATE_RULES="$R" SIPGATE_STATE_KEY_FILE="$T/state-key" \
		QUERY_STRING="$(state main 0)" SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 200
	assert_equal "$(second_line)" "$P><Dial><Number>4911</Number></Dial></Response>"
}

@test "SIPGATE_STATE_KEY_FILE: missing, short, relative, or set with SIPGATE_STATE_KEY is a 500 that says so" {
	want="sipgate-webhook: SIPGATE_STATE_KEY_FILE must be an absolute path to a readable file of 16 to 1024 bytes"
	for f in "$T/missing" state-key "$T/short"; do
		printf 'fifteen-bytes!!\n' > "$T/short"
		dtmf "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456' -u SIPGATE_STATE_KEY SIPGATE_STATE_KEY_FILE="$f"
		assert_status 500
		run cat "$T/stderr"
		assert_output "$want"
	done
	printf '%s' "$KEY" > "$T/state-key"
	dtmf "$(state main 0)" 'event=dtmf&dtmf=1&callId=123456' SIPGATE_STATE_KEY_FILE="$T/state-key"
	assert_status 500
	run cat "$T/stderr"
	assert_output "sipgate-webhook: set SIPGATE_STATE_KEY or SIPGATE_STATE_KEY_FILE, not both"
}

@test "--check warns of a state key file every user can read" {
	printf '%s\n' "$KEY" > "$T/state-key"
	chmod 0644 "$T/state-key"
	run env -i SIPGATE_STATE_KEY_FILE="$T/state-key" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
	assert_output --partial "sipgate-webhook: warning: SIPGATE_STATE_KEY_FILE $T/state-key can be read by every user: chmod o-rw (0640, the web server's group)"
	chmod 0640 "$T/state-key"
	run env -i SIPGATE_STATE_KEY_FILE="$T/state-key" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
	refute_output --partial "STATE_KEY_FILE"
}

@test "a signed keypad push whose state the key no longer fits: 403, and the event is logged with the refusal" {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/key.pem" 2> /dev/null
	openssl pkey -in "$T/key.pem" -pubout -out "$T/pub.pem"
	body='event=dtmf&dtmf=1&callId=123456'
	printf '%s' "$body" > "$T/req"
	sig=$(openssl dgst -sha256 -sign "$T/key.pem" "$T/req" | base64 -w0)
	# The state was signed with KEY; the key is another now (rotated mid-call).
	post "$body" SIPGATE_RULES="$R" SIPGATE_STATE_KEY=another-state-key-now QUERY_STRING="$(state main 0)" \
		SIPGATE_WEBHOOK_URL=https://pbx.example/hook SIPGATE_SIGNATURE=require \
		SIPGATE_PUBLIC_KEY="$T/pub.pem" HTTP_X_SIPGATE_SIGNATURE="$sig"
	assert_status 403
	assert_equal "$(log_lines)" 1
	assert_equal "$(last_record -c '[.event, .signature, .rule]')" '["dtmf","valid",{"error":"forbidden: state"}]'
	# An unsigned one with a refused state is not sipgate's: not logged.
	post "$body" SIPGATE_RULES="$R" SIPGATE_STATE_KEY=another-state-key-now QUERY_STRING="$(state main 0)" \
		SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	assert_status 403
	assert_equal "$(log_lines)" 1
}
