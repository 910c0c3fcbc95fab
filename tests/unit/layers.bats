#!/usr/bin/env bats
# The layer map of docs/layers.md holds for the code: every module of src/
# is in the layer of its folder, includes and calls only its own layer and
# smaller ones, and no circle of includes or calls joins any two modules.

load ../helpers

setup() { common_setup; }

@test "includes and calls in src/ follow the layer map of docs/layers.md, with no circle" {
	run python3 "$TOP/tests/lib/layers.py" "$TOP/docs/layers.md" "$TOP/src" "$TOP/build"
	assert_success
	assert_output --regexp '^[0-9]+ modules in 11 layers, [0-9]+ includes and calls between them, no circle$'
}

@test "the layer check finds a call upwards and a circle" {
	mkdir -p "$T/src/base" "$T/src/os" "$T/build/base" "$T/build/os"
	printf '| 1 | base/ | a |\n| 2 | os/ | b |\n' > "$T/layers.md"
	printf 'int base_a(void);\nint os_b(void);\nint base_a(void) { return os_b(); }\n' > "$T/src/base/a.c"
	printf 'int os_b(void) { return 1; }\n' > "$T/src/os/b.c"
	cc -c -o "$T/build/base/a.o" "$T/src/base/a.c"
	cc -c -o "$T/build/os/b.o" "$T/src/os/b.c"
	run python3 "$TOP/tests/lib/layers.py" "$T/layers.md" "$T/src" "$T/build"
	assert_failure
	assert_output 'base/a (layer 1) calls os_b of os/b (layer 2)'

	printf 'int os_a(void);\nint os_c(void) { return os_a(); }\n' > "$T/src/os/c.c"
	printf 'int os_c(void);\nint os_a(void) { return os_c(); }\n' > "$T/src/os/a.c"
	rm "$T/src/base/a.c" "$T/build/base/a.o"
	cc -c -o "$T/build/os/a.o" "$T/src/os/a.c"
	cc -c -o "$T/build/os/c.o" "$T/src/os/c.c"
	run python3 "$TOP/tests/lib/layers.py" "$T/layers.md" "$T/src" "$T/build"
	assert_failure
	assert_output 'a circle: os/a -> os/c -> os/a'
}
