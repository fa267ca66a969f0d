#!/usr/bin/env python3
"""many.py OUT INCLUDE N: a project of N+1 files and its compile database.
step_<i>.c defines step_<i>, which calls step_<i+1> (the last one calls
usleep), and a few functions that never block; main.c calls step_0 in an
atomic section."""
import json
import os
import sys

out, include, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
commands = []


def unit(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    commands.append({"directory": out, "file": name,
                     "arguments": ["clang-19", "-I" + include, "-O2", "-c", name,
                                   "-o", name + ".o"]})


for i in range(n):
    if i + 1 < n:
        call = "step_%d(v + 1)" % (i + 1)
        decl = "void step_%d(int v);\n" % (i + 1)
    else:
        call = "usleep(v)"
        decl = "#include <unistd.h>\n"
    unit("step_%d.c" % i,
         decl +
         "static int table_%d[64];\n" % i +
         "int quiet_%d(int v) { return table_%d[v & 63] += v; }\n" % (i, i) +
         "static int twice_%d(int v) { return quiet_%d(v) * 2; }\n" % (i, i) +
         "void step_%d(int v) {\n  if (twice_%d(v) > 0)\n    %s;\n}\n" % (i, i, call))
unit("main.c",
     "#include <weft/weft.h>\nvoid step_0(int v);\nint main(void) {\n"
     "  WEFT_ATOMIC {\n    step_0(1);\n  }\n  return 0;\n}\n")
with open(os.path.join(out, "compile_commands.json"), "w") as db:
    json.dump(commands, db, indent=1)
