#!/usr/bin/env bats
# Missed-call messages through contrib/rsyslog-alerts.conf as shipped (only
# its paths, ports and addresses changed): a private rsyslogd follows the
# program's log, mails through aiosmtpd (a real SMTP server, delivering
# into a Maildir) and runs contrib/apprise-alert, whose apprise posts to an
# HTTP receiver (json://).  The records are the program's own, written by
# the CGI for newCall and hangup pushes.

load ../helpers
load ../lib/rsyslog

PY=/usr/bin/python3

have_parts() {
	command -v rsyslogd > /dev/null && command -v apprise > /dev/null &&
		"$PY" -c 'import aiosmtpd, apprise' 2> /dev/null
}

setup_file() {
	if ! have_parts && [ "${CI:-}" = true ]; then
		echo "rsyslog, apprise or python3-aiosmtpd missing, and CI=true" >&2
		return 1
	fi
}

setup() {
	common_setup
	have_parts || skip "rsyslog, apprise and python3-aiosmtpd are needed"
	RS=$(mktemp -d /tmp/sipgate-alerts.XXXXXX)
	KEY=0123456789abcdef-alerts
	printf '0211 123456\tDr. Weber\n' > "$T/book"
	: > "$LOG"
	SMTP_PORT=$(free_port)
	start_smtp
	start_receiver
	printf 'urls:\n  - json://127.0.0.1:%s/alerts\n' "$(cat "$RS/http.port")" > "$RS/apprise.yml"
	start_alerts
}

teardown() {
	kill_rsyslogs
	stop_smtp
	[ -z "${RECEIVER:-}" ] || kill "$RECEIVER" 2> /dev/null || true
	rm -rf "$RS"
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_smtp() {
	setsid "$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$RS/mail" \
		> "$RS/smtp.out" 2>&1 3>&- &
	SMTP=$!
	for _ in $(seq 100); do
		"$PY" -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" 2> /dev/null && return 0
		sleep 0.1
	done
	cat "$RS/smtp.out" >&2
	return 1
}

stop_smtp() {
	[ -n "${SMTP:-}" ] || return 0
	kill "$SMTP" 2> /dev/null || true
	wait "$SMTP" 2> /dev/null || true
	SMTP=
}

start_receiver() {
	: >> "$RS/posts"
	"$TOP/tests/tools/http-receiver" "$RS/http.port" "$RS/posts" 3>&- &
	RECEIVER=$!
	for _ in $(seq 100); do [ -s "$RS/http.port" ] && return 0; sleep 0.05; done
	return 1
}

# The shipped configuration on this test's log, mail server and receiver.
start_alerts() {
	sed -e "s|/var/log/sipgate-webhook/events.jsonl|$LOG|" \
		-e "s|port=\"25\"|port=\"$SMTP_PORT\"|" \
		-e "s|/usr/local/share/sipgate-webhook/apprise-alert /etc/sipgate-webhook/apprise.yml|$TOP/contrib/apprise-alert $RS/apprise.yml|" \
		"$TOP/contrib/rsyslog-alerts.conf" | start_rsyslog alerts
	# imfile starts at the end of the log: let it see the log first.
	sleep 1
}

# call ID CAUSE [FROM] [NEWCALL-EXTRA]: a call's newCall and its hangup,
# through the CGI, with the facts the newCall's reply put into the URL.
call() {
	local id=$1 cause=$2 from=${3:-49211123456} q
	post "event=newCall&direction=in&from=$from&to=4921199&callId=$id&user%5B%5D=Alice&user%5B%5D=Bob${4:-}" \
		SIPGATE_STATE_KEY="$KEY" SIPGATE_PHONEBOOK="$T/book" SIPGATE_LOG="${CALL_LOG:-$LOG}" \
		SIPGATE_WEBHOOK_URL=https://pbx.example/hook SIPGATE_NOW=@1764752100
	assert_status 200
	q=$(sed -n 's/.*onHangup="https:\/\/pbx.example\/hook?\([^"]*\)".*/\1/p' "$T/body" | sed 's/&amp;/\&/g')
	post "event=hangup&cause=$cause&callId=$id&from=$from&to=4921199&direction=in" \
		SIPGATE_STATE_KEY="$KEY" SIPGATE_PHONEBOOK="$T/book" SIPGATE_LOG="${CALL_LOG:-$LOG}" \
		SIPGATE_NOW=@1764752125 QUERY_STRING="$q"
	assert_status 200
}

mails() {
	find "$RS/mail/new" -type f 2> /dev/null | wc -l
}

posts() {
	wc -l < "$RS/posts"
}

# arrived N [SECONDS]: waits until N mails and N posts are there.
arrived() {
	local i
	for i in $(seq $((${2:-20} * 10))); do
		[ "$(mails)" -ge "$1" ] && [ "$(posts)" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "waited for $1: $(mails) mails, $(posts) posts" >&2; cut -c1-200 "$RS/posts" >&2; grep -h "^Subject" "$RS"/mail/new/* >&2
	cat "$RS/alerts/out" >&2
	return 1
}

# settled N: N of each arrived, and no more come in the next 2 s (a
# message follows its call within a fraction of a second here).
settled() {
	arrived "$1"
	sleep 2
	assert_equal "$(mails)" "$1"
	assert_equal "$(posts)" "$1"
}

@test "a missed call: one mail and one apprise message, with the name, number, time, line, users and a tel: link" {
	call A cancel
	settled 1
	run cat "$RS"/mail/new/*
	assert_output --partial "Subject: Missed call from Dr. Weber (+49211123456)"
	assert_output --partial "Ended:  2025-12-03 08:55:25 UTC after 25.0 s"
	assert_output --partial "Line:   +4921199"
	assert_output --partial "Rang:   Alice, Bob"
	assert_output --partial "Nobody answered (cancel)."
	assert_output --partial "Call back: tel:+49211123456"
	run jq -r '.title + "|" + .message' "$RS/posts"
	assert_output --partial "Missed call from Dr. Weber (+49211123456)|Caller: Dr. Weber (+49211123456)"
	assert_output --partial "Call back: tel:+49211123456"
}

@test "answered, forwarded and outgoing legs give none; the voicemail leg gives one that says so" {
	call A normalClearing
	call B forwarded
	post 'event=hangup&cause=cancel&callId=C&from=4921199&to=49211123456&direction=out' SIPGATE_LOG="$LOG"
	call D normalClearing 4930555 '&user%5B%5D=voicemail'
	settled 1
	run cat "$RS"/mail/new/*
	assert_output --partial "Subject: Voicemail from +4930555"
	assert_output --partial "The call went to the voicemail."
	refute_output --partial "Dr. Weber"
}

@test "an anonymous caller: the message says the number was withheld and has no tel: link" {
	call A noAnswer anonymous
	settled 1
	run cat "$RS"/mail/new/*
	assert_output --partial "Subject: Missed call from no number"
	assert_output --partial "The caller withheld the number."
	refute_output --partial "tel:"
}

@test "the same hangup pushed twice gives one message" {
	call A cancel
	tail -n 1 "$LOG" >> "$LOG"
	settled 1
}

@test "the mail server away for a minute, the chat service for half of it: each message waits and arrives once" {
	local stopped left
	stopped=$(date +%s)
	stop_smtp
	touch "$RS/posts.down"
	call A cancel
	call B busy
	sleep 30
	assert_equal "$(posts)" 0
	rm "$RS/posts.down"
	# apprise's queue is not held up by the mail's.
	for _ in $(seq 300); do [ "$(posts)" -ge 2 ] && break; sleep 0.1; done
	assert_equal "$(posts)" 2
	left=$((stopped + 60 - $(date +%s)))
	[ "$left" -le 0 ] || sleep "$left"
	assert_equal "$(mails)" 0
	start_smtp
	settled 2
}

@test "rsyslog restarted in the middle, with mail waiting in its queue: every message arrives, none twice" {
	stop_smtp
	call A cancel 4930001
	call B cancel 4930002
	sleep 2
	stop_rsyslog alerts
	call C cancel 4930003
	call D cancel 4930004
	restart_rsyslog alerts
	call E cancel 4930005
	sleep 2
	start_smtp
	settled 5
	# Five calls from five numbers: each once by mail and once by apprise.
	run sh -c "grep -h '^Subject:' $RS/mail/new/* | sort -u | wc -l"
	assert_output 5
	run sh -c "jq -r .title $RS/posts | sort -u | wc -l"
	assert_output 5
}

@test "a wave of 200 missed calls: 10 messages and one saying that more are held back, each way" {
	local i now
	# The cap counts in 10-minute windows: not across the turn of one.
	now=$(date +%s)
	[ $((now % 600)) -lt 560 ] || sleep $((600 - now % 600 + 1))
	# The program's records for 200 calls, written aside, then appended at once.
	for i in $(seq 200); do
		CALL_LOG=$T/wave call "W$i" cancel "4930$((1000 + i))"
	done
	cat "$T/wave" >> "$LOG"
	settled 11
	run sh -c "grep -l '^Subject: More missed calls: messages held back' $RS/mail/new/* | wc -l"
	assert_output 1
	assert_equal "$(jq -r .title "$RS/posts" | grep -c '^Missed call from')" 10
}
