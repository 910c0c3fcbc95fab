#!/usr/bin/env bats
# Hostile and broken requests, one table: each row is a request and what it
# must do (status, lines added to the log).  For every row: no crash, no
# hang, nothing written but the log, the log valid JSON Lines, an XML
# answer valid XML.

load ../helpers

setup() { common_setup; }

FAILS=

# row NAME STATUS LOG_DELTA BODY [VAR=value | -u VAR ...]
# BODY is a printf format, so \xff and \0 can be written.
row() {
	local name=$1 want=$2 delta=$3 body=$4 before after
	shift 4
	before=$(log_lines)
	printf "$body" > "$T/request"
	(cd "$T/cwd" && CGI_WRAPPER="timeout -k 1 20 ${MEMCHECK:-}" \
		cgi CONTENT_LENGTH="$(wc -c < "$T/request" | tr -d ' ')" "$@" < "$T/request")
	split_response "$T/out"
	after=$(log_lines)
	problem=
	[ "$CGI_STATUS" = "$want" ] || problem="status $CGI_STATUS, want $want"
	[ $((after - before)) = "$delta" ] || problem="$problem; log grew by $((after - before)), want $delta"
	[ -z "$(ls -A "$T/cwd")" ] || problem="$problem; wrote outside the log: $(ls -A "$T/cwd")"
	[ "$after" = 0 ] || check_jsonl > /dev/null 2>&1 || problem="$problem; log is not valid JSON Lines"
	if [ "$(header Content-Type)" = "application/xml; charset=utf-8" ]; then
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/body" 2> /dev/null ||
			problem="$problem; invalid XML"
	fi
	if [ -n "$problem" ]; then
		FAILS="$FAILS
$name: $problem"
	fi
	ROWS=$((ROWS + 1))
}

@test "at least 40 hostile or broken requests, each with its status and log effect" {
	mkdir "$T/cwd"
	ROWS=0
	long=$(head -c 60000 /dev/zero | tr '\0' k)
	many=event=x; for i in $(seq 10000); do many="$many&p=$((i % 10))"; done
	amps=$(head -c 65536 /dev/zero | tr '\0' '&')
	hugehost=$(head -c 10000 /dev/zero | tr '\0' h)

	row "overlong key"                      200 1 "event=x&$long=v"
	row "overlong value"                    200 1 "event=x&v=$long"
	row "10,000 parameters"                 200 1 "$many"
	row "% at the end"                      400 0 'event=x%%'
	row "%% then a digit"                   400 0 'event=x%%%%41'
	row "%G1"                               400 0 'event=x%%G1'
	row "% 41 (a space in the escape)"      400 0 'event=x%% 41'
	row "%2 at the end"                     400 0 'event=x&k=%%2'
	row "%zz in a key"                      400 0 '%%zz=1&event=x'
	row "a lone &"                          400 0 '&'
	row "a lone ="                          400 0 '='
	row "only separators"                   400 0 '&&=&=='
	row "64 KiB of &"                       400 0 "$amps"
	row "raw NUL bytes"                     200 1 'event=x&a=\0\0b\0'
	row "%%00 in a name"                    200 1 'event=x&%%00=1'
	row "raw invalid UTF-8"                 200 1 'event=x&a=\xff\xfe\x80'
	row "overlong UTF-8 for /"              200 1 'event=x&a=%%C0%%AF'
	row "a UTF-16 surrogate in UTF-8"       200 1 'event=x&a=%%ED%%A0%%80'
	row "above U+10FFFF"                    200 1 'event=x&a=%%F4%%90%%80%%80'
	row "UTF-8 cut off at the end"          200 1 'event=x&a=%%E2%%82'
	row "quotes, <, & and newlines in values" 200 1 'event=newCall&callId=%%22x%%22%%3C%%26%%0A%%0D&from="<&>"'
	row "a control character in a name"     200 1 'event=x&a%%01b%%1b[31m=1'
	row "an event made of spaces"           200 1 'event=++'
	row "two events: the first counts"      200 1 'event=newCall&event=hangup'
	row "event as an array"                 200 1 'event[]=newCall'
	row "CONTENT_LENGTH -1"                 400 0 'event=x' CONTENT_LENGTH=-1
	row "CONTENT_LENGTH 1e3"                400 0 'event=x' CONTENT_LENGTH=1e3
	row "CONTENT_LENGTH with a space"       400 0 'event=x' CONTENT_LENGTH=' 7'
	row "CONTENT_LENGTH 0x10"               400 0 'event=x' CONTENT_LENGTH=0x10
	row "CONTENT_LENGTH of 20 digits"       413 0 'event=x' CONTENT_LENGTH=99999999999999999999
	row "CONTENT_LENGTH empty"              411 0 'event=x' CONTENT_LENGTH=
	row "CONTENT_LENGTH larger than the body" 400 0 'event=x' CONTENT_LENGTH=100
	row "CONTENT_LENGTH 0 with a body"      400 0 'event=x' CONTENT_LENGTH=0
	row "CONTENT_TYPE missing"              415 0 'event=x' -u CONTENT_TYPE
	row "CONTENT_TYPE text/plain"           415 0 'event=x' CONTENT_TYPE=text/plain
	row "CONTENT_TYPE multipart/form-data"  415 0 'event=x' 'CONTENT_TYPE=multipart/form-data; boundary=x'
	row "REQUEST_METHOD empty"              405 0 'event=x' REQUEST_METHOD=
	row "REQUEST_METHOD lower-case"         405 0 'event=x' REQUEST_METHOD=post
	row "REQUEST_METHOD missing"            405 0 'event=x' -u REQUEST_METHOD
	row "a webhook URL with quotes and &"   200 1 'event=newCall' 'SIPGATE_WEBHOOK_URL=https://h.example/x?a="1"&b=<2>'
	row "a huge HTTP_HOST"                  200 1 'event=newCall' HTTP_HOST="$hugehost"
	row "a Host header with markup"         200 1 'event=newCall' 'HTTP_HOST=a"><x y="'
	row "REMOTE_ADDR missing"               200 1 'event=x' -u REMOTE_ADDR
	row "REMOTE_ADDR garbage, list set"     403 0 'event=x' 'REMOTE_ADDR=<script>' SIPGATE_ALLOW_FROM=10.0.0.0/8
	row "a signature header of junk"        403 0 'event=x' -u SIPGATE_SIGNATURE "HTTP_X_SIPGATE_SIGNATURE=$(printf 'a\tb\033')"
	row "the log path is /dev/null"         200 0 'event=x' SIPGATE_LOG=/dev/null
	row "a relative log path"               500 0 'event=x' SIPGATE_LOG=events.jsonl

	echo "# $ROWS rows" >&3
	[ "$ROWS" -ge 40 ]
	if [ -n "$FAILS" ]; then
		echo "failing rows:$FAILS" >&2
		false
	fi
}

@test "the markup in values reaches the log escaped and the XML untouched" {
	post 'event=newCall&callId=%22x%22%3C%26%0A' SIPGATE_WEBHOOK_URL='https://h.example/x?a="1"&b=<2>'
	assert_status 200
	assert_equal "$(last_record .params.callId)" '"\"x\"<&\n"'
	run grep -c -F 'onAnswer="https://h.example/x?a=&quot;1&quot;&amp;b=&lt;2&gt;"' "$T/body"
	assert_output 1
}
