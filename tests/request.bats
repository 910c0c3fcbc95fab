#!/usr/bin/env bats
# The request line of defence: method, media type, length, reading the body.

load helpers

setup() { common_setup; }

@test "GET is a health check: 200 ok when the log can be written" {
	cgi REQUEST_METHOD=GET < /dev/null
	assert_status 200
	assert_equal "$(header Content-Type)" "text/plain; charset=utf-8"
	assert_equal "$(cat "$T/body")" "ok"
	assert_equal "$(log_lines)" 0
}

@test "HEAD is a health check without a body" {
	cgi REQUEST_METHOD=HEAD < /dev/null
	assert_status 200
	assert_equal "$(header Content-Length)" 3
	assert_equal "$(wc -c < "$T/body" | tr -d ' ')" 0
}

@test "health check answers 503 with the reason when the log cannot be written" {
	cgi REQUEST_METHOD=GET SIPGATE_LOG="$T/missing-dir/events.jsonl" < /dev/null
	assert_status 503
	assert_reason "event log unavailable"
	run cat "$T/stderr"
	assert_output --partial "missing-dir/events.jsonl: No such file or directory"
}

@test "health check reports a broken setting as 500" {
	cgi REQUEST_METHOD=GET SIPGATE_FOLLOW=sometimes < /dev/null
	assert_status 500
	assert_reason "server misconfigured"
	run cat "$T/stderr"
	assert_output --partial "SIPGATE_FOLLOW=sometimes"
}

@test "other methods are 405 with an Allow header" {
	for m in PUT DELETE OPTIONS PATCH post Post get ""; do
		post 'event=newCall' REQUEST_METHOD="$m"
		assert_status 405
		assert_equal "$(header Allow)" "GET, HEAD, POST"
		assert_reason "method not allowed"
	done
	assert_equal "$(log_lines)" 0
}

@test "a missing REQUEST_METHOD is 405" {
	printf 'event=newCall' > "$T/request"
	env -i PATH="$PATH" CONTENT_LENGTH=13 SIPGATE_LOG="$LOG" "$PROG" < "$T/request" > "$T/out"
	split_response "$T/out"
	assert_status 405
}

@test "Content-Type is matched case-insensitively, with parameters" {
	for ct in application/x-www-form-urlencoded \
	    'application/x-www-form-urlencoded; charset=UTF-8' \
	    'Application/X-WWW-Form-UrlEncoded;charset=utf-8'; do
		post 'event=hangup' CONTENT_TYPE="$ct"
		assert_status 200
	done
	assert_equal "$(log_lines)" 3
}

@test "a missing or different Content-Type is 415" {
	for ct in "" text/plain multipart/form-data application/json \
	    application/x-www-form-urlencodedX 'application/x-www-form'; do
		post 'event=hangup' CONTENT_TYPE="$ct"
		assert_status 415
		assert_reason "Content-Type must be application/x-www-form-urlencoded"
	done
	post 'event=hangup' -u CONTENT_TYPE
	assert_status 415
	assert_equal "$(log_lines)" 0
}

@test "no Content-Length is 411" {
	printf 'event=hangup' > "$T/request"
	cgi < "$T/request"
	assert_status 411
	assert_reason "Content-Length is required"
	cgi CONTENT_LENGTH= < "$T/request"
	assert_status 411
}

@test "a Content-Length that is not a plain decimal number is 400" {
	for cl in -1 +12 ' 12' '12 ' 1e3 0x10 12abc 1.0 99999999999999999999999; do
		printf 'event=hangup' > "$T/request"
		cgi CONTENT_LENGTH="$cl" < "$T/request"
		if [ "$cl" = 99999999999999999999999 ]; then
			assert_status 413
		else
			assert_status 400
			assert_reason "Content-Length is not a plain decimal number"
		fi
	done
	assert_equal "$(log_lines)" 0
}

@test "65536 bytes are accepted, 65537 are 413" {
	pad=$(head -c 65530 /dev/zero | tr '\0' 'a')
	body="event=hangup&x=$pad"
	body=${body:0:65536}
	post "$body"
	assert_status 200
	assert_equal "$(last_record '.params.x | length')" $((65536 - 15))
	post "${body}b"
	assert_status 413
	assert_reason "larger than the limit of 65536"
	assert_equal "$(log_lines)" 1
}

@test "a body shorter than Content-Length is 400" {
	printf 'event=hangup' > "$T/request"
	cgi CONTENT_LENGTH=20 < "$T/request"
	assert_status 400
	assert_reason "body ended after 12 of the 20 bytes announced"
	assert_equal "$(log_lines)" 0
}

@test "exactly Content-Length bytes are read; what follows is ignored" {
	printf 'event=hangup&cause=busyTRAILING&junk=1' > "$T/request"
	cgi CONTENT_LENGTH=23 < "$T/request"
	assert_status 200
	assert_equal "$(last_record .params)" '{"event":"hangup","cause":"busy"}'
}

@test "a rejected body is drained from stdin before the answer" {
	head -c 200000 /dev/zero | tr '\0' 'a' > "$T/big"
	# A writer that fails if the program stops reading: it must see all of it.
	( cat "$T/big"; echo done > "$T/writer" ) | {
		cgi CONTENT_LENGTH=200000
		echo "$CGI_STATUS" > "$T/status"
	}
	assert_equal "$(cat "$T/status")" 413
	assert_equal "$(cat "$T/writer")" done
}

@test "a request without a body does not wait for one" {
	# stdin stays open and silent: the health check must not wait for EOF
	# (which would only end at the drain bound of 2 s).
	mkfifo "$T/fifo"
	exec 7<> "$T/fifo"
	start=$(date +%s%N)
	cgi REQUEST_METHOD=GET < "$T/fifo"
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	exec 7>&-
	assert_status 200
	[ "$elapsed_ms" -lt 1500 ]
}

@test "a stalled body times out instead of hanging" {
	( printf 'event=hangup'; sleep 30 ) | {
		cgi CONTENT_LENGTH=50
		echo "$CGI_STATUS" > "$T/status"
		cat "$T/body" > "$T/reason"
	} &
	pid=$!
	# Well inside the sleep: the program must have answered on its own.
	for _ in $(seq 100); do [ -s "$T/status" ] && break; sleep 0.1; done
	assert_equal "$(cat "$T/status")" 400
	run cat "$T/reason"
	assert_output --partial "timed out"
	kill "$pid" 2>/dev/null || true
	pkill -P "$pid" sleep 2>/dev/null || true
}

@test "no event parameter is 400" {
	post 'from=123&to=456'
	assert_status 400
	assert_reason "the body has no event parameter"
	post ''
	assert_status 400
	assert_equal "$(log_lines)" 0
}
