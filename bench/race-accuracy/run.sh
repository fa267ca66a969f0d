#!/usr/bin/env bash
# race-accuracy: the race warnings ([weft-race]) on programs no one here
# wrote: the data-race tests of LLVM's ThreadSanitizer (compiler-rt/test/tsan
# in Debian's llvm-toolchain-19 source package), labelled racy or race-free
# from their own expected output by classify.py's fixed rules. Reports the
# share of racy programs weft warns about and of race-free ones it wrongly
# warns about, at -O0, -O1 (the suite's own level) and -O2.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
root="${WEFT_ROOT:-$(cd "$here/../.." && pwd)}"
build="${WEFT_BUILD:-$root/build}"
results="${WEFT_RESULTS:-$root/bench/results}"
work="$root/bench/work/race-accuracy"
plugin="$("$build/bin/weft-config" --plugin)"
mkdir -p "$work" "$results"

suite="$(find "$work" -maxdepth 4 -type d -path '*compiler-rt/test/tsan' 2>/dev/null | head -1)"
if [ -z "$suite" ]; then
  apt="$work/apt"
  private_apt "$apt"
  (cd "$apt" && apt-get "${APT_OPTS[@]}" source --download-only -qq llvm-toolchain-19)
  tarball="$(ls "$apt"/llvm-toolchain-19_*.orig.tar.xz)"
  tar -C "$work" -xf "$tarball" --wildcards '*/compiler-rt/test/tsan/*' \
    '*/compiler-rt/test/sanitizer_common/print_address.h'
  rm -rf "$apt"
  suite="$(find "$work" -maxdepth 4 -type d -path '*compiler-rt/test/tsan' | head -1)"
fi

"$here/classify.py" "$suite" > "$work/labels.json"
for opt in -O0 -O1 -O2; do
  "$here/evaluate.py" "$suite" "$work/labels.json" "$plugin" "$opt" > "$work/results$opt.json"
done

python3 - "$work" > "$results/race-accuracy.md.body" <<'PY'
import collections, json, sys
work = sys.argv[1]
labels = json.load(open(f'{work}/labels.json'))
excluded = collections.Counter(v['excluded'] for v in labels.values() if not v['label'])
print('| level | racy programs warned about | race-free programs warned about |')
print('|---|---|---|')
runs = {}
for opt in ['-O0', '-O1', '-O2']:
    r = json.load(open(f'{work}/results{opt}.json'))
    runs[opt] = r
    t = r['totals']
    print(f"| {opt} | {t['found']} of {t['racy']} ({100 * t['found'] / t['racy']:.1f}%) "
          f"| {t['warned']} of {t['race_free']} ({100 * t['warned'] / t['race_free']:.1f}%) |")
print()
print(f"Labelled: {sum(1 for v in labels.values() if v['label'])} of {len(labels)} programs; left out: " +
      ', '.join(f'{n} ({why})' for why, n in excluded.most_common()) + '.')
r = runs['-O1']
if r['totals']['not_compiled']:
    print(f"Not counted, they do not compile here: {', '.join(r['totals']['not_compiled'])}.")
print()
print('At -O1, racy programs without a warning: ' +
      ', '.join(sorted(n for n, v in r['programs'].items() if v['compiles'] and v['label'] == 'racy' and not v['warnings'])) + '.')
print()
print('At -O1, race-free programs with a warning: ' +
      ', '.join(sorted(n for n, v in r['programs'].items() if v['compiles'] and v['label'] == 'race-free' and v['warnings'])) + '.')
PY
{
  bench_header "race warnings on an outside corpus (ThreadSanitizer's tests)"
  echo "- corpus: $(basename "$(cd "$suite/../../.." && pwd)")/compiler-rt/test/tsan, labelled by bench/race-accuracy/classify.py"
  echo "- target: at least 85% of racy programs warned about, at most 10% of race-free ones"
  echo "- anchor (their benchmarks, not ours): static race detectors report 34-64% false alarms on real systems (nesC on TinyOS, RELAY on Linux)"
  echo
  cat "$results/race-accuracy.md.body"
} > "$results/race-accuracy.md"
rm -f "$results/race-accuracy.md.body"
cat "$results/race-accuracy.md"
