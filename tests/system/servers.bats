#!/usr/bin/env bats
# The shipped apache-example.conf and nginx-fcgiwrap.conf under private
# Apache (mod_cgid) and nginx + fcgiwrap instances on 127.0.0.1, and the
# FastCGI mode behind both (contrib/: nginx with fastcgi_pass to the program
# started by spawn-fcgi, Apache mod_proxy_fcgi to the program started by
# systemd-socket-activate, the systemd unit's settings).  Each runs twice: "strict" exactly as shipped (signature required) and
# "open" with SIPGATE_SIGNATURE=off, for the documentation's unsigned bodies.

load ../helpers
load ../lib/servers

SERVERS="apache nginx apache_fcgi nginx_fcgi"

# start_instance NAME SERVER MODE [RULES]: exports NAME_PORT, NAME_DIR, NAME_LOG.
start_instance() {
	local name=$1 server=$2
	SRV_PROGRAM_PID=
	SRV_TOP=$TOP SRV_SIGNATURE=$3 SRV_LOG= SRV_RULES=${4:-}
	srv_prepare || return 1
	local port
	port=$(srv_free_port)
	echo "$SRV_DIR" >> "$BATS_FILE_TMPDIR/instances"
	srv_start_"$server" "$port" || return 1
	printf 'export %s_PORT=%s %s_DIR=%s %s_LOG=%s %s_PROGRAM=%s\n' \
		"$name" "$port" "$name" "$SRV_DIR" "$name" "$SRV_LOG" \
		"$name" "${SRV_PROGRAM_PID:-}" >> "$BATS_FILE_TMPDIR/env"
}

setup_file() {
	: > "$BATS_FILE_TMPDIR/env"
	: > "$BATS_FILE_TMPDIR/instances"
	# The open instances run with call rules that touch only one caller.
	mkdir "$BATS_FILE_TMPDIR/rules"
	printf '%s\n' 'version 1' 'list spam file spam.txt' 'when from @spam do reject busy' 'end' \
		> "$BATS_FILE_TMPDIR/rules/rules"
	printf '0199 99999\n' > "$BATS_FILE_TMPDIR/rules/spam.txt"
	for s in $SERVERS; do
		if ! srv_have_"$s"; then
			[ "${CI:-}" != true ] || { echo "$s is not installed, and CI=true" >&2; return 1; }
			continue
		fi
		start_instance "${s}_strict" "$s" require
		start_instance "${s}_open" "$s" off "$BATS_FILE_TMPDIR/rules/rules"
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
	. "$BATS_FILE_TMPDIR/env"
	RUN=
	for s in $SERVERS; do
		eval "[ -n \"\${${s}_strict_PORT:-}\" ]" && RUN="$RUN $s"
	done
	[ -n "$RUN" ] || skip "neither Apache nor nginx is installed"
}

# url SERVER KIND: the webhook URL of that instance.
url() { eval "echo http://127.0.0.1:\$${1}_${2}_PORT/sipgate"; }
logfile() { eval "echo \$${1}_${2}_LOG"; }
errlog() {
	case $1 in
	*_fcgi) eval "cat \$${1}_${2}_DIR/program-error.log \$${1}_${2}_DIR/${1%_fcgi}-error.log" ;;
	*) eval "cat \$${1}_${2}_DIR/$1-error.log" ;;
	esac
}

# request [curl args]: sets CODE, leaves headers in $T/h and the body in $T/b.
request() {
	CODE=$(curl -s --max-time 20 -o "$T/b" -D "$T/h" -w '%{http_code}' "$@")
}

form_post() {
	request -H 'Content-Type: application/x-www-form-urlencoded' "$@"
}

count_lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }

resp_header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }

@test "the documentation's four sample bodies through each server" {
	for s in $RUN; do
		n0=$(count_lines "$(logfile "$s" open)")
		for body in \
		    'event=newCall&from=492111234567&to=4915791234567&direction=in&callId=123456&user[]=Alice&user[]=Bob&userId[]=w0&userId[]=w1&fullUserId[]=1234567w0&fullUserId[]=1234567w1' \
		    'event=answer&callId=123456&user=John+Doe&userId=w0&fullUserId=1234567w0&from=492111234567&to=4915791234567&direction=in&answeringNumber=21199999999' \
		    'event=hangup&cause=normalClearing&callId=123456&from=492111234567&to=4915791234567&direction=in&answeringNumber=4921199999999' \
		    'event=dtmf&dtmf=1&callId=123456'; do
			form_post --data-binary "$body" "$(url "$s" open)"
			assert_equal "$s $CODE" "$s 200"
			assert_equal "$(resp_header Content-Type)" "application/xml; charset=utf-8"
			ev=${body#event=}; ev=${ev%%&*}
			assert_equal "$(tail -n 1 "$(logfile "$s" open)" | jq -r .event)" "$ev"
			if [ "$ev" = newCall ] || [ "$ev" = dtmf ]; then
				u=$(url "$s" open)
				assert_equal "$(tail -n 1 "$T/b")" "<Response onAnswer=\"$u\" onHangup=\"$u\"/>"
			else
				assert_equal "$(tail -n 1 "$T/b")" "<Response/>"
			fi
		done
		assert_equal "$(tail -n 4 "$(logfile "$s" open)" | jq -c '.params.user' | head -n 2 | tr '\n' ' ')" '["Alice","Bob"] "John Doe" '
		assert_equal "$(check_jsonl "$(logfile "$s" open)")" $((n0 + 4))
	done
}

@test "the real signed request, with its header, through the servers as shipped" {
	for s in $RUN; do
		form_post -H "X-Sipgate-Signature: $(cat "$FIXTURES/signed-newcall.sig")" \
			--data-binary @"$FIXTURES/signed-newcall.body" "$(url "$s" strict)"
		assert_equal "$s $CODE" "$s 200"
		assert_equal "$(resp_header Content-Type)" "application/xml; charset=utf-8"
		u=$(url "$s" strict)
		assert_equal "$(tail -n 1 "$T/b")" "<Response onAnswer=\"$u\" onHangup=\"$u\"/>"
		rec=$(tail -n 1 "$(logfile "$s" strict)")
		assert_equal "$(jq -r .signature <<< "$rec")" valid
		assert_equal "$(jq -r .remote_addr <<< "$rec")" 127.0.0.1
		assert_equal "$(jq -r .params.xcid <<< "$rec")" 8419b3450b75cd19
	done
}

@test "an unsigned or forged request is 403 through the servers as shipped" {
	for s in $RUN; do
		n0=$(count_lines "$(logfile "$s" strict)")
		form_post --data-binary 'event=newCall&callId=forged' "$(url "$s" strict)"
		assert_equal "$s $CODE" "$s 403"
		assert_equal "$(cat "$T/b")" "forbidden: no X-Sipgate-Signature header"
		form_post -H "X-Sipgate-Signature: $(cat "$FIXTURES/signed-newcall.sig")" \
			--data-binary 'event=newCall&callId=forged' "$(url "$s" strict)"
		assert_equal "$s $CODE" "$s 403"
		assert_equal "$(count_lines "$(logfile "$s" strict)")" "$n0"
		# The reason reached the server's error log.
		run errlog "$s" strict
		assert_output --partial "forbidden: X-Sipgate-Signature does not match the body"
	done
}

@test "GET and HEAD are the health check through the servers" {
	for s in $RUN; do
		request "$(url "$s" strict)"
		assert_equal "$s $CODE" "$s 200"
		assert_equal "$(cat "$T/b")" "$HEALTH_OK"
		request -I "$(url "$s" strict)"
		assert_equal "$s $CODE" "$s 200"
	done
}

@test "405, 415 and 411 through the servers" {
	for s in $RUN; do
		form_post -X PUT --data-binary 'event=x' "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 405"
		assert_equal "$(resp_header Allow)" "GET, HEAD, POST"
		request -H 'Content-Type: text/plain' --data-binary 'event=x' "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 415"
		request -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 411"
	done
}

@test "a chunked POST: a clean 411 from Apache's CGI, dechunked by nginx and mod_proxy_fcgi" {
	for s in $RUN; do
		form_post -H 'Transfer-Encoding: chunked' --data-binary 'event=dtmf&dtmf=7' "$(url "$s" open)"
		case $s in
		apache)
			# mod_cgid passes no CONTENT_LENGTH for a chunked body.
			assert_equal "$s $CODE" "$s 411"
			assert_equal "$(cat "$T/b")" "a Content-Length is required"
			;;
		nginx | nginx_fcgi | apache_fcgi)
			# nginx and mod_proxy_fcgi read the whole body first and pass its length.
			assert_equal "$s $CODE" "$s 200"
			assert_equal "$(tail -n 1 "$(logfile "$s" open)" | jq -r .params.dtmf)" 7
			;;
		*)
			echo "no expectation for $s" >&2
			return 1
			;;
		esac
	done
}

@test "a 1 MiB body is answered 413 cleanly" {
	head -c 1048576 /dev/zero | tr '\0' a > "$T/big"
	for s in $RUN; do
		n0=$(count_lines "$(logfile "$s" open)")
		form_post --data-binary @"$T/big" "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 413"
		assert_equal "$(count_lines "$(logfile "$s" open)")" "$n0"
	done
}

@test "a body just over the program's limit is 413 through the servers" {
	head -c 65537 /dev/zero | tr '\0' a > "$T/over"
	for s in $RUN; do
		form_post --data-binary @"$T/over" "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 413"
	done
}

@test "200 concurrent POSTs: no lost or torn log lines" {
	for s in $RUN; do
		log=$(logfile "$s" open)
		n0=$(count_lines "$log")
		u=$(url "$s" open)
		seq 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
			-H 'Content-Type: application/x-www-form-urlencoded' \
			--data-binary "event=newCall&callId=c{}&pad=$(head -c 2000 /dev/zero | tr '\0' p)" \
			"$u" > "$T/codes"
		assert_equal "$s $(sort "$T/codes" | uniq -c | sed 's/^ *//')" "$s 200 200"
		assert_equal "$(check_jsonl "$log")" $((n0 + 200))
		assert_equal "$(tail -n 200 "$log" | jq -r .params.callId | sort -u | wc -l)" 200
	done
}

@test "the derived follow-up URL is the URL curl used" {
	for s in $RUN; do
		port=$(eval "echo \$${s}_open_PORT")
		for u in "http://127.0.0.1:$port/sipgate" "http://localhost:$port/sipgate"; do
			form_post --data-binary 'event=newCall&callId=1' "$u"
			assert_equal "$s $CODE" "$s 200"
			assert_equal "$(tail -n 1 "$T/b")" "<Response onAnswer=\"$u\" onHangup=\"$u\"/>"
		done
	done
}

@test "call rules through the servers: the reply steers the call, the decision is logged" {
	for s in $RUN; do
		form_post --data-binary 'event=newCall&direction=in&from=4919999999&callId=spam' "$(url "$s" open)"
		assert_equal "$s $CODE" "$s 200"
		u=$(url "$s" open)
		assert_equal "$(tail -n 1 "$T/b")" "<Response onAnswer=\"$u\" onHangup=\"$u\"><Reject reason=\"busy\"/></Response>"
		assert_equal "$(tail -n 1 "$(logfile "$s" open)" | jq -c .rule)" '{"line":3,"action":"reject"}'
	done
}

@test "apache-example.conf with its basic-auth lines uncommented: 401 without credentials, 200 with" {
	srv_have_apache || skip "Apache is not installed"
	# Exactly what its comment says to do: uncomment the four lines.
	sed -e 's/^    #\(AuthType\|AuthName\|AuthUserFile\|Require valid-user\)/    \1/' \
		"$TOP/apache-example.conf" > "$T/auth.conf"
	# Four in /sipgate's block (the calls page's block has its own, always on).
	assert_equal "$(sed -n '/^<Location \/sipgate>$/,/^<\/Location>$/p' "$T/auth.conf" |
		grep -c -e '^    AuthType Basic$' -e '^    AuthName ' -e '^    AuthUserFile ' -e '^    Require valid-user$')" 4
	SRV_TOP=$TOP SRV_SIGNATURE=off SRV_LOG= SRV_RULES=
	srv_prepare
	echo "$SRV_DIR" >> "$BATS_FILE_TMPDIR/instances"
	sed -i "s|/etc/apache2/sipgate.htpasswd|$SRV_DIR/htpasswd|" "$T/auth.conf"
	echo "sipgate:$(openssl passwd -apr1 s3cret)" > "$SRV_DIR/htpasswd"
	chmod 0644 "$SRV_DIR/htpasswd"
	port=$(srv_free_port)
	srv_apache "$port" "$T/auth.conf" alias cgid
	u="http://127.0.0.1:$port/sipgate"
	form_post --data-binary 'event=hangup&callId=1' "$u"
	assert_equal "$CODE" 401
	form_post -u sipgate:wrong --data-binary 'event=hangup&callId=1' "$u"
	assert_equal "$CODE" 401
	form_post -u sipgate:s3cret --data-binary 'event=hangup&callId=1' "$u"
	assert_equal "$CODE" 200
	assert_equal "$(check_jsonl "$SRV_LOG")" 1
}

@test "a query string is never an option: GET /sipgate?--check+/etc/passwd is the health check" {
	for s in $RUN; do
		for k in strict open; do
			request "$(url "$s" "$k")?--check+/etc/passwd"
			assert_equal "$s $CODE" "$s 200"
			assert_equal "$(cat "$T/b")" "$HEALTH_OK"
			request "$(url "$s" "$k")?--explain+/etc/passwd+--at+@0+x"
			assert_equal "$(cat "$T/b")" "$HEALTH_OK"
			request "$(url "$s" "$k")?--version"
			assert_equal "$(cat "$T/b")" "$HEALTH_OK"
		done
	done
}

# --- FastCGI mode only ---

fcgi_servers() { for s in $RUN; do case $s in *_fcgi) echo "$s" ;; esac; done; }
program_pid() { eval "echo \$${1}_${2}_PROGRAM"; }
workers_of() { pgrep -P "$(program_pid "$1" "$2")" | sort -n; }
wait_workers() {
	local i
	for i in $(seq 100); do
		[ "$(workers_of "$1" "$2" | wc -l)" = "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# load_through SERVER KIND N: N POSTs, 8 at a time; their codes in $T/codes.
load_through() {
	seq "$3" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "event=newCall&callId=load{}" "$(url "$1" "$2")" > "$T/codes"
}

# The connections the workers of SERVER hold, one socket per line: their
# sockets but those the master holds too (the listening one).
held_connections() {
	local w
	socket_links "$(program_pid "$1" open)" > "$T/master-sockets"
	for w in $(workers_of "$1" open); do
		socket_links "$w"
	done | grep -vxF -f "$T/master-sockets" | sort
}
socket_links() { find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2> /dev/null; }

@test "FastCGI: the servers keep their connections to the program open" {
	[ -n "$(fcgi_servers)" ] || skip "no FastCGI instance"
	for s in $(fcgi_servers); do
		# Earlier tests may have filled the server's pool (200 concurrent
		# requests leave Apache up to ThreadsPerChild per process), so what
		# counts is what these requests add, not how many are held.
		held_connections "$s" > "$T/before"
		for i in $(seq 30); do
			form_post --data-binary "event=dtmf&dtmf=1&callId=kept$i" "$(url "$s" open)"
			assert_equal "$s $CODE" "$s 200"
		done
		held_connections "$s" > "$T/after"
		kept=$(wc -l < "$T/after")
		added=$(comm -13 "$T/before" "$T/after" | wc -l)
		echo "$s: $kept held after 30 requests, $added of them new" >&3
		[ "$kept" -ge 1 ]
		# Sequential requests reuse what is open: a new connection for each
		# request left open would add 30.
		[ "$added" -le 10 ]
	done
}

@test "FastCGI: a worker killed under load is replaced; every 200 is logged, the rest are 5xx" {
	[ -n "$(fcgi_servers)" ] || skip "no FastCGI instance"
	for s in $(fcgi_servers); do
		log=$(logfile "$s" open)
		n0=$(count_lines "$log")
		wait_workers "$s" open 2
		load_through "$s" open 400 &
		load=$!
		sleep 0.4
		victim=$(workers_of "$s" open | head -n 1)
		kill -KILL "$victim"
		wait "$load"
		ok=$(grep -c '^200$' "$T/codes")
		assert_equal "$s $(wc -l < "$T/codes")" "$s 400"
		assert_equal "$s $(grep -v -c -e '^200$' -e '^5[0-9][0-9]$' "$T/codes")" "$s 0"
		logged=$(( $(check_jsonl "$log") - n0 ))
		[ "$logged" -ge "$ok" ]
		[ "$logged" -le $((ok + 1)) ]
		wait_workers "$s" open 2
		run workers_of "$s" open
		refute_line "$victim"
		run errlog "$s" open
		assert_output --partial "worker $victim was killed by signal 9; starting another"
	done
}

# Last: it stops the programs.
@test "FastCGI: SIGTERM under load: every 200 is logged and the program ends" {
	[ -n "$(fcgi_servers)" ] || skip "no FastCGI instance"
	for s in $(fcgi_servers); do
		log=$(logfile "$s" open)
		n0=$(count_lines "$log")
		load_through "$s" open 400 &
		load=$!
		sleep 0.4
		kill -TERM "$(program_pid "$s" open)"
		wait "$load"
		ok=$(grep -c '^200$' "$T/codes")
		[ "$ok" -gt 0 ]
		assert_equal "$s $(grep -v -c -e '^200$' -e '^5[0-9][0-9]$' "$T/codes")" "$s 0"
		assert_equal "$s $(( $(check_jsonl "$log") - n0 ))" "$s $ok"
		for i in $(seq 100); do kill -0 "$(program_pid "$s" open)" 2> /dev/null || break; sleep 0.1; done
		run kill -0 "$(program_pid "$s" open)"
		assert_failure
	done
}
