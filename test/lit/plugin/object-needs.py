"""Compares the linked-stack checks of two objects built from one source:
what each check subtracts from the stack pointer before comparing it with
the limit at %fs:0x70, in order. `cmp %fs:0x70, %rsp` subtracts 0."""
import re
import subprocess
import sys


def constants(obj):
    text = subprocess.run(["llvm-objdump-19", "-d", "--no-show-raw-insn", obj],
                          capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if "%fs:0x70" not in line:
            continue
        if re.search(r"cmpq\s+%fs:0x70, %rsp", line):
            out.append(0)
            continue
        prev = lines[i - 1]
        m = (re.search(r"leaq\s+-0x([0-9a-f]+)\(%rsp\)", prev) or
             re.search(r"addq\s+\$-0x([0-9a-f]+),", prev))
        out.append(int(m.group(1), 16) if m else 0 if re.search(r"leaq\s+\(%rsp\)", prev)
                   else None)
    return out


a, b = constants(sys.argv[1]), constants(sys.argv[2])
if a != b:
    print("different constants:\n  %s\n  %s" % (a, b))
    sys.exit(1)
print("checks: %d, the same constants" % len(a))
