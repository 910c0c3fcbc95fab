#!/usr/bin/env bats
# Strict base64 decoding: RFC 4648 section 10, and what must be refused.

load ../helpers

decode() { "$TOOLS/base64-tool" "$@"; }

@test "RFC 4648 section 10 test vectors" {
	assert_equal "$(decode '')" ''
	assert_equal "$(decode Zg==)" 66
	assert_equal "$(decode Zm8=)" 666f
	assert_equal "$(decode Zm9v)" 666f6f
	assert_equal "$(decode Zm9vYg==)" 666f6f62
	assert_equal "$(decode Zm9vYmE=)" 666f6f6261
	assert_equal "$(decode Zm9vYmFy)" 666f6f626172
}

@test "the whole alphabet, + and / included" {
	want=$(printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/' | base64 -d | od -An -tx1 | tr -d ' \n')
	assert_equal "$(decode ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/)" "$want"
}

@test "agrees with coreutils base64 on random data" {
	for n in 1 2 3 4 5 510 511 512 513; do
		head -c "$n" /dev/urandom > "$BATS_TEST_TMPDIR/in"
		want=$(od -An -tx1 "$BATS_TEST_TMPDIR/in" | tr -d ' \n')
		assert_equal "$(decode "$(base64 -w0 "$BATS_TEST_TMPDIR/in")")" "$want"
	done
}

@test "bad characters are refused" {
	for s in 'Zm9v YmFy' 'Zm9v-mFy' 'Zm9v_mFy' 'Zm9vYmF*' 'Zm9v\nYmF' 'Zm9vYmFy
' 'Zm9vYmFy	'; do
		run decode "$s"
		assert_failure 1
	done
}

@test "bad padding is refused" {
	for s in 'Zg=' 'Zg' 'Zg===' '====' 'Z===' 'Zm=v' 'Zg==Zg==' '=Zm9' 'Zm8==' 'Zh=='  'Zm9=' ; do
		run decode "$s"
		assert_failure 1
	done
}

@test "wrong lengths are refused" {
	for s in Z Zm Zm9 Zm9vY Zm9vYm Zm9vYmF; do
		run decode "$s"
		assert_failure 1
	done
}

@test "what would not fit the output buffer is refused, not written" {
	run decode QUJD 3
	assert_success
	assert_output 414243
	run decode QUJD 2
	assert_failure 1
	run decode QUI= 2
	assert_success
	run decode QUI= 1
	assert_failure 1
	# 1368 characters without padding are 1026 bytes: not into 1024.
	s=$(head -c 1026 /dev/urandom | base64 -w0)
	assert_equal "${#s}" 1368
	run decode "$s" 1024
	assert_failure 1
	run decode "$s" 1026
	assert_success
	assert_equal "${#output}" 2052
}
