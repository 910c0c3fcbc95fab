#!/usr/bin/env bats
# What the process does to itself before it reads any input.

load helpers

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

@test "no core dumps, and a CPU-time ceiling but no file-size limit" {
	traced
	run grep -E 'RLIMIT_CORE, \{rlim_cur=0, rlim_max=0\}' "$T/trace"
	assert_success
	run grep -E 'RLIMIT_CPU, \{rlim_cur=20, rlim_max=20\}' "$T/trace"
	assert_success
	run grep RLIMIT_FSIZE "$T/trace"
	assert_failure
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
