#!/usr/bin/env python3
"""Compiles each labelled program with the weft plugin (race warnings on,
no code generated to keep) and counts which get a [weft-race] warning.
usage: evaluate.py <suite dir> <labels.json> <plugin> <opt level>;
prints one JSON object: per program its label and warnings, and the totals."""
import concurrent.futures as cf
import json, os, subprocess, sys

suite, labels_file, plugin, opt = sys.argv[1:5]
labels = json.load(open(labels_file))
include = ['-I', suite, '-I', os.path.dirname(suite.rstrip('/'))]


def one(name):
    cc = 'clang++-19' if name.endswith('.cpp') else 'clang-19'
    cmd = [cc, opt, '-g', '-pthread', '-fplugin=' + plugin, '-fplugin-arg-weft-no-linked-stacks',
           '-fplugin-arg-weft-race-limit=0', *include, '-c', os.path.join(suite, name), '-o', '/dev/null']
    p = subprocess.run(cmd, capture_output=True, text=True)
    warnings = [l[l.find(name):] for l in p.stderr.splitlines() if '[weft-race]' in l and 'warning:' in l]
    return name, p.returncode, warnings, p.stderr[-2000:] if p.returncode else ''


programs = {}
with cf.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
    for name, rc, warnings, err in ex.map(one, [n for n, v in labels.items() if v['label']]):
        programs[name] = {'label': labels[name]['label'], 'compiles': rc == 0, 'warnings': warnings, 'error': err}
counted = {n: v for n, v in programs.items() if v['compiles']}
racy = [n for n, v in counted.items() if v['label'] == 'racy']
free = [n for n, v in counted.items() if v['label'] == 'race-free']
totals = {
    'racy': len(racy), 'found': sum(1 for n in racy if counted[n]['warnings']),
    'race_free': len(free), 'warned': sum(1 for n in free if counted[n]['warnings']),
    'not_compiled': sorted(n for n, v in programs.items() if not v['compiles']),
}
json.dump({'opt': opt, 'totals': totals, 'programs': programs}, sys.stdout, indent=1)
