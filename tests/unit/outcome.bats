#!/usr/bin/env bats
# How each call leg ended: the hangup record's outcome, outcome_basis and
# duration_s, from its cause and the newCall's signed facts that come back
# in the onHangup URL.  Nothing is kept on the server.

load ../helpers

setup() {
	common_setup
	KEY=0123456789abcdef-outcome
	R="$T/rules"
	printf 'version 1\nend\n' > "$R"
}

# push AT BODY [QUERY]: one push at SIPGATE_NOW=@AT with the state key.
push() {
	post "$2" SIPGATE_STATE_KEY="$KEY" SIPGATE_RULES="$R" SIPGATE_NOW="@$1" \
		SIPGATE_WEBHOOK_URL=https://pbx.example/hook QUERY_STRING="${3:-}"
}

# The query of the reply's onHangup URL (what sipgate calls back), or of
# the Gather's onData with gather.
hangup_query() {
	sed -n 's/.*onHangup="https:\/\/pbx.example\/hook?\([^"]*\)".*/\1/p' "$T/body" | sed 's/&amp;/\&/g'
}
gather_query() {
	sed -n 's/.*onData="https:\/\/pbx.example\/hook?\([^"]*\)".*/\1/p' "$T/body" | sed 's/&amp;/\&/g'
}

# ended CAUSE [CALLID]: the hangup of the call, to the URL its newCall got.
ended() {
	push 1065 "event=hangup&cause=$1&callId=${2:-A}&from=49211123456&to=4921199&direction=in" "$Q"
	assert_status 200
}

outcome() {
	tail -n 1 "$LOG" | jq -c '[.outcome, .outcome_basis, .duration_s]'
}

newcall() {
	push 1000 "event=newCall&from=49211123456&to=4921199&direction=in&callId=${1:-A}&user%5B%5D=Alice${2:-}"
	assert_status 200
	Q=$(hangup_query)
}

@test "the newCall's reply carries its facts, signed, in onAnswer and onHangup" {
	newcall
	mac=$(printf 'o1|A|1000000|-|5:Alice' | openssl dgst -sha256 -hmac "$KEY" -r | cut -c1-32)
	assert_equal "$Q" "o=1000000.-.$mac&u=Alice"
	grep -qF "onAnswer=\"https://pbx.example/hook?o=1000000.-.$mac&amp;u=Alice\"" "$T/body"
}

@test "the users the newCall rang reach the hangup record, any name, the first 8 of a group" {
	local many='' i
	for i in 2 3 4 5 6 7 8 9 10; do many="$many&user%5B%5D=U$i"; done
	newcall A "&user%5B%5D=M%C3%BCller%2C%20Anna%20%26%20Co"
	ended cancel
	assert_equal "$(tail -n 1 "$LOG" | jq -c .users)" '["Alice","Müller, Anna & Co"]'
	newcall B "$many"
	ended cancel B
	assert_equal "$(tail -n 1 "$LOG" | jq -c .users)" '["Alice","U2","U3","U4","U5","U6","U7","U8"]'
}

@test "a user added to or changed in the URL makes the facts refused" {
	newcall
	local good=$Q
	Q="$good&u=Mallory"
	ended cancel
	assert_equal "$(outcome)" '["missed","refused",null]'
	assert_equal "$(tail -n 1 "$LOG" | jq -c .users)" null
	Q=${good/u=Alice/u=Alicf}
	ended cancel
	assert_equal "$(outcome)" '["missed","refused",null]'
	Q=$good
	ended cancel
	assert_equal "$(outcome)" '["missed","call",65]'
}

@test "normalClearing: answered, 65 s after the newCall" {
	newcall
	ended normalClearing
	assert_equal "$(outcome)" '["answered","call",65]'
}

@test "the caller gave up, nobody answered, all were busy, not reachable: missed" {
	local cause
	for cause in cancel noAnswer busy notFound; do
		newcall
		ended "$cause"
		assert_equal "$(outcome)" '["missed","call",65]'
	done
}

@test "an unknown cause or none is kept as it came and gives failed" {
	newcall
	ended callEnd
	assert_equal "$(outcome)" '["failed","call",65]'
	assert_equal "$(tail -n 1 "$LOG" | jq -r .params.cause)" callEnd
	ended congestion
	assert_equal "$(outcome)" '["failed","call",65]'
	push 1065 'event=hangup&callId=A' "$Q"
	assert_equal "$(outcome)" '["failed","call",65]'
}

@test "a forward to the voicemail: the first leg forwarded, the voicemail leg voicemail, with the caller's name" {
	printf '0211 123456\tDr. Weber\n' > "$T/book"
	newcall A
	ended forwarded A
	assert_equal "$(outcome)" '["forwarded","call",65]'
	post 'event=newCall&from=49211123456&to=4921199&direction=in&callId=B&origCallId=A&diversion=4921199&user%5B%5D=voicemail' \
		SIPGATE_STATE_KEY="$KEY" SIPGATE_RULES="$R" SIPGATE_NOW=@1066 SIPGATE_WEBHOOK_URL=https://pbx.example/hook \
		SIPGATE_PHONEBOOK="$T/book"
	Q=$(hangup_query)
	[[ $Q == o=1066000.v.* ]]
	push 1100 'event=hangup&cause=normalClearing&callId=B&origCallId=A&from=49211123456&to=4921199&direction=in' "$Q"
	assert_equal "$(outcome)" '["voicemail","call",34]'
	post 'event=hangup&cause=normalClearing&callId=B&from=49211123456&to=4921199&direction=in' \
		SIPGATE_PHONEBOOK="$T/book" QUERY_STRING="$Q" SIPGATE_STATE_KEY="$KEY" SIPGATE_NOW=@1100
	assert_equal "$(tail -n 1 "$LOG" | jq -r .caller)" "Dr. Weber"
}

@test "the rules rejected it or hung up: rejected, whatever the cause" {
	printf 'version 1\nwhen from 49211123456 do reject busy\nend\n' > "$R"
	newcall
	[[ $Q == o=1000000.r.* ]]
	ended busy
	assert_equal "$(outcome)" '["rejected","call",65]'
	printf 'version 1\nwhen always do play https://media.example/closed.wav then hangup\nend\n' > "$R"
	newcall
	ended normalClearing
	assert_equal "$(outcome)" '["rejected","call",65]'
}

@test "the rules sent it to the voicemail: voicemail once it is cleared, missed if the caller left first" {
	printf 'version 1\nwhen always do voicemail\nend\n' > "$R"
	newcall
	[[ $Q == o=1000000.m.* ]]
	ended normalClearing
	assert_equal "$(outcome)" '["voicemail","call",65]'
	ended cancel
	assert_equal "$(outcome)" '["missed","call",65]'
}

@test "a keypad menu carries the facts through the Gather, and the choice made there counts" {
	printf 'version 1\nmenu main digits 1\nwhen always do gather main\nwhen menu main key 2 do voicemail\nwhen menu main key 1 do dial 4921112345671\nend\n' > "$R"
	newcall
	G=$(gather_query)
	[[ $G == o=1000000.-.*'&m=main&n=0&c='* ]]
	push 1010 'event=dtmf&dtmf=2&callId=A' "$G"
	grep -q '<Dial><Voicemail/></Dial>' "$T/body"
	Q=$(hangup_query)
	[[ $Q == o=1000000.m.* ]]
	ended normalClearing
	assert_equal "$(outcome)" '["voicemail","call",65]'
	assert_equal "$(tail -n 1 "$LOG" | jq -c .users)" '["Alice"]'
	push 1010 'event=dtmf&dtmf=1&callId=A' "$G"
	Q=$(hangup_query)
	ended normalClearing
	assert_equal "$(outcome)" '["answered","call",65]'
}

@test "facts that are not ours, changed or another call's are refused: the outcome is the hangup's alone" {
	newcall A
	local good=$Q mac=${Q##*.}
	Q="o=1000000.r.$mac"
	ended normalClearing
	assert_equal "$(outcome)" '["answered","refused",null]'
	Q="o=999000.-.$mac"
	ended normalClearing
	assert_equal "$(outcome)" '["answered","refused",null]'
	Q=$good
	ended cancel B
	assert_equal "$(outcome)" '["missed","refused",null]'
	Q="$good&o=1000000.-.$mac"
	ended normalClearing
	assert_equal "$(outcome)" '["answered","refused",null]'
	for Q in 'o=' 'o=1.2.3' 'o=1000000.-.zz' "o=1000000.-r.$mac" "o=1000000.r-.$mac" 'o=%zz'; do
		ended normalClearing
		assert_equal "$(outcome)" '["answered","refused",null]'
	done
	Q=$good
	ended normalClearing
	assert_equal "$(outcome)" '["answered","call",65]'
}

@test "without a state key there are no facts: the URLs stay plain and the hangup says what it rests on" {
	post 'event=newCall&from=49211123456&to=4921199&direction=in&callId=A' SIPGATE_WEBHOOK_URL=https://pbx.example/hook
	grep -qF '<Response onAnswer="https://pbx.example/hook" onHangup="https://pbx.example/hook"/>' "$T/body"
	post 'event=hangup&cause=noAnswer&callId=A' QUERY_STRING="o=1000000.-.0123456789abcdef0123456789abcdef"
	assert_equal "$(outcome)" '["missed","hangup",null]'
	post 'event=hangup&cause=normalClearing&callId=A'
	assert_equal "$(outcome)" '["answered","hangup",null]'
}

@test "the same hangup twice is the same record; only hangups carry an outcome" {
	newcall
	ended normalClearing
	first=$(tail -n 1 "$LOG" | jq -c 'del(.received)')
	ended normalClearing
	assert_equal "$(tail -n 1 "$LOG" | jq -c 'del(.received)')" "$first"
	push 1010 'event=answer&callId=A&user=Alice&from=49211123456&to=4921199&direction=in' "$Q"
	assert_equal "$(outcome)" '[null,null,null]'
	assert_equal "$(head -n 1 "$LOG" | jq -c '[.outcome, .duration_s]')" '[null,null]'
}

@test "an outgoing call's hangup: answered and its length as well" {
	push 1000 'event=newCall&from=4921199&to=49211123456&direction=out&callId=O'
	Q=$(hangup_query)
	push 1003 'event=hangup&cause=normalClearing&callId=O&from=4921199&to=49211123456&direction=out' "$Q"
	assert_equal "$(outcome)" '["answered","call",3]'
}
