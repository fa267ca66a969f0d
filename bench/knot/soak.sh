#!/usr/bin/env bash
# Knot soak: 9,000 persistent connections for SOAK_SECONDS (default 60)
# under wrk, sampling the server's open descriptors and resident memory
# every 10 seconds from the 20th on; then, after the load stops, checks
# that descriptors return to where they started. Passes (exit 0) when
# descriptors and memory do not grow between the first sample and the last
# (memory: within 10%), and the descriptors come back down.
#
#   bench/knot/soak.sh [path/to/knot]   (default: $WEFT_BUILD_DIR/bin/knot)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${WEFT_BUILD_DIR:-$repo/build}
knot=${1:-$build/bin/knot}
seconds=${SOAK_SECONDS:-60}
conns=${SOAK_CONNECTIONS:-9000}
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/knot-soak.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir "$work/root"
head -c 8192 /dev/urandom > "$work/root/file-8k.bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$knot" --port "$port" --root "$work/root" --max-connections 19000 --idle-timeout 120 > "$work/log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/file-8k.bin" && break; sleep 0.05; done

fds() { ls "/proc/$server/fd" | wc -l; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$server/status"; }
fd0=$(fds)
echo "soak: $knot on port $port, $conns connections for ${seconds}s; idle: $fd0 fds, $(rss) KiB"
wrk -t 2 -c "$conns" -d "${seconds}s" --timeout 10s "http://127.0.0.1:$port/file-8k.bin" > "$work/wrk" 2>&1 &
load=$!
samples=()
sleep 20  # the first 20 s are ramp-up: wrk is still opening connections
for t in $(seq 20 10 $((seconds - 5))); do
  samples+=("$(fds) $(rss)")
  echo "soak: t=${t}s fds=$(echo "${samples[-1]}" | cut -d' ' -f1) rss=$(echo "${samples[-1]}" | cut -d' ' -f2) KiB"
  sleep 10
done
wait "$load" || true
grep -E "Requests/sec|Socket errors|Non-2xx" "$work/wrk" | sed 's/^/soak: wrk: /'
sleep 2
fd_end=$(fds)
echo "soak: after the load: $fd_end fds, $(rss) KiB"
read -r f1 r1 <<< "${samples[0]}"
read -r fn rn <<< "${samples[-1]}"
ok=1
[ "$fn" -le "$f1" ] || { echo "soak: FAIL: fds grew under load from $f1 to $fn"; ok=0; }
[ "$rn" -le $((r1 + r1 / 10)) ] || { echo "soak: FAIL: memory grew under load from $r1 to $rn KiB"; ok=0; }
[ "$fd_end" -le $((fd0 + 2)) ] || { echo "soak: FAIL: $fd_end fds after the load, $fd0 before"; ok=0; }
[ $ok = 1 ] && echo "soak: PASS"
[ $ok = 1 ]
