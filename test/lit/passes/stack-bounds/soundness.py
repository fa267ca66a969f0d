#!/usr/bin/env python3
"""Build every C and C++ input of weft's tests and examples with the plugin
and -fstack-size-section at -O0 and -O2, and check each frame bound
against the real frame.
usage: soundness.py <plugin> <include> <workdir> <src-root> [plugin flags...]"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import stack_soundness  # noqa: E402

plugin, include, work, root = sys.argv[1:5]
extra = sys.argv[5:]  # more plugin arguments, e.g. -fplugin-arg-weft-linked-stacks
os.makedirs(work, exist_ok=True)
sources = sorted(glob.glob(os.path.join(root, "test/lit/**/*.c"), recursive=True) +
                 glob.glob(os.path.join(root, "test/lit/**/*.cpp"), recursive=True) +
                 glob.glob(os.path.join(root, "examples/**/*.c"), recursive=True))
checked, violations, ratios, objects = 0, [], [], 0
for i, src in enumerate(sources):
    cc = "clang++-19" if src.endswith(".cpp") else "clang-19"
    for level in ("-O0", "-O2"):
        obj = os.path.join(work, "%d%s.o" % (i, level))
        rep = os.path.join(work, "r%d%s" % (i, level))
        r = subprocess.run([cc, level, "-w", "-I", include, "-I", os.path.dirname(src),
                            "-fstack-size-section", "-c", src, "-o", obj,
                            "-fplugin=" + plugin, "-fplugin-arg-weft-no-atomic",
                            "-fplugin-arg-weft-report=" + rep] + extra, capture_output=True)
        if r.returncode != 0:
            continue  # inputs that are meant not to compile (malformed annotations)
        objects += 1
        c, v, q = stack_soundness.compare(obj, glob.glob(os.path.join(rep, "*.weft.json"))[0])
        checked += c
        ratios += q
        violations += [(os.path.basename(src), level) + x for x in v]
for v in violations:
    print("UNSOUND: %s %s %s: bound %s < real %s" % v)
print("stack bounds: %d objects, %d functions, %d unsound" % (objects, checked, len(violations)))
print("tightness: median bound/real %.2f" % stack_soundness.median(ratios))
sys.exit(1 if violations or checked == 0 else 0)
