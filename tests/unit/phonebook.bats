#!/usr/bin/env bats
# The address book (SIPGATE_PHONEBOOK): vCard files, a folder of them or
# number<TAB>name lines give the caller's name to every record of the call
# and @phonebook to the rules.

load ../helpers

setup() {
	common_setup
	BOOK="$T/book.vcf"
	R="$T/rules"
	crlf() { printf '%s\r\n' "$@"; }
	crlf BEGIN:VCARD VERSION:3.0 'FN:Dr. Weber' 'N:Weber;Anna;;Dr.;' \
		'TEL;TYPE=work,voice:+49 (0)211 123-456' 'item1.TEL;TYPE=cell:0171 2345' ' 678' \
		'CATEGORIES:VIP,Kunden' END:VCARD > "$BOOK"
}

# call FROM [EVENT [DIRECTION]] [VAR=value ...]: one push from FROM.
call() {
	local from=$1 event=${2:-newCall} dir=${3:-in}
	shift 3 2> /dev/null || shift $#
	post "event=$event&from=$from&to=4921199999999&direction=$dir&callId=c1&user%5B%5D=Alice" \
		SIPGATE_PHONEBOOK="$BOOK" "$@"
}

# caller: the last record's "caller", or "none".
caller() {
	tail -n 1 "$LOG" | jq -r '.caller // "none"'
}

@test "a vCard 3.0 card: FN names the caller in the record, a folded TEL counts" {
	call 49211123456
	assert_status 200
	assert_equal "$(caller)" "Dr. Weber"
	call 491712345678
	assert_equal "$(caller)" "Dr. Weber"
	call 49211999999
	assert_equal "$(caller)" none
}

@test "every written form of one number means it: +49 (0)211 123-456, 0211 123456, 0049 211 123456" {
	local form
	for form in '+49 (0)211 123-456' '0211 123456' '0049 211 123456' '+49-211-123456' '(0211) 12 34 56' '49211123456'; do
		printf 'BEGIN:VCARD\nVERSION:4.0\nFN:Form\nTEL:%s\nEND:VCARD\n' "$form" > "$BOOK"
		call 49211123456
		assert_equal "$(caller)" Form
	done
}

@test "SIPGATE_COUNTRY gives national numbers their country; 49 when unset" {
	printf 'BEGIN:VCARD\nVERSION:4.0\nFN:Wien\nTEL:01 5123456\nEND:VCARD\n' > "$BOOK"
	call 4315123456
	assert_equal "$(caller)" none
	call 4315123456 newCall in SIPGATE_COUNTRY=43
	assert_equal "$(caller)" Wien
	call 4915123456
	assert_equal "$(caller)" Wien
}

@test "a bad SIPGATE_COUNTRY is a 500 that names it" {
	call 49211123456 newCall in SIPGATE_COUNTRY=049
	assert_status 500
	grep -qF "SIPGATE_COUNTRY=049: want a country calling code of 1 to 3 digits" "$T/stderr"
}

@test "vCard 4.0: a tel: URI with ;ext=, N when there is no FN, ORG when there is neither" {
	printf '%s\n' BEGIN:VCARD VERSION:4.0 'N:Müller;Hans;;;' 'TEL;VALUE=uri;TYPE=work:tel:+49-30-9876543;ext=12' END:VCARD \
		BEGIN:VCARD VERSION:4.0 'ORG:Praxis Kunz;Empfang' 'TEL;VALUE=uri:tel:+49-89-1111111' END:VCARD > "$BOOK"
	call 4930987654312
	assert_equal "$(caller)" "Hans Müller"
	call 49891111111
	assert_equal "$(caller)" "Praxis Kunz"
}

@test "the name is unescaped as vCard says and JSON-escaped in the record" {
	printf '%s\n' BEGIN:VCARD VERSION:3.0 'FN:Kunz\, Eva "Evi" \\ Co\nKG' 'TEL:0211 777777' END:VCARD > "$BOOK"
	call 49211777777
	jq -e . "$LOG" > /dev/null
	assert_equal "$(caller)" 'Kunz, Eva "Evi" \ Co KG'
	grep -qF '"caller":"Kunz, Eva \"Evi\" \\ Co KG"' "$LOG"
}

@test "a vCard 2.1, a card without END and one without a name are skipped with a warning; the rest is read" {
	printf '%s\n' BEGIN:VCARD VERSION:2.1 'FN:Alt' 'TEL;WORK:0211 111111' END:VCARD \
		BEGIN:VCARD VERSION:3.0 'TEL:0211 333333' END:VCARD \
		BEGIN:VCARD VERSION:3.0 'FN:Gut' 'TEL:0211 222222' END:VCARD \
		BEGIN:VCARD VERSION:3.0 'FN:Offen' 'TEL:0211 444444' >> "$BOOK"
	call 49211222222
	assert_equal "$(caller)" Gut
	call 49211111111
	assert_equal "$(caller)" none
	call 49211444444
	assert_equal "$(caller)" none
	printf 'version 1\nend\n' > "$T/rules"
	run env -i SIPGATE_PHONEBOOK="$BOOK" ${MEMCHECK:-} "$PROG" --check "$T/rules"
	assert_success
	assert_line "$BOOK:10: a vCard 2.1 is not read; export it as vCard 3.0 or 4.0"
	assert_line "$BOOK:15: the card has no FN, N or ORG; skipped"
	assert_line "$BOOK:24: the card has no END:VCARD; skipped"
	assert_line "ok: phonebook $BOOK: 3 numbers on 2 cards from 1 files, 3 cards skipped"
}

@test "a folder of .vcf files, as a CardDAV sync writes it: other and hidden files are not read" {
	mkdir "$T/book"
	printf '%s\n' BEGIN:VCARD VERSION:3.0 'FN:Eins' 'TEL:0211 100001' END:VCARD > "$T/book/a.vcf"
	printf '%s\n' BEGIN:VCARD VERSION:4.0 'FN:Zwei' 'TEL:0211 100002' END:VCARD > "$T/book/b.VCF"
	printf '%s\n' BEGIN:VCARD VERSION:3.0 'FN:Versteckt' 'TEL:0211 100003' END:VCARD > "$T/book/.tmp.vcf"
	printf '0211 100004\tKein vCard\n' > "$T/book/notes.txt"
	BOOK="$T/book"
	call 49211100001
	assert_equal "$(caller)" Eins
	call 49211100002
	assert_equal "$(caller)" Zwei
	call 49211100003
	assert_equal "$(caller)" none
	call 49211100004
	assert_equal "$(caller)" none
}

@test "the plain form: number<TAB>name, with categories after a second TAB" {
	printf '# the front desk\n\n0211 123456\tEmpfang Nord\n+49 30 555\tBerlin\tVIP, Presse\nno tab here\n' > "$T/book.txt"
	BOOK="$T/book.txt"
	call 49211123456
	assert_equal "$(caller)" "Empfang Nord"
	call 4930555
	assert_equal "$(caller)" Berlin
	printf 'version 1\nwhen from @phonebook:presse do reject\nend\n' > "$T/rules"
	call 4930555 newCall in SIPGATE_RULES="$T/rules"
	grep -q '<Reject reason="rejected"/>' "$T/body"
	run env -i SIPGATE_PHONEBOOK="$BOOK" ${MEMCHECK:-} "$PROG" --check "$T/rules"
	assert_success
	assert_line "$BOOK:5: want number<TAB>name; skipped"
}

@test "extensions: an exact number wins over the shorter one it extends, which covers the rest" {
	printf '0211 123456\tZentrale\n0211 12345612\tDurchwahl 12\n' > "$T/book.txt"
	BOOK="$T/book.txt"
	call 4921112345612
	assert_equal "$(caller)" "Durchwahl 12"
	call 4921112345699
	assert_equal "$(caller)" Zentrale
	call 492111234569912
	assert_equal "$(caller)" Zentrale
	# Six more digits are another number, not an extension.
	call 49211123456999999
	assert_equal "$(caller)" none
}

@test "a short number on a card is matched only exactly" {
	printf '110\tNotruf\n0211 12\tKurz\n' > "$T/book.txt"
	BOOK="$T/book.txt"
	call 110
	assert_equal "$(caller)" Notruf
	call 1105
	assert_equal "$(caller)" none
	call 4921123
	assert_equal "$(caller)" none
}

@test "a number on two cards: the first card read keeps it, and --check says so" {
	printf '0211 123456\tErste\n0211 123456\tZweite\n' > "$T/book.txt"
	BOOK="$T/book.txt"
	call 49211123456
	assert_equal "$(caller)" Erste
	printf 'version 1\nend\n' > "$T/rules"
	run env -i SIPGATE_PHONEBOOK="$BOOK" ${MEMCHECK:-} "$PROG" --check "$T/rules"
	assert_success
	assert_line "$BOOK: 49211123456 is on the cards of \"Erste\" and \"Zweite\": the first is used"
}

@test "answer and hangup of the call carry the caller too; an outgoing call's own line is nobody's" {
	call 49211123456 answer in
	assert_equal "$(caller)" "Dr. Weber"
	call 49211123456 hangup in
	assert_equal "$(caller)" "Dr. Weber"
	call 49211123456 newCall out
	assert_equal "$(caller)" none
	call anonymous
	assert_equal "$(caller)" none
}

@test "rules: from @phonebook, not from @phonebook and a category, whose case does not count" {
	printf '%s\n' 'version 1' 'when from @phonebook:vip do dial 4915100000001' \
		'when not from @phonebook do voicemail' 'when from @phonebook do pass' end > "$T/rules"
	call 49211123456 newCall in SIPGATE_RULES="$T/rules"
	grep -q '<Dial><Number>4915100000001</Number></Dial>' "$T/body"
	call 49211000000 newCall in SIPGATE_RULES="$T/rules"
	grep -q '<Dial><Voicemail/></Dial>' "$T/body"
	printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Normal\nTEL:0211 123457\nCATEGORIES:Kunden\nEND:VCARD\n' >> "$BOOK"
	call 49211123457 newCall in SIPGATE_RULES="$T/rules"
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	assert_equal "$(tail -n 1 "$LOG" | jq -r '.rule.line')" 4
}

@test "--explain shows the caller's name" {
	printf 'version 1\nend\n' > "$T/rules"
	run env -i SIPGATE_PHONEBOOK="$BOOK" ${MEMCHECK:-} "$PROG" --explain "$T/rules" --at @0 \
		'event=newCall&from=49211123456&to=4921199&direction=in&callId=1'
	assert_success
	assert_line "# caller: Dr. Weber (the address book)"
}

@test "a phonebook that cannot be read costs the name, not the call, and the error log says why" {
	call 49211123456 newCall in SIPGATE_PHONEBOOK="$T/missing.vcf"
	assert_status 200
	assert_equal "$(caller)" none
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	grep -q "phonebook $T/missing.vcf: No such file or directory" "$T/stderr"
}

@test "a rule naming @phonebook when the book cannot be read: the rules are not used, as with an unreadable list" {
	printf 'version 1\nwhen from @phonebook do reject\nwhen from 49211123456 do voicemail\nend\n' > "$T/rules"
	call 49211123456 newCall in SIPGATE_RULES="$T/rules" SIPGATE_PHONEBOOK="$T/missing.vcf"
	assert_status 200
	assert_equal "$(tail -n 1 "$T/body")" '<Response onAnswer="https://hooks.example.org/sipgate" onHangup="https://hooks.example.org/sipgate"/>'
	assert_equal "$(tail -n 1 "$LOG" | jq -r '.rule.error')" "@phonebook: phonebook $T/missing.vcf: No such file or directory"
	post 'event=newCall&from=49211123456&to=4921199&direction=in&callId=c1' SIPGATE_RULES="$T/rules"
	assert_equal "$(tail -n 1 "$LOG" | jq -r '.rule.error')" "@phonebook: SIPGATE_PHONEBOOK is not set"
}

@test "--check: an unreadable phonebook fails it, an unset one is named when a rule needs it" {
	printf 'version 1\nwhen from @phonebook do pass\nend\n' > "$T/rules"
	run env -i SIPGATE_PHONEBOOK="$T/missing.vcf" ${MEMCHECK:-} "$PROG" --check "$T/rules"
	assert_failure 1
	assert_line "phonebook $T/missing.vcf: No such file or directory"
	run env -i ${MEMCHECK:-} "$PROG" --check "$T/rules"
	assert_success
	assert_line "$T/rules: a rule names @phonebook, but SIPGATE_PHONEBOOK is not set here"
}

@test "rules: @phonebook is no name for a list, and a category must be named" {
	printf 'version 1\nlist phonebook 0211 1\nend\n' > "$T/rules"
	prog --check "$T/rules"
	assert_failure 1
	assert_output --partial "rules:2: @phonebook is the address book (SIPGATE_PHONEBOOK); name the list otherwise"
	printf 'version 1\nwhen from @phonebook: do pass\nend\n' > "$T/rules"
	prog --check "$T/rules"
	assert_failure 1
	assert_output --partial 'rules:2: "@phonebook:": want @phonebook or @phonebook:CATEGORY (1 to 64 characters)'
}

@test "hostile books: binary, huge lines, endless folding and a card per byte end in no crash" {
	head -c 200000 /dev/urandom > "$T/bin.vcf"
	{ printf 'BEGIN:VCARD\nFN:'; head -c 100000 /dev/zero | tr '\0' x; printf '\nTEL:0211 555\nNOTE:'; for _ in $(seq 2000); do printf ' 5\n'; done; printf 'END:VCARD\n'; } > "$T/long.vcf"
	for _ in $(seq 3000); do printf 'BEGIN:VCARD\nEND:VCARD\nBEGIN:VCARD\nTEL:\nTEL;:\n:\n;\nEND:VCARD\n'; done > "$T/many.vcf"
	for BOOK in "$T/bin.vcf" "$T/long.vcf" "$T/many.vcf"; do
		call 49211123456
		assert_status 200
		jq -e . "$LOG" > /dev/null
	done
	BOOK="$T/long.vcf"
	call 49211555
	assert_equal "$(caller | wc -c)" 201
}

@test "a book of 3,000 cards is read and sorted inside the sandbox, in each of its forms" {
	local i
	for i in $(seq 1000 3999); do
		printf 'BEGIN:VCARD\nVERSION:3.0\nFN:Kontakt %s\nTEL:030 555%s\nEND:VCARD\n' "$i" "$i" > "$T/card$i.vcf"
	done
	mkdir "$T/folder"
	cp "$T"/card*.vcf "$T/folder/"
	cat "$T"/card*.vcf > "$T/all.vcf"
	for i in $(seq 1000 3999); do printf '030 555%s\tKontakt %s\n' "$i" "$i"; done > "$T/all.txt"
	for BOOK in "$T/folder" "$T/all.vcf" "$T/all.txt"; do
		call 49305552718
		assert_status 200
		assert_equal "$(caller)" "Kontakt 2718"
		[ ! -s "$T/stderr" ] || { cat "$T/stderr"; return 1; }
	done
}

@test "--phonebook-index: the index names the same callers, extensions and categories as its book" {
	printf '0211 123456\tZentrale\tKunden,VIP\n0211 12345612\tDurchwahl 12\n030 555\tBerlin\n' > "$T/book.txt"
	run env -i ${MEMCHECK:-} "$PROG" --phonebook-index "$T/book.txt"
	assert_success
	printf '%s\n' "$output" > "$T/index"
	assert_equal "$(head -n 1 "$T/index")" '# sipgate-webhook phonebook index 1'
	assert_equal "$(sed -n 2p "$T/index")" "$(printf '49211123456\tZentrale\tKunden,VIP')"
	assert_equal "$(sed -n 3p "$T/index")" "$(printf '4921112345612\tDurchwahl 12')"
	BOOK="$T/index"
	call 4921112345612
	assert_equal "$(caller)" "Durchwahl 12"
	call 4921112345699
	assert_equal "$(caller)" Zentrale
	call 49211123456999999
	assert_equal "$(caller)" none
	call 4930555
	assert_equal "$(caller)" Berlin
	call 4930556
	assert_equal "$(caller)" none
	call 1
	assert_equal "$(caller)" none
	printf 'version 1\nwhen from @phonebook:vip do reject\nend\n' > "$R"
	call 49211123456 newCall in SIPGATE_RULES="$R"
	grep -q '<Reject reason="rejected"/>' "$T/body"
	call 4930555 newCall in SIPGATE_RULES="$R"
	! grep -q '<Reject' "$T/body"
	# An index of an index is the same index.
	run env -i ${MEMCHECK:-} "$PROG" --phonebook-index "$T/index"
	assert_success
	assert_equal "$output" "$(cat "$T/index")"
}

@test "--phonebook-index: a vCard folder's cards, every line searchable; --check counts it and finds a line out of order" {
	local i
	mkdir "$T/cards"
	for i in $(seq 100 399); do
		printf 'BEGIN:VCARD\nVERSION:4.0\nFN:K %s\nTEL:0171 55%s\nTEL:+49 30 77%s\nEND:VCARD\n' "$i" "$i" "$i" > "$T/cards/$i.vcf"
	done
	"$PROG" --phonebook-index "$T/cards" > "$T/index"
	assert_equal "$(wc -l < "$T/index")" 601
	BOOK="$T/index"
	for i in 100 101 250 398 399; do
		call "4917155$i"
		assert_equal "$(caller)" "K $i"
		call "493077$i"
		assert_equal "$(caller)" "K $i"
	done
	printf 'version 1\nend\n' > "$R"
	run env -i SIPGATE_PHONEBOOK="$T/index" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_success
	assert_line "ok: phonebook $T/index: 600 numbers on 600 cards from 1 files, 0 cards skipped"
	sed -i '3{h;d};4G' "$T/index"
	run env -i SIPGATE_PHONEBOOK="$T/index" ${MEMCHECK:-} "$PROG" --check "$R"
	assert_line "$T/index:4: out of order; make the index again with --phonebook-index"
}

@test "--phonebook-index: a book that cannot be read is exit 2 with the reason" {
	run env -i ${MEMCHECK:-} "$PROG" --phonebook-index "$T/missing"
	assert_failure 2
	assert_output "sipgate-webhook: phonebook $T/missing: No such file or directory"
}

@test "a book over 64 MB is refused whole, by name" {
	truncate -s 67108865 "$T/big.txt"
	call 49211123456 newCall in SIPGATE_PHONEBOOK="$T/big.txt"
	assert_status 200
	grep -q "phonebook $T/big.txt: larger than 67108864 bytes" "$T/stderr"
}
