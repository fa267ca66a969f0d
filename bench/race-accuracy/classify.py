#!/usr/bin/env python3
"""Labels the programs of an outside race-detector test suite (LLVM's
compiler-rt/test/tsan) as racy or race-free, by fixed rules written before
weft was run on them, and prints the labels as JSON.

A program is racy when its expected output has a data-race report, and
race-free when it expects no report of any kind. It is left out when it
starts no thread; when it belongs to a category outside weft's model (file
descriptors, fibers, signals, lock misuse and deadlocks, benchmarks, Java);
when it calls the detector's own interface or annotations; when its outcome
depends on the detector's configuration (suppressions, ignore lists,
uninstrumented libraries); when it is built in several variants; and when
the report it expects is not a data race. One label is corrected from the
program's own comment (stack_sync_reuse.cpp: "the program does contain
the data race")."""
import json, os, re, sys

CORRECTED = {'stack_sync_reuse.cpp': 'racy'}


def label(name, text):
    lines = text.splitlines()
    runs = [l for l in lines if 'RUN:' in l]
    expected = [l for l in lines if re.search(r'//\s*CHECK[\w-]*:', l) and 'CHECK-NOT' not in l]
    if not re.search(r'pthread_create|std::thread', text):
        return None, 'starts no thread'
    if re.match(r'(fd_|fiber_|signal_|bench_|java_|custom_mutex|mutex_|deadlock|lots_of_threads)', name):
        return None, 'category'
    if re.search(r'__tsan_(?!testonly_barrier)|Annotate[A-Z]', text):
        return None, "detector's interface"
    if any(re.search(r'\s-D\w', r) for r in runs):
        return None, 'variants'
    if any(re.search(r'suppressions|ignorelist|report_atomic_races|ignore_noninstrumented|-shared|-fno-sanitize', r) for r in runs):
        return None, "detector's configuration"
    if re.search(r'ANNOTATE_|WTFAnnotate', text):
        return None, 'annotations'
    racy = any('ThreadSanitizer: data race' in l for l in expected)
    if not racy and any(re.search(r'ThreadSanitizer|WARNING:|ERROR:', l) for l in expected):
        return None, 'another report'
    return CORRECTED.get(name, 'racy' if racy else 'race-free'), None


def main():
    suite = sys.argv[1]
    out = {}
    for name in sorted(os.listdir(suite)):
        if name.endswith(('.c', '.cpp')):
            with open(os.path.join(suite, name), errors='replace') as f:
                lab, why = label(name, f.read())
            out[name] = {'label': lab, 'excluded': why}
    json.dump(out, sys.stdout, indent=1)


if __name__ == '__main__':
    main()
