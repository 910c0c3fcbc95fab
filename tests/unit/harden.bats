#!/usr/bin/env bats
# What the process does to itself before it reads any input.

load ../helpers

setup() {
	common_setup
	command -v strace > /dev/null || { [ "${CI:-}" != true ] || false; skip "strace not installed"; }
	export ASAN_OPTIONS=detect_leaks=0	# LeakSanitizer cannot run under ptrace
}

traced() {
	CGI_WRAPPER="strace -o $T/trace -e trace=prctl,prlimit64,setrlimit,umask,rt_sigaction" post 'event=hangup'
	assert_status 200
}

@test "no new privileges" {
	traced
	run grep -c 'prctl(PR_SET_NO_NEW_PRIVS, 1' "$T/trace"
	assert_output 1
}

@test "a CPU limit the server set lower is kept" {
	CGI_WRAPPER="prlimit --cpu=5 strace -o $T/trace -e trace=prlimit64,setrlimit" post 'event=hangup'
	assert_status 200
	run grep RLIMIT_CPU "$T/trace"
	refute_output --partial "rlim_cur=20"
}

@test "umask 027, SIGPIPE and SIGXFSZ ignored" {
	traced
	run grep -c 'umask(027)' "$T/trace"
	assert_output 1
	run grep -c -E 'rt_sigaction\(SIG(PIPE|XFSZ), \{sa_handler=SIG_IGN' "$T/trace"
	assert_output 2
}

@test "the log is created 0640 even under a permissive umask" {
	(umask 000 && post 'event=hangup')
	assert_equal "$(stat -c %a "$LOG")" 640
}

@test "no process is started and no network is touched" {
	CGI_WRAPPER="strace -f -o $T/trace -e trace=process,network" post_file "$FIXTURES/signed-newcall.body" \
		-u SIPGATE_SIGNATURE HTTP_X_SIPGATE_SIGNATURE="$(cat "$FIXTURES/signed-newcall.sig")"
	assert_status 200
	run grep -E '^[0-9]+ +(clone|fork|vfork|socket|connect)' "$T/trace"
	assert_output ""
	run grep -c 'execve(' "$T/trace"
	assert_output 1
}

@test "not dumpable: no core and no ptrace by the server's other processes" {
	traced
	run grep -c -E "prctl\(PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)\)" "$T/trace"
	assert_output 1
}

@test "started with stderr closed: the log never becomes fd 2" {
	# A torn tail makes the program say something while the log is open.
	post 'event=hangup&n=1'
	printf '{"received":"torn' >> "$LOG"
	printf 'event=hangup&n=2' > "$T/req"
	env -i SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 REQUEST_METHOD=POST \
		CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=16 \
		"$PROG" < "$T/req" > "$T/out" 2>&-
	assert_equal "$(head -n 1 "$T/out" | tr -d '\r')" "Status: 200 OK"
	assert_equal "$(check_jsonl --torn)" "2 1"
	assert_equal "$(jq -R -r 'fromjson? | .params.n' "$LOG" | tr '\n' ' ')" "1 2 "
}

@test "started with stdout closed: the answer goes nowhere, quietly, the event is logged" {
	printf 'event=hangup' > "$T/req"
	env -i SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 REQUEST_METHOD=POST \
		CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=12 \
		"$PROG" < "$T/req" >&- 2> "$T/stderr"
	assert_equal "$?" 0
	run cat "$T/stderr"
	assert_output ""
	assert_equal "$(check_jsonl)" 1
}

@test "started with stdin closed: an empty body, never another file read as one" {
	post 'event=hangup&n=1'
	env -i SIPGATE_LOG="$LOG" SIPGATE_SIGNATURE=off SIPGATE_SYNC=0 REQUEST_METHOD=POST \
		CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=12 \
		"$PROG" <&- > "$T/out" 2> "$T/stderr"
	split_response "$T/out"
	assert_status 400
	run cat "$T/stderr"
	assert_output "sipgate-webhook: body ended after 0 of the 12 bytes announced"
	assert_equal "$(check_jsonl)" 1
}
