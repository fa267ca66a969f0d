#!/usr/bin/env bash
# switch: two threads yielding to each other on one worker, against a raw
# Boost.Context switch (the floor) and Go's runtime.Gosched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work switch
N=${N:-5000000}
ROUNDS=${ROUNDS:-5}
# Every peer runs on one CPU: the switch loop lives on one kernel thread,
# and left unpinned on this shared 2-vCPU machine weft's runs split into
# two clusters (about 12.5 and 20 ns) by where the kernel put them.
pin="taskset -c ${BENCH_CPU:-0}"
clang-19 -O2 $(weft_cflags) "$here/weft_switch.c" $(weft_libs) -o "$work/weft_switch"
clang-19 -O2 "$here/raw_switch.c" -lboost_context -o "$work/raw_switch"
go build -o "$work/go_switch" "$here/go_switch.go"
: >"$work/weft.txt"; : >"$work/fpu.txt"; : >"$work/raw.txt"; : >"$work/go.txt"
for r in $(seq "$ROUNDS"); do # A B A B
  $pin "$work/raw_switch" "$N" >>"$work/raw.txt"
  WEFT_WORKERS=1 $pin "$work/weft_switch" "$N" >>"$work/weft.txt"
  WEFT_FPU=thread WEFT_WORKERS=1 $pin "$work/weft_switch" "$N" >>"$work/fpu.txt"
  $pin "$work/go_switch" "$N" >>"$work/go.txt"
done
weft=$(median <"$work/weft.txt"); fpu=$(median <"$work/fpu.txt"); raw=$(median <"$work/raw.txt"); go=$(median <"$work/go.txt")
{
  bench_header "switch: two threads yielding to each other on one worker"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "$ROUNDS rounds of $N yields per thread, alternating, each run on CPU ${BENCH_CPU:-0} (taskset); medians."
  echo
  echo "| runtime | ns per switch | weft / peer |"
  echo "|---|---|---|"
  echo "| weft (weft_yield, WEFT_WORKERS=1) | $weft | 1.00 |"
  echo "| weft, WEFT_FPU=thread (FPU control words saved on every switch, as jump_fcontext does) | $fpu | $(ratio "$weft" "$fpu") |"
  echo "| raw Boost.Context jump_fcontext | $raw | $(ratio "$weft" "$raw") |"
  echo "| Go runtime.Gosched, GOMAXPROCS=1 | $go | $(ratio "$weft" "$go") |"
  echo
  echo "Target: weft at most 2x a raw Boost.Context switch: $(ratio "$weft" "$raw")x (with WEFT_FPU=thread: $(ratio "$fpu" "$raw")x)."
  echo
  echo "weft's threads share the worker's FPU control words unless they set their own through <fenv.h> (docs/runtime.md, \"FPU control words\"), so a switch between two of them skips jump_fcontext's stmxcsr/ldmxcsr; the WEFT_FPU=thread row saves and loads them on every switch, like the raw jump."
} >"$WEFT_RESULTS/switch.md"
cat "$WEFT_RESULTS/switch.md"
