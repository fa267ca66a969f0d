#!/usr/bin/env bash
# spawn: create + run + join an empty thread, 5M times (batches of 100),
# built with the weft plugin (as users build) and without, against Go
# goroutines, Boost.Fiber and native pthreads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work spawn
# A weft run of 1M threads lasts about 25 ms, short enough for one stall of
# this shared machine's vCPU to move it by half: 5M by default.
N=${N:-5000000}
NP=${NP:-100000}   # pthreads and Boost.Fiber are slower: fewer of them
ROUNDS=${ROUNDS:-5}
clang-19 -O2 $(weft_cflags) "$here/weft_spawn.c" $(weft_libs) -o "$work/weft_spawn"
# The same source built as weft's users build: with the plugin's linked
# stacks, so each thread's first segment is sized to its entry function.
clang-19 -O2 -fplugin="$("$WEFT_BUILD/bin/weft-config" --plugin)" -fplugin-arg-weft-linked-stacks \
  $(weft_cflags) "$here/weft_spawn.c" $(weft_libs) -o "$work/weft_spawn_plugin"
clang-19 -O2 "$here/pthread_spawn.c" -lpthread -o "$work/pthread_spawn"
clang++-19 -O2 "$here/fiber_spawn.cpp" -lboost_fiber -lboost_context -o "$work/fiber_spawn"
go build -o "$work/go_spawn" "$here/go_spawn.go"
for f in weft weft1 plug plug1 go go1 fiber pthread one go_one; do : >"$work/$f.txt"; done
# The one-worker runs (and Go's GOMAXPROCS=1) run on one CPU: left to the
# kernel on this shared 2-vCPU machine, single runs of one build ranged
# from 24 to 38 ns; pinned, within a few percent.
pin="taskset -c ${BENCH_CPU:-1}"
for r in $(seq "$ROUNDS"); do # A B A B
  "$work/weft_spawn_plugin" "$N" >>"$work/plug.txt"
  "$work/go_spawn" "$N" >>"$work/go.txt"
  "$work/weft_spawn" "$N" >>"$work/weft.txt"
  WEFT_WORKERS=1 $pin "$work/weft_spawn_plugin" "$N" >>"$work/plug1.txt"
  GOMAXPROCS=1 $pin "$work/go_spawn" "$N" >>"$work/go1.txt"
  WEFT_WORKERS=1 $pin "$work/weft_spawn" "$N" >>"$work/weft1.txt"
  WEFT_WORKERS=1 $pin "$work/weft_spawn_plugin" "$N" 1 >>"$work/one.txt"   # each joined at once
  GOMAXPROCS=1 $pin "$work/go_spawn" "$N" 1 >>"$work/go_one.txt"
  "$work/fiber_spawn" "$NP" >>"$work/fiber.txt"
  "$work/pthread_spawn" "$NP" >>"$work/pthread.txt"
done
weft=$(median <"$work/weft.txt"); weft1=$(median <"$work/weft1.txt")
plug=$(median <"$work/plug.txt"); plug1=$(median <"$work/plug1.txt")
one=$(median <"$work/one.txt"); go_one=$(median <"$work/go_one.txt")
go=$(median <"$work/go.txt"); go1=$(median <"$work/go1.txt")
fiber=$(median <"$work/fiber.txt"); pth=$(median <"$work/pthread.txt")
{
  bench_header "spawn: create, run and join an empty thread"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "$ROUNDS rounds, alternating; $N threads per run in batches of 100 ($NP for pthreads and Boost.Fiber); medians. One-worker runs (weft and Go) pinned to CPU ${BENCH_CPU:-1}."
  echo
  echo "| runtime | workers | ns per thread | weft with the plugin / this | weft without / this |"
  echo "|---|---|---|---|---|"
  echo "| weft, built with the plugin (linked stacks) | $(nproc) (default) | $plug | 1.00 | |"
  echo "| weft, built without the plugin | $(nproc) (default) | $weft | | 1.00 |"
  echo "| Go goroutines | GOMAXPROCS=$(nproc) | $go | $(ratio "$plug" "$go") | $(ratio "$weft" "$go") |"
  echo "| weft, built with the plugin (linked stacks) | 1 | $plug1 | 1.00 | |"
  echo "| weft, built without the plugin | 1 | $weft1 | | 1.00 |"
  echo "| Go goroutines | GOMAXPROCS=1 | $go1 | $(ratio "$plug1" "$go1") | $(ratio "$weft1" "$go1") |"
  echo "| Boost.Fiber (one thread) | 1 | $fiber | $(ratio "$plug1" "$fiber") | $(ratio "$weft1" "$fiber") |"
  echo "| pthreads (NPTL) | kernel | $pth | $(ratio "$plug" "$pth") | $(ratio "$weft" "$pth") |"
  echo
  echo "Each thread joined (waited for) before the next is spawned (batches of 1), one worker:"
  echo
  echo "| runtime | ns per thread | weft / Go |"
  echo "|---|---|---|"
  echo "| weft, built with the plugin | $one | $(ratio "$one" "$go_one") |"
  echo "| Go goroutines, GOMAXPROCS=1 | $go_one | 1.00 |"
  echo
  echo "Target: weft at most 1/5 of Go's cost (ratio <= 0.20). Built with the plugin,"
  echo "the empty thread's first segment is sized to it (the smallest class that holds"
  echo "it, one page); without it every thread gets the default 256 KiB segment, whose"
  echo "top and canary are two pages: a batch of 100 threads touches 200 pages. Segments"
  echo "of several pages lie an odd number of pages apart (stack/segment.c), so those"
  echo "pages spread over the second-level TLB's sets."
} >"$WEFT_RESULTS/spawn.md"
cat "$WEFT_RESULTS/spawn.md"
