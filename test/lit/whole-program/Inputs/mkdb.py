#!/usr/bin/env python3
"""mkdb.py OUT INCLUDE FILE...: copies the files into OUT and writes
OUT/compile_commands.json with one `clang-19 -c` command per file, the way
CMake writes it (absolute directory, relative file)."""
import json
import os
import shutil
import sys

out, include, files = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out, exist_ok=True)
commands = []
for f in files:
    name = os.path.basename(f)
    shutil.copy(f, os.path.join(out, name))
    if name.endswith(".h"):
        continue
    cc = "clang++-19" if name.endswith(".cpp") else "clang-19"
    commands.append({"directory": out,
                     "command": "%s -I%s -O2 -c %s -o %s.o" % (cc, include, name, name),
                     "file": name})
with open(os.path.join(out, "compile_commands.json"), "w") as db:
    json.dump(commands, db, indent=1)
