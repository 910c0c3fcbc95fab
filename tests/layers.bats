#!/usr/bin/env bats
# The layer map of docs/layers.md holds for the code: every module of src/
# is in one layer, includes only its own layer's and smaller layers'
# headers, and no two modules of a layer include each other.

load helpers

@test "every #include in src/ follows the layer map of docs/layers.md" {
	run python3 - "$TOP/docs/layers.md" "$TOP/src" <<'EOP'
import os, re, sys
doc, src = sys.argv[1:]
layer = {}
for line in open(doc):
    m = re.match(r'\| (\d+) [^|]+\| ([a-z0-9_, ]+) \|', line)
    if m:
        for mod in m.group(2).split(','):
            layer[mod.strip()] = int(m.group(1))
if len(set(layer.values())) < 8:
    sys.exit('the table has %d layers' % len(set(layer.values())))
includes = {}
for name in sorted(os.listdir(src)):
    mod, ext = os.path.splitext(name)
    if ext not in ('.c', '.h'):
        continue
    if mod not in layer:
        sys.exit('%s is in no layer' % name)
    for inc in re.findall(r'^#include "([a-z0-9_]+)\.h"', open(os.path.join(src, name)).read(), re.M):
        if inc == mod:
            continue
        if inc not in layer:
            sys.exit('%s includes %s.h, which is in no layer' % (name, inc))
        if layer[inc] > layer[mod]:
            sys.exit('%s (layer %d) includes %s.h (layer %d)' % (name, layer[mod], inc, layer[inc]))
        includes.setdefault(mod, set()).add(inc)
for mod, incs in includes.items():
    for inc in incs:
        if mod in includes.get(inc, ()):
            sys.exit('%s and %s include each other' % (mod, inc))
missing = [m for m in layer if not os.path.exists(os.path.join(src, m + '.c')) and
           not os.path.exists(os.path.join(src, m + '.h'))]
if missing:
    sys.exit('the table names modules src/ does not have: %s' % ', '.join(missing))
print('%d modules in %d layers' % (len(layer), len(set(layer.values()))))
EOP
	assert_success
	assert_output --regexp '^[0-9]+ modules in 8 layers$'
}
