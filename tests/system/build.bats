#!/usr/bin/env bats
# The Makefile: a warning-free build that honours the user's variables, and
# an install that honours PREFIX and DESTDIR.

load ../helpers

setup() {
	common_setup
	# `make test` runs this suite: its flags (-s) and command-line variables
	# (SANITIZE=1 arrives in the environment) must not reach these makes.
	unset MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES SANITIZE LINK_STATIC
}

# A copy of the tree, so that building here leaves the suite's own binary be.
copy_tree() {
	mkdir -p "$T/tree/tests/tools"
	cp -r "$TOP/src" "$TOP/Makefile" "$TOP/README.md" "$TOP/LICENSE" "$TOP/man" "$TOP/contrib" "$TOP/docs" \
		"$TOP/apache-example.conf" "$TOP/nginx-fcgiwrap.conf" "$T/tree/"
}

@test "the build is warning-free under -Wall -Wextra -Wpedantic -Wshadow -Wconversion" {
	copy_tree
	run make -C "$T/tree" CFLAGS="-O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror"
	assert_success
	[ -x "$T/tree/cgi-bin/sipgate-webhook" ]
}

@test "CC, CFLAGS and LDFLAGS from the command line are used, required flags kept" {
	copy_tree
	run make -C "$T/tree" CC=gcc CFLAGS=-O0 LDFLAGS=-Wl,--as-needed LOGFILE=/nonexistent-sipgate-dir/hook.jsonl
	assert_success
	assert_output --partial "gcc -D_GNU_SOURCE -DLOGFILE='\"/nonexistent-sipgate-dir/hook.jsonl\"'"
	assert_output --partial "-std=c11 -O0"
	assert_output --partial "-Wl,--as-needed -static"
	# The compiled-in log path is the default.
	run env -i REQUEST_METHOD=GET SIPGATE_FOLLOW=none "$T/tree/cgi-bin/sipgate-webhook"
	assert_output --partial "Status: 503"
	run strings "$T/tree/cgi-bin/sipgate-webhook"
	assert_output --partial /nonexistent-sipgate-dir/hook.jsonl
}

@test "make install honours PREFIX and DESTDIR" {
	copy_tree
	run make -C "$T/tree" install DESTDIR="$T/root" PREFIX=/usr
	assert_success
	[ -x "$T/root/usr/lib/cgi-bin/sipgate-webhook" ]
	[ -f "$T/root/usr/share/man/man8/sipgate-webhook.8" ]
	[ -f "$T/root/usr/share/man/man5/sipgate-webhook-rules.5" ]
	for f in apache-example.conf nginx-fcgiwrap.conf sipgate-webhook.logrotate rules.example blocklist \
	    sipgate-webhook.socket sipgate-webhook.service nginx-fastcgi.conf nginx-fastcgi-upstream.conf \
	    apache-fastcgi.conf phonebook-vdirsyncer.conf sipgate-webhook-phonebook.service \
	    sipgate-webhook-phonebook.timer; do
		[ -f "$T/root/usr/share/doc/sipgate-webhook/examples/$f" ]
	done
	# The address book's sync makes its index with the binary of this install.
	grep -q "&& /usr/lib/cgi-bin/sipgate-webhook --phonebook-index contacts >" \
		"$T/root/usr/share/doc/sipgate-webhook/examples/sipgate-webhook-phonebook.service"
	# The unit starts the binary where this install put it.
	assert_equal "$(grep '^ExecStart=' "$T/root/usr/share/doc/sipgate-webhook/examples/sipgate-webhook.service")" \
		"ExecStart=/usr/lib/cgi-bin/sipgate-webhook"
	run grep -rh -e '^ScriptAlias' -e 'SCRIPT_FILENAME' -e '^<Directory' "$T/root/usr/share/doc/sipgate-webhook/examples"
	assert_line 'ScriptAlias /sipgate /usr/lib/cgi-bin/sipgate-webhook'
	assert_line '<Directory /usr/lib/cgi-bin>'
	assert_line '    fastcgi_param SCRIPT_FILENAME /usr/lib/cgi-bin/sipgate-webhook;'
	refute_output --partial /usr/local
	[ -d "$T/root/var/log/sipgate-webhook" ]
	assert_equal "$(stat -c %a "$T/root/var/log/sipgate-webhook")" 2750
	if [ "$(id -u)" = 0 ] && getent passwd www-data > /dev/null; then
		assert_equal "$(stat -c %U:%G "$T/root/var/log/sipgate-webhook")" www-data:adm
	fi
	assert_equal "$(stat -c %a "$T/root/usr/lib/cgi-bin/sipgate-webhook")" 755
	# The command on PATH is the same binary.
	assert_equal "$(readlink "$T/root/usr/bin/sipgate-webhook")" /usr/lib/cgi-bin/sipgate-webhook
	for f in calls.jq calls-csv.jq calls-daily.jq rsyslog-sender.conf rsyslog-collector.conf \
	    sipgate-webhook-collector.logrotate sipgate-webhook.mtail sipgate-webhook.rules.yml; do
		cmp "$TOP/contrib/$f" "$T/root/usr/share/sipgate-webhook/$f"
	done
	# The missed-call alerts name their apprise adapter where it went.
	cmp "$TOP/contrib/apprise-alert" "$T/root/usr/share/sipgate-webhook/apprise-alert"
	grep -qF 'binary="/usr/bin/python3 /usr/share/sipgate-webhook/apprise-alert ' \
		"$T/root/usr/share/sipgate-webhook/rsyslog-alerts.conf"
	# The man pages name the paths of this install.
	run grep -h -e '/share/sipgate-webhook/calls.jq' -e '/doc/sipgate-webhook/README.md' "$T/root/usr/share/man/man8/sipgate-webhook.8"
	assert_line ".I /usr/share/sipgate-webhook/calls.jq"
	assert_line ".I /usr/share/doc/sipgate-webhook/README.md"
	docs=0
	for f in "$TOP"/docs/*.md; do
		cmp "$f" "$T/root/usr/share/doc/sipgate-webhook/docs/${f##*/}"
		docs=$((docs + 1))
	done
	[ "$docs" -ge 5 ]
	# Nothing lands outside DESTDIR's tree.
	run find "$T/root" -type f
	assert_equal "${#lines[@]}" $((28 + docs))
	# LOG_OWNER for systems without www-data.
	run make -C "$T/tree" install DESTDIR="$T/other" PREFIX=/usr LOG_OWNER=root:root
	assert_success
	assert_equal "$(stat -c %U "$T/other/var/log/sipgate-webhook")" "$(id -un)"
	run make -C "$T/tree" uninstall DESTDIR="$T/root" PREFIX=/usr
	assert_success
	run find "$T/root" -type f -o -type l
	assert_equal "${#lines[@]}" 0
}

@test "the installed binary answers" {
	copy_tree
	make -C "$T/tree" -s install DESTDIR="$T/root" PREFIX=/usr/local
	printf 'event=hangup' | env -i REQUEST_METHOD=POST CONTENT_TYPE=application/x-www-form-urlencoded \
		CONTENT_LENGTH=12 SIPGATE_SIGNATURE=off SIPGATE_LOG="$LOG" SIPGATE_WEBHOOK_URL=https://h.example/ \
		"$T/root/usr/local/lib/cgi-bin/sipgate-webhook" > "$T/out"
	assert_equal "$(head -n 1 "$T/out" | tr -d '\r')" "Status: 200 OK"
	assert_equal "$(check_jsonl)" 1
}

@test "the logrotate sample renames and creates, never copytruncate, never compresses" {
	run grep -E '^\s*(create|copytruncate)' "$TOP/contrib/sipgate-webhook.logrotate"
	assert_output --regexp 'create 0640 www-data adm'
	refute_output --partial copytruncate
	run grep -E '^\s*su www-data adm$' "$TOP/contrib/sipgate-webhook.logrotate"
	assert_success
	if command -v logrotate > /dev/null; then
		sed "s|/var/log/sipgate-webhook/events.jsonl|$LOG|; s/create 0640 www-data adm/create 0640/; /^\s*su /d" \
			"$TOP/contrib/sipgate-webhook.logrotate" > "$T/lr.conf"
		post 'event=hangup&n=1'
		logrotate -f -s "$T/lr.state" "$T/lr.conf"
		post 'event=hangup&n=2'
		assert_equal "$(jq -r .params.n "$LOG")" 2
		assert_equal "$(jq -r .params.n "$LOG.1")" 1
		# Rotations stay uncompressed: every reader of the log reads them.
		logrotate -f -s "$T/lr.state" "$T/lr.conf"
		post 'event=hangup&n=3'
		assert_equal "$(cat "$LOG.2" "$LOG.1" "$LOG" | jq -r .params.n | tr '\n' ' ')" "1 2 3 "
		run ls "$(dirname "$LOG")"
		refute_output --partial .gz
	elif [ "${CI:-}" = true ]; then
		false
	fi
}

@test "the man pages render without warnings; the rules page's example passes --check" {
	command -v man > /dev/null || { [ "${CI:-}" != true ] || false; skip "man not installed"; }
	for page in sipgate-webhook.8 sipgate-webhook-rules.5; do
		run sh -c "MANWIDTH=80 man --warnings -l '$TOP/man/$page' 2>&1 >/dev/null"
		assert_output ""
	done
	MANWIDTH=80 man -l "$TOP/man/sipgate-webhook-rules.5" 2> /dev/null |
		sed -n '/^EXAMPLES/,/^WORKED EXAMPLES/p' | sed '1d;$d' > "$T/rules"
	printf '493012345678\n' > "$T/blocklist"
	run env -i "$PROG" --check --user "$(id -un)" "$T/rules"
	assert_success
	assert_line "ok: 7 rules, 1 menus, 1 lists"
}

@test "statically linked by default; LINK_STATIC= links the shared libc" {
	copy_tree
	make -C "$T/tree" -s
	run file "$T/tree/cgi-bin/sipgate-webhook"
	assert_output --partial "statically linked"
	make -C "$T/tree" -s LINK_STATIC=
	run file "$T/tree/cgi-bin/sipgate-webhook"
	assert_output --partial "dynamically linked"
}

@test "BN_PORTABLE=1: the 32-bit bignum path verifies the same vectors" {
	copy_tree
	mkdir -p "$T/tree/tests" && cp -r "$TOP/tests/tools" "$T/tree/tests/"
	run make -C "$T/tree" BN_PORTABLE=1 LINK_STATIC= all build/tools/key-tool
	assert_success
	assert_output --partial "-DBN_PORTABLE"
	# The same fingerprint as the 64-bit path, and the real request verifies.
	run "$T/tree/build/tools/key-tool"
	assert_output "4096 893cfd6caad92efc277a5977daec63dee1597223b1df5b2bf69ef56cd92305b3"
	PROG="$T/tree/cgi-bin/sipgate-webhook"
	post_file "$FIXTURES/signed-newcall.body" -u SIPGATE_SIGNATURE \
		HTTP_X_SIPGATE_SIGNATURE="$(cat "$FIXTURES/signed-newcall.sig")"
	assert_status 200
	assert_equal "$(last_record -r .signature)" valid
	# One flipped bit still fails, and so does s = n.
	sig=$(cat "$FIXTURES/signed-newcall.sig")
	post_file "$FIXTURES/signed-newcall.body" -u SIPGATE_SIGNATURE HTTP_X_SIPGATE_SIGNATURE="${sig:0:10}A${sig:11}"
	assert_status 403
	openssl rsa -pubin -in "$TOP/src/crypto/sipgate-push.pem" -noout -modulus |
		sed 's/^Modulus=//' | xxd -r -p | base64 -w0 > "$T/n.b64"
	post_file "$FIXTURES/signed-newcall.body" -u SIPGATE_SIGNATURE HTTP_X_SIPGATE_SIGNATURE="$(cat "$T/n.b64")"
	assert_status 403
	# Throwaway keys of other sizes, signed by openssl.
	printf 'event=newCall&callId=portable' > "$T/req"
	for bits in 2048 3072; do
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$bits -out "$T/k.pem" 2> /dev/null
		openssl pkey -in "$T/k.pem" -pubout -out "$T/p.pem"
		post_file "$T/req" -u SIPGATE_SIGNATURE SIPGATE_PUBLIC_KEY="$T/p.pem" \
			HTTP_X_SIPGATE_SIGNATURE="$(openssl dgst -sha256 -sign "$T/k.pem" "$T/req" | base64 -w0)"
		assert_status 200
	done
}

@test "the systemd socket and service pass systemd-analyze verify, with no warning" {
	command -v systemd-analyze > /dev/null || { [ "${CI:-}" != true ] || false; skip "systemd-analyze is needed"; }
	mkdir -p "$T/units" "$T/man/man8"
	cp "$TOP/man/sipgate-webhook.8" "$T/man/man8/"
	cp "$TOP/contrib/sipgate-webhook.socket" "$T/units/"
	sed "s|/usr/local/lib/cgi-bin/sipgate-webhook|$PROG|" "$TOP/contrib/sipgate-webhook.service" \
		> "$T/units/sipgate-webhook.service"
	cd "$T/units"
	run env MANPATH="$T/man" systemd-analyze verify ./sipgate-webhook.socket ./sipgate-webhook.service
	assert_success
	assert_output ""
}

@test "systemd-analyze security rates the service 2.0 or less (OK), as shipped" {
	command -v systemd-analyze > /dev/null || { [ "${CI:-}" != true ] || false; skip "systemd-analyze is needed"; }
	run systemd-analyze security --offline=true "$TOP/contrib/sipgate-webhook.service"
	assert_success
	level=$(printf '%s\n' "${lines[@]}" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "exposure: $level" >&3
	[ -n "$level" ]
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'
}
