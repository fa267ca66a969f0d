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
# with_server <binary> <command...>: starts the server on a free port, runs
# the command with $port and $pid set, prints its output, stops the server.
with_server() {
  local bin=$1
  shift
  "$bin" 0 >"$work/port" &
  pid=$!
  port=""
  for _ in $(seq 50); do port=$(awk '{print $2}' "$work/port" 2>/dev/null); [ -n "$port" ] && break; sleep 0.1; done
  "$@"
  kill "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true # still there after 5 s: not left behind
  wait "$pid" 2>/dev/null || true
}
hold() { python3 "$here/hold.py" "$port" "$N" "$pid" | awk '{print $2}'; } # bytes per connection
for v in nptl weft plugin; do : >"$work/$v.rss"; done
for r in $(seq "$ROUNDS"); do
  for v in nptl weft plugin; do with_server "$work/$v" hold >>"$work/$v.rss"; done
done
n=$(median <"$work/nptl.rss"); w=$(median <"$work/weft.rss"); p=$(median <"$work/plugin.rss")

# Throughput: wrk on loopback, persistent connections, DURATION seconds.
DURATION=${DURATION:-5}
LEVELS=${LEVELS:-"50 5000"}
rps() { # rps <connections>: requests per second
  wrk -t2 -c"$1" -d"${DURATION}s" "http://127.0.0.1:$port/" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
}
trows=""
for c in $LEVELS; do
  for v in nptl weft plugin; do : >"$work/$v.rps"; done
  for r in $(seq "$ROUNDS"); do
    for v in nptl weft plugin; do with_server "$work/$v" rps "$c" >>"$work/$v.rps"; done
  done
  tn=$(median <"$work/nptl.rps"); tw=$(median <"$work/weft.rps"); tp=$(median <"$work/plugin.rps")
  trows="$trows| $c | $tn | $tw | $(ratio "$tw" "$tn") | $tp | $(ratio "$tp" "$tn") |\n"
done
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
  echo
  echo "Requests per second, wrk -t2 on loopback for ${DURATION} s, median of $ROUNDS:"
  echo
  echo "| connections | native | libweft | / native | libweft + linked stacks | / native |"
  echo "|---|---|---|---|---|---|"
  printf "$trows"
  echo
  echo "Target: at least 1.1x native threads at 50 and at 5,000 connections."
} >"$WEFT_RESULTS/tpc.md"
cat "$WEFT_RESULTS/tpc.md"
