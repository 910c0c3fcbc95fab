#!/usr/bin/env bats
# The README and docs/ stay true: the --explain example is what the program
# prints for the shipped example, every link and anchor leads somewhere, and
# every setting the program reads is documented.

load ../helpers

setup() {
	common_setup
}

# check_explain FILE: the block after FILE's marker is a "$ " command
# (continued by "\") and its output; run in contrib/, the program prints
# exactly that output.
check_explain() {
	awk '/<!-- explain-example/ {on=1; next} on && /^```/ {if (seen) exit; seen=1; next} on && seen {print}' \
		"$1" > "$T/block"
	[ -s "$T/block" ]
	grep '^\$ \|^    ' "$T/block" | sed 's/^\$ //; s/\\$//' | tr '\n' ' ' > "$T/command"
	grep -v '^\$ \|^    ' "$T/block" > "$T/expected"
	[ "$(wc -l < "$T/expected")" -ge 3 ]
	run grep -c -- '--explain rules.example .*--at' "$T/command"
	assert_output 1
	# The command's words: settings, then the program, then its arguments.
	eval "set -- $(cat "$T/command")"
	local vars=()
	while [ "${1#*=}" != "$1" ] && [ "${1#-}" = "$1" ]; do vars+=("$1"); shift; done
	[ "$1" = sipgate-webhook ]
	shift
	(cd "$TOP/contrib" && env -u SIPGATE_WEBHOOK_URL -u SIPGATE_FOLLOW -u SIPGATE_STATE_KEY "${vars[@]}" "$PROG" "$@") \
		> "$T/actual"
	diff -u "$T/expected" "$T/actual"
}

@test "the README's --explain example is what the program prints for contrib/rules.example" {
	check_explain "$TOP/README.md"
}

@test "docs/call-control.md's --explain example is what the program prints for contrib/rules.example" {
	check_explain "$TOP/docs/call-control.md"
}

@test "the README's contents and links lead to headings and files that exist" {
	# GitHub's anchors: lower case, punctuation but - and _ dropped, blanks to -.
	grep '^##* ' "$TOP/README.md" | sed 's/^#* //' | tr 'A-Z' 'a-z' |
		sed "s/[^a-z0-9 _-]//g; s/ /-/g" > "$T/anchors"
	grep -o '](#[^)]*)' "$TOP/README.md" | sed 's/^](#//; s/)$//' | sort -u > "$T/links"
	[ "$(wc -l < "$T/links")" -ge 9 ]
	while read -r a; do
		grep -qxF "$a" "$T/anchors" || { echo "no heading for #$a" >&2; return 1; }
	done < "$T/links"
	for doc in "$TOP/README.md" "$TOP"/docs/*.md; do
		for f in $(grep -o '](\([a-z-]*/\)*[a-z-]*\.md)' "$doc" | sed 's/^](//; s/)$//'); do
			[ -f "$(dirname "$doc")/$f" ] || { echo "$doc links to a missing $f" >&2; return 1; }
		done
	done
}

@test "every SIPGATE_ setting is in the settings table, the README and the man page" {
	# The table, as --help lists it, is what the program reads.
	prog --help
	assert_success
	printf '%s\n' "${lines[@]}" | sed -n 's/^  \(SIPGATE_[A-Z_]*\) .*/\1/p' | sort > "$T/vars"
	[ "$(wc -l < "$T/vars")" -ge 12 ]
	# And no setting is read past it.
	grep -oh '"SIPGATE_[A-Z_]*"' "$TOP"/src/*.c "$TOP"/src/*/*.c | tr -d '"' | grep -v '^SIPGATE_$' | sort -u > "$T/named"
	run comm -13 "$T/vars" "$T/named"
	assert_output ''

	while read -r v; do
		grep -q "\`$v\`" "$TOP/README.md" || [ "$v" = SIPGATE_NOW ] ||
			{ echo "README: $v is missing" >&2; return 1; }
		grep -q "^\.B $v\$" "$TOP/man/sipgate-webhook.8" || { echo "man page: $v is missing" >&2; return 1; }
	done < "$T/vars"
}

@test "the README keeps to the admin: no benchmark tables or fuzzing campaigns" {
	run grep -c -e 'requests/s' -e 'executions' -e 'fuzz-fcgi' "$TOP/README.md"
	assert_output 0
	run wc -w < "$TOP/README.md"
	[ "$output" -lt 4200 ]
}

@test "the worked examples of sipgate-webhook-rules(5) pass --check and get the replies shown" {
	# Each example: a rules file after '.\" rules-file', a list file after
	# '.\" list-file NAME', and calls after '.\" call at=... [query=...] body=...'
	# whose reply block is the line --explain prints.
	run python3 - "$TOP/man/sipgate-webhook-rules.5" "$PROG" "$T" <<'EOP'
import os, re, subprocess, sys
page, prog, tmp = sys.argv[1:]
lines = open(page).read().split('\n')
env = dict(os.environ, SIPGATE_WEBHOOK_URL='https://pbx.example/hook',
           SIPGATE_STATE_KEY='example-state-key')
env.pop('SIPGATE_FOLLOW', None)

def unroff(l):
    return l.replace('\\&', '').replace('\\-', '-').replace('\\e', '\\')

def block(i):
    while lines[i] != '.RS':
        i += 1
    j = lines.index('.RE', i)
    return [unroff(l) for l in lines[i + 1:j]]

examples = calls = 0
folder = None
for i, l in enumerate(lines):
    if l == '.\\" rules-file':
        examples += 1
        folder = os.path.join(tmp, 'example%d' % examples)
        os.makedirs(folder)
        open(os.path.join(folder, 'rules'), 'w').write('\n'.join(block(i)) + '\n')
        checked = False
    elif l.startswith('.\\" list-file '):
        open(os.path.join(folder, l.split()[-1]), 'w').write('\n'.join(block(i)) + '\n')
    elif l.startswith('.\\" call '):
        if not checked:
            r = subprocess.run([prog, '--check', os.path.join(folder, 'rules')], env=env,
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit('example %d fails --check: %s' % (examples, r.stdout + r.stderr))
            checked = True
        m = re.match(r'\.\\" call at=(\S+)(?: query=(\S+))? body=(\S+)$', l)
        args = [prog, '--explain', os.path.join(folder, 'rules'), '--at', m.group(1)]
        if m.group(2):
            args += ['--query', m.group(2)]
        out = subprocess.run(args + [m.group(3)], env=env, capture_output=True, text=True).stdout
        # The leg's signed facts (o=... and u=..., outcome.bats) are left out, as the page says.
        got = [re.sub(r'(\?|&amp;)(o=[0-9]+\.[a-z-]+\.[0-9a-f]{32}|u=[^&"]*)', '', x).replace('hook&amp;', 'hook?')
               for x in out.split('\n') if x.startswith('<Response')]
        shown = block(i)
        if got != shown:
            sys.exit('example %d, %s:\n shown %s\n   got %s' % (examples, l, shown, got))
        calls += 1
print(examples, 'examples,', calls, 'calls')
EOP
	assert_success
	assert_output '9 examples, 29 calls'
}
