#!/usr/bin/env bats
# --check --user against the machine's real account files, as root: a
# group line longer than any fixed buffer still counts whole.

load ../helpers

setup() {
	common_setup
	[ "$(id -u)" = 0 ] || skip_unless_ci_root
	getent passwd www-data > /dev/null || { [ "${CI:-}" != true ] || false; skip "no www-data"; }
}

teardown() {
	[ "$(id -u)" != 0 ] || sed -i '/^sgwlongtest:/d' /etc/group
	[ -z "${D:-}" ] || rm -rf "$D"
}

@test "--check --user: a group of 400 members, www-data last, lets www-data read" {
	members=$(for i in $(seq 400); do printf 'member%03d,' "$i"; done)
	gid=$(awk -F: 'BEGIN { g = 4242 } $3 >= g { g = $3 + 1 } END { print g }' /etc/group)
	echo "sgwlongtest:x:$gid:${members}www-data" >> /etc/group
	[ "$(grep '^sgwlongtest:' /etc/group | wc -c)" -gt 4000 ]
	# Where www-data may search (the test's own folder is root's alone).
	D=$(mktemp -d /tmp/sgw-accounts.XXXXXX)
	chmod 0755 "$D"
	printf 'version 1\nwhen always do pass\nend\n' > "$D/rules"
	chown root:"$gid" "$D/rules"
	chmod 0640 "$D/rules"
	run env -i ${MEMCHECK:-} "$PROG" --check --user www-data "$D/rules"
	assert_success
	refute_output --partial "not readable by www-data"
	# Out of the group: the warning is back, so the check did look.
	sed -i '/^sgwlongtest:/d' /etc/group
	echo "sgwlongtest:x:$gid:${members%,}" >> /etc/group
	run env -i ${MEMCHECK:-} "$PROG" --check --user www-data "$D/rules"
	assert_success
	assert_output --partial "not readable by www-data"
}
