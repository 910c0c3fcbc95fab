#!/usr/bin/env bats
# The modular exponentiation against openssl: moduli of every size from 32
# to 8192 bits (1 to 128 limbs of 64 bits, 1 to 256 of 32), random and at
# the edges of a power of two, with random and edge bases and the exponents
# 65537, 3, 1 and random ones.  Both limb widths; the vectors are new each
# run (the seed is printed when a case fails).

load ../helpers

setup() {
	common_setup
	command -v openssl > /dev/null || {
		[ "${CI:-}" != true ] || { echo "openssl is missing, and CI=true" >&2; return 1; }
		skip "openssl is missing"
	}
	SEED=${BN_SEED:-$RANDOM$RANDOM}
	echo "vectors of seed $SEED (BN_SEED=$SEED to repeat them)" >&2
	python3 "$TOP/tests/tools/bn-vectors" "$SEED" "$T"
	[ "$(wc -l < "$T/cases")" = 256 ]
}

# differ TOOL: runs it over the cases and compares with openssl, line by line.
differ() {
	${MEMCHECK:-} "$1" < "$T/cases" > "$T/got"
	assert_equal "$(wc -l < "$T/got")" 256
	paste -d ' ' "$T/cases" "$T/expected" "$T/got" |
		awk '$4 != $5 { printf "%d bits, e %s: openssl %s, got %s\n", length($1) * 4, $3, $4, $5; bad++ }
		     END { exit bad > 0 }'
}

@test "64-bit limbs: a^e mod n is openssl's for every size up to 8192 bits" {
	differ "$TOOLS/bn-tool"
}

@test "32-bit limbs (BN_PORTABLE): a^e mod n is openssl's for every size up to 8192 bits" {
	differ "$TOOLS/bn-tool-portable"
}
