#!/usr/bin/env bats
# SHA-256 against FIPS 180-4's examples and sha256sum.

load ../helpers

hash_of() { "$TOOLS/sha256-tool" "$@"; }

@test "FIPS 180-4: the empty message" {
	assert_equal "$(hash_of < /dev/null)" e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
}

@test "FIPS 180-4: abc" {
	assert_equal "$(printf abc | hash_of)" ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
}

@test "FIPS 180-4: the 448-bit two-block message" {
	assert_equal "$(printf abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq | hash_of)" \
		248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
}

@test "FIPS 180-4: one million times a" {
	head -c 1000000 /dev/zero | tr '\0' a > "$BATS_TEST_TMPDIR/million"
	assert_equal "$(hash_of "$BATS_TEST_TMPDIR/million")" \
		cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0
}

@test "every length around the padding boundaries matches sha256sum" {
	for n in $(seq 0 130) 1000 4095 4096 4097 65536; do
		head -c "$n" /dev/urandom > "$BATS_TEST_TMPDIR/in"
		want=$(sha256sum < "$BATS_TEST_TMPDIR/in" | cut -d' ' -f1)
		got=$(hash_of "$BATS_TEST_TMPDIR/in")
		[ "$got" = "$want" ] || { echo "length $n: $got != $want" >&2; false; }
	done
}
