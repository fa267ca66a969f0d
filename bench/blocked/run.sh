#!/usr/bin/env bash
# blocked: resident memory per thread with N threads blocked on a condition
# variable (pthread layer, default attributes, no plugin), against Go
# goroutines and native pthreads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work blocked
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"10000 100000 1000000"}
NPTL_N=${NPTL_N:-10000}
clang-19 -O2 "$here/blocked_pthread.c" $(weft_libs) -o "$work/blocked_weft"
clang-19 -O2 "$here/blocked_pthread.c" -lpthread -o "$work/blocked_nptl"
clang-19 -O2 $(weft_cflags) "$here/blocked_tiny.c" $(weft_libs) -Wl,-z,now -o "$work/blocked_tiny"
go build -o "$work/blocked_go" "$here/blocked_go.go"
rows=""
for n in $SIZES; do
  : >"$work/weft.$n"; : >"$work/go.$n"
  for r in $(seq "$ROUNDS"); do # A B A B
    "$work/blocked_weft" "$n" | awk '{print $2}' >>"$work/weft.$n"
    "$work/blocked_go" "$n" | awk '{print $2}' >>"$work/go.$n"
  done
  w=$(median <"$work/weft.$n"); g=$(median <"$work/go.$n")
  rows="$rows| $n | $w | $g | $(ratio "$w" "$g") |\n"
done
: >"$work/nptl"
for r in $(seq "$ROUNDS"); do "$work/blocked_nptl" "$NPTL_N" | awk '{print $2}' >>"$work/nptl"; done
nptl=$(median <"$work/nptl")
: >"$work/tiny"
for r in $(seq "$ROUNDS"); do "$work/blocked_tiny" 1000000 | awk '{print $2}' >>"$work/tiny"; done
tiny=$(median <"$work/tiny")
# TEN_M=1 also runs 10,000,000 threads with 1 KiB stacks (about 10 GiB).
tenm=""
if [ "${TEN_M:-0}" = 1 ]; then tenm=$("$work/blocked_tiny" 10000000 | awk '{print $2}'); fi
{
  bench_header "blocked: resident bytes per thread blocked on a condition variable"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "pthread_create with default attributes, built without the plugin (weft's"
  echo "default first segment: 256 KiB of address space, touched lazily). VmRSS"
  echo "after all N are blocked minus before, over N; median of $ROUNDS runs, alternating."
  echo
  echo "| N | weft bytes/thread | Go bytes/goroutine | weft / Go |"
  echo "|---|---|---|---|"
  printf "$rows"
  echo
  echo "Native pthreads (NPTL), N = $NPTL_N: $nptl bytes/thread."
  echo
  echo "weft threads with 1 KiB stacks (weft_attr_t.stack_size = 1024), N = 1,000,000: $tiny bytes/thread."
  if [ -n "$tenm" ]; then echo "The same with N = 10,000,000: $tenm bytes/thread."; fi
  echo
  echo "Target: at most 8 KiB (8192 bytes) per weft thread at N = 1,000,000."
} >"$WEFT_RESULTS/blocked.md"
cat "$WEFT_RESULTS/blocked.md"
