#!/usr/bin/env bats
# The calls page as an office opens it: headless Chromium through the
# shipped apache-example.conf's basic auth on a real Apache, over a
# generated busy month (tests/lib/make-office-month); the page's HTML
# checked by tidy; and the same protection in the nginx + fcgiwrap and
# FastCGI configurations, by curl.

load ../helpers
load ../lib/servers

have_browser() { command -v chromium > /dev/null && command -v tidy > /dev/null && command -v htpasswd > /dev/null; }

setup_file() {
	: > "$BATS_FILE_TMPDIR/env"
	: > "$BATS_FILE_TMPDIR/instances"
	if ! have_browser || ! srv_have_apache; then
		[ "${CI:-}" != true ] || { echo "chromium, tidy, htpasswd or Apache is missing, and CI=true" >&2; return 1; }
		return 0
	fi
	"$TOP/tests/lib/make-office-month" 2000 30 "$(date +%s)" > "$BATS_FILE_TMPDIR/month.jsonl"
	local s
	for s in apache nginx apache_fcgi nginx_fcgi; do
		srv_have_"$s" || { [ "${CI:-}" != true ] || return 1; continue; }
		SRV_PROGRAM_PID= SRV_TOP=$TOP SRV_SIGNATURE=require SRV_LOG= SRV_RULES=
		srv_prepare || return 1
		echo "$SRV_DIR" >> "$BATS_FILE_TMPDIR/instances"
		cp "$BATS_FILE_TMPDIR/month.jsonl" "$SRV_LOG"
		htpasswd -bc "$SRV_DIR/calls.htpasswd" anna 'office secret' 2> /dev/null
		htpasswd -b "$SRV_DIR/calls.htpasswd" ben other 2> /dev/null
		chmod 0644 "$SRV_DIR/calls.htpasswd"
		[ -z "$SRV_USER" ] || chown "$SRV_USER" "$SRV_LOG"
		local port
		port=$(srv_free_port)
		srv_start_"$s" "$port" || return 1
		printf 'export %s_PORT=%s %s_DIR=%s\n' "$s" "$port" "$s" "$SRV_DIR" >> "$BATS_FILE_TMPDIR/env"
	done
}

teardown_file() {
	local d
	while read -r d; do
		SRV_DIR=$d srv_stop
		rm -rf "$d"
	done < "$BATS_FILE_TMPDIR/instances"
}

setup() {
	common_setup
	if ! have_browser || ! srv_have_apache; then
		[ "${CI:-}" != true ] || false
		skip "chromium, tidy, htpasswd and Apache are needed"
	fi
	. "$BATS_FILE_TMPDIR/env"
	URL="http://127.0.0.1:$apache_PORT/sipgate/calls"
}

# browse LANG URL [CHROMIUM_ARG...]: the DOM Chromium rendered, in $T/dom,
# and what its console said, in $T/console.
browse() {
	local lang=$1 url=$2
	shift 2
	HOME=$T timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/profile" --accept-lang="$lang" --enable-logging=stderr --v=0 \
		"$@" --dump-dom "$url" > "$T/dom" 2> "$T/chromium.err"
	grep -E 'CONSOLE|Refused to|Content.Security.Policy' "$T/chromium.err" > "$T/console" || true
}

credentials() { echo "http://anna:office%20secret@127.0.0.1:$apache_PORT/sipgate/calls$1"; }

@test "without credentials the page is 401 and nothing of the log appears, in the browser too" {
	run curl -s -o "$T/page" -w '%{http_code}' "$URL"
	assert_output 401
	refute grep -q '49[0-9]\{6\}' "$T/page"
	run curl -s -o "$T/page" -w '%{http_code}' -u anna:wrong "$URL"
	assert_output 401
	refute grep -q '49[0-9]\{6\}' "$T/page"
	browse en "$URL"
	refute grep -q '49[0-9]\{6\}' "$T/dom"
	refute grep -q 'Missed' "$T/dom"
}

@test "in Chromium: the rows, the missed calls on top, the chart's bars and labels, no console error" {
	browse en "$(credentials '')"
	assert_equal "$(cat "$T/console")" ""
	# The heading counts the calls; the list shows the newest 500.
	total=$(sed -n 's/.*<h2>Calls (\([0-9]*\))<\/h2>.*/\1/p' "$T/dom")
	[ "$total" -gt 20000 ]
	assert_equal "$(grep -o '<tr><td>' "$T/dom" | wc -l)" 500
	grep -q "The newest 500 of $total calls" "$T/dom"
	# The missed-calls block comes before the chart and holds tel: links.
	block=$(sed -n '/<section class="missed-block">/,/<\/section>/p' "$T/dom")
	[[ $block == *'<h2>Missed, not called back</h2>'* ]]
	[[ $block == *'href="tel:+49'* ]]
	[ "$(grep -n 'missed-block' "$T/dom" | head -1 | cut -d: -f1)" -lt "$(grep -n 'Calls per day' "$T/dom" | head -1 | cut -d: -f1)" ]
	# 15 day labels under the bars, today's first in the page (drawn
	# rightmost); the totals over the bars add up to the heading.
	assert_equal "$(grep -o '<text [^>]*y="205"[^>]*>[0-9/]*</text>' "$T/dom" | wc -l)" 15
	assert_equal "$(grep -o '<text [^>]*y="205"[^>]*>[0-9/]*</text>' "$T/dom" | head -1 | sed 's/.*>\([0-9/]*\)<.*/\1/')" \
		"$(date +%-m/%-d)"
	sum=$(grep -o '>[0-9]*</text><text x="[0-9]*" y="205"' "$T/dom" | sed 's/^>\([0-9]*\)<.*/\1/' |
		awk '{ n += $1 } END { print n }')
	assert_equal "$sum" "$total"
	grep -q '<title>[0-9/]*: [0-9]* answered</title>' "$T/dom"
	grep -q '<title>[0-9/]*: [0-9]* voicemail</title>' "$T/dom"
	grep -q '<title>[0-9/]*: [0-9]* missed</title>' "$T/dom"
	# The grid: 7 weekdays by 24 hours.
	assert_equal "$(grep -o '<title>\(Mon\|Tue\|Wed\|Thu\|Fri\|Sat\|Sun\) [0-9][0-9]:00: [0-9]*</title>' "$T/dom" | wc -l)" 168
}

@test "in Chromium: the filters narrow the list and stay chosen" {
	browse en "$(credentials '?outcome=voicemail&line=4921112345601&user=Clara')"
	assert_equal "$(cat "$T/console")" ""
	rows=$(grep -c '^<tr><td>' "$T/dom")
	[ "$rows" -gt 10 ]
	assert_equal "$(grep '^<tr><td>' "$T/dom" | grep -c '<span class="o voicemail">voicemail</span>')" "$rows"
	assert_equal "$(grep '^<tr><td>' "$T/dom" | grep -c '<span class="num">+4921112345601</span>')" "$rows"
	grep -q '<option value="voicemail" selected="">' "$T/dom"
	grep -q '<option value="Clara" selected="">' "$T/dom"
	run curl -s -o "$T/page" -w '%{http_code}' -u 'anna:office secret' "$URL?outcome=lost"
	assert_output 400
	assert_equal "$(cat "$T/page")" "outcome must be one of answered, voicemail, missed, busy, rejected, forwarded, failed, open"
}

@test "in Chromium: German for a German browser, English for an English one" {
	browse de-DE,de "$(credentials '')"
	grep -q '<html lang="de">' "$T/dom"
	grep -q '<h2>Verpasst, nicht zurückgerufen</h2>' "$T/dom"
	grep -q '<h2>Anrufe pro Tag</h2>' "$T/dom"
	grep -q '<th>Anrufer</th><th>Leitung</th>' "$T/dom"
	grep -q '>angenommen</text>' "$T/dom"
	browse en-US,en "$(credentials '')"
	grep -q '<html lang="en">' "$T/dom"
	grep -q '<th>Caller</th><th>Line</th>' "$T/dom"
}

@test "the page as served is valid HTML to tidy, and a phone-sized and a desktop-sized screenshot render" {
	curl -s -u 'anna:office secret' -D "$T/headers" -o "$T/page.html" "$URL"
	grep -qi '^Cache-Control: no-store, private' "$T/headers"
	grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'sha256-" "$T/headers"
	run tidy -q -e "$T/page.html"
	assert_success
	assert_output ""
	for size in 390,844 1280,1600; do
		HOME=$T timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
			--user-data-dir="$T/profile" --window-size=$size --screenshot="$T/shot-$size.png" \
			"$(credentials '')" 2> /dev/null
		file "$T/shot-$size.png" | grep -q "PNG image data, ${size%,*} x ${size#*,}"
	done
}

@test "without the password file the page stays closed" {
	mv "$apache_DIR/calls.htpasswd" "$apache_DIR/calls.htpasswd.away"
	run curl -s -o "$T/page" -w '%{http_code}' -u 'anna:office secret' "$URL"
	mv "$apache_DIR/calls.htpasswd.away" "$apache_DIR/calls.htpasswd"
	assert_output 500
	refute grep -q '49[0-9]\{6\}' "$T/page"
}

# curl_page SERVER: the page through that server, with and without credentials.
curl_page() {
	local port
	eval "port=\${${1}_PORT:-}"
	[ -n "$port" ] || { [ "${CI:-}" != true ] || false; skip "$1 is not installed"; }
	run curl -s -o "$T/page" -w '%{http_code}' "http://127.0.0.1:$port/sipgate/calls"
	assert_output 401
	refute grep -q '49[0-9]\{6\}' "$T/page"
	run curl -s -o "$T/page" -w '%{http_code}' -u ben:other "http://127.0.0.1:$port/sipgate/calls?outcome=missed"
	assert_output 200
	grep -q '<h2>Missed, not called back</h2>' "$T/page"
	grep -q '<span class="o missed">missed</span>' "$T/page"
	# sipgate's path is the webhook still: a GET there is the health check.
	run curl -s "http://127.0.0.1:$port/sipgate"
	assert_output "$HEALTH_OK"
}

@test "nginx + fcgiwrap's snippet protects the page the same way" {
	curl_page nginx
}

@test "FastCGI behind nginx protects the page the same way" {
	curl_page nginx_fcgi
}

@test "FastCGI behind Apache protects the page the same way" {
	curl_page apache_fcgi
}
