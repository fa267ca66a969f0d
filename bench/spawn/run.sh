#!/usr/bin/env bash
# spawn: create + run + join an empty thread, 1M times (batches of 100),
# against Go goroutines, Boost.Fiber and native pthreads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work spawn
N=${N:-1000000}
NP=${NP:-100000}   # pthreads are slower: fewer of them
ROUNDS=${ROUNDS:-5}
clang-19 -O2 $(weft_cflags) "$here/weft_spawn.c" $(weft_libs) -o "$work/weft_spawn"
clang-19 -O2 "$here/pthread_spawn.c" -lpthread -o "$work/pthread_spawn"
clang++-19 -O2 "$here/fiber_spawn.cpp" -lboost_fiber -lboost_context -o "$work/fiber_spawn"
go build -o "$work/go_spawn" "$here/go_spawn.go"
for f in weft weft1 go go1 fiber pthread; do : >"$work/$f.txt"; done
for r in $(seq "$ROUNDS"); do # A B A B
  "$work/weft_spawn" "$N" >>"$work/weft.txt"
  "$work/go_spawn" "$N" >>"$work/go.txt"
  WEFT_WORKERS=1 "$work/weft_spawn" "$N" >>"$work/weft1.txt"
  GOMAXPROCS=1 "$work/go_spawn" "$N" >>"$work/go1.txt"
  "$work/fiber_spawn" "$N" >>"$work/fiber.txt"
  "$work/pthread_spawn" "$NP" >>"$work/pthread.txt"
done
weft=$(median <"$work/weft.txt"); weft1=$(median <"$work/weft1.txt")
go=$(median <"$work/go.txt"); go1=$(median <"$work/go1.txt")
fiber=$(median <"$work/fiber.txt"); pth=$(median <"$work/pthread.txt")
{
  bench_header "spawn: create, run and join an empty thread"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "$ROUNDS rounds, alternating; $N threads per run in batches of 100 ($NP for pthreads); medians."
  echo
  echo "| runtime | workers | ns per thread | weft / peer |"
  echo "|---|---|---|---|"
  echo "| weft | $(nproc) (default) | $weft | 1.00 |"
  echo "| Go goroutines | GOMAXPROCS=$(nproc) | $go | $(ratio "$weft" "$go") |"
  echo "| weft | 1 | $weft1 | 1.00 |"
  echo "| Go goroutines | GOMAXPROCS=1 | $go1 | $(ratio "$weft1" "$go1") |"
  echo "| Boost.Fiber (one thread) | 1 | $fiber | $(ratio "$weft1" "$fiber") |"
  echo "| pthreads (NPTL) | kernel | $pth | $(ratio "$weft" "$pth") |"
  echo
  echo "Target: weft at most 1/5 of Go's cost (ratio <= 0.20)."
} >"$WEFT_RESULTS/spawn.md"
cat "$WEFT_RESULTS/spawn.md"
