#!/usr/bin/env bats
# SIPGATE_ALLOW_FROM: addresses and CIDR ranges matched against REMOTE_ADDR.

load ../helpers

setup() { common_setup; }

from() {
	local addr=$1
	shift
	post 'event=hangup' REMOTE_ADDR="$addr" "$@"
}

@test "unset or empty means any address" {
	from 198.51.100.7
	assert_status 200
	from 198.51.100.7 SIPGATE_ALLOW_FROM=
	assert_status 200
}

@test "sipgate's two addresses" {
	list=217.116.118.254,212.9.46.32
	from 217.116.118.254 SIPGATE_ALLOW_FROM=$list
	assert_status 200
	from 212.9.46.32 SIPGATE_ALLOW_FROM=$list
	assert_status 200
	from 212.9.46.33 SIPGATE_ALLOW_FROM=$list
	assert_status 403
	assert_reason "forbidden: source address not allowed"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: request from 212.9.46.33 refused by SIPGATE_ALLOW_FROM"
	assert_equal "$(log_lines)" 2
}

@test "IPv4 CIDR ranges, spaces around entries allowed" {
	list='10.0.0.0/8, 192.0.2.128/25 ,0.0.0.0/32'
	for a in 10.1.2.3 192.0.2.128 192.0.2.255; do
		from $a SIPGATE_ALLOW_FROM="$list"; assert_status 200
	done
	for a in 11.0.0.1 192.0.2.127 0.0.0.1; do
		from $a SIPGATE_ALLOW_FROM="$list"; assert_status 403
	done
}

@test "IPv6 addresses and CIDR ranges" {
	list='2001:db8:1::/48,::1,fe80::/10'
	for a in 2001:db8:1::5 2001:db8:1:ffff::1 ::1 fe80::1%eth0; do
		from $a SIPGATE_ALLOW_FROM="$list"; assert_status 200
	done
	for a in 2001:db8:2::1 ::2 10.0.0.1; do
		from $a SIPGATE_ALLOW_FROM="$list"; assert_status 403
	done
}

@test "an IPv4-mapped IPv6 peer matches its IPv4 entry" {
	from ::ffff:217.116.118.254 SIPGATE_ALLOW_FROM=217.116.118.254
	assert_status 200
	from 217.116.118.254 SIPGATE_ALLOW_FROM=::ffff:217.116.118.0/120
	assert_status 200
}

@test "/0 allows everything of that family" {
	from 203.0.113.9 SIPGATE_ALLOW_FROM=0.0.0.0/0
	assert_status 200
	from 2001:db8::9 SIPGATE_ALLOW_FROM=0.0.0.0/0
	assert_status 403
}

@test "X-Forwarded-For is ignored" {
	from 198.51.100.7 SIPGATE_ALLOW_FROM=217.116.118.254 HTTP_X_FORWARDED_FOR=217.116.118.254 HTTP_X_REAL_IP=217.116.118.254
	assert_status 403
	from 217.116.118.254 SIPGATE_ALLOW_FROM=217.116.118.254 HTTP_X_FORWARDED_FOR=198.51.100.7
	assert_status 200
}

@test "a missing or garbled REMOTE_ADDR is refused when a list is set" {
	post 'event=hangup' -u REMOTE_ADDR SIPGATE_ALLOW_FROM=217.116.118.254
	assert_status 403
	from 'not-an-address' SIPGATE_ALLOW_FROM=217.116.118.254
	assert_status 403
	from '' SIPGATE_ALLOW_FROM=0.0.0.0/0
	assert_status 403
}

@test "a malformed list is a 500 with the reason, even for an address it names" {
	for list in '217.116.118.254,' 'sipgate.de' '10.0.0.0/33' '10.0.0.0/' '::/129' '10.0.0.0/8x' '1.2.3.4/-1' '1.2.3' ',' '10.0.0.1/08/1' '::ffff:1.2.3.4/95'; do
		from 217.116.118.254 SIPGATE_ALLOW_FROM="$list"
		assert_status 500
		run cat "$T/stderr"
		assert_output --partial "SIPGATE_ALLOW_FROM: cannot parse the entry"
	done
	assert_equal "$(log_lines)" 0
}

@test "the health check obeys the list too" {
	cgi REQUEST_METHOD=GET REMOTE_ADDR=198.51.100.7 SIPGATE_ALLOW_FROM=217.116.118.254 < /dev/null
	assert_status 403
}
