#!/usr/bin/env bash
# tpc: a thread-per-connection server written for pthreads (bench/tpc/server.c,
# an 8 KiB request buffer on each thread's stack, blocking recv/send), built
# for native threads (NPTL), for libweft without the plugin, and for libweft
# with the plugin's linked stacks. Resident bytes per connection with N
# connections open, each served once and now waiting in recv; median of
# ROUNDS runs, alternating, and the ratio to native threads.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work tpc
ROUNDS=${ROUNDS:-3}
N=${N:-5000}
ulimit -n 20000
clang-19 -O2 "$here/server.c" -lpthread -o "$work/nptl"
clang-19 -O2 "$here/server.c" $(weft_libs) -o "$work/weft"
clang-19 -O2 -fplugin="$("$WEFT_BUILD/bin/weft-config" --plugin)" -fplugin-arg-weft-linked-stacks \
  "$here/server.c" $(weft_libs) -o "$work/plugin"
measure() { # measure <binary>: prints bytes per connection
  "$1" 0 >"$work/port" &
  local pid=$! port=""
  for _ in $(seq 50); do port=$(awk '{print $2}' "$work/port" 2>/dev/null); [ -n "$port" ] && break; sleep 0.1; done
  python3 "$here/hold.py" "$port" "$N" "$pid" | awk '{print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for v in nptl weft plugin; do : >"$work/$v.rss"; done
for r in $(seq "$ROUNDS"); do
  for v in nptl weft plugin; do measure "$work/$v" >>"$work/$v.rss"; done
done
n=$(median <"$work/nptl.rss"); w=$(median <"$work/weft.rss"); p=$(median <"$work/plugin.rss")
{
  bench_header "tpc: resident bytes per connection, thread-per-connection server"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg)."
  echo
  echo "$N connections, each served one request and now waiting in recv; VmRSS"
  echo "after minus before, over N; median of $ROUNDS runs, alternating."
  echo
  echo "| build | bytes/connection | / native threads |"
  echo "|---|---|---|"
  echo "| native threads (NPTL) | $n | 1.00 |"
  echo "| libweft, no plugin | $w | $(ratio "$w" "$n") |"
  echo "| libweft, plugin with linked stacks | $p | $(ratio "$p" "$n") |"
  echo
  echo "Target: with the plugin at most 0.90x native threads."
} >"$WEFT_RESULTS/tpc.md"
cat "$WEFT_RESULTS/tpc.md"
