#!/usr/bin/env bash
# condvar: a hand-off between two pthreads through a mutex and a condition
# variable; the same program under weft (user threads) and under NPTL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work condvar
N=${N:-1000000}
NN=${NN:-100000}   # NPTL hand-offs are slow: fewer of them
ROUNDS=${ROUNDS:-5}
clang-19 -O2 "$here/handoff.c" $(weft_libs) -o "$work/handoff_weft"
clang-19 -O2 "$here/handoff.c" -lpthread -o "$work/handoff_nptl"
for f in weft weft1 nptl; do : >"$work/$f.txt"; done
for r in $(seq "$ROUNDS"); do # A B A B
  "$work/handoff_weft" "$N" >>"$work/weft.txt"
  "$work/handoff_nptl" "$NN" >>"$work/nptl.txt"
  WEFT_WORKERS=1 "$work/handoff_weft" "$N" >>"$work/weft1.txt"
done
weft=$(median <"$work/weft.txt"); weft1=$(median <"$work/weft1.txt"); nptl=$(median <"$work/nptl.txt")
{
  bench_header "condvar: hand-off between two pthreads (mutex + condition variable)"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "$ROUNDS rounds, alternating; $N round trips under weft, $NN under NPTL; medians."
  echo "The same C source, linked with libweft or with glibc alone."
  echo
  echo "| build | ns per hand-off | speed-up over NPTL |"
  echo "|---|---|---|"
  echo "| weft, $(nproc) workers (default) | $weft | $(ratio "$nptl" "$weft")x |"
  echo "| weft, 1 worker | $weft1 | $(ratio "$nptl" "$weft1")x |"
  echo "| NPTL (kernel threads, futex) | $nptl | 1.00x |"
  echo
  echo "Target: weft at least 20x faster than NPTL."
} >"$WEFT_RESULTS/condvar.md"
cat "$WEFT_RESULTS/condvar.md"
