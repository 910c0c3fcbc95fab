#!/usr/bin/env bats
# FastCGI mode against slow, idle, half-finished and greedy peers on real
# sockets (tests/lib/peers.py): one worker serves them all from one poll
# loop, and none of them may delay an ordinary request.  Through Apache:
# tests/system/siege.bats.

load ../helpers
load ../lib/fcgi

setup() {
	common_setup
	fcgi_require
	PEERS="python3 $TOP/tests/lib/peers.py"
}

NEWCALL='event=newCall&from=492111234567&to=4915791234567&direction=in&callId=123456'

teardown() {
	fcgi_teardown
}

# value NAME FILE: a NAME=VALUE line's value.
value() { sed -n "s/^$1=//p" "$2"; }

# The worker's resident memory in kB.
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# A sanitizer build's shadow memory and redzones are not the program's:
# there only the growth counts, with freed memory not held in quarantine.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
assert_small_rss() {
	local kb=$1 before=$2
	if [ "${SANITIZE:-}" = 1 ]; then
		[ $((kb - before)) -lt 6144 ]
	else
		[ "$kb" -lt 8192 ]
	fi
}

@test "bodies that come a byte every 0.5 s do not delay requests on the worker's other connections" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	# Two send a byte every 0.5 s, two stop half way; each would hold a
	# worker that reads a request at a time for 5 s.
	$PEERS siege "fcgi:$T/fcgi.sock" 4 2 2 > "$T/siege"
	cat "$T/siege" >&3
	assert_equal "$(value failed "$T/siege")" 0
	[ "$(value count "$T/siege")" -gt 100 ]
	max=$(value max_ms "$T/siege")
	[ "${max%.*}" -lt 500 ]
	# Every request answered was logged, and none of the slow ones was.
	assert_equal "$(check_jsonl)" "$(value count "$T/siege")"
}

@test "1,100 connections that never send a byte: a request is answered at once, the idle longest make room, the rest close after 5 s" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	worker=$(fcgi_workers)
	before=$(rss "$worker")
	$PEERS idle "fcgi:$T/fcgi.sock" 1100 > "$T/idle" &
	holder=$!
	for i in $(seq 100); do grep -q opened "$T/idle" && break; sleep 0.05; done
	start=$(date +%s%N)
	fcgi_post "$NEWCALL"
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_status 200
	kb=$(rss "$worker")
	wait "$holder"
	cat "$T/idle" >&3
	echo "a request among 1,100 idle connections took $took ms; worker RSS $kb kB" >&3
	[ "$took" -lt 1000 ]
	assert_small_rss "$kb" "$before"
	assert_equal "$(value closed "$T/idle")" 1100
	# 1,024 fit; the others were made room for, oldest first.
	[ "$(value early "$T/idle")" -ge 76 ]
	[ "$(value late_min_ms "$T/idle")" -ge 4900 ]
	[ "$(value late_max_ms "$T/idle")" -le 7000 ]
	assert_equal "$(fcgi_workers)" "$worker"
}

@test "a peer that takes its answers a byte at a time delays nobody and is closed after 10 s" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	$PEERS slowread "fcgi:$T/fcgi.sock" > "$T/slow" &
	reader=$!
	sleep 1
	$PEERS siege "fcgi:$T/fcgi.sock" 3 0 0 > "$T/siege"
	wait "$reader"
	cat "$T/slow" "$T/siege" >&3
	assert_equal "$(value failed "$T/siege")" 0
	max=$(value max_ms "$T/siege")
	[ "${max%.*}" -lt 500 ]
	closed=$(value closed_ms "$T/slow")
	[ "$closed" -ge 9900 ]
	[ "$closed" -le 12000 ]
	run cat "$T/fcgi.err"
	assert_output --partial "FastCGI: the peer did not take the answer within 10 s; closing the connection"
}

@test "management records streamed without reading: 64 KiB queued stops the reading, memory stays flat, the peer is closed after 10 s" {
	fcgi_start SIPGATE_WORKERS=1
	fcgi_wait_workers 1
	worker=$(fcgi_workers)
	before=$(rss "$worker")
	$PEERS flood "fcgi:$T/fcgi.sock" 15 > "$T/flood"
	kb=$(rss "$worker")
	cat "$T/flood" >&3
	echo "worker RSS before $before kB, after $kb kB" >&3
	assert_equal "$(value closed "$T/flood")" 1
	closed=$(value closed_ms "$T/flood")
	[ "$closed" -ge 9900 ]
	[ "$closed" -le 12000 ]
	# What the kernel's buffers hold and 64 KiB of answers; a worker that
	# kept reading would have taken tens of MB in 10 s.
	[ "$(value sent "$T/flood")" -lt 4000000 ]
	assert_small_rss "$kb" "$before"
	fcgi_post "$NEWCALL"
	assert_status 200
}
