#!/usr/bin/env bats
# The sandbox holds even for an attacker who took over the process: a test
# build (make probe, never installed) tries, after its sandbox is in place,
# what such an attacker would, once per process, in the CGI and in a
# FastCGI worker.  Each attempt must be refused by the kernel (Landlock)
# or end the process (seccomp), never succeed.

load ../helpers
load ../lib/fcgi

setup() {
	common_setup
	PROG=$TOP/build/probe/sipgate-webhook
	[ -x "$PROG" ] || { echo "no $PROG: run make probe (make check and make test build it)" >&2; return 1; }
	# valgrind's build has no sandbox: the probe would really do it all.
	[ "$SANDBOX" != 0 ] || { echo "this build has no sandbox (make SANDBOX=0): rebuild with make probe" >&2; return 1; }
}

teardown() {
	fcgi_teardown
}

NEWCALL='event=newCall&from=492111234567&to=4915791234567&direction=in&callId=123456'

# The number of a system call on this machine, as the kernel names it.
syscall_nr() {
	printf '#include <sys/syscall.h>\nSYS_%s\n' "$1" | cc -E -P - | tail -n 1
}

# probe_cgi NAME: the CGI, started as a web server would, tries NAME (a
# process the filter ends exits 159: CGI_RC says so).
probe_cgi() {
	post "$NEWCALL" SANDBOX_PROBE="$1" || true
}

# The attempt was refused: the kernel said no, or (with the filter) the
# call ended the process.  "ALLOWED" is never said.
assert_refused() {
	local name=$1 call=$2
	run cat "$T/stderr"
	refute_output --partial "sandbox probe $name: ALLOWED"
	if [ -n "$call" ] && [ "$SECCOMP" != 0 ]; then
		assert_output --partial "sipgate-webhook: sandbox: system call $(syscall_nr "$call") refused; the process ends"
		refute_output --partial "sandbox probe $name:"
	else
		assert_output --regexp "sandbox probe $name: refused \((Permission denied|Operation not permitted)\)"
	fi
}

@test "CGI: the probe can do what a request may: make a file in the log's folder" {
	probe_cgi inlog
	run cat "$T/stderr"
	assert_output --partial "sandbox probe inlog: ALLOWED"
	[ -f "$T/sandbox-probe" ]
	assert_status 200
}

@test "CGI: /etc/shadow cannot be opened, even by root" {
	probe_cgi shadow
	assert_refused shadow
	assert_status 200
}

@test "CGI: a world-readable file outside its paths cannot be opened" {
	[ -r /etc/hostname ]
	probe_cgi outside
	assert_refused outside
	assert_status 200
}

@test "CGI: nothing is written outside the log's folder" {
	rm -f /tmp/sandbox-probe
	probe_cgi write
	assert_refused write
	[ ! -e /tmp/sandbox-probe ]
}

@test "CGI: no program is started" {
	probe_cgi exec
	assert_refused exec execve
	[ "$SECCOMP" = 0 ] || [ "$CGI_RC" = 159 ]
}

@test "CGI: no network socket is opened or connected" {
	probe_cgi socket
	assert_refused socket socket
}

@test "CGI: no other process is traced" {
	probe_cgi ptrace
	assert_refused ptrace ptrace
}

@test "CGI: a request without a probe is answered as by the shipped program, sandboxed" {
	post "$NEWCALL"
	assert_status 200
	assert_equal "$(log_lines)" 1
	run cat "$T/stderr"
	assert_output ''
}

# probe_worker NAME: a FastCGI worker tries NAME while serving a request.
probe_worker() {
	fcgi_require
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	fcgi_post "$NEWCALL" SANDBOX_PROBE="$1" || true
	fcgi_stop
	cp "$T/fcgi.err" "$T/stderr"
}

@test "FastCGI worker: a file outside its paths cannot be opened, nor /etc/shadow" {
	probe_worker outside
	assert_refused outside
	probe_worker shadow
	assert_refused shadow
}

@test "FastCGI worker: nothing is written outside the log's folder" {
	rm -f /tmp/sandbox-probe
	probe_worker write
	assert_refused write
	[ ! -e /tmp/sandbox-probe ]
}

@test "FastCGI worker: no program is started; the master replaces the worker" {
	probe_worker exec
	assert_refused exec execve
	if [ "$SECCOMP" != 0 ]; then
		run cat "$T/fcgi.err"
		assert_output --regexp "worker [0-9]+ exited with status 159; starting another"
	fi
}

@test "no process is started: the CGI may not fork, a FastCGI worker may start threads only" {
	probe_cgi fork
	if [ "$SECCOMP" = 0 ]; then
		# The sanitizer and valgrind builds have no filter: Landlock
		# does not stop a fork.
		run cat "$T/stderr"
		assert_output --partial "sandbox probe fork: ALLOWED"
		return 0
	fi
	assert_refused fork clone
	probe_worker fork
	assert_refused fork clone
	# Its log thread started, under the same filter: the worker serves.
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	fcgi_post "$NEWCALL"
	assert_status 200
	assert_equal "$(last_record -r .params.callId)" 123456
}

@test "FastCGI worker: no network socket, no tracing" {
	probe_worker socket
	assert_refused socket socket
	probe_worker ptrace
	assert_refused ptrace ptrace
}

@test "FastCGI worker: the probe can write in the log's folder, and requests are served" {
	probe_worker inlog
	run cat "$T/stderr"
	assert_output --partial "sandbox probe inlog: ALLOWED"
	assert_equal "$(log_lines)" 1
}
