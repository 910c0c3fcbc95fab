#!/usr/bin/env bats
# X-Sipgate-Signature: RSA PKCS#1 v1.5 with SHA-256 over the raw body.
# openssl is a test tool here only: it makes throwaway keys and signatures.

load ../helpers

setup() {
	common_setup
	BODY="$FIXTURES/signed-newcall.body"
	SIG=$(cat "$FIXTURES/signed-newcall.sig")
}

# signed FILE SIG [VAR=value ...]: posts FILE with the default policy.
signed() {
	local file=$1 sig=$2
	shift 2
	post_file "$file" -u SIPGATE_SIGNATURE HTTP_X_SIPGATE_SIGNATURE="$sig" "$@"
}

assert_refused() {
	assert_status 403
	assert_reason "forbidden: $1"
	run cat "$T/stderr"
	assert_output "sipgate-webhook: forbidden: $1"
	assert_equal "$(log_lines)" 0
}

# flip_bit FILE OFFSET: xors the lowest bit of one byte.
flip_bit() {
	python3 -c 'import sys
p, i = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[i] ^= 1; open(p, "wb").write(b)' "$1" "$2"
}

@test "the built-in key is src/sipgate-push.pem, fingerprint as published" {
	run "$TOOLS/key-tool"
	assert_output "4096 893cfd6caad92efc277a5977daec63dee1597223b1df5b2bf69ef56cd92305b3"
	der=$(openssl pkey -pubin -in "$TOP/src/crypto/sipgate-push.pem" -outform DER | sha256sum | cut -d' ' -f1)
	assert_equal "$der" 893cfd6caad92efc277a5977daec63dee1597223b1df5b2bf69ef56cd92305b3
}

@test "the real signed request verifies under the default policy" {
	signed "$BODY" "$SIG"
	assert_status 200
	assert_equal "$(last_record -r .signature)" valid
	assert_equal "$(last_record -r .params.xcid)" 8419b3450b75cd19
	assert_equal "$(cat "$T/stderr")" ""
}

@test "one flipped bit anywhere in the body fails" {
	for i in 0 100 266; do
		cp "$BODY" "$T/body.in"; flip_bit "$T/body.in" "$i"
		signed "$T/body.in" "$SIG"
		assert_refused "X-Sipgate-Signature does not match the body"
	done
}

@test "one flipped bit in the signature fails" {
	printf '%s' "$SIG" | base64 -d > "$T/sig.bin"
	for i in 0 200 511; do
		cp "$T/sig.bin" "$T/sig.flip"; flip_bit "$T/sig.flip" "$i"
		signed "$BODY" "$(base64 -w0 "$T/sig.flip")"
		assert_status 403
		assert_equal "$(log_lines)" 0
	done
}

@test "a trailing newline on the body fails" {
	{ cat "$BODY"; echo; } > "$T/body.nl"
	signed "$T/body.nl" "$SIG"
	assert_refused "X-Sipgate-Signature does not match the body"
}

@test "a truncated, padded-off or lengthened signature fails" {
	signed "$BODY" "${SIG:0:680}"
	assert_refused "X-Sipgate-Signature has the wrong length for the key"
	signed "$BODY" "${SIG%=}"
	assert_refused "X-Sipgate-Signature has the wrong length for the key"
	signed "$BODY" "${SIG}AAAA"
	assert_refused "X-Sipgate-Signature has the wrong length for the key"
}

@test "a signature of the right length that is not base64 fails" {
	signed "$BODY" "${SIG:0:100}*${SIG:101}"
	assert_refused "X-Sipgate-Signature is not valid base64"
	signed "$BODY" "${SIG:0:100}=${SIG:101}"
	assert_refused "X-Sipgate-Signature is not valid base64"
	signed "$BODY" "${SIG:0:683}A"
	assert_refused "X-Sipgate-Signature decodes to the wrong length for the key"
}

@test "an empty or missing header fails" {
	signed "$BODY" ""
	assert_refused "no X-Sipgate-Signature header"
	post_file "$BODY" -u SIPGATE_SIGNATURE
	assert_refused "no X-Sipgate-Signature header"
}

@test "a signature equal to the modulus is refused, not reduced" {
	openssl rsa -pubin -in "$TOP/src/crypto/sipgate-push.pem" -noout -modulus |
		sed 's/^Modulus=//' | xxd -r -p | base64 -w0 > "$T/n.b64"
	signed "$BODY" "$(cat "$T/n.b64")"
	assert_refused "X-Sipgate-Signature is not below the key's modulus"
}

@test "the signature covers exactly the Content-Length bytes read" {
	{ cat "$BODY"; printf 'extra'; } > "$T/body.more"
	cgi -u SIPGATE_SIGNATURE HTTP_X_SIPGATE_SIGNATURE="$SIG" CONTENT_LENGTH=267 < "$T/body.more"
	assert_status 200
	assert_equal "$(last_record -r .signature)" valid
}

@test "throwaway keys of 2048, 3072 and 4096 bits: only SIPGATE_PUBLIC_KEY accepts them" {
	printf 'event=newCall&callId=throwaway&from=491234' > "$T/req"
	for bits in 2048 3072 4096; do
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$bits -out "$T/k$bits.pem" 2> /dev/null
		openssl pkey -in "$T/k$bits.pem" -pubout -out "$T/p$bits.pem"
		sig=$(openssl dgst -sha256 -sign "$T/k$bits.pem" "$T/req" | base64 -w0)
		signed "$T/req" "$sig"
		assert_status 403
		signed "$T/req" "$sig" SIPGATE_PUBLIC_KEY="$T/p$bits.pem"
		assert_status 200
		assert_equal "$(last_record -r .signature)" valid
		run "$TOOLS/key-tool" "$T/p$bits.pem"
		assert_output "$bits $(openssl pkey -pubin -in "$T/p$bits.pem" -outform DER | sha256sum | cut -d' ' -f1)"
	done
	# The real request does not verify under another key.
	signed "$BODY" "$SIG" SIPGATE_PUBLIC_KEY="$T/p4096.pem"
	assert_status 403
	assert_equal "$(log_lines)" 3
}

@test "an unusable SIPGATE_PUBLIC_KEY is a 500 and never turns verification off" {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2> /dev/null |
		openssl pkey -pubout -out "$T/small.pem"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2> /dev/null |
		openssl pkey -pubout -out "$T/ec.pem"
	printf 'not a key\n' > "$T/junk.pem"
	sed 's/MIIC/MIID/' "$TOP/src/crypto/sipgate-push.pem" > "$T/mangled.pem"
	for k in "$T/missing.pem" "$T/small.pem" "$T/ec.pem" "$T/junk.pem" "$T/mangled.pem" "$T"; do
		for mode in require log; do
			signed "$BODY" "$SIG" SIPGATE_PUBLIC_KEY="$k" SIPGATE_SIGNATURE=$mode
			assert_status 500
			run cat "$T/stderr"
			assert_output --partial "SIPGATE_PUBLIC_KEY $k"
		done
	done
	assert_equal "$(log_lines)" 0
}

@test "SIPGATE_SIGNATURE=log accepts and records every outcome" {
	signed "$BODY" "$SIG" SIPGATE_SIGNATURE=log
	assert_status 200
	signed "$BODY" "${SIG:0:10}" SIPGATE_SIGNATURE=log
	assert_status 200
	post_file "$BODY" SIPGATE_SIGNATURE=log
	assert_status 200
	assert_equal "$(jq -r .signature "$LOG" | tr '\n' ' ')" "valid invalid missing "
}

@test "SIPGATE_SIGNATURE=off checks nothing and records unchecked" {
	signed "$BODY" "${SIG:0:10}" SIPGATE_SIGNATURE=off
	assert_status 200
	assert_equal "$(last_record -r .signature)" unchecked
}

@test "an unknown SIPGATE_SIGNATURE is a 500, not a silent off" {
	for v in no false disabled REQUIRE; do
		signed "$BODY" "$SIG" SIPGATE_SIGNATURE=$v
		assert_status 500
		run cat "$T/stderr"
		assert_output --partial "SIPGATE_SIGNATURE=$v"
	done
	assert_equal "$(log_lines)" 0
}

@test "an 8192-bit key: signatures around the length limit are refused, not overflowed" {
	"$TOP/tests/tools/random-spki" 8192 > "$T/p8192.pem"
	run "$TOOLS/key-tool" "$T/p8192.pem"
	assert_output --regexp '^8192 '
	printf 'event=newCall&callId=big' > "$T/req"
	# 1024 bytes encode as 1368 characters with one '='; without padding,
	# 1368 characters would be 1026 bytes, two past the signature buffer.
	for bytes in 1020 1022 1023 1024 1025 1026 1027; do
		head -c "$bytes" /dev/urandom | base64 -w0 > "$T/sig"
		padded=$(cat "$T/sig")
		unpadded=$(head -c $(( (bytes + 2) / 3 * 3 )) /dev/urandom | base64 -w0)
		for sig in "$padded" "$unpadded" "${padded%%=*}"; do
			signed "$T/req" "$sig" SIPGATE_PUBLIC_KEY="$T/p8192.pem"
			assert_status 403
			run cat "$T/stderr"
			assert_output --regexp '^sipgate-webhook: forbidden: X-Sipgate-Signature (has the wrong length for the key|is not valid base64|decodes to the wrong length for the key|is not below the key.s modulus|does not match the body)$'
		done
	done
	assert_equal "$(log_lines)" 0
}
