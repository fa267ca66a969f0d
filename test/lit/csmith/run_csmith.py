#!/usr/bin/env python3
"""Compile csmith-generated programs with the weft plugin and check that it
never crashes Clang, never rejects a program plain Clang accepts, always
writes a well-formed report, and that every frame bound in the report is at
least the real frame (llvm-readelf --stack-sizes).

usage: run_csmith.py <plugin> <workdir> <count> [first-seed]
"""
import concurrent.futures
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import stack_soundness  # noqa: E402

plugin, workdir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
os.makedirs(workdir, exist_ok=True)
inc = "/usr/include/csmith"


stats = {"functions": 0, "exact_ratios": []}


def one(seed):
    src = os.path.join(workdir, "p%d.c" % seed)
    gen = os.path.join(workdir, "gen%d" % seed)  # csmith writes platform.info here
    os.makedirs(gen, exist_ok=True)
    with open(src, "w") as f:
        subprocess.run(["csmith", "--seed", str(seed), "--max-funcs", "12"],
                       stdout=f, check=True, timeout=60, cwd=gen)
    problems = []
    # A third of the programs each: frames measured by the backend (the
    # default), frames estimated from the IR, and linked-stack checkpoints.
    variant = ([], ["-fplugin-arg-weft-frames=ir"], ["-fplugin-arg-weft-linked-stacks"])[seed % 3]
    for level in ("-O0", "-O2"):
        report = os.path.join(workdir, "r%d%s" % (seed, level))
        obj = os.path.join(workdir, "p%d%s.o" % (seed, level))
        cmd = ["clang-19", "-w", "-I", inc, level, "-fstack-size-section", "-c", src, "-o", obj,
               "-fplugin=" + plugin, "-fplugin-arg-weft-report=" + report] + variant
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            plain = subprocess.run(cmd[:-2 - len(variant)], capture_output=True, timeout=300)
            if plain.returncode == 0 or r.returncode < 0 or "PLEASE submit" in r.stderr:
                problems.append("seed %d %s: exit %d\n%s" % (seed, level, r.returncode,
                                                             r.stderr[-2000:]))
            continue
        path = os.path.join(report, "p%d.c.weft.json" % seed)
        try:
            doc = json.load(open(path))
            assert doc["version"] == 1 and doc["functions"], "empty report"
        except Exception as e:  # noqa: BLE001
            problems.append("seed %d %s: bad report %s: %s" % (seed, level, path, e))
            continue
        checked, violations, ratios = stack_soundness.compare(obj, path)
        stats["functions"] += checked
        if not variant or "linked" in variant[0]:
            stats["exact_ratios"] += ratios
        for name, bound, real in violations:
            problems.append("seed %d %s: %s: frame bound %s < real frame %s"
                            % (seed, level, name, bound, real))
        os.remove(obj)
    return problems


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    results = list(pool.map(one, range(first, first + count)))
failures = [p for ps in results for p in ps]
for p in failures:
    print(p)
print("csmith: %d programs, %d compiles, %d failures" % (count, 2 * count, len(failures)))
print("csmith: %d frame bounds checked against .stack_sizes" % stats["functions"])
print("csmith: measured frames: median bound/real %.2f"
      % stack_soundness.median(stats["exact_ratios"]))
sys.exit(1 if failures else 0)
