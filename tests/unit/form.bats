#!/usr/bin/env bats
# Decoding application/x-www-form-urlencoded bodies into the logged params.

load ../helpers

setup() { common_setup; }

params() {
	post "$1"
	assert_status 200
	last_record .params
}

@test "the documentation's newCall sample, brackets sent literally" {
	run params 'event=newCall&from=492111234567&to=4915791234567&direction=in&callId=123456&user[]=Alice&user[]=Bob&userId[]=w0&userId[]=w1&fullUserId[]=1234567w0&fullUserId[]=1234567w1'
	assert_output '{"event":"newCall","from":"492111234567","to":"4915791234567","direction":"in","callId":"123456","user":["Alice","Bob"],"userId":["w0","w1"],"fullUserId":["1234567w0","1234567w1"]}'
}

@test "the documentation's answer sample: + is a space, single user stays a string" {
	run params 'event=answer&callId=123456&user=John+Doe&userId=w0&fullUserId=1234567w0&from=492111234567&to=4915791234567&direction=in&answeringNumber=21199999999'
	assert_output '{"event":"answer","callId":"123456","user":"John Doe","userId":"w0","fullUserId":"1234567w0","from":"492111234567","to":"4915791234567","direction":"in","answeringNumber":"21199999999"}'
}

@test "the documentation's hangup sample" {
	run params 'event=hangup&cause=normalClearing&callId=123456&from=492111234567&to=4915791234567&direction=in&answeringNumber=4921199999999'
	assert_output '{"event":"hangup","cause":"normalClearing","callId":"123456","from":"492111234567","to":"4915791234567","direction":"in","answeringNumber":"4921199999999"}'
}

@test "the documentation's dtmf sample" {
	run params 'event=dtmf&dtmf=1&callId=123456'
	assert_output '{"event":"dtmf","dtmf":"1","callId":"123456"}'
}

@test "percent-encoded brackets are the same key as literal ones" {
	run params 'event=newCall&user%5B%5D=Alice&user[]=Bob&user%5b%5d=Carol'
	assert_output '{"event":"newCall","user":["Alice","Bob","Carol"]}'
}

@test "a single bracketed value is still an array" {
	run params 'event=newCall&user%5B%5D=Alice'
	assert_output '{"event":"newCall","user":["Alice"]}'
}

@test "empty values are kept, also in arrays" {
	run params 'event=newCall&user%5B%5D=&from=&to'
	assert_output '{"event":"newCall","user":[""],"from":"","to":""}'
}

@test "a repeated plain key keeps every value in order" {
	run params 'event=dtmf&dtmf=1&dtmf=2&dtmf=3'
	assert_output '{"event":"dtmf","dtmf":["1","2","3"]}'
}

@test "plain and bracketed forms of one name merge in arrival order" {
	run params 'event=x&user=A&user[]=B'
	assert_output '{"event":"x","user":["A","B"]}'
}

@test "empty pairs between ampersands are skipped" {
	run params '&&event=dtmf&&dtmf=5&'
	assert_output '{"event":"dtmf","dtmf":"5"}'
}

@test "parameter order is not fixed" {
	run params 'callId=1&dtmf=9&event=dtmf'
	assert_output '{"callId":"1","dtmf":"9","event":"dtmf"}'
}

@test "keys and values are both decoded" {
	run params 'event=x&a%20b=c%26d%3De&%2B=%2B+'
	assert_output '{"event":"x","a b":"c&d=e","+":"+ "}'
}

@test "%00 survives as \\u0000" {
	run params 'event=dtmf&dtmf=%00'
	assert_output '{"event":"dtmf","dtmf":"\u0000"}'
	python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read()); assert r["params"]["dtmf"]=="\0"' "$LOG"
}

@test "bytes that are not UTF-8 survive as code points of the same value" {
	# A lone Latin-1 byte, a truncated sequence, a UTF-16 surrogate and an
	# overlong encoding of '/'.
	post 'event=newCall&user%5B%5D=M%FCller&raw=%C3%28%ED%A0%80%C0%AF'
	assert_status 200
	run grep -c -F '"user":["M\u00fcller"],"raw":"\u00c3(\u00ed\u00a0\u0080\u00c0\u00af"' "$LOG"
	assert_output 1
	assert_equal "$(check_jsonl)" 1
	assert_equal "$(last_record .params.user[0])" '"Müller"'
}

@test "valid UTF-8 names and values are kept as they are" {
	run params 'event=newCall&user%5B%5D=J%C3%BCrgen+%E2%82%AC+%F0%9F%93%9E&n%C3%A4me=1'
	assert_output '{"event":"newCall","user":["Jürgen € 📞"],"näme":"1"}'
}

@test "a malformed percent escape is a 400 that names the problem" {
	for body in 'event=a%G1' 'event=a%4' 'event=a%' 'event=a% 41' 'event=a%%41' '%zz=1&event=x' 'event=a%+4' 'event=a%4-'; do
		post "$body"
		assert_status 400
		assert_reason "malformed percent-encoding at byte"
	done
	assert_equal "$(log_lines)" 0
}

@test "the reason gives the position of the bad escape" {
	post 'event=newCall&x=%G1'
	assert_status 400
	assert_reason "at byte 17 of the body"
}

@test "an unknown event is logged as it came and answered 200" {
	post 'event=somethingNew&x=1'
	assert_status 200
	assert_equal "$(last_record .event)" '"somethingNew"'
}

@test "a key without = has the empty value; a lone = is the empty name" {
	run params 'event=x&flag&=v'
	assert_output '{"event":"x","flag":"","":"v"}'
}

@test "10,000 parameters are all kept" {
	body=event=x
	for i in $(seq 10000); do body="$body&p=$((i % 10))"; done
	post "$body"
	assert_status 200
	assert_equal "$(last_record '.params.p | length')" 10000
	assert_equal "$(last_record '.params.p[9998]')" '"9"'
}
