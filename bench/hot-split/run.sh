#!/usr/bin/env bash
# hot-split: the cost of a call that crosses a segment boundary on every
# iteration of a loop (the "hot split" of segmented stacks), against the same
# loop with no boundary: __weft_call_on_new_segment, what a checkpoint's
# slow path calls, against a plain call of the same function.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work hot-split
N=${N:-10000000}
ROUNDS=${ROUNDS:-5}
clang-19 -O2 $(weft_cflags) "$here/hot_split.c" $(weft_libs) -o "$work/hot_split"
: >"$work/direct.txt"; : >"$work/leaf.txt"
for r in $(seq "$ROUNDS"); do
  WEFT_WORKERS=1 "$work/hot_split" "$N" >"$work/out.txt"
  awk '$1 == "direct" {print $2, $3}' "$work/out.txt" >>"$work/direct.txt"
  awk '$1 == "leaf" {print $2, $3}' "$work/out.txt" >>"$work/leaf.txt"
done
med() { awk -v c="$2" '{print $c}' "$1" | median; }
ds=$(med "$work/direct.txt" 1); dp=$(med "$work/direct.txt" 2)
ls=$(med "$work/leaf.txt" 1); lp=$(med "$work/leaf.txt" 2)
cost() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f ns", a - b}'; }
{
  bench_header "hot-split: a call across a segment boundary on every iteration"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "$ROUNDS rounds of $N calls, WEFT_WORKERS=1; medians. The callee, \`step\`, mixes a 64-byte block into a hash (eight dependent multiplies)."
  echo
  echo "| loop | ns per call, across a boundary | ns per call, no boundary | ratio | boundary cost |"
  echo "|---|---|---|---|---|"
  echo "| \`__weft_call_on_new_segment(step, s, 256)\` vs \`step(s)\` | $ds | $dp | $(ratio "$ds" "$dp") | $(cost "$ds" "$dp") |"
  echo "| the same with an empty callee (\`leaf\`) | $ls | $lp | $(ratio "$ls" "$lp") | $(cost "$ls" "$lp") |"
  echo
  echo "Target: at most 2x, met for a callee that does some work: the boundary's instructions do not depend on the callee's, and the CPU runs them alongside its chain of multiplies, so the step row costs less than the leaf row's boundary. An empty callee pays the boundary in full. Each boundary takes a 32 KiB segment from the worker's cache and gives it back; the segment stays mapped and warm, so nothing is mapped or faulted in the loop."
} >"$WEFT_RESULTS/hot-split.md"
cat "$WEFT_RESULTS/hot-split.md"
