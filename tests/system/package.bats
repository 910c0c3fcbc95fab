#!/usr/bin/env bats
# The Debian package as an admin meets it: `make deb`, lintian, then on this
# machine `apt-get install` into the system's Apache (mod_cgid), sipgate's
# signed request through it, a reinstall over an edited conffile, remove,
# reinstall, purge.  It needs root and a Debian machine whose port 80,
# Apache state and /var/log/sipgate-webhook it may use; it leaves them as it
# found them.  The tests run in order, each on what the previous left.

load ../helpers

PKGCONF=/etc/apache2/conf-available/sipgate-webhook.conf
LOGDIR=/var/log/sipgate-webhook

# Why this machine cannot run the file, or nothing.
unusable() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return; }
	local tool
	for tool in apt-get dpkg-buildpackage lintian a2query apache2ctl curl jq python3; do
		command -v "$tool" > /dev/null || { echo "$tool is missing"; return; }
	done
	[ -f /etc/apache2/mods-available/cgid.load ] || { echo "Apache's mod_cgid is missing"; return; }
	if dpkg-query -W -f='${Status}' sipgate-webhook 2> /dev/null | grep -q -v 'not-installed'; then
		echo "sipgate-webhook is already installed here"; return
	fi
	[ ! -e "$LOGDIR" ] || { echo "$LOGDIR exists already"; return; }
	[ ! -e "$PKGCONF" ] || { echo "$PKGCONF exists already"; return; }
	if curl -s -o /dev/null --max-time 2 http://127.0.0.1:80/; then
		echo "something answers on port 80"; return
	fi
}

setup_file() {
	local why
	why=$(unusable)
	echo "$why" > "$BATS_FILE_TMPDIR/unusable"
	[ -z "$why" ] || return 0
	# What to restore.
	a2query -q -m cgid && echo yes > "$BATS_FILE_TMPDIR/cgid-was-on" || :
	ls /var/lib/apache2/module/*/cgid > "$BATS_FILE_TMPDIR/cgid-state" 2> /dev/null || :
	mkdir "$BATS_FILE_TMPDIR/tree"
	tar -C "$TOP" -cf - --exclude=./build --exclude=./.git --exclude=./cgi-bin --exclude=./tests . |
		tar -xf - -C "$BATS_FILE_TMPDIR/tree"
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u SANITIZE -u LINK_STATIC \
		make -C "$BATS_FILE_TMPDIR/tree" deb > "$BATS_FILE_TMPDIR/deb.log" 2>&1 ||
		{ tail -n 30 "$BATS_FILE_TMPDIR/deb.log" >&3; return 1; }
	DEB=$(ls "$BATS_FILE_TMPDIR"/tree/build/sipgate-webhook_*.deb)
	echo "$DEB" > "$BATS_FILE_TMPDIR/deb"
}

teardown_file() {
	[ -s "$BATS_FILE_TMPDIR/deb" ] || return 0
	apache2ctl stop > /dev/null 2>&1 || :
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sipgate-webhook > /dev/null 2>&1 || :
	if [ ! -f "$BATS_FILE_TMPDIR/cgid-was-on" ]; then
		a2dismod -q -f cgid > /dev/null 2>&1 || :
		# a2dismod remembers the admin's choice; there was none before.
		local f
		for f in /var/lib/apache2/module/*/cgid; do
			grep -qxF "$f" "$BATS_FILE_TMPDIR/cgid-state" || rm -f "$f"
		done
	fi
	rm -rf "$LOGDIR"
}

setup() {
	common_setup
	local why
	why=$(cat "$BATS_FILE_TMPDIR/unusable")
	if [ -n "$why" ]; then
		[ "${CI:-}" != true ] || { echo "the package test cannot run: $why, and CI=true" >&2; return 1; }
		skip "$why"
	fi
	DEB=$(cat "$BATS_FILE_TMPDIR/deb")
}

apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"
}

# signed: posts sipgate's signed sample to the system Apache; prints the status.
signed() {
	curl -s -o "$T/body" -w '%{http_code}' --max-time 10 \
		-H "X-Sipgate-Signature: $(cat "$FIXTURES/signed-newcall.sig")" \
		--data-binary @"$FIXTURES/signed-newcall.body" http://127.0.0.1/sipgate
}

@test "make deb builds a package lintian passes without an error or a warning" {
	[ -f "$DEB" ]
	assert_equal "$(dpkg-deb -f "$DEB" Package)" sipgate-webhook
	# The Makefile's VERSION and debian/changelog agree.
	assert_equal "$(dpkg-deb -f "$DEB" Version)" "$(sed -n 's/^VERSION *?= *//p' "$TOP/Makefile")"
	run lintian --pedantic --fail-on error,warning "$DEB"
	assert_success
	refute_output --regexp '^[EW]: '
	# No tag is silenced.
	[ ! -e "$TOP/debian/sipgate-webhook.lintian-overrides" ]
	[ ! -e "$TOP/debian/source/lintian-overrides" ]
}

@test "apt-get install: the program, the command on PATH, the conffiles, the log folder" {
	run apt install "$DEB"
	assert_success
	[ -x /usr/lib/cgi-bin/sipgate-webhook ]
	assert_equal "$(readlink -f /usr/bin/sipgate-webhook)" /usr/lib/cgi-bin/sipgate-webhook
	# The README's way to start from the example: a copy with the list beside it.
	cp /etc/sipgate-webhook/rules.example "$T/rules"
	cp /etc/sipgate-webhook/blocklist.example "$T/blocklist"
	run sipgate-webhook --check "$T/rules"
	assert_success
	run sipgate-webhook --version
	assert_success
	assert_equal "$(stat -c '%U:%G %a' "$LOGDIR")" "www-data:adm 2750"
	run dpkg-query -W -f='${Conffiles}\n' sipgate-webhook
	for f in "$PKGCONF" /etc/nginx/snippets/sipgate-webhook.conf \
	    /etc/nginx/snippets/sipgate-webhook-fastcgi.conf /etc/nginx/snippets/sipgate-webhook-upstream.conf \
	    /etc/logrotate.d/sipgate-webhook /etc/sipgate-webhook/rules.example /etc/sipgate-webhook/blocklist.example \
	    /etc/sipgate-webhook/phonebook-vdirsyncer.conf; do
		assert_output --partial " $f "
	done
	for f in /lib/systemd/system/sipgate-webhook.socket /lib/systemd/system/sipgate-webhook.service \
	    /lib/systemd/system/sipgate-webhook-phonebook.service /lib/systemd/system/sipgate-webhook-phonebook.timer \
	    /usr/share/man/man8/sipgate-webhook.8.gz /usr/share/man/man5/sipgate-webhook-rules.5.gz \
	    /usr/share/sipgate-webhook/calls.jq /usr/share/sipgate-webhook/calls-csv.jq \
	    /usr/share/sipgate-webhook/calls-daily.jq /usr/share/sipgate-webhook/rsyslog-sender.conf \
	    /usr/share/sipgate-webhook/rsyslog-collector.conf /usr/share/sipgate-webhook/rsyslog-alerts.conf \
	    /usr/share/sipgate-webhook/apprise-alert /usr/share/sipgate-webhook/sipgate-webhook.mtail \
	    /usr/share/sipgate-webhook/sipgate-webhook.rules.yml /usr/share/doc/sipgate-webhook/README.md.gz \
	    /usr/share/doc/sipgate-webhook/examples/apache-fastcgi.conf; do
		[ -f "$f" ] || { echo "missing: $f" >&2; return 1; }
	done
	# The configuration names the program where the package put it.
	run grep -h -e '^ScriptAlias' -e 'SCRIPT_FILENAME' -e '^ExecStart' "$PKGCONF" \
		/etc/nginx/snippets/sipgate-webhook.conf /lib/systemd/system/sipgate-webhook.service
	assert_line 'ScriptAlias /sipgate /usr/lib/cgi-bin/sipgate-webhook'
	assert_line '    fastcgi_param SCRIPT_FILENAME /usr/lib/cgi-bin/sipgate-webhook;'
	assert_line 'ExecStart=/usr/lib/cgi-bin/sipgate-webhook'
	# Nothing is switched on by the installation.
	run a2query -q -c sipgate-webhook
	assert_failure
	[ ! -e /etc/systemd/system/timers.target.wants/sipgate-webhook-phonebook.timer ]
}

@test "the installed man pages render without a warning" {
	for page in man8/sipgate-webhook.8.gz man5/sipgate-webhook-rules.5.gz; do
		run sh -c "MANWIDTH=80 man --warnings -l /usr/share/man/$page 2>&1 > /dev/null"
		assert_output ''
	done
	MANWIDTH=80 man sipgate-webhook-rules 2> /dev/null | grep -q 'menu'
}

@test "the installed nginx snippets pass nginx -t" {
	command -v nginx > /dev/null || {
		[ "${CI:-}" != true ] || { echo "nginx is missing, and CI=true" >&2; return 1; }
		skip "nginx is missing"
	}
	cp /etc/nginx/fastcgi_params "$T/"
	cat > "$T/nginx.conf" <<EOF
pid $T/nginx.pid;
error_log $T/error.log;
events {}
http {
    access_log off;
    include /etc/nginx/snippets/sipgate-webhook-upstream.conf;
    server { listen 127.0.0.1:1; include /etc/nginx/snippets/sipgate-webhook.conf; }
    server { listen 127.0.0.1:2; include /etc/nginx/snippets/sipgate-webhook-fastcgi.conf; }
}
EOF
	run nginx -t -q -c "$T/nginx.conf" -g 'user root;'
	assert_success
}

@test "through the system Apache: signed request 200 and one record, unsigned 403" {
	run a2enconf -q sipgate-webhook
	assert_success
	# Without a CGI module Apache would send the binary as a file: the
	# configuration refuses to load and says what is missing.
	if [ ! -f "$BATS_FILE_TMPDIR/cgid-was-on" ]; then
		run apache2ctl configtest
		assert_failure
		assert_output --partial 'a2enmod cgid'
	fi
	run a2enmod -q cgid
	assert_success
	run apache2ctl start
	assert_success
	assert_equal "$(signed)" 200
	grep -q '<Response' "$T/body"
	assert_equal "$(check_jsonl "$LOGDIR/events.jsonl")" 1
	assert_equal "$(jq -r .event "$LOGDIR/events.jsonl")" newCall
	assert_equal "$(jq -r .signature "$LOGDIR/events.jsonl")" valid
	assert_equal "$(stat -c %U "$LOGDIR/events.jsonl")" www-data
	status=$(curl -s -o "$T/body" -w '%{http_code}' --data-binary 'event=newCall&callId=1' http://127.0.0.1/sipgate)
	assert_equal "$status" 403
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" 1
}

@test "through the system Apache: the calls page stays closed until the README's htpasswd, then asks for it" {
	run a2enmod -q cgid
	a2enconf -q sipgate-webhook
	apache2ctl start 2> /dev/null || apache2ctl graceful
	sleep 1
	rm -f /etc/sipgate-webhook/calls.htpasswd
	assert_equal "$(curl -s -o "$T/body" -w '%{http_code}' -u anna:pw http://127.0.0.1/sipgate/calls)" 500
	refute grep -q 'newCall\|49[0-9]' "$T/body"
	# The README's command, its password from stdin as htpasswd asks it twice.
	printf 'pw\npw\n' | htpasswd -B -c /etc/sipgate-webhook/calls.htpasswd anna
	assert_equal "$(curl -s -o "$T/body" -w '%{http_code}' http://127.0.0.1/sipgate/calls)" 401
	assert_equal "$(curl -s -o "$T/body" -w '%{http_code}' -u anna:pw http://127.0.0.1/sipgate/calls)" 200
	grep -q '<h2>Calls (' "$T/body"
	rm /etc/sipgate-webhook/calls.htpasswd
}

@test "a reinstall keeps an edited conffile and the log" {
	echo '# edited by the admin' >> "$PKGCONF"
	run apt install --reinstall "$DEB"
	assert_success
	assert_equal "$(tail -n 1 "$PKGCONF")" '# edited by the admin'
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" 1
	assert_equal "$(signed)" 200
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" 2
}

@test "remove keeps configuration and log, and Apache stops using the configuration" {
	run apt remove sipgate-webhook
	assert_success
	[ ! -e /usr/lib/cgi-bin/sipgate-webhook ]
	[ ! -e /usr/bin/sipgate-webhook ]
	[ ! -L /usr/bin/sipgate-webhook ]
	assert_equal "$(tail -n 1 "$PKGCONF")" '# edited by the admin'
	[ -f /etc/logrotate.d/sipgate-webhook ]
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" 2
	run a2query -q -c sipgate-webhook
	assert_failure
	run apache2ctl configtest
	assert_success
	assert_equal "$(signed)" 404
}

@test "installed again after a remove, the configuration the admin enabled is on again" {
	run apt install "$DEB"
	assert_success
	run a2query -q -c sipgate-webhook
	assert_success
	assert_equal "$(signed)" 200
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" 3
}

# private_nginx PORT SNIPPET...: nginx as root with www-data workers (as
# Debian's), serving the installed snippets on 127.0.0.1:PORT.
private_nginx() {
	local port=$1 snippet
	shift
	cp /etc/nginx/fastcgi_params "$T/"
	{
		echo "user www-data; pid $T/nginx.pid; error_log $T/nginx-error.log; events {}"
		echo "http { access_log off;"
		[ "$1" != sipgate-webhook-fastcgi ] || echo "include /etc/nginx/snippets/sipgate-webhook-upstream.conf;"
		echo "server { listen 127.0.0.1:$port;"
		for snippet in "$@"; do echo "include /etc/nginx/snippets/$snippet.conf;"; done
		echo "} }"
	} > "$T/nginx.conf"
	nginx -c "$T/nginx.conf"
}

# readme_line TEXT: the README gives this command word for word.
readme_line() {
	grep -qF -- "$1" "$TOP/README.md" || { echo "the README no longer says: $1" >&2; return 1; }
}

@test "without systemd, as the README says: nginx + fcgiwrap under spawn-fcgi" {
	command -v nginx > /dev/null && command -v spawn-fcgi > /dev/null && [ -x /usr/sbin/fcgiwrap ] || {
		[ "${CI:-}" != true ] || { echo "nginx, fcgiwrap or spawn-fcgi is missing, and CI=true" >&2; return 1; }
		skip "nginx, fcgiwrap or spawn-fcgi is missing"
	}
	readme_line 'sudo spawn-fcgi -s /run/fcgiwrap.socket -M 0660 -U www-data -G www-data \'
	readme_line '    -u www-data -g www-data -- /usr/sbin/fcgiwrap -f'
	started=
	if [ ! -S /run/fcgiwrap.socket ]; then
		run spawn-fcgi -s /run/fcgiwrap.socket -M 0660 -U www-data -G www-data \
			-u www-data -g www-data -- /usr/sbin/fcgiwrap -f
		assert_success
		started=$(echo "$output" | sed -n 's/.*PID: *\([0-9]*\).*/\1/p')
		[ -n "$started" ]
	fi
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	private_nginx "$port" sipgate-webhook
	before=$(wc -l < "$LOGDIR/events.jsonl")
	status=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 \
		-H "X-Sipgate-Signature: $(cat "$FIXTURES/signed-newcall.sig")" \
		--data-binary @"$FIXTURES/signed-newcall.body" "http://127.0.0.1:$port/sipgate")
	nginx -c "$T/nginx.conf" -s stop
	if [ -n "$started" ]; then kill "$started"; rm -f /run/fcgiwrap.socket; fi
	assert_equal "$status" 200
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" $((before + 1))
}

@test "without systemd, as the README says: the FastCGI service under spawn-fcgi, behind nginx" {
	command -v nginx > /dev/null && command -v spawn-fcgi > /dev/null || {
		[ "${CI:-}" != true ] || { echo "nginx or spawn-fcgi is missing, and CI=true" >&2; return 1; }
		skip "nginx or spawn-fcgi is missing"
	}
	readme_line 'sudo env SIPGATE_LOG=/var/log/sipgate-webhook/events.jsonl SIPGATE_WORKERS=4 \'
	readme_line '    spawn-fcgi -u www-data -g www-data -s /run/sipgate-webhook.sock \'
	readme_line '    -U www-data -G www-data -M 0660 -- /usr/lib/cgi-bin/sipgate-webhook'
	[ ! -e /run/sipgate-webhook.sock ]
	run env SIPGATE_LOG=/var/log/sipgate-webhook/events.jsonl SIPGATE_WORKERS=4 \
		spawn-fcgi -u www-data -g www-data -s /run/sipgate-webhook.sock \
		-U www-data -G www-data -M 0660 -- /usr/lib/cgi-bin/sipgate-webhook
	assert_success
	master=$(echo "$output" | sed -n 's/.*PID: *\([0-9]*\).*/\1/p')
	[ -n "$master" ]
	assert_equal "$(stat -c '%U:%G %a' /run/sipgate-webhook.sock)" "www-data:www-data 660"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	private_nginx "$port" sipgate-webhook-fastcgi
	before=$(wc -l < "$LOGDIR/events.jsonl")
	for i in 1 2 3; do
		status=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 \
			-H "X-Sipgate-Signature: $(cat "$FIXTURES/signed-newcall.sig")" \
			--data-binary @"$FIXTURES/signed-newcall.body" "http://127.0.0.1:$port/sipgate")
		[ "$status" = 200 ] || break
	done
	workers=$(pgrep -c -P "$master" || :)
	nginx -c "$T/nginx.conf" -s stop
	kill -TERM "$master"
	for _ in $(seq 50); do kill -0 "$master" 2> /dev/null || break; sleep 0.1; done
	rm -f /run/sipgate-webhook.sock
	assert_equal "$status" 200
	assert_equal "$workers" 4
	assert_equal "$(wc -l < "$LOGDIR/events.jsonl")" $((before + 3))
	assert_equal "$(tail -n 1 "$LOGDIR/events.jsonl" | jq -r .signature)" valid
	run kill -0 "$master"
	assert_failure
}

@test "purge removes configuration, log, the synced address book, the page's passwords and Apache's state of it" {
	# What the address book's sync and the admin's htpasswd would have left.
	mkdir -p /var/lib/sipgate-webhook-phonebook/contacts
	echo 'BEGIN:VCARD' > /var/lib/sipgate-webhook-phonebook/contacts/a.vcf
	printf 'pw\npw\n' | htpasswd -B -c /etc/sipgate-webhook/calls.htpasswd anna
	run apt purge sipgate-webhook
	assert_success
	for f in "$PKGCONF" /etc/apache2/conf-enabled/sipgate-webhook.conf /etc/nginx/snippets/sipgate-webhook.conf \
	    /etc/logrotate.d/sipgate-webhook /etc/sipgate-webhook "$LOGDIR" /usr/share/sipgate-webhook \
	    /usr/share/doc/sipgate-webhook /var/lib/apache2/conf/disabled_by_maint/sipgate-webhook \
	    /lib/systemd/system/sipgate-webhook.socket /var/lib/sipgate-webhook-phonebook; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || { echo "left behind: $f" >&2; return 1; }
	done
	run dpkg-query -W -f='${Status}' sipgate-webhook
	refute_output --partial installed
	run apache2ctl configtest
	assert_success
}
