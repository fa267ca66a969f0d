#!/usr/bin/env python3
"""compile_all.py DB JOBS: compiles every file of a compile database once,
with its own command at -O0 (the first command that compiles it, as
weft-check picks), JOBS at a time, output thrown away. Prints the wall
seconds. The baseline weft-check is measured against."""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import time

db_path, jobs = sys.argv[1], int(sys.argv[2])
with open(db_path) as f:
    entries = json.load(f)


def args_of(e):
    return e["arguments"] if "arguments" in e else shlex.split(e["command"])


def compiles(a):
    return len(a) > 1 and a[1] != "-cc1" and not any(x in ("-E", "-M", "-MM", "-fsyntax-only") for x in a)


first = {}
for e in entries:
    a = args_of(e)
    path = os.path.join(e["directory"], e["file"])
    if compiles(a) and path not in first:
        first[path] = (e["directory"], a)


def run(item):
    directory, a = item
    out, skip = [], False
    for x in a:
        if skip:
            skip = False
            continue
        if x == "-o":
            skip = True
            continue
        if x.startswith("-O"):
            continue
        out.append(x)
    out += ["-O0", "-o", "/dev/null"]
    return subprocess.run(out, cwd=directory, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


start = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    failed = sum(1 for rc in pool.map(run, first.values()) if rc != 0)
print("%.3f" % (time.monotonic() - start))
if failed:
    print("compile_all: %d of %d files failed" % (failed, len(first)), file=sys.stderr)
