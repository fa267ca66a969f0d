#!/usr/bin/env bash
# live-state: resident memory per blocked thread when each thread filled a
# 32 KiB local buffer that is dead before it waits on a condition variable
# (blocked_buffer.c). Built against libweft without the plugin, with
# `-fplugin` alone (the buffer moves to scratch memory), and with
# `-fplugin -fplugin-arg-weft-no-scratch` (the same analyses, the buffer
# left in the frame); against Go and native pthreads, in the same run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work live-state
ROUNDS=${ROUNDS:-3}
N=${N:-100000}
NPTL_N=${NPTL_N:-10000}
plugin="-fplugin=$("$WEFT_BUILD/bin/weft-config" --plugin)"
clang-19 -O2 "$here/blocked_buffer.c" $(weft_libs) -o "$work/weft"
clang-19 -O2 "$plugin" "$here/blocked_buffer.c" $(weft_libs) -o "$work/plugin"
clang-19 -O2 "$plugin" -fplugin-arg-weft-no-scratch "$here/blocked_buffer.c" $(weft_libs) \
  -o "$work/noscratch"
clang-19 -O2 "$here/blocked_buffer.c" -lpthread -o "$work/nptl"
go build -o "$work/go" "$here/blocked_buffer_go.go"
for b in weft plugin noscratch go nptl; do : >"$work/$b.out"; done
for r in $(seq "$ROUNDS"); do # A B C D A B C D
  for b in weft plugin noscratch go; do "$work/$b" "$N" | awk '{print $2}' >>"$work/$b.out"; done
  "$work/nptl" "$NPTL_N" | awk '{print $2}' >>"$work/nptl.out"
done
for b in weft plugin noscratch go nptl; do eval "m_$b=$(median <"$work/$b.out")"; done
{
  bench_header "live-state: resident bytes per blocked thread that filled a dead 32 KiB buffer"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg)."
  echo
  echo "Each of N threads fills a 32 KiB local buffer in a block of its own, keeps"
  echo "a checksum, and waits on a condition variable; VmRSS after all have"
  echo "arrived minus before, over N; median of $ROUNDS runs, alternating."
  echo "\`-fplugin\` alone moves the buffer to the worker's scratch memory"
  echo "(docs/plugin.md, \"Scratch memory\"): no blocking call lies in its lifetime."
  echo
  echo "| build | N | bytes/thread | vs weft without the plugin | vs Go |"
  echo "|---|---|---|---|---|"
  echo "| weft, no plugin | $N | $m_weft | 1.00 | $(ratio "$m_weft" "$m_go") |"
  echo "| weft, \`-fplugin\` | $N | $m_plugin | $(ratio "$m_plugin" "$m_weft") | $(ratio "$m_plugin" "$m_go") |"
  echo "| weft, \`-fplugin\` with \`no-scratch\` | $N | $m_noscratch | $(ratio "$m_noscratch" "$m_weft") | $(ratio "$m_noscratch" "$m_go") |"
  echo "| Go goroutines | $N | $m_go | $(ratio "$m_go" "$m_weft") | 1.00 |"
  echo "| native pthreads (NPTL) | $NPTL_N | $m_nptl | $(ratio "$m_nptl" "$m_weft") | $(ratio "$m_nptl" "$m_go") |"
  echo
  echo "Target: at most 4 KiB (4096 bytes) per blocked thread with \`-fplugin\` alone."
} >"$WEFT_RESULTS/live-state.md"
cat "$WEFT_RESULTS/live-state.md"
