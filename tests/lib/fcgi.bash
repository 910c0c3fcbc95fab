# FastCGI mode, started the way spawn-fcgi starts it (fd 0 a listening unix
# socket) or systemd-socket-activate (LISTEN_FDS), and spoken to with
# build/tools/fcgi-client.  Needs helpers.bash loaded first.

FCGI_CLIENT="$TOOLS/fcgi-client"

fcgi_have() { command -v spawn-fcgi > /dev/null && command -v systemd-socket-activate > /dev/null; }

# In a test's setup: skips without the launchers, or fails when CI=true.
fcgi_require() {
	fcgi_have && return 0
	[ "${CI:-}" != true ] || { echo "spawn-fcgi or systemd-socket-activate is missing, and CI=true" >&2; return 1; }
	skip "spawn-fcgi and systemd-socket-activate are needed"
}

# fcgi_start [VAR=value ...]: the program on $T/fcgi.sock, started by
# spawn-fcgi with a settings environment the arguments extend.  FCGI_PID
# is the master; its stderr goes to $T/fcgi.err.
fcgi_start() {
	fcgi_launch ${FCGI_WRAP:-} spawn-fcgi -n -s "$T/fcgi.sock" -- "$@"
}

# fcgi_start_activated [VAR=value ...]: the same through systemd's
# LISTEN_FDS protocol.
fcgi_start_activated() {
	fcgi_launch systemd-socket-activate -l "$T/fcgi.sock" -E SIPGATE_LOG -E SIPGATE_SIGNATURE \
		-E SIPGATE_SYNC -E SIPGATE_WORKERS -E ASAN_OPTIONS -- "$@"
}

fcgi_launch() {
	local launcher=() vars=() i
	while [ "$1" != -- ]; do launcher+=("$1"); shift; done
	shift
	vars=("$@")
	rm -f "$T/fcgi.sock"
	env -i PATH="$PATH" SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 \
		SIPGATE_WORKERS=2 ASAN_OPTIONS="${ASAN_OPTIONS:-}" "${vars[@]}" \
		setsid "${launcher[@]}" "$PROG" > "$T/fcgi.out" 2> "$T/fcgi.err" &
	FCGI_PID=$!
	echo "$FCGI_PID" >> "$T/fcgi.pids"
	for i in $(seq 100); do [ -S "$T/fcgi.sock" ] && return 0; sleep 0.05; done
	cat "$T/fcgi.err" >&2
	return 1
}

# The master's workers, one PID a line.
fcgi_workers() { pgrep -P "$FCGI_PID" | sort -n; }

# Waits until the master has n workers.
fcgi_wait_workers() {
	local i
	for i in $(seq 100); do
		[ "$(fcgi_workers | wc -l)" = "$1" ] && return 0
		sleep 0.05
	done
	echo "expected $1 workers, saw: $(fcgi_workers | tr '\n' ' ')" >&2
	return 1
}

# fcgi_stop: SIGTERM to the master; waits for it (at most 10 s); FCGI_RC.
fcgi_stop() {
	local i
	kill -TERM "$FCGI_PID" 2> /dev/null || true
	for i in $(seq 200); do kill -0 "$FCGI_PID" 2> /dev/null || break; sleep 0.05; done
	FCGI_RC=0
	wait "$FCGI_PID" || FCGI_RC=$?
}

# Kills whatever a test left running (its own process groups only).
fcgi_teardown() {
	local pid
	[ -f "$T/fcgi.pids" ] || return 0
	while read -r pid; do
		kill -KILL -- "-$pid" 2> /dev/null
		wait "$pid" 2> /dev/null || true
	done < "$T/fcgi.pids"
	rm -f "$T/fcgi.pids"
}

# The variables nginx's fastcgi_params would send for a POST to /sipgate.
fcgi_vars() {
	echo GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REQUEST_METHOD=POST \
		CONTENT_TYPE=application/x-www-form-urlencoded SERVER_NAME=hooks.example.org \
		SERVER_PORT=443 HTTPS=on SCRIPT_NAME=/sipgate REMOTE_ADDR=217.116.118.254
}

# fcgi_request [NAME=VALUE ...] < body: one request, with the client
# options in FCGI_OPTS; sets CGI_STATUS, leaves the headers in $T/headers,
# the body in $T/body and the FCGI_STDERR stream in $T/stderr (its last
# line is the client's "end app=A status=S").
fcgi_request() {
	# shellcheck disable=SC2086
	"$FCGI_CLIENT" ${FCGI_OPTS:-} "$T/fcgi.sock" "$@" > "$T/out" 2> "$T/stderr"
	FCGI_CLIENT_RC=$?
	split_response "$T/out"
}

# fcgi_post BODY [NAME=VALUE ...]: a POST as nginx would send it; the
# arguments add to or override its variables.
fcgi_post() {
	local body=$1
	shift
	printf '%s' "$body" > "$T/request"
	# shellcheck disable=SC2046
	fcgi_request $(fcgi_vars) CONTENT_LENGTH="$(wc -c < "$T/request" | tr -d ' ')" "$@" < "$T/request"
}

# Records by hand, for the tests that send what fcgi-client would not.
FCGI_BEGIN_REQUEST=1 FCGI_PARAMS=4 FCGI_STDIN=5 FCGI_GET_VALUES=9
# fcgi_record TYPE ID CONTENT: one record, version 1, no padding; CONTENT
# is a printf format (octal escapes such as \000 allowed).
fcgi_record() {
	local len
	len=$(printf "$3" | wc -c)
	printf "\\001\\$(printf %03o "$1")\\$(printf %03o $(($2 >> 8)))\\$(printf %03o $(($2 & 255)))"
	printf "\\$(printf %03o $((len >> 8)))\\$(printf %03o $((len & 255)))\\000\\000"
	printf "$3"
}

# fcgi_begin ID: FCGI_BEGIN_REQUEST for the responder role, without KEEP_CONN.
fcgi_begin() {
	fcgi_record $FCGI_BEGIN_REQUEST "$1" '\000\001\000\000\000\000\000\000'
}

# fcgi_pair NAME VALUE: one name-value pair (both shorter than 128 bytes),
# as a CONTENT for fcgi_record.
fcgi_pair() {
	printf '\\%03o\\%03o%s%s' ${#1} ${#2} "$1" "$2"
}
