# Shared by every bats file: runs the CGI the way a web server does (a clean
# environment, the body on stdin) and splits what it printed.

# This file is tests/helpers.bash, whichever folder the test is in.
TOP="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
PROG="${PROG:-$TOP/cgi-bin/sipgate-webhook}"
TOOLS="$TOP/build/tools"
FIXTURES="$TOP/tests/fixtures"

# What the program was built with, as build/facts says: its bounds (make
# check shortens them), in the units the tests wait in, and whether it has
# the system-call filter (not in the sanitizers' and valgrind's builds) and
# Landlock (not in valgrind's).
CGI_READ_MS=5000 FCGI_REQUEST_MS=5000 LOG_LOCK_SECONDS=8 SECCOMP=1 SANDBOX=1
# shellcheck disable=SC1091
[ ! -s "$TOP/build/facts" ] || . "$TOP/build/facts"
BODY_SECONDS=$((CGI_READ_MS / 1000))
# The health check's body in such a build.
if [ "$SANDBOX" = 0 ]; then
	HEALTH_OK="ok, but no sandbox: Landlock: not in this build; seccomp: not in this build"
elif [ "$SECCOMP" = 0 ]; then
	HEALTH_OK="ok, but sandbox without seccomp: not in this build"
else
	HEALTH_OK=ok
fi
FCGI_BODY_SECONDS=$((FCGI_REQUEST_MS / 1000))

# Their files sourced directly: their load.bash files run dirname fifteen
# times, for every test, which is most of a test's cost where processes
# start slowly.
if [ ! -d /usr/lib/bats/bats-support/src ] || [ ! -d /usr/lib/bats/bats-assert/src ]; then
	echo "tests: bats-support and bats-assert are needed (apt-get install bats-support bats-assert)" >&2
	return 1
fi
for f in /usr/lib/bats/bats-support/src/*.bash /usr/lib/bats/bats-assert/src/*.bash; do
	# shellcheck disable=SC1090
	source "$f"
done
unset f

common_setup() {
	T="$BATS_TEST_TMPDIR"
	LOG="$T/events.jsonl"
}

# cgi [VAR=value | -u VAR ...] < body
# Runs the program with a POST environment that the arguments extend,
# override or (-u) remove.  Sets CGI_STATUS (e.g. 200), and leaves the headers in
# $T/headers, the body in $T/body, stderr in $T/stderr.
cgi() {
	local opts=() vars=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -u ]; then opts+=(-u "$2"); shift 2; else vars+=("$1"); shift; fi
	done
	env -i PATH="$PATH" \
		REQUEST_METHOD=POST \
		CONTENT_TYPE='application/x-www-form-urlencoded; charset=UTF-8' \
		GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
		SERVER_NAME=hooks.example.org SERVER_PORT=443 HTTPS=on \
		SCRIPT_NAME=/sipgate REMOTE_ADDR=217.116.118.254 \
		SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 \
		${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
		env "${opts[@]}" "${vars[@]}" ${CGI_WRAPPER:-${MEMCHECK:-}} "$PROG" > "$T/out" 2> "$T/stderr"
	CGI_RC=$?
	split_response "$T/out"
	assert_no_memory_errors
}

# prog ARG...: the program run from a shell with an empty environment
# (under $MEMCHECK when set), as bats' run runs it: status, output, lines.
prog() {
	run env -i ${MEMCHECK:-} "$PROG" "$@"
}

# Exit code 99 is valgrind's report (make valgrind); the sanitizers of a
# SANITIZE=1 build write to stderr.
assert_no_memory_errors() {
	local err=
	read -r -d '' err < "$T/stderr" || true
	if [ "$CGI_RC" = 99 ] || [[ $err == *Sanitizer* || $err == *"runtime error:"* ]]; then
		echo "memory error reported:" >&2
		cat "$T/stderr" >&2
		return 1
	fi
}

# In the shell alone: it runs after every request of every test.
split_response() {
	local line headers=1
	CGI_STATUS=
	{
		while IFS= read -r line || [ -n "$line" ]; do
			if [ "$headers" = 1 ]; then
				line=${line%$'\r'}
				# The header block ends at the first empty line (CRLF or LF).
				if [ -z "$line" ]; then headers=0; continue; fi
				case $line in "Status: "[0-9][0-9][0-9]*) CGI_STATUS=${line:8:3} ;; esac
				printf '%s\n' "$line" >&5
			else
				printf '%s\n' "$line" >&6
			fi
		done < "$1"
	} 5> "$T/headers" 6> "$T/body"
}

# post BODY [VAR=value ...]: cgi with BODY on stdin and its CONTENT_LENGTH.
post() {
	local body=$1 LC_ALL=C
	shift
	printf '%s' "$body" > "$T/request"
	# In the C locale, a string's length is its bytes.
	cgi CONTENT_LENGTH="${#body}" "$@" < "$T/request"
}

# post_file FILE [VAR=value ...]
post_file() {
	local file=$1
	shift
	cgi CONTENT_LENGTH="$(wc -c < "$file" | tr -d ' ')" "$@" < "$file"
}

header() {
	sed -n "s/^$1: //p" "$T/headers"
}

assert_status() {
	if [ "$CGI_STATUS" != "$1" ]; then
		echo "expected status $1, got '$CGI_STATUS'" >&2
		cat "$T/out" "$T/stderr" >&2
		return 1
	fi
}

# The one line of text an error response carries.
assert_reason() {
	assert_equal "$(header Content-Type)" "text/plain; charset=utf-8"
	assert_equal "$(wc -l < "$T/body" | tr -d ' ')" 1
	run cat "$T/body"
	assert_output --partial "$1"
}

log_lines() {
	if [ -f "$LOG" ]; then wc -l < "$LOG" | tr -d ' '; else echo 0; fi
}

# Every line of the log must be a JSON object, in strict UTF-8; prints the
# number of lines.  With --torn, the start of a record ended by the next
# writer is allowed too; prints the records and such lines.
check_jsonl() {
	if [ "${1:-}" = --torn ]; then
		python3 "$TOP/tests/tools/check-jsonl" --torn "${2:-$LOG}"
	else
		python3 "$TOP/tests/tools/check-jsonl" "${1:-$LOG}"
	fi
}

# last_record [-r] FILTER: applies a jq filter to the last log record.
last_record() {
	tail -n 1 "$LOG" | jq -c "$@"
}

# Some checks need to be unprivileged or need root's mount; outside CI they
# may be skipped, in CI they must run.
skip_unless_ci_root() {
	if [ "${CI:-}" = true ]; then
		echo "this check cannot run here, and CI=true forbids skipping it" >&2
		return 1
	fi
	skip "needs a different privilege level"
}
