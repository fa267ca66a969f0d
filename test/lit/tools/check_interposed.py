#!/usr/bin/env python3
"""Compares libweft's dynamic symbols with runtime/blocking_calls.def.

Usage: check_interposed.py TABLE SYMBOLS LAYER...

TABLE is blocking_calls.def run through the preprocessor with
  WEFT_INTERPOSED_CALL(name, kind, layer) -> "interposed name layer"
  WEFT_BLOCKING_CALL(name, kind)          -> "blocking name"
so that the table is read the way the compilers read it. SYMBOLS is the
output of `nm -D --defined-only` on libweft.so. LAYER... are the runtime's
layers built into it (io, and pthread unless a sanitizer left it out).

Fails, naming each, when
  - libweft does not define a call the table says one of those layers
    interposes, or
  - libweft defines a libc call the table lists as blocking but not as
    interposed (weft's own weft_* functions are libweft's API, not
    interposition).
"""
import sys


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    table, symbols, layers = sys.argv[1], sys.argv[2], set(sys.argv[3:])

    interposed, blocking = {}, []
    with open(table) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "interposed" and len(words) == 3:
                interposed[words[1]] = words[2]
            elif words[0] == "blocking" and len(words) == 2:
                blocking.append(words[1])
            else:
                sys.exit("check_interposed: %s: unexpected line %r" % (table, line))
    if not interposed:
        sys.exit("check_interposed: %s lists no interposed calls" % table)
    unknown = set(interposed.values()) - {"io", "pthread"}
    if unknown:
        sys.exit("check_interposed: unknown layers in the table: %s" % ", ".join(sorted(unknown)))

    defined = set()
    with open(symbols) as f:
        for line in f:
            words = line.split()
            if len(words) >= 3:
                defined.add(words[2].split("@")[0])

    errors = []
    for name, layer in sorted(interposed.items()):
        if layer in layers and name not in defined:
            errors.append("libweft.so does not define '%s', which runtime/blocking_calls.def "
                          "lists as interposed by the %s layer" % (name, layer))
    for name in sorted(blocking):
        if name in defined and not name.startswith("weft_"):
            errors.append("libweft.so defines '%s', which runtime/blocking_calls.def lists as "
                          "blocking but not as interposed (make it WEFT_INTERPOSED_CALL)" % name)
    for e in errors:
        print("error: " + e, file=sys.stderr)
    if errors:
        sys.exit(1)

    checked = sorted(n for n, l in interposed.items() if l in layers)
    by_layer = ", ".join("%s: %d" % (l, sum(1 for n in checked if interposed[n] == l))
                         for l in sorted(layers))
    print("libweft.so defines all %d interposed calls of the table (%s)" % (len(checked), by_layer))
    print("and none of its %d other blocking calls" % len(blocking))


if __name__ == "__main__":
    main()
