#!/usr/bin/env bash
# The soak (bench/knot/soak.sh) for Knot on libweft and for knot-pthread,
# one after the other; writes bench/results/knot-soak.md with both logs and
# the memory each server held under 9,000 connections.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
repo=$(cd "$here/../.." && pwd)
build=${WEFT_BUILD_DIR:-$repo/build}
results="${WEFT_RESULTS:-$repo/bench/results}"
mkdir -p "$results"
status=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
for server in knot knot-pthread; do
  "$here/soak.sh" "$build/bin/$server" > "$logs/$server" 2>&1 || status=1
done
{
  bench_header "Knot soak: 9,000 connections, Knot on libweft and knot-pthread"
  echo "Each server holds ${SOAK_CONNECTIONS:-9000} persistent connections under wrk for ${SOAK_SECONDS:-60} s; descriptors and resident memory are sampled every 10 s from the 20th; a server passes when neither grows under load and the descriptors come back down afterwards (\`bench/knot/soak.sh\`)."
  echo
  echo "| server | resident under load | wrk requests/s | wrk timeouts | verdict |"
  echo "|---|---:|---:|---:|---|"
  for server in knot knot-pthread; do
    l="$logs/$server"
    printf '| %s | %s KiB | %s | %s | %s |\n' "$server" \
      "$(grep -o 'rss=[0-9]*' "$l" | tail -1 | cut -d= -f2)" \
      "$(awk '/Requests\/sec/ {print $NF}' "$l")" \
      "$(grep -o 'timeout [0-9]*' "$l" | awk '{print $2}' | head -1 | grep . || echo 0)" \
      "$(grep -q 'soak: PASS' "$l" && echo PASS || echo FAIL)"
  done
  for server in knot knot-pthread; do
    echo
    echo "## $server"
    echo
    echo '```'
    cat "$logs/$server"
    echo '```'
  done
} > "$results/knot-soak.md"
cat "$results/knot-soak.md"
exit $status
