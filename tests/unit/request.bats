#!/usr/bin/env bats
# The request line of defence: method, media type, length, reading the body.

load ../helpers

setup() { common_setup; }

@test "GET is a health check: 200 ok when the log can be written" {
	cgi REQUEST_METHOD=GET < /dev/null
	assert_status 200
	assert_equal "$(header Content-Type)" "text/plain; charset=utf-8"
	# The sanitizers' and valgrind's builds lack some of the sandbox, and
	# say so (make SECCOMP=0, SANDBOX=0: docs/security.md).
	assert_equal "$(cat "$T/body")" "$HEALTH_OK"
	assert_equal "$(log_lines)" 0
}

@test "HEAD is a health check without a body" {
	cgi REQUEST_METHOD=HEAD < /dev/null
	assert_status 200
	assert_equal "$(header Content-Length)" $((${#HEALTH_OK} + 1))
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
	# A writer that sends 12 of 50 bytes and then nothing for 30 s.
	mkfifo "$T/stalled"
	( printf 'event=hangup'; exec sleep 30 ) > "$T/stalled" &
	writer=$!
	start=$(date +%s)
	cgi CONTENT_LENGTH=50 < "$T/stalled"
	elapsed=$(( $(date +%s) - start ))
	kill "$writer"
	# Answered on its own at the deadline, well before the writer ends.
	assert_status 400
	assert_reason "timed out"
	[ "$elapsed" -ge $((BODY_SECONDS - 1)) ]
	[ "$elapsed" -le $((BODY_SECONDS + 3)) ]
}

@test "no event parameter is 400" {
	post 'from=123&to=456'
	assert_status 400
	assert_reason "the body has no event parameter"
	post ''
	assert_status 400
	assert_equal "$(log_lines)" 0
}

@test "behind HTTP authentication without SIPGATE_WEBHOOK_URL: health check 500, newCall logged then 500" {
	for auth in AUTH_TYPE=Basic REMOTE_USER=sipgate; do
		cgi REQUEST_METHOD=GET "$auth" < /dev/null
		assert_status 500
		assert_reason "server misconfigured; see the server's error log"
		run cat "$T/stderr"
		assert_output --partial "HTTP authentication is on, so set SIPGATE_WEBHOOK_URL with the credentials in it"
	done
	post 'event=newCall&callId=auth1' AUTH_TYPE=Basic REMOTE_USER=sipgate
	assert_status 500
	run cat "$T/stderr"
	assert_output --partial "sipgate's answer and hangup pushes would get 401"
	assert_equal "$(last_record -r .params.callId)" auth1
	# Events that need no follow-up URL, and a configured URL, are fine.
	post 'event=hangup&callId=auth1' AUTH_TYPE=Basic REMOTE_USER=sipgate
	assert_status 200
	post 'event=newCall&callId=auth2' AUTH_TYPE=Basic SIPGATE_FOLLOW=none
	assert_status 200
	post 'event=newCall&callId=auth3' AUTH_TYPE=Basic REMOTE_USER=sipgate \
		SIPGATE_WEBHOOK_URL='https://sipgate:secret@hooks.example.org/sipgate'
	assert_status 200
	run cat "$T/body"
	assert_output --partial 'onAnswer="https://sipgate:secret@hooks.example.org/sipgate"'
	cgi REQUEST_METHOD=GET AUTH_TYPE=Basic SIPGATE_WEBHOOK_URL='https://u:p@hooks.example.org/sipgate' < /dev/null
	assert_status 200
	assert_equal "$(log_lines)" 4
}

@test "an authentic body that cannot be decoded is kept on stderr, escaped and bounded" {
	command -v openssl > /dev/null || { [ "${CI:-}" != true ] || false; skip "openssl not installed"; }
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/k.pem" 2> /dev/null
	openssl pkey -in "$T/k.pem" -pubout -out "$T/p.pem"
	signed_post() {
		printf '%s' "$1" > "$T/req"
		post_file "$T/req" -u SIPGATE_SIGNATURE SIPGATE_PUBLIC_KEY="$T/p.pem" \
			HTTP_X_SIPGATE_SIGNATURE="$(openssl dgst -sha256 -sign "$T/k.pem" "$T/req" | base64 -w0)"
	}
	signed_post 'event=newCall&callId=x&from=%zz'
	assert_status 400
	run cat "$T/stderr"
	assert_line --index 0 --partial 'sipgate-webhook: '
	assert_line --index 1 'sipgate-webhook: body: event=newCall&callId=x&from=%zz'
	signed_post $'callId=y&note=a\\b\nc\xc3\xa4'
	assert_status 400
	run cat "$T/stderr"
	assert_line --index 0 'sipgate-webhook: the body has no event parameter'
	assert_line --index 1 'sipgate-webhook: body: callId=y&note=a\x5cb\x0ac\xc3\xa4'
	signed_post "event=x&pad=$(head -c 5000 /dev/zero | tr '\0' a)%"
	assert_status 400
	run cat "$T/stderr"
	assert_line --index 1 --regexp '^sipgate-webhook: body: event=x&pad=a+ \(917 more bytes not shown\)$'
	assert_equal "${#lines[1]}" $(( 23 + 4096 + 27 ))
	assert_equal "$(log_lines)" 0
	# A body nobody vouched for is not worth the error log's space.
	printf 'callId=z' > "$T/req"
	post_file "$T/req" SIPGATE_SIGNATURE=log HTTP_X_SIPGATE_SIGNATURE=AAAA
	assert_status 400
	run cat "$T/stderr"
	refute_output --partial "body:"
}
