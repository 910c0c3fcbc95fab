#!/usr/bin/env bats
# The address book from CardDAV, with no daemon of ours: Radicale (Debian's
# CardDAV server) on loopback holds the office's address book, and the
# shipped vdirsyncer configuration, run as the shipped unit runs it, copies
# it into the folder SIPGATE_PHONEBOOK names.  A card added on the server
# names the next call once the sync has run.

load ../helpers

setup_file() {
	if ! command -v radicale > /dev/null || ! command -v vdirsyncer > /dev/null; then
		[ "${CI:-}" != true ] || { echo "radicale or vdirsyncer missing, and CI=true" >&2; return 1; }
	fi
}

setup() {
	common_setup
	command -v radicale > /dev/null && command -v vdirsyncer > /dev/null ||
		skip "radicale and vdirsyncer are not installed"
	PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	printf 'office:geheim\n' > "$T/users"
	cat > "$T/radicale.conf" <<-CONF
		[server]
		hosts = 127.0.0.1:$PORT
		[auth]
		type = htpasswd
		htpasswd_filename = $T/users
		htpasswd_encryption = plain
		[storage]
		filesystem_folder = $T/collections
		[logging]
		level = warning
	CONF
	radicale --config "$T/radicale.conf" > "$T/radicale.log" 2>&1 &
	RADICALE=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
		sleep 0.1
	done
	BOOK_URL="http://127.0.0.1:$PORT/office/contacts/"
	# An address book, as a CardDAV client makes one (extended MKCOL).
	run curl -s -u office:geheim -X MKCOL -H 'Content-Type: application/xml' -o /dev/null -w '%{http_code}' \
		--data '<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection/><CR:addressbook/></resourcetype></prop></set></mkcol>' \
		"$BOOK_URL"
	assert_output 201
	# The shipped files, with the test's folders, server and password.
	STATE="$T/state"
	printf geheim > "$T/password"
	sed -e "s|/var/lib/sipgate-webhook-phonebook|$STATE|g" \
		-e "s|/etc/sipgate-webhook/carddav-password|$T/password|" \
		-e "s|https://dav.example.org/office/contacts/|$BOOK_URL|" \
		"$TOP/contrib/phonebook-vdirsyncer.conf" > "$T/vdirsyncer.conf"
	# What systemd makes of the unit's StateDirectory= lines.
	mkdir -p "$STATE/contacts" "$STATE/status"
}

teardown() {
	[ -z "${RADICALE:-}" ] || kill "$RADICALE" 2> /dev/null || true
	wait 2> /dev/null || true
}

# card UID NAME NUMBER: a card put on the server, as a phone or a
# groupware client would.
card() {
	printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:%s\r\nTEL;TYPE=work:%s\r\nEND:VCARD\r\n' "$1" "$2" "$3" |
		curl -s -u office:geheim -X PUT -H 'Content-Type: text/vcard; charset=utf-8' --data-binary @- \
			-o /dev/null -w '%{http_code}' "$BOOK_URL$1.vcf"
}

# The unit's ExecStart= lines, in order, with the test's configuration.
sync_book() {
	local line
	grep '^ExecStart=' "$TOP/contrib/sipgate-webhook-phonebook.service" | sed 's/^ExecStart=//' |
		sed -e "s|/etc/sipgate-webhook/phonebook-vdirsyncer.conf|$T/vdirsyncer.conf|" \
			-e "s|/var/lib/sipgate-webhook-phonebook|$STATE|g" \
			-e "s|/usr/local/lib/cgi-bin/sipgate-webhook|$PROG|g" > "$T/exec"
	while IFS= read -r line; do
		eval "$line" >> "$T/sync.log" 2>&1 || { cat "$T/sync.log" >&2; return 1; }
	done < "$T/exec"
}

caller_of() {
	post "event=newCall&from=$1&to=4921199999999&direction=in&callId=c1" SIPGATE_PHONEBOOK="$STATE/phonebook.index"
	assert_status 200
	tail -n 1 "$LOG" | jq -r '.caller // "none"'
}

@test "a card in the Radicale address book names the caller after a sync; one added later, after the next" {
	assert_equal "$(card weber 'Dr. Weber' '+49 (0)211 123-456')" 201
	sync_book
	ls "$STATE/contacts"/*.vcf > /dev/null
	head -n 1 "$STATE/phonebook.index" | grep -qx '# sipgate-webhook phonebook index 1'
	assert_equal "$(caller_of 49211123456)" "Dr. Weber"
	assert_equal "$(caller_of 4930555000)" none
	assert_equal "$(card kunz 'Praxis Kunz' '030 555000')" 201
	assert_equal "$(caller_of 4930555000)" none
	sync_book
	assert_equal "$(caller_of 4930555000)" "Praxis Kunz"
}

@test "a card deleted on the server is gone from the book after the next sync; nothing goes back to the server" {
	assert_equal "$(card weber 'Dr. Weber' '0211 123456')" 201
	# vdirsyncer refuses to empty a side completely, so one card stays.
	assert_equal "$(card kunz 'Praxis Kunz' '030 555000')" 201
	sync_book
	printf 'BEGIN:VCARD\nVERSION:3.0\nUID:local\nFN:Nur lokal\nTEL:0211 999999\nEND:VCARD\n' > "$STATE/contacts/local.vcf"
	sync_book
	run curl -s -u office:geheim -o /dev/null -w '%{http_code}' "${BOOK_URL}local.vcf"
	assert_output 404
	assert_equal "$(caller_of 49211123456)" "Dr. Weber"
	run curl -s -u office:geheim -X DELETE -o /dev/null -w '%{http_code}' "${BOOK_URL}weber.vcf"
	assert_output --regexp '^20[04]$'
	sync_book
	assert_equal "$(caller_of 49211123456)" none
	assert_equal "$(caller_of 4930555000)" "Praxis Kunz"
}

@test "the shipped units pass systemd's check; the timer is not enabled by the package" {
	command -v systemd-analyze > /dev/null || { [ "${CI:-}" != true ] || return 1; skip "no systemd-analyze"; }
	run systemd-analyze verify --man=no "$TOP/contrib/sipgate-webhook-phonebook.service" \
		"$TOP/contrib/sipgate-webhook-phonebook.timer"
	assert_success
	refute_output --partial 'sipgate-webhook-phonebook'
	grep -q -- '--no-enable.*sipgate-webhook-phonebook.timer' "$TOP/debian/rules"
}
