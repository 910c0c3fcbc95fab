#!/usr/bin/env python3
"""The layer map of docs/layers.md against the code: every module is in
the layer of its folder, includes and calls (read from the objects the
build made, with nm) go to its own layer or lower, and no two modules
reach each other round any circle.  Prints a summary, or the first fault
and exits 1.  usage: layers.py DOC SRC BUILD"""
import os
import re
import subprocess
import sys

doc, src, build = sys.argv[1:]
layer = {}
for line in open(doc):
    m = re.match(r'\| (\d+) \| (?:([a-z]+)/|\(src/\)) \|', line)
    if m:
        layer[m.group(2) or ''] = int(m.group(1))
if len(layer) < 2:
    sys.exit('docs/layers.md has no table of folders')

modules = {}    # "push/req" -> its files
for folder in sorted(layer):
    d = os.path.join(src, folder)
    if not os.path.isdir(d):
        sys.exit('the table names %s/, which src/ does not have' % folder)
    for name in sorted(os.listdir(d)):
        mod, ext = os.path.splitext(name)
        if ext in ('.c', '.h'):
            modules.setdefault(os.path.join(folder, mod), []).append(os.path.join(d, name))
for d in sorted(os.listdir(src)):
    if os.path.isdir(os.path.join(src, d)) and d not in layer:
        sys.exit('src/%s/ is in no layer of docs/layers.md' % d)


def layer_of(mod):
    return layer[os.path.dirname(mod)]


edges = {}      # module -> {module: "includes" or "calls f"}


def arrow(a, b, how):
    if a == b:
        return
    if layer_of(b) > layer_of(a):
        sys.exit('%s (layer %d) %s %s (layer %d)' % (a, layer_of(a), how, b, layer_of(b)))
    edges.setdefault(a, {}).setdefault(b, how)


for mod, files in modules.items():
    for f in files:
        for inc in re.findall(r'^#include "([a-z0-9_/]+)\.h"', open(f).read(), re.M):
            if inc not in modules:
                sys.exit('%s includes %s.h, which is no module of src/' % (f, inc))
            arrow(mod, inc, 'includes')


def symbols(obj, flags):
    out = subprocess.run(['nm', '-P'] + flags + [obj], check=True, text=True,
                         capture_output=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


defined, used = {}, {}
for mod in modules:
    obj = os.path.join(build, mod + '.o')
    if not os.path.exists(os.path.join(src, mod + '.c')):
        continue
    if not os.path.exists(obj):
        sys.exit('%s is not built: run make first' % obj)
    for s in symbols(obj, ['--defined-only', '-g']):
        if s in defined:
            sys.exit('%s is defined by %s and %s' % (s, defined[s], mod))
        defined[s] = mod
    used[mod] = symbols(obj, ['-u'])
for mod, syms in used.items():
    for s in sorted(syms):
        if s in defined:
            arrow(mod, defined[s], 'calls ' + s + ' of')


# A circle: a path that comes back to where it started.
state = {}


def walk(mod, path):
    state[mod] = 'open'
    for nxt, how in sorted(edges.get(mod, {}).items()):
        if state.get(nxt) == 'open':
            ring = path[path.index(nxt):] + [nxt]
            sys.exit('a circle: ' + ' -> '.join(ring))
        if nxt not in state:
            walk(nxt, path + [nxt])
    state[mod] = 'done'


for mod in sorted(modules):
    if mod not in state:
        walk(mod, [mod])
print('%d modules in %d layers, %d includes and calls between them, no circle' %
      (len(modules), len(layer), sum(len(e) for e in edges.values())))
