#!/usr/bin/env bats
# Several web servers, one log: contrib/rsyslog-sender.conf on two private
# web servers (Apache and nginx, as in tests/system/servers.bats) ships each log
# over RELP to contrib/rsyslog-collector.conf, all on 127.0.0.1 with their
# own ports and work directories.  1,000 events go through each server
# while the collector is stopped and started again and one sender's log is
# rotated; then every event must be in the collector's file, as written.

load ../helpers
load ../lib/servers
load ../lib/rsyslog

# rsyslogd and its RELP output module (Debian's rsyslog-relp).
have_relp() {
	local m
	command -v rsyslogd > /dev/null || return 1
	for m in /usr/lib/*/rsyslog/omrelp.so /usr/lib/rsyslog/omrelp.so; do
		[ -f "$m" ] && return 0
	done
	return 1
}

setup_file() {
	if ! have_relp || ! srv_have_apache || ! srv_have_nginx; then
		[ "${CI:-}" != true ] || { echo "rsyslog, rsyslog-relp, apache2 or nginx missing, and CI=true" >&2; return 1; }
	fi
}

setup() {
	common_setup
	have_relp || skip "rsyslog and rsyslog-relp are not installed"
	srv_have_apache && srv_have_nginx || skip "Apache and nginx are both needed"
	RS=$(mktemp -d /tmp/sipgate-rsyslog.XXXXXX)
	RELP_PORT=$(srv_free_port)
	SERVER_DIRS=
}

teardown() {
	local d
	kill_rsyslogs
	for d in $SERVER_DIRS; do
		SRV_DIR=$d srv_stop
		rm -rf "$d"
	done
	rm -rf "$RS"
}

start_collector() {
	sed -e "s|/var/log/sipgate-webhook/all-events.jsonl|$RS/collector/all-events.jsonl|" \
		-e "s|port=\"2514\"|port=\"$RELP_PORT\"|" "$TOP/contrib/rsyslog-collector.conf" | start_rsyslog collector
}

# start_server NAME SERVER: a private web server whose log a sender ships.
start_server() {
	local name=$1 server=$2 port
	SRV_TOP=$TOP SRV_SIGNATURE=off SRV_LOG= SRV_RULES=
	srv_prepare || return 1
	SERVER_DIRS="$SERVER_DIRS $SRV_DIR"
	port=$(srv_free_port)
	srv_start_"$server" "$port" || return 1
	eval "${name}_URL=http://127.0.0.1:$port/sipgate ${name}_LOG=$SRV_LOG ${name}_USER=${SRV_USER:-}"
	sed -e "s|/var/log/sipgate-webhook/events.jsonl|$SRV_LOG|" -e "s|collector.example.org|127.0.0.1|" \
		-e "s|port=\"2514\"|port=\"$RELP_PORT\"|" "$TOP/contrib/rsyslog-sender.conf" | start_rsyslog "$name"
}

# send NAME FROM TO: calls FROM..TO through that server, a newCall and a
# hangup each, in one curl.
send() {
	local name=$1 url i
	eval "url=\$${name}_URL"
	: > "$RS/curl-$name"
	for i in $(seq "$2" "$3"); do
		printf 'url = "%s"\ndata = "event=newCall&direction=in&from=4930%s&callId=%s-%s"\nheader = "Content-Type: application/x-www-form-urlencoded"\noutput = "/dev/null"\nnext\n' \
			"$url" "$i" "$name" "$i" >> "$RS/curl-$name"
		printf 'url = "%s"\ndata = "event=hangup&cause=cancel&callId=%s-%s"\nheader = "Content-Type: application/x-www-form-urlencoded"\noutput = "/dev/null"\nnext\n' \
			"$url" "$name" "$i" >> "$RS/curl-$name"
	done
	sed -i '$d' "$RS/curl-$name"	# no "next" after the last request
	timeout 120 curl -s --max-time 10 -K "$RS/curl-$name"
}

@test "two web servers, one collector: nothing lost through a collector restart and a rotation" {
	start_collector
	start_server a apache
	start_server b nginx
	send a 1 250
	send b 1 250
	# The collector goes away mid-run; the senders keep what it did not take.
	stop_rsyslog collector
	send a 251 375
	send b 251 375
	# Rotate a's log as the logrotate sample does: rename, create.
	mv "$a_LOG" "$a_LOG.1"
	install -m 0640 /dev/null "$a_LOG"
	[ -z "$a_USER" ] || chown "$a_USER" "$a_LOG"
	send a 376 500
	start_collector
	send b 376 500
	# Every line of both logs, rotated file included, must arrive.
	cat "$a_LOG.1" "$a_LOG" "$b_LOG" | sort -u > "$RS/sent"
	assert_equal "$(wc -l < "$RS/sent" | tr -d ' ')" 2000
	for _ in $(seq 600); do
		[ -f "$RS/collector/all-events.jsonl" ] &&
			[ "$(sort -u "$RS/collector/all-events.jsonl" | wc -l)" -ge 2000 ] && break
		sleep 0.1
	done
	sort -u "$RS/collector/all-events.jsonl" > "$RS/received"
	# Nothing lost, nothing changed: the same lines, byte for byte.
	run comm -3 "$RS/sent" "$RS/received"
	assert_output ""
	assert_equal "$(check_jsonl "$RS/collector/all-events.jsonl")" "$(wc -l < "$RS/collector/all-events.jsonl" | tr -d ' ')"
	total=$(wc -l < "$RS/collector/all-events.jsonl" | tr -d ' ')
	echo "collector: $total lines for 2000 events, $((total - 2000)) resent by RELP" >&3
	# calls.jq reads the merged file: each call once, duplicates collapsed.
	jq -c -n -f "$TOP/contrib/calls.jq" "$RS/collector/all-events.jsonl" > "$RS/calls"
	assert_equal "$(wc -l < "$RS/calls" | tr -d ' ')" 1000
	assert_equal "$(jq -r .outcome "$RS/calls" | sort | uniq -c | tr -s ' ')" " 1000 missed"
	assert_equal "$(jq -r .callId "$RS/calls" | sort -u | wc -l | tr -d ' ')" 1000
}

@test "a torn line a killed writer left, ended by the next writer: the sender ships each line once" {
	start_collector
	start_server a apache
	send a 1 4
	collected 8
	# What a writer killed mid-write leaves; the sender has read it too.
	printf '{"received":"2026-11-26T10:00:00.000Z","event":"newCall","params":{"callId":"to' >> "$a_LOG"
	sleep 1
	send a 5 5
	collected 11
	assert_equal "$(sort "$RS/collector/all-events.jsonl" | uniq -d)" ""
	assert_equal "$(check_jsonl --torn "$RS/collector/all-events.jsonl")" "10 1"
	jq -c -n -R -f "$TOP/contrib/calls.jq" "$RS/collector/all-events.jsonl" > "$RS/calls" 2> /dev/null
	assert_equal "$(jq -r .callId "$RS/calls" | sort | tr '\n' ' ')" "a-1 a-2 a-3 a-4 a-5 "
}

# collected N: waits up to 10 s for the collector's file to hold N lines,
# then asserts it holds exactly N.
collected() {
	for _ in $(seq 100); do
		[ "$(cat "$RS/collector/all-events.jsonl" 2> /dev/null | wc -l)" -ge "$1" ] && break
		sleep 0.1
	done
	assert_equal "$(wc -l < "$RS/collector/all-events.jsonl" | tr -d ' ')" "$1"
}

@test "the collector's file rotated with the shipped logrotate file: rsyslog writes into the new one" {
	start_collector
	start_server a apache
	send a 1 5
	collected 10
	# The shipped rotation, for this collector: its file, its rsyslogd (the
	# HUP rsyslog-rotate sends the system's), run as root here.
	sed -e "s|/var/log/sipgate-webhook/all-events.jsonl|$RS/collector/all-events.jsonl|" \
		-e "s|/usr/lib/rsyslog/rsyslog-rotate|kill -HUP \$(cat $RS/collector/pid)|" \
		-e "s|create 0640 root adm|create 0640|" \
		"$TOP/contrib/sipgate-webhook-collector.logrotate" > "$RS/logrotate.conf"
	grep -q 'kill -HUP' "$RS/logrotate.conf"
	logrotate -f -s "$RS/logrotate.state" "$RS/logrotate.conf"
	[ -f "$RS/collector/all-events.jsonl.1" ]
	send a 6 10
	collected 10
	assert_equal "$(wc -l < "$RS/collector/all-events.jsonl.1" | tr -d ' ')" 10
	run grep -c '"callId":"a-[6-9]\|"callId":"a-10"' "$RS/collector/all-events.jsonl"
	assert_output 10
}
