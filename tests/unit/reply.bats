#!/usr/bin/env bats
# The answer sipgate executes: headers, the XML, and the follow-up URL.

load ../helpers

setup() { common_setup; }

# The attribute of the XML root, parsed by a real XML parser.
xml_attr() {
	python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
assert r.tag == "Response" and len(r) == 0, "unexpected XML"
print(r.get(sys.argv[2], "-"))' "$T/body" "$1"
}

@test "newCall subscribes answer and hangup by default" {
	post 'event=newCall&callId=1'
	assert_status 200
	assert_equal "$(header Content-Type)" "application/xml; charset=utf-8"
	assert_equal "$(cat "$T/body")" '<?xml version="1.0" encoding="UTF-8"?>
<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	assert_equal "$(header Content-Length)" "$(wc -c < "$T/body" | tr -d ' ')"
}

@test "SIPGATE_FOLLOW picks the subscriptions" {
	for v in answer,hangup hangup,answer answer hangup none; do
		post 'event=newCall' SIPGATE_FOLLOW=$v
		assert_status 200
		a=$(xml_attr onAnswer); h=$(xml_attr onHangup)
		case $v in
		*answer*) assert_equal "$a" https://hooks.example.org/sipgate ;;
		*) assert_equal "$a" - ;;
		esac
		case $v in
		*hangup*) assert_equal "$h" https://hooks.example.org/sipgate ;;
		*) assert_equal "$h" - ;;
		esac
	done
	post 'event=newCall' SIPGATE_FOLLOW=none
	assert_equal "$(tail -n 1 "$T/body")" '<Response/>'
}

@test "an unknown SIPGATE_FOLLOW is a 500 with the reason on stderr, nothing logged" {
	for v in always answer,, answer,busy ANSWER 'answer hangup'; do
		post 'event=newCall' SIPGATE_FOLLOW="$v"
		assert_status 500
		assert_reason "server misconfigured"
		run cat "$T/stderr"
		assert_output --partial "SIPGATE_FOLLOW="
	done
	assert_equal "$(log_lines)" 0
}

@test "every other event, known or not, gets an empty Response" {
	for e in answer hangup somethingNew newcall ''; do
		post "event=$e&callId=1"
		assert_status 200
		assert_equal "$(header Content-Type)" "application/xml; charset=utf-8"
		assert_equal "$(tail -n 1 "$T/body")" '<Response/>'
	done
	assert_equal "$(log_lines)" 5
}

@test "a reply to a dtmf push subscribes the call's answer and hangup as a newCall's does" {
	F='<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"'
	post 'event=dtmf&dtmf=1&callId=1'
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" "$F/>"
	post 'event=dtmf&dtmf=1&callId=1' SIPGATE_FOLLOW=hangup
	assert_equal "$(tail -n 1 "$T/body")" '<Response onHangup="https://hooks.example.org/sipgate"/>'
	post 'event=dtmf&dtmf=1&callId=1' SIPGATE_FOLLOW=none
	assert_equal "$(tail -n 1 "$T/body")" '<Response/>'
	# With a menu's answer too (a new Gather, a Dial, a hangup).
	printf '%s\n' 'version 1' 'menu main tries 2 else hangup' 'when menu main key 1 do dial 4911' \
		'when menu main key 2 do gather main' 'end' > "$T/rules"
	for row in "1|<Dial><Number>4911</Number></Dial>" "-1|<Hangup/>" \
		"2|<Gather onData=\"https://hooks.example.org/sipgate?m=main&amp;n=1\" maxDigits=\"1\" timeout=\"5000\"/>"; do
		post "event=dtmf&dtmf=${row%%|*}&callId=1" SIPGATE_RULES="$T/rules" QUERY_STRING='m=main&n=0'
		assert_equal "$(tail -n 1 "$T/body")" "$F>${row#*|}</Response>"
	done
}

@test "SIPGATE_WEBHOOK_URL is used as given, XML-escaped" {
	post 'event=newCall' SIPGATE_WEBHOOK_URL='https://h.example/hook?a=1&b="2"<x>'
	assert_status 200
	run grep -c -F 'onAnswer="https://h.example/hook?a=1&amp;b=&quot;2&quot;&lt;x&gt;"' "$T/body"
	assert_output 1
	assert_equal "$(xml_attr onHangup)" 'https://h.example/hook?a=1&b="2"<x>'
}

@test "a SIPGATE_WEBHOOK_URL that is not an absolute http(s) URL is a 500" {
	for u in /relative ftp://h.example/x 'https://h.example/a b' javascript:alert; do
		post 'event=newCall' SIPGATE_WEBHOOK_URL="$u"
		assert_status 500
	done
}

@test "derived URL: https with the default port stays without a port" {
	post 'event=newCall' HTTPS=on SERVER_PORT=443 HTTP_HOST=hooks.example.org
	assert_equal "$(xml_attr onAnswer)" https://hooks.example.org/sipgate
}

@test "derived URL: plain http on port 80" {
	post 'event=newCall' -u HTTPS SERVER_PORT=80 HTTP_HOST=hooks.example.org
	assert_equal "$(xml_attr onAnswer)" http://hooks.example.org/sipgate
}

@test "derived URL: REQUEST_SCHEME=https counts like HTTPS=on" {
	post 'event=newCall' -u HTTPS REQUEST_SCHEME=https SERVER_PORT=443 HTTP_HOST=h.example
	assert_equal "$(xml_attr onAnswer)" https://h.example/sipgate
}

@test "derived URL: a host without its port gets SERVER_PORT" {
	post 'event=newCall' -u HTTPS SERVER_PORT=8080 HTTP_HOST=h.example
	assert_equal "$(xml_attr onAnswer)" http://h.example:8080/sipgate
	post 'event=newCall' HTTPS=on SERVER_PORT=8443 HTTP_HOST=h.example
	assert_equal "$(xml_attr onAnswer)" https://h.example:8443/sipgate
}

@test "derived URL: a host with its port is kept as it is" {
	post 'event=newCall' -u HTTPS SERVER_PORT=8080 HTTP_HOST=h.example:9000
	assert_equal "$(xml_attr onAnswer)" http://h.example:9000/sipgate
	post 'event=newCall' -u HTTPS SERVER_PORT=8080 HTTP_HOST='[2001:db8::1]:8080'
	assert_equal "$(xml_attr onAnswer)" 'http://[2001:db8::1]:8080/sipgate'
	post 'event=newCall' -u HTTPS SERVER_PORT=8080 HTTP_HOST='[2001:db8::1]'
	assert_equal "$(xml_attr onAnswer)" 'http://[2001:db8::1]:8080/sipgate'
}

@test "derived URL: SERVER_NAME when there is no Host header" {
	post 'event=newCall' -u HTTP_HOST SERVER_NAME=fallback.example SERVER_PORT=443
	assert_equal "$(xml_attr onAnswer)" https://fallback.example/sipgate
}

@test "derived URL: a hostile or huge Host header is not used" {
	huge=$(head -c 5000 /dev/zero | tr '\0' 'h')
	for h in "$huge" 'evil.example/"><x' 'a b' 'h.example:80x' ':80' '[::1'; do
		post 'event=newCall' HTTP_HOST="$h" SERVER_NAME=good.example
		assert_status 200
		assert_equal "$(xml_attr onAnswer)" https://good.example/sipgate
	done
}

@test "derived URL: SCRIPT_NAME plus PATH_INFO, with unsafe bytes encoded" {
	post 'event=newCall' SCRIPT_NAME=/cgi-bin/sipgate-webhook PATH_INFO=/in
	assert_equal "$(xml_attr onAnswer)" https://hooks.example.org/cgi-bin/sipgate-webhook/in
	post 'event=newCall' SCRIPT_NAME='/a b/"x"' PATH_INFO='/ü'
	assert_equal "$(xml_attr onAnswer)" 'https://hooks.example.org/a%20b/%22x%22/%C3%BC'
}

@test "no host at all and no SIPGATE_WEBHOOK_URL: 500 that says what to set, event kept" {
	post 'event=newCall&callId=kept' -u HTTP_HOST -u SERVER_NAME
	assert_status 500
	run cat "$T/stderr"
	assert_output --partial "set SIPGATE_WEBHOOK_URL"
	assert_equal "$(last_record -r .params.callId)" kept
	cgi REQUEST_METHOD=GET -u HTTP_HOST -u SERVER_NAME < /dev/null
	assert_status 500
	# Only newCall needs the URL.
	post 'event=hangup' -u HTTP_HOST -u SERVER_NAME
	assert_status 200
	post 'event=newCall' -u HTTP_HOST -u SERVER_NAME SIPGATE_FOLLOW=none
	assert_status 200
}

@test "an error is one text line with its status" {
	post 'event=a%G1'
	assert_status 400
	assert_equal "$(header Status)" "400 Bad Request"
	assert_reason "malformed percent-encoding"
}
