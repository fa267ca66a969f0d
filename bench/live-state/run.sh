#!/usr/bin/env bash
# live-state: resident memory per blocked thread when each thread filled a
# 32 KiB local buffer that is dead before it waits on a condition variable
# (blocked_buffer.c). Built against libweft without the plugin, with
# `-fplugin` alone (the buffer moves to scratch memory; linked stacks), with
# `-fplugin -fplugin-arg-weft-no-scratch` (the same analyses, the buffer
# left in the frame) and with `-fplugin -fplugin-arg-weft-no-linked-stacks`
# (scratch memory, a fixed first segment); against Go and native pthreads,
# in the same run.
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
clang-19 -O2 "$plugin" -fplugin-arg-weft-no-linked-stacks "$here/blocked_buffer.c" $(weft_libs) \
  -o "$work/fixed"
clang-19 -O2 "$here/blocked_buffer.c" -lpthread -o "$work/nptl"
go build -o "$work/go" "$here/blocked_buffer_go.go"
for b in weft plugin noscratch fixed go nptl; do : >"$work/$b.out"; done
for r in $(seq "$ROUNDS"); do # A B C D A B C D
  for b in weft plugin noscratch fixed go; do "$work/$b" "$N" | awk '{print $2}' >>"$work/$b.out"; done
  "$work/nptl" "$NPTL_N" | awk '{print $2}' >>"$work/nptl.out"
done
for b in weft plugin noscratch fixed go nptl; do eval "m_$b=$(median <"$work/$b.out")"; done

# Knot built with -fplugin (the transform on) and with no-scratch: what the
# transform and the runtime's scratch memory cost a server's throughput.
knot_src="$WEFT_ROOT/examples/knot"
for v in scratch noscratch; do
  extra=""; [ "$v" = noscratch ] && extra="-fplugin-arg-weft-no-scratch"
  clang-19 -O2 "$plugin" $extra -DKNOT_WITH_WEFT=1 -I"$knot_src" $(weft_cflags) \
    "$knot_src/knot.c" "$knot_src/cache.c" "$knot_src/http.c" $(weft_libs) -o "$work/knot-$v" 2>/dev/null
done
moved=$(clang-19 -O2 "$plugin" -fplugin-arg-weft-stats -fplugin-arg-weft-no-live-state \
  -fplugin-arg-weft-no-race -DKNOT_WITH_WEFT=1 -I"$knot_src" $(weft_cflags) -c "$knot_src/knot.c" \
  -o /dev/null 2>&1 | grep -o '[0-9]* stack objects ([0-9,]* bytes)' || true)
mkdir -p "$work/root" && head -c 8192 /dev/urandom >"$work/root/f.bin"
ulimit -n 20000 2>/dev/null || true
knot_rps() { # binary port
  "$1" --port "$2" --root "$work/root" --workers 2 >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$2/f.bin" && break; sleep 0.05; done
  wrk -t2 -c200 -d"${KNOT_SECONDS:-4}"s "http://127.0.0.1:$2/f.bin" 2>/dev/null | awk '/Requests\/sec/{print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
: >"$work/knot-scratch.out"; : >"$work/knot-noscratch.out"
for r in $(seq "$ROUNDS"); do
  knot_rps "$work/knot-scratch" 18431 >>"$work/knot-scratch.out"
  knot_rps "$work/knot-noscratch" 18432 >>"$work/knot-noscratch.out"
done
k_scratch=$(median <"$work/knot-scratch.out"); k_noscratch=$(median <"$work/knot-noscratch.out")
{
  bench_header "live-state: resident bytes per blocked thread that filled a dead 32 KiB buffer"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg)."
  echo
  echo "Each of N threads fills a 32 KiB local buffer in a block of its own, keeps"
  echo "a checksum, and waits on a condition variable; VmRSS after all have"
  echo "arrived minus before, over N; median of $ROUNDS runs, alternating."
  echo "\`-fplugin\` alone moves the buffer to the worker's scratch memory"
  echo "(docs/plugin.md, \"Scratch memory\"): no blocking call lies in its lifetime;"
  echo "its linked stacks give the thread a first segment sized to what it needs."
  echo
  echo "| build | N | bytes/thread | vs weft without the plugin | vs Go |"
  echo "|---|---|---|---|---|"
  echo "| weft, no plugin | $N | $m_weft | 1.00 | $(ratio "$m_weft" "$m_go") |"
  echo "| weft, \`-fplugin\` | $N | $m_plugin | $(ratio "$m_plugin" "$m_weft") | $(ratio "$m_plugin" "$m_go") |"
  echo "| weft, \`-fplugin\` with \`no-scratch\` | $N | $m_noscratch | $(ratio "$m_noscratch" "$m_weft") | $(ratio "$m_noscratch" "$m_go") |"
  echo "| weft, \`-fplugin\` with \`no-linked-stacks\` | $N | $m_fixed | $(ratio "$m_fixed" "$m_weft") | $(ratio "$m_fixed" "$m_go") |"
  echo "| Go goroutines | $N | $m_go | $(ratio "$m_go" "$m_weft") | 1.00 |"
  echo "| native pthreads (NPTL) | $NPTL_N | $m_nptl | $(ratio "$m_nptl" "$m_weft") | $(ratio "$m_nptl" "$m_go") |"
  echo
  echo "Target: at most 4 KiB (4096 bytes) per blocked thread with \`-fplugin\` alone."
  echo
  echo "Knot, built with \`-fplugin\` and with \`-fplugin -fplugin-arg-weft-no-scratch\`, 2 workers,"
  echo "wrk with 200 connections on one 8 KiB file, median of $ROUNDS runs, alternating:"
  echo "$k_scratch requests/s against $k_noscratch ($(ratio "$k_scratch" "$k_noscratch")x). The transform moved"
  echo "${moved:-no stack objects} in knot.c."
} >"$WEFT_RESULTS/live-state.md"
cat "$WEFT_RESULTS/live-state.md"
