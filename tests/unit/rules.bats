#!/usr/bin/env bats
# The call rules file: lexing, statements, whole-file validation, and
# sipgate-webhook --check, with the exact messages an admin sees.

load ../helpers

setup() {
	common_setup
	R="$T/rules"
}

# rules LINE...: writes the rules file, one argument a line.
rules() {
	printf '%s\n' "$@" > "$R"
}

# check: runs --check on $R; output is stderr.  bats' folders are
# private: whether another user could read them is a test of its own.
check() {
	prog --check --user "$(id -un)" "$R"
}

assert_error() {
	check
	assert_failure 1
	assert_output --partial "$1"
}

@test "a valid file: exit 0 and one line on stdout saying what it holds" {
	rules 'version 1' 'list vip 491' 'list spam 492' 'menu main' 'when from anonymous do reject' \
		'when from @vip do gather main' 'when menu main key 1 do hangup' 'end'
	prog --check --user "$(id -un)" "$R" 2> "$T/stderr"
	assert_success
	assert_output "ok: 3 rules, 1 menus, 2 lists"
	assert_equal "$(cat "$T/stderr")" ""
	# --explain checks the file first, silently.
	prog --explain "$R" --at @0 'event=newCall&direction=in&from=1&callId=1'
	refute_output --partial "ok:"
}

@test "messages that say what to do: a comment after an action, not after its keyword, a name without @" {
	rules 'version 1' 'when always do voicemail # after hours' 'end'
	assert_error "$R:2: a comment stands on its own line (a line starting with #), not after voicemail"
	rules 'version 1' 'timezone Europe/Berlin' 'hours office mon-fri 08:00-17:00' 'when time not @office do hangup' 'end'
	check
	assert_failure 1
	assert_output "$R:4: \"not\" goes before the condition it negates: not time ..."
	rules 'version 1' 'when from not 491 do hangup' 'end'
	assert_error "$R:2: \"not\" goes before the condition it negates: not from ..."
	rules 'version 1' 'timezone Europe/Berlin' 'hours office mon-fri 08:00-17:00' 'when time office do hangup' 'end'
	assert_error "$R:4: \"office\": refer to an hours by @name"
	# A misspelt zone is the error; the time conditions after it are not.
	rules 'version 1' 'timezone Europe/Berlinn' 'hours office mon-fri 08:00-17:00' 'when time @office do hangup' 'end'
	check
	assert_failure 1
	assert_output "$R:2: unknown time zone \"Europe/Berlinn\" (no /usr/share/zoneinfo/Europe/Berlinn)"
}

@test "the worked examples are valid" {
	sed "s|FLAGDIR|$T/flags|" "$FIXTURES/rules/example7" > "$T/example7"
	for f in example1 example2 example3 example4 example5 example6 example8 example10; do
		prog --check "$FIXTURES/rules/$f"
		assert_success
	done
	prog --check "$T/example7"
	assert_success
}

@test "example 9, rejected: an unknown list" {
	printf '+49 30 1234567\n' > "$T/spam.txt"
	rules 'version 1' 'list spam file spam.txt' 'when from @spamm do reject busy' 'end'
	assert_error "$R:3: unknown list \"spamm\""
}

@test "example 9, rejected: no end line" {
	printf '+49 30 1234567\n' > "$T/spam.txt"
	rules 'version 1' 'list spam file spam.txt' 'when from @spam do reject busy'
	assert_error "$R: no \"end\" line (file truncated?)"
}

@test "example 9, rejected: hours that cross midnight" {
	rules 'version 1' 'hours office mon-fri 17:00-08:00' 'end'
	assert_error "$R:2: 17:00-08:00 crosses midnight; write 17:00-24:00 and 00:00-08:00 on the right days"
}

@test "example 9, rejected: six numbers to dial" {
	rules 'version 1' 'when always do dial 491 492 493 494 495 496' 'end'
	assert_error "$R:2: dial takes at most 5 numbers (sipgate's limit for incoming calls)"
}

@test "example 9, rejected: a misspelt time zone" {
	rules 'version 1' 'timezone Europe/Berlinn' 'end'
	assert_error "$R:2: unknown time zone \"Europe/Berlinn\" (no /usr/share/zoneinfo/Europe/Berlinn)"
}

@test "example 9, rejected: a list entry that matches every caller" {
	rules 'version 1' 'list intl 00*' 'end'
	assert_error "$R:2: \"00*\" matches every caller; for calls from abroad write: not from 49*"
}

@test "example 9, rejected: a list used before its definition" {
	rules 'version 1' 'when from @vip do reject' 'list vip 491234' 'end'
	assert_error "$R:2: list \"vip\" is used before its definition on line 3"
}

@test "example 9, rejected: a menu rule asking what a dtmf push lacks" {
	rules 'version 1' 'menu main' 'when menu main key 1 from anonymous do hangup' 'end'
	assert_error "$R:3: \"from\" is unknown in a dtmf push (it carries only callId and dtmf)"
}

@test "example 9, rejected: else gather" {
	rules 'version 1' 'menu main play https://m.example/a.wav else gather main' 'end'
	assert_error "$R:2: else cannot be gather (menus would loop while the caller is silent)"
}

@test "example 9, rejected: a keyword in upper case" {
	rules 'version 1' 'When always do pass' 'end'
	assert_error "$R:2: unknown statement \"When\" (keywords are lower case)"
}

@test "example 9, rejected: else callerid" {
	rules 'version 1' 'menu main else callerid 0211123' 'end'
	assert_error "$R:2: else cannot be callerid (it is for outgoing newCall rules)"
}

@test "example 9, rejected: else withhold" {
	rules 'version 1' 'menu main tries 1 else withhold' 'end'
	assert_error "$R:2: else cannot be withhold (it is for outgoing newCall rules)"
}

@test "example 9, rejected: a list file with a line that is no number" {
	printf '1\n2\n3\n4\n5\n6\n+49 30 1234x567\n' | sed '1,6s/.*/491234/' > "$T/spam.txt"
	rules 'version 1' 'list spam file spam.txt' 'when from @spam do reject' 'end'
	assert_error "spam.txt:7: not a number: \"+49 30 1234x567\""
}

@test "example 9, rejected: a date range that ends before it starts" {
	rules 'version 1' 'dates closure 2026-12-31..2026-12-24' 'end'
	assert_error "$R:2: date range ends before it starts"
}

@test "a long list or dates path: --check shortens nothing, the line number and the reason stay" {
	long=$T/$(printf 'd%.0s' $(seq 60))
	for i in $(seq 11); do long=$long/$(printf 'd%.0s' $(seq 60)); done
	mkdir -p "$long"
	printf '491234\n491234\n491234\n491234\n491234\n491234\n+49 30 1234x567\n' > "$long/spam.txt"
	printf '2026-12-24\n2026-13-01\n' > "$long/days"
	rules 'version 1' "list spam file $long/spam.txt" "dates off file $long/days" 'when from @spam do reject' 'end'
	check
	assert_failure 1
	assert_line "$long/spam.txt:7: not a number: \"+49 30 1234x567\""
	assert_line --regexp "^$long/days:2: .*2026-13-01"
	rules 'version 1' "list spam file $long/missing.txt" 'when from @spam do reject' 'end'
	assert_error "$R:2: list \"spam\": cannot open $long/missing.txt: No such file or directory"
}

@test "a list file that cannot be read: the rules line, the list's name and the absolute path" {
	cd "$T"
	rules 'version 1' 'list blocked file blocklist.txt' 'when from @blocked do reject' 'end'
	prog --check --user "$(id -un)" rules
	assert_failure 1
	assert_output "rules:2: list \"blocked\": cannot open $T/blocklist.txt: No such file or directory"
	mkdir blocklist.txt
	prog --check --user "$(id -un)" rules
	assert_output "rules:2: list \"blocked\": $T/blocklist.txt: not a regular file"
}

# cost FILE: what --check FILE costs: instructions counted by callgrind
# (the same on any machine load, unlike a time); under a sanitizer build,
# which valgrind cannot run, CPU milliseconds.
cost() {
	if [ "${SANITIZE:-}" = 1 ]; then
		TIMEFORMAT=%3U
		{ time "$PROG" --check "$1" > /dev/null 2>&1; } 2>&1 | tr -d . | sed 's/^0*//; s/^$/0/'
	else
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$PROG" --check "$1" 2>&1 > /dev/null |
			sed -n 's/^==[0-9]*== Collected : //p'
	fi
}

@test "70,000 list definitions cost about ten times 7,000, not a hundred times" {
	command -v valgrind > /dev/null || { [ "${CI:-}" != true ] || false; skip "valgrind is needed"; }
	for n in 7000 70000; do
		{
			echo 'version 1'
			seq 0 $((n - 1)) | awk '{ printf "list l%x 1\n", $1 }'
			echo 'when from @l0 do reject'
			echo end
		} > "$T/lists$n"
	done
	[ "$(wc -c < "$T/lists70000")" -lt 1048576 ]
	small=$(cost "$T/lists7000")
	large=$(cost "$T/lists70000")
	echo "cost: 7,000 lists $small, 70,000 lists $large" >&3
	# Quadratic lookups made it 700 times (7.9 s a request).
	[ "$large" -lt $((small * 20 + 1000)) ]
}

@test "9,999 rules dialling numbers a to pattern matches: one warning a target, at most 100 shown" {
	{
		echo 'version 1'
		seq 0 9998 | awk '{ printf "when to 4921* do dial 4921%07d\n", $1 }'
		echo end
	} > "$R"
	# Once per pair of rules this was 10^8 warnings (5 GB, minutes).
	run timeout 120 env -i ${MEMCHECK:-} "$PROG" --check --user "$(id -un)" "$R"
	assert_success
	assert_equal "${#lines[@]}" 102
	assert_line --index 0 "$R:2: warning: dial target 49210000000 is also in a \"to\" condition on line 2: a forwarding loop between your own numbers?"
	assert_line --index 100 "$R: warning: 9899 more warnings not shown"
	assert_line --index 101 "ok: 9999 rules, 0 menus, 0 lists"
	# The same target twice is one warning.
	rules 'version 1' 'when to 4921123456 do dial 4921123456' 'when from 1 do dial 4921123456' 'end'
	check
	assert_success
	assert_line --index 0 "$R:2: warning: dial target 4921123456 is also in a \"to\" condition on line 2: a forwarding loop between your own numbers?"
	assert_equal "${#lines[@]}" 2
}

@test "play ... then ...: noted once a file, as sipgate documents one action a reply" {
	rules 'version 1' 'when from 1 do play https://m.example/a.wav then hangup' \
		'when from 2 do play https://m.example/b.wav then voicemail' 'end'
	check
	assert_success
	assert_equal "$(grep -c 'puts two verbs into one reply' <<< "$output")" 1
	assert_line --index 0 --partial "$R:2: warning: play ... then ..."
	# --explain says nothing of warnings: it is about one push.
	prog --explain "$R" --at @0 'event=newCall&direction=in&from=1&callId=1'
	refute_output --partial warning
}

@test "--check warns of a file the web server's user cannot read (--user, www-data by default)" {
	getent passwd www-data > /dev/null || { [ "${CI:-}" != true ] || false; skip "no www-data account"; }
	mkdir -m 0755 "$T/pub"
	printf '491\n' > "$T/pub/spam"
	printf '2026-12-24\n' > "$T/pub/days"
	printf '%s\n' 'version 1' 'timezone UTC' 'list spam file spam' 'dates off file days' \
		'when from @spam do reject' 'when date @off do hangup' 'end' > "$T/pub/rules"
	chmod 0644 "$T/pub/rules" "$T/pub/days"
	chmod 0600 "$T/pub/spam"
	# bats' own folder is private: the folders on the way count too.
	prog --check --user www-data "$T/pub/rules"
	assert_success
	assert_line "$T/pub/rules: warning: this rules file is not readable by www-data, the user the web server runs as (--user NAME for another)"
	chmod 0755 "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")" "$(dirname "$(dirname "$BATS_TEST_TMPDIR")")"
	prog --check --user www-data "$T/pub/rules"
	assert_success
	assert_output "$T/pub/spam: warning: this list file is not readable by www-data, the user the web server runs as (--user NAME for another)
ok: 2 rules, 0 menus, 1 lists"
	chmod 0644 "$T/pub/spam"
	chmod 0600 "$T/pub/days"
	prog --check --user www-data "$T/pub/rules"
	assert_line --index 0 "$T/pub/days: warning: this dates file is not readable by www-data, the user the web server runs as (--user NAME for another)"
	# The user it names, and no other.
	prog --check --user root "$T/pub/rules"
	assert_output "ok: 2 rules, 0 menus, 1 lists"
	prog --check --user no-such-user "$T/pub/rules"
	assert_failure 2
	assert_output "sipgate-webhook: --user no-such-user: no such user"
}

@test "dial targets: too short for a phone number, or one number split by spaces, is a warning" {
	rules 'version 1' 'when from 1 do dial 49' 'when from 2 do dial 0049 211 1111111' \
		'when from 3 do dial 02111111111 03011111111' 'end'
	check
	assert_success
	assert_line "$R:2: warning: dial 49 has 2 digits: too short for a phone number?"
	assert_line "$R:3: warning: dial 0049 211 ...: one number split by spaces? Each word is a target; write it without spaces"
	refute_output --partial "$R:4:"
	assert_line "ok: 3 rules, 0 menus, 0 lists"
}

@test "--check lists every error; at run time the first by line counts" {
	rules 'version 1' 'when from @nope do reject' 'when always do dail 1' 'hours h mon 9:00-8:00' 'end'
	check
	assert_failure 1
	assert_line --index 0 "$R:2: unknown list \"nope\""
	assert_line --index 1 "$R:3: unknown action \"dail\""
	assert_line --index 2 --partial "$R:4: 9:00-8:00 crosses midnight"
	assert_equal "${#lines[@]}" 3
	post 'event=newCall&direction=in&from=1' SIPGATE_RULES="$R"
	assert_status 200
	run cat "$T/stderr"
	assert_output "sipgate-webhook: $R:2: unknown list \"nope\""
}

@test "CRLF, a BOM, tabs, trailing blanks and no final newline are fine" {
	printf '\xef\xbb\xbfversion 1\r\n\twhen   from\tanonymous  do reject  \r\n# comment\r\nend' > "$R"
	check
	assert_success
}

@test "an empty file and a file of comments lack the end line" {
	: > "$R"
	assert_error "$R: no \"end\" line (file truncated?)"
	rules '# only' '   # comments'
	assert_error "$R: no \"end\" line (file truncated?)"
}

@test "a NUL byte, a line of 4097 bytes, a file over 1 MiB, 65 tokens" {
	printf 'version 1\nwhen always do pass\x00\nend\n' > "$R"
	assert_error "$R:2: contains a NUL byte"
	{ echo 'version 1'; printf '#%4095s\n' x; echo end; } > "$R"
	check
	assert_success
	{ echo 'version 1'; printf '#%4096s\n' x; echo end; } > "$R"
	assert_error "$R:2: line longer than 4096 bytes"
	python3 "$TOP/tests/tools/sized-rules" 1048576 > "$R"
	assert_equal "$(wc -c < "$R")" 1048576
	check
	assert_success
	python3 "$TOP/tests/tools/sized-rules" 1048577 > "$R"
	assert_error "$R: larger than 1048576 bytes"
	rules 'version 1' "list many $(seq -s ' ' 4912301 4912362)" 'end'
	check
	assert_success
	rules 'version 1' "list many $(seq -s ' ' 4912301 4912363)" 'end'
	assert_error "$R:2: more than 64 tokens on a line"
}

@test "quotes: a name with a space, unterminated, empty, a quote inside a token" {
	rules 'version 1' 'when user "Anna Müller" do voicemail' 'end'
	check
	assert_success
	rules 'version 1' 'when user "Anna do voicemail' 'end'
	assert_error "$R:2: unterminated \""
	rules 'version 1' 'when user "" do voicemail' 'end'
	assert_error "$R:2: an empty \"\" where a value is required"
	rules 'version 1' 'when user An"na do voicemail' 'end'
	assert_error "$R:2: a \" inside a token; quote the whole token"
}

@test "# starts a comment only as the first character: keys and URLs keep theirs" {
	rules 'version 1' 'menu m' '  # a comment' 'when menu m key # do play https://x.example/a.wav#t=1 then hangup' 'end'
	check
	assert_success
}

@test "version: only 1, only first; unknown actions; statements that may appear once" {
	rules 'version 2' 'end'
	assert_error "$R:1: unsupported version \"2\""
	rules 'when always do pass' 'version 1' 'end'
	assert_error "$R:2: version must be the first statement"
	rules 'version 1' 'when always do dail 1' 'end'
	assert_error "$R:2: unknown action \"dail\""
	rules 'version 1' 'timezone UTC' 'timezone UTC' 'end'
	assert_error "$R:3: timezone may appear once (first on line 2)"
	rules 'version 1' 'country 43' 'country 43' 'end'
	assert_error "$R:3: country may appear once"
	rules 'version 1' "flagdir $T" "flagdir $T" 'end'
	assert_error "$R:3: flagdir may appear once"
	rules 'version 1' 'menu m' 'menu m' 'end'
	assert_error "$R:3: menu \"m\" is defined twice (first on line 2)"
	rules 'version 1' 'when always do pass' 'timezone UTC' 'end'
	assert_error "$R:3: timezone must come before the first when"
}

@test "list, hours and dates append; a set may grow after a rule used it" {
	rules 'version 1' 'timezone UTC' 'list a 491' 'when from @a do reject' 'list a 492' \
		'hours h mon 08:00-09:00' 'hours h tue 08:00-09:00' 'dates d 01-01' 'dates d 12-25' \
		'when time @h date @d do hangup' 'end'
	check
	assert_success
	prog --explain "$R" --at @0 'event=newCall&direction=in&from=492'
	assert_output --partial '<Reject reason="rejected"/>'
}

@test "nothing may follow end but blanks and comments" {
	rules 'version 1' 'end' '' '# fine'
	check
	assert_success
	rules 'version 1' 'end' 'when always do pass'
	assert_error "$R:3: nothing may follow \"end\" (line 2)"
}

@test "the rules file: a directory, a FIFO (no blocking), missing, unreadable; a symlink is followed" {
	mkdir "$T/dir"
	prog --check "$T/dir"
	assert_failure 1
	assert_output "$T/dir: not a regular file"
	mkfifo "$T/fifo"
	run timeout 5 env -i ${MEMCHECK:-} "$PROG" --check "$T/fifo"
	assert_failure 1
	assert_output "$T/fifo: not a regular file"
	prog --check "$T/missing"
	assert_failure 1
	assert_output "$T/missing: cannot open: No such file or directory"
	rules 'version 1' 'end'
	ln -s "$R" "$T/link"
	prog --check "$T/link"
	assert_success
	if [ "$(id -u)" = 0 ]; then
		chmod 000 "$R"
		run setpriv --reuid=65534 --regid=65534 --clear-groups env -i "$PROG" --check "$R"
		assert_failure 1
		assert_output "$R: cannot open: Permission denied"
	fi
}

@test "warnings: a writable file, a play URL not .wav, a dial loop, a shadowed rule, an empty list" {
	printf '' > "$T/empty.txt"
	rules 'version 1' 'list e file empty.txt' 'when to 492111234560 do dial 492111234560' \
		'when always do play https://m.example/a.mp3' 'when from 491 do reject' \
		'menu m' 'when menu m key any do hangup' 'when menu m key 1 do voicemail' 'end'
	chmod 0666 "$R"
	check
	assert_success
	assert_output --partial "$R: warning: writable by group or others"
	assert_output --partial "$R:2: warning: list file empty.txt is empty"
	assert_output --partial "$R:3: warning: dial target 492111234560 is also in a \"to\" condition on line 3"
	assert_output --partial "$R:4: warning: https://m.example/a.mp3 does not end in .wav"
	assert_output --partial "$R:5: warning: never matches: line 4 comes first"
	assert_output --partial "$R:8: warning: never matches: line 7 comes first"
}

@test "load-time errors of conditions and actions" {
	rules 'version 1' 'when key 1 do hangup' 'end'
	assert_error "$R:2: key needs menu NAME in the same rule"
	rules 'version 1' 'menu m' 'when menu m direction in do hangup' 'end'
	assert_error "$R:3: \"direction\" is unknown in a dtmf push"
	rules 'version 1' 'when to 49 do callerid 491' 'end'
	assert_error "$R:2: callerid needs direction out"
	rules 'version 1' 'when direction in do withhold' 'end'
	assert_error "$R:2: withhold needs direction out"
	rules 'version 1' 'when not direction out do pass' 'end'
	assert_error "$R:2: not cannot go before direction"
	rules 'version 1' 'menu m' 'when not menu m do pass' 'end'
	assert_error "$R:3: not cannot go before menu"
	rules 'version 1' 'when not always do pass' 'end'
	assert_error "$R:2: not cannot go before always"
	rules 'version 1' 'when do pass' 'end'
	assert_error "$R:2: when needs a condition before do"
	rules 'version 1' 'when always do play https://x.example/a.wav then gather m' 'end'
	assert_error "$R:2: play ... then gather"
	rules 'version 1' 'when always do play https://x.example/a.wav then pass' 'end'
	assert_error "$R:2: play ... then pass"
	rules 'version 1' 'when always do play ftp://x.example/a.wav' 'end'
	assert_error "$R:2: play needs an http:// or https:// URL"
	rules 'version 1' 'when always do play https://x.example/ä.wav' 'end'
	assert_error "$R:2: play needs an http:// or https:// URL"
	rules 'version 1' 'when time @h do pass' 'end'
	assert_error "$R:2: time needs a timezone line before the first when"
	rules 'version 1' 'when flag x do pass' 'end'
	assert_error "$R:2: flag needs a flagdir line before the first when"
	rules 'version 1' 'when always do gather nope' 'end'
	assert_error "$R:2: unknown menu \"nope\""
	rules 'version 1' 'when always do gather m' 'menu m' 'end'
	assert_error "$R:2: menu \"m\" is used before its definition on line 3"
	rules 'version 1' 'list x 491' 'timezone UTC' 'when time @x do pass' 'end'
	assert_error "$R:4: \"x\" is a list, not a hours"
	rules 'version 1' 'when percent 100 do pass' 'end'
	assert_error "$R:2: percent takes 1 to 99"
	rules 'version 1' 'menu m digits 21' 'end'
	assert_error "$R:2: menu: bad \"digits 21\""
	rules 'version 1' 'menu m timeout 60001' 'end'
	assert_error "$R:2: menu: bad \"timeout 60001\""
	rules 'version 1' 'menu m tries 0' 'end'
	assert_error "$R:2: menu: bad \"tries 0\""
	rules 'version 1' 'menu m digits 20 timeout 0 tries 9 else play https://x.example/a.wav then hangup' 'end'
	check
	assert_success
}

@test "contrib/rules.example is valid and routes as its comments say" {
	prog --check --user "$(id -un)" "$TOP/contrib/rules.example"
	assert_success
	assert_line --index 0 "$TOP/contrib/rules.example:40: warning: play ... then ... puts two verbs into one reply; sipgate documents one action a reply: try such a rule with a real call before you rely on it"
	assert_line --index 1 "ok: 11 rules, 2 menus, 1 lists"
	assert_equal "${#lines[@]}" 2
	ex() {
		env -i SIPGATE_WEBHOOK_URL=https://h.example/s ${MEMCHECK:-} "$PROG" --explain "$TOP/contrib/rules.example" \
			--at "$1" "event=newCall&direction=in&from=$2&to=4921112345670&callId=1" | sed -n '$p'
	}
	F='<Response onAnswer="https://h.example/s" onHangup="https://h.example/s"'
	assert_equal "$(ex 2026-03-04T10:00:00+01:00 4930123456)" "$F><Gather onData=\"https://h.example/s?m=main&amp;n=0\" maxDigits=\"1\" timeout=\"5000\"><Play><Url>https://media.example.org/ivr/main.wav</Url></Play></Gather></Response>"
	assert_equal "$(ex 2026-03-04T10:00:00+01:00 493012345678)" "$F><Reject reason=\"busy\"/></Response>"
	assert_equal "$(ex 2026-03-04T10:00:00+01:00 anonymous)" "$F><Play><Url>https://media.example.org/show-your-number.wav</Url></Play><Hangup/></Response>"
	assert_equal "$(ex 2026-04-03T10:00:00+02:00 4930123456)" "$F><Play><Url>https://media.example.org/closed.wav</Url></Play><Dial><Voicemail/></Dial></Response>"
	assert_equal "$(ex 2026-03-06T15:00:00+01:00 4930123456)" "$F><Play><Url>https://media.example.org/after-hours.wav</Url></Play><Dial><Voicemail/></Dial></Response>"
}

@test "--check warns of a flag folder every user can write: anyone could reroute calls" {
	mkdir -p "$T/flags"
	chmod 0777 "$T/flags"
	rules 'version 1' "flagdir $T/flags" 'when flag closed do voicemail' 'end'
	run env -i ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
	assert_output --partial "$R: warning: flagdir $T/flags is writable by every user: anyone could switch a flag and reroute calls (chmod o-w)"
	chmod 0755 "$T/flags"
	run env -i ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
	refute_output --partial "flagdir"
}
