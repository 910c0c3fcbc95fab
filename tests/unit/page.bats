#!/usr/bin/env bats
# The calls page (GET PATH_INFO /calls) run as a CGI over logs written
# here: who may see it, the query's filters, the missed calls nobody
# called back, legs of one call, the language, the headers, and how far
# back it reads.  tests/system/browser.bats opens it in a browser.

load ../helpers

# 2026-12-02 15:00 UTC, a Wednesday.
NOW=1796223600

setup() {
	common_setup
	: > "$LOG"
}

# rec MINUTES_AGO EVENT [name=value | name[]=value | rule=JSON | caller=NAME]...:
# a record as the program writes it, received MINUTES_AGO before NOW.
rec() {
	local ago=$1 e=$2
	shift 2
	jq -cn --argjson t "$((NOW - ago * 60))" --arg e "$e" '
		reduce ($ARGS.positional[] | capture("^(?<k>[^=]+)=(?<v>.*)$")) as $kv
			({received: (($t | todate | .[0:19]) + ".000Z"), event: $e, signature: "valid",
			  params: {event: $e}};
			 if $kv.k == "rule" then .rule = ($kv.v | fromjson)
			 elif $kv.k == "caller" then .caller = $kv.v
			 elif ($kv.k | endswith("[]")) then .params[$kv.k[:-2]] += [$kv.v]
			 else .params[$kv.k] = $kv.v end)' --args "$@" >> "$LOG"
}

# call MINUTES_AGO ID FROM TO CAUSE [ANSWERED_BY]: an incoming call's three records.
call() {
	rec "$1" newCall direction=in from="$3" to="$4" callId="$2" origCallId="$2" 'user[]=Anna' 'user[]=Ben'
	[ -z "${6:-}" ] || rec $(($1 - 0)) answer callId="$2" user="$6" direction=in
	rec $(($1 > 0 ? $1 - 1 : 0)) hangup callId="$2" cause="$5"
}

# page [QUERY] [VAR=value ...]: GET the page as anna, in English, at NOW.
page() {
	local q=${1:-}
	shift || true
	cgi -u CONTENT_TYPE REQUEST_METHOD=GET PATH_INFO=/calls REMOTE_USER=anna \
		REMOTE_ADDR=192.0.2.7 QUERY_STRING="$q" HTTP_ACCEPT_LANGUAGE=en TZ=UTC \
		SIPGATE_NOW=@$NOW "$@" < /dev/null
}

@test "the page: today's and the last 14 days' calls, newest first, with caller, line, users, outcome and times" {
	call $((20 * 24 * 60)) OLD 4930999 4921100 normalClearing Anna
	call 30 A 4930111 4921100 normalClearing Anna
	rec 30 newCall direction=in from=4930222 to=4921100 callId=B origCallId=B 'user[]=Clara' caller='Dr. Weber'
	rec 28 hangup callId=B cause=cancel
	page
	assert_status 200
	assert_equal "$(header Content-Type)" "text/html; charset=utf-8"
	run grep -c '^<tr><td>' "$T/body"
	assert_output 2
	# Newest first: B began the same minute as A but is listed by its start.
	run grep '^<tr><td>' "$T/body"
	assert_line --index 0 --partial 'Dr. Weber<br><a class="num" href="tel:+4930222">+4930222</a>'
	assert_line --index 0 --partial '<span class="o missed">missed</span>'
	assert_line --index 1 --partial 'Wed 2026-12-02 14:30'
	assert_line --index 1 --partial '<td><span class="num">+4921100</span></td><td>Anna, Ben</td>'
	assert_line --index 1 --partial '<span class="o answered">answered</span></td><td>0:00</td><td>1:00</td>'
	# 20 days ago is not on the page.
	refute_output --partial 4930999
}

@test "missed calls that no later call reached are on top; a call back or an answered call clears them" {
	call 300 M1 4930001 4921100 cancel
	call 200 M2 4930001 4921100 noAnswer
	call 250 M3 4930002 4921100 cancel
	rec 100 newCall direction=out from=4921100 to=4930002 callId=O origCallId=O 'user[]=Anna'
	rec 99 hangup callId=O cause=normalClearing direction=out
	call 150 M4 4930003 4921100 cancel
	call 50 A4 4930003 4921100 normalClearing Ben
	call 40 M5 anonymous 4921100 cancel
	page
	assert_status 200
	run sed -n '/<section class="missed-block">/,/<\/section>/p' "$T/body"
	assert_output --partial 'tel:+4930001">+4930001</a> · 2 times, last Wed 2026-12-02 11:40'
	refute_output --partial 4930002
	refute_output --partial 4930003
	refute_output --partial anonym
}

@test "a forward to the voicemail is one call: two legs tied by origCallId, shown as voicemail" {
	rec 60 newCall direction=in from=4930555 to=4921100 callId=L1 origCallId=L1 'user[]=Anna'
	rec 59 hangup direction=in from=4930555 to=4921100 callId=L1 origCallId=L1 cause=forwarded
	rec 59 newCall direction=in from=4930555 to=4921100 callId=L2 origCallId=L1 'user[]=voicemail'
	rec 59 answer callId=L2 origCallId=L1 user=voicemail
	rec 57 hangup callId=L2 origCallId=L1 cause=normalClearing
	page
	run grep '^<tr><td>' "$T/body"
	assert_equal "${#lines[@]}" 1
	assert_output --partial '<td>Anna</td><td><span class="o voicemail">voicemail</span></td><td>1:00</td><td>2:00</td>'
	run sed -n '/<section class="missed-block">/,/<\/section>/p' "$T/body"
	refute_output --partial 4930555
}

@test "the chart: a bar a day with its total and date, each part titled with its count" {
	call 60 A 4930111 4921100 normalClearing Anna
	call 50 B 4930112 4921100 cancel
	call $((24 * 60 + 60)) C 4930113 4921100 normalClearing Ben
	page
	run grep -o '<rect class="answered"[^>]*><title>12/2: 1 answered</title>' "$T/body"
	assert_success
	run grep -o '<rect class="missed"[^>]*><title>12/2: 1 missed</title>' "$T/body"
	assert_success
	run grep -o '<title>12/1: 1 answered</title>' "$T/body"
	assert_success
	run grep -o '<text x="[0-9]*" y="205" text-anchor="middle">11/18</text>' "$T/body"
	assert_success
	# The grid: Wednesday 14:00 had two calls, Tuesday 14:00 one.
	run grep -o '<title>Wed 14:00: 2</title>' "$T/body"
	assert_success
	run grep -o '<title>Tue 14:00: 1</title>' "$T/body"
	assert_success
}

@test "filters by line, user, outcome and day narrow the list, and the form keeps them chosen" {
	call 60 A 4930111 4921100 normalClearing Anna
	rec 50 newCall direction=in from=4930112 to=4921101 callId=B origCallId=B 'user[]=Clara'
	rec 49 hangup callId=B cause=cancel
	call $((24 * 60)) C 4930113 4921100 cancel
	page 'line=4921101'
	run grep -c '^<tr><td>' "$T/body"
	assert_output 1
	grep -q '<option value="4921101" selected>' "$T/body"
	page 'user=Clara&outcome=missed&line=&day='
	run grep '^<tr><td>' "$T/body"
	assert_output --partial 4930112
	assert_equal "${#lines[@]}" 1
	page 'outcome=missed&day=2026-12-01'
	run grep '^<tr><td>' "$T/body"
	assert_output --partial 4930113
	assert_equal "${#lines[@]}" 1
	grep -q '<option value="2026-12-01" selected>' "$T/body"
}

@test "a bad filter is 400 with one line naming it" {
	page 'color=red'
	assert_status 400
	assert_reason 'unknown parameter color; the page takes line, user, outcome and day'
	page 'outcome=lost'
	assert_status 400
	assert_reason 'outcome must be one of answered'
	page 'day=2026-02-30'
	assert_status 400
	assert_reason 'day must be a date, YYYY-MM-DD'
	page 'line=1&line=2'
	assert_status 400
	assert_reason 'line is given twice'
	page "user=$(printf 'x%.0s' $(seq 70))"
	assert_status 400
	assert_reason 'user must be at most 64 bytes of text'
	page 'user=%0a'
	assert_status 400
	page 'day=%zz'
	assert_status 400
	assert_reason 'the query string is not URL-encoded'
}

@test "German where Accept-Language prefers it, else English" {
	call 60 A 4930111 4921100 cancel
	page '' HTTP_ACCEPT_LANGUAGE='de-DE,de;q=0.9,en;q=0.8'
	assert_equal "$(header Content-Language)" de
	grep -q '<html lang="de">' "$T/body"
	grep -q '<h2>Verpasst, nicht zurückgerufen</h2>' "$T/body"
	grep -q '<span class="o missed">verpasst</span>' "$T/body"
	grep -q '<th>Anrufer</th>' "$T/body"
	page '' HTTP_ACCEPT_LANGUAGE='en-GB,de;q=0.5'
	assert_equal "$(header Content-Language)" en
	grep -q '<th>Caller</th>' "$T/body"
	page '' HTTP_ACCEPT_LANGUAGE='fr, de;q=0.3'
	assert_equal "$(header Content-Language)" de
	page '' -u HTTP_ACCEPT_LANGUAGE
	assert_equal "$(header Content-Language)" en
}

@test "the headers: no cache keeps it, no frame holds it, and only its own style sheet runs" {
	page
	assert_status 200
	assert_equal "$(header Cache-Control)" "no-store, private"
	assert_equal "$(header X-Content-Type-Options)" nosniff
	assert_equal "$(header Referrer-Policy)" no-referrer
	style=$(sed -n 's/.*<style>\(.*\)<\/style>.*/\1/p' "$T/body")
	[ -n "$style" ]
	hash=$(printf '%s' "$style" | openssl dgst -sha256 -binary | base64)
	assert_equal "$(header Content-Security-Policy)" "default-src 'none'; style-src 'sha256-$hash'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	refute grep -q '<script' "$T/body"
	refute grep -q 'style="' "$T/body"
}

@test "without an authenticated user the page is 403 and shows nothing of the log" {
	call 60 A 4930111 4921100 cancel
	cgi -u CONTENT_TYPE REQUEST_METHOD=GET PATH_INFO=/calls SIPGATE_NOW=@$NOW < /dev/null
	assert_status 403
	assert_reason 'the calls page is only for users the web server authenticated: turn on basic auth'
	refute grep -q 4930111 "$T/body"
	grep -q 'the calls page is only for users' "$T/stderr"
	page '' REMOTE_USER=
	assert_status 403
}

@test "SIPGATE_CALLS_USERS: only the users it names" {
	page '' SIPGATE_CALLS_USERS='ben, anna'
	assert_status 200
	page '' SIPGATE_CALLS_USERS='ben,clara'
	assert_status 403
	assert_reason 'user anna may not see the calls page (SIPGATE_CALLS_USERS)'
	page '' SIPGATE_CALLS_USERS='ben,clara' REMOTE_USER=annaben
	assert_status 403
}

@test "the sender allow-list is sipgate's: the office's browser gets the page, and the health check is unchanged" {
	page '' SIPGATE_ALLOW_FROM=217.116.118.254
	assert_status 200
	cgi -u CONTENT_TYPE REQUEST_METHOD=GET REMOTE_ADDR=192.0.2.7 SIPGATE_ALLOW_FROM=217.116.118.254 < /dev/null
	assert_status 403
	cgi -u CONTENT_TYPE REQUEST_METHOD=GET PATH_INFO=/calls/ < /dev/null
	assert_status 200
	assert_equal "$(cat "$T/body")" "$HEALTH_OK"
}

@test "HEAD gives the headers alone; a POST to /calls is a push as before" {
	call 60 A 4930111 4921100 cancel
	page '' REQUEST_METHOD=HEAD
	assert_status 200
	[ "$(header Content-Length)" -gt 1000 ]
	assert_equal "$(wc -c < "$T/body" | tr -d ' ')" 0
	before=$(wc -l < "$LOG")
	post 'event=newCall&callId=P&from=1&to=2&direction=in' PATH_INFO=/calls
	assert_status 200
	grep -q '<Response' "$T/body"
	assert_equal "$(wc -l < "$LOG")" $((before + 1))
}

@test "names and numbers from the log are text, never markup" {
	rec 60 newCall direction=in from='49<b>1' to=4921100 callId=X origCallId=X \
		'user[]=<script>alert(1)</script>' caller="O'Neil & \"Sons\" <i>"
	rec 59 hangup callId=X cause=cancel
	printf '%s\n' '{"received":"2026-12-02T14:10:00.000Z","event":"newCall","signature":"valid","params":{"event":"newCall","callId":"Y","from":"4930","to":"49211","caller":"x"},"caller":"\u00ff\udfff"}' >> "$LOG"
	page
	assert_status 200
	refute grep -q '<script>' "$T/body"
	refute grep -q '<b>1' "$T/body"
	grep -q "O&#39;Neil &amp; &quot;Sons&quot; &lt;i&gt;" "$T/body"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/body"
	iconv -f UTF-8 -t UTF-8 "$T/body" > /dev/null
}

@test "it reads the log from its end back, no further than the first day, and the rotations it needs" {
	# 40 days of calls, one every 2 minutes, in the rotation, up to 8 days
	# ago: the page needs its last week.
	python3 - "$NOW" > "$LOG.1" <<-'PY'
	import json, sys, time
	now = int(sys.argv[1])
	for m in range(40 * 1440, 8 * 1440, -2):
	    t = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now - m * 60))
	    for e in ("newCall", "hangup"):
	        print(json.dumps({"received": t, "event": e, "signature": "valid", "params": {"event": e,
	            "callId": "C%d" % m, "from": "4930%d" % m, "to": "4921100", "direction": "in",
	            "cause": "normalClearing"}}, separators=(",", ":")))
	PY
	call 60 A 4930111 4921100 cancel
	page
	assert_status 200
	# From the first day's 00:00 (14 days and 15 hours back) to 8 days back,
	# a call every 2 minutes; and A.
	run grep -o '<h2>Calls ([0-9]*)</h2>' "$T/body"
	assert_output "<h2>Calls ($(( (14 * 1440 + 900 - 8 * 1440) / 2 + 1 )))</h2>"
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace is needed"; }
	# LeakSanitizer cannot work under ptrace: a sanitizer build checks leaks
	# in every other case.
	env -i REQUEST_METHOD=GET PATH_INFO=/calls REMOTE_USER=anna TZ=UTC SIPGATE_NOW=@$NOW SIPGATE_LOG="$LOG" \
		ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=pread64 -o "$T/strace" "$PROG" > /dev/null
	read_bytes=$(awk '/= [0-9]+$/ { n += $NF } END { print n + 0 }' "$T/strace")
	size=$(stat -c %s "$LOG.1")
	echo "read $read_bytes of the rotation's $size bytes" >&3
	# A week of 32 and what a run of 4096 older lines takes: under a third.
	[ "$read_bytes" -lt $((size / 3)) ]
}

@test "a log that cannot be read is 503 with a line; a missing one is an empty page" {
	rm "$LOG"
	page
	assert_status 200
	grep -q '<h2>Calls (0)</h2>' "$T/body"
	mkfifo "$LOG"
	page
	assert_status 503
	assert_reason 'event log unavailable'
	grep -q "is not a regular file" "$T/stderr"
}

@test "lines that are not records are counted, torn and overlong lines too, and nothing else is lost" {
	call 60 A 4930111 4921100 cancel
	echo 'not json' >> "$LOG"
	head -c 2000000 /dev/zero | tr '\0' x >> "$LOG"
	echo >> "$LOG"
	call 30 B 4930112 4921100 cancel
	printf '{"received":"2026-12-02T14:59:00.000Z","event":"newCall","par' >> "$LOG"
	page
	assert_status 200
	grep -q '<h2>Calls (2)</h2>' "$T/body"
	grep -q '<p class="note">3 lines of the log are not call events.</p>' "$T/body"
}

@test "old records put back at the log's end (a restore) do not hide the days before them" {
	call 60 A 4930111 4921100 cancel
	for i in $(seq 50); do call $((30 * 24 * 60 + i)) "R$i" 4930999 4921100 normalClearing Anna; done
	page
	assert_status 200
	grep -q '<h2>Calls (1)</h2>' "$T/body"
	grep -q 4930111 "$T/body"
}

@test "the missed-calls block shows the newest 25 numbers and says how many more wait" {
	for i in $(seq 30); do call $((300 - i)) "M$i" "49301$i" 4921100 cancel; done
	page
	run sed -n '/<section class="missed-block">/,/<\/section>/p' "$T/body"
	assert_equal "$(grep -c '^<li>' <<< "$output")" 25
	assert_output --partial 'tel:+4930130"'
	refute_output --partial 'tel:+493015"'
	assert_output --partial 'and 5 more numbers, the oldest'
}

@test "a compressed rotation the page cannot read is named at its foot, not passed over in silence" {
	call 60 A 4930111 4921100 cancel
	# The live log begins within the window: the page looks for .1, finds .1.gz.
	gzip -c < /dev/null > "$LOG.1.gz"
	page
	assert_status 200
	grep -q '<p class="note">events.jsonl.1.gz is compressed and not read' "$T/body"
	rm "$LOG.1.gz"
	page
	refute grep -q 'compressed' "$T/body"
}
