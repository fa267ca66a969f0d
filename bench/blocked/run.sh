#!/usr/bin/env bash
# blocked: resident memory per thread with N threads blocked on a condition
# variable (pthread layer, default attributes; built without the plugin, and
# with its linked stacks, whose table sizes each thread's first segment),
# against Go goroutines and native pthreads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work blocked
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"10000 100000 1000000"}
NPTL_N=${NPTL_N:-10000}
clang-19 -O2 "$here/blocked_pthread.c" $(weft_libs) -o "$work/blocked_weft"
clang-19 -O2 -fplugin="$("$WEFT_BUILD/bin/weft-config" --plugin)" \
  "$here/blocked_pthread.c" $(weft_libs) -o "$work/blocked_plugin"
clang-19 -O2 "$here/blocked_pthread.c" -lpthread -o "$work/blocked_nptl"
clang-19 -O2 $(weft_cflags) "$here/blocked_tiny.c" $(weft_libs) -Wl,-z,now -o "$work/blocked_tiny"
go build -o "$work/blocked_go" "$here/blocked_go.go"
rows=""
for n in $SIZES; do
  : >"$work/weft.$n"; : >"$work/plugin.$n"; : >"$work/go.$n"
  for r in $(seq "$ROUNDS"); do # A B C A B C
    "$work/blocked_weft" "$n" | awk '{print $2}' >>"$work/weft.$n"
    "$work/blocked_plugin" "$n" | awk '{print $2}' >>"$work/plugin.$n"
    "$work/blocked_go" "$n" | awk '{print $2}' >>"$work/go.$n"
  done
  w=$(median <"$work/weft.$n"); p=$(median <"$work/plugin.$n"); g=$(median <"$work/go.$n")
  rows="$rows| $n | $w | $p | $g | $(ratio "$w" "$g") | $(ratio "$p" "$g") |\n"
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
  echo "pthread_create with default attributes. Built without the plugin, weft's"
  echo "default first segment is 256 KiB of address space, touched lazily. Built"
  echo "with the plugin (\`-fplugin\` alone: linked stacks are on by default), the"
  echo "object file's table gives the thread function's need (its frame and the"
  echo "bounds of pthread_mutex_lock/pthread_cond_wait: 544 bytes, no reserve), and"
  echo "the first segment is sized to it (a 1.5 KiB class, descriptor included)."
  echo "VmRSS after all N are blocked minus before, over N; median of $ROUNDS runs,"
  echo "alternating."
  echo
  echo "| N | weft bytes/thread | weft + plugin bytes/thread | Go bytes/goroutine | weft / Go | weft + plugin / Go |"
  echo "|---|---|---|---|---|---|"
  printf "$rows"
  echo
  echo "Native pthreads (NPTL), N = $NPTL_N: $nptl bytes/thread."
  echo
  echo "weft threads with 1 KiB stacks (weft_attr_t.stack_size = 1024), N = 1,000,000: $tiny bytes/thread."
  if [ -n "$tenm" ]; then echo "The same with N = 10,000,000: $tenm bytes/thread."; fi
  echo
  echo "Targets at N = 1,000,000: at most 8 KiB (8192 bytes) per weft thread without"
  echo "the plugin, at most 1.5 KiB (1536 bytes) with it."
} >"$WEFT_RESULTS/blocked.md"
cat "$WEFT_RESULTS/blocked.md"
