#!/usr/bin/env bash
# weft-check: the whole-program check on a real multi-file C project, Redis
# from Debian's source package (about 140 translation units with its
# bundled libraries), against compiling the same units with `clang -O0`.
# The compile database comes from the project's own build (make, recorded
# with bear). Both run on 2 jobs, alternating (A B A B); wall seconds,
# medians. Also weft-check's peak memory and what the whole program adds
# (--blocking-stats).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
root="${WEFT_ROOT:-$(cd "$here/../.." && pwd)}"
build="${WEFT_BUILD:-$root/build}"
results="${WEFT_RESULTS:-$root/bench/results}"
work="$root/bench/work/weft-check"
runs="${RUNS:-5}"
jobs=2
mkdir -p "$work" "$results"

# Redis from Debian's source package (private_apt: no deb-src entry needed).
src="$(find "$work" -maxdepth 1 -type d -name 'redis-*' | head -1)"
if [ -z "$src" ]; then
  private_apt "$work/apt" updates
  (cd "$work" && apt-get "${APT_OPTS[@]}" source -qq redis >/dev/null 2>&1)
  src="$(find "$work" -maxdepth 1 -type d -name 'redis-*' | head -1)"
fi
if [ ! -s "$src/compile_commands.json" ]; then
  (cd "$src" && make distclean >/dev/null 2>&1 || true)
  (cd "$src" && bear -- make -j"$jobs" CC=clang-19 OPTIMIZATION=-O0 MALLOC=libc \
     USE_SYSTEMD=no BUILD_TLS=no >/dev/null 2>&1)
fi
units=$(python3 -c "import json,sys; print(len({e['file'] for e in json.load(open(sys.argv[1]))}))" \
  "$src/compile_commands.json")

check=() plain=()
for i in $(seq "$runs"); do
  plain+=("$(python3 "$here/compile_all.py" "$src/compile_commands.json" "$jobs")")
  /usr/bin/time -f "%e %M" -o "$work/time.txt" \
    "$build/bin/weft-check" -p "$src" -j "$jobs" --no-progress > /dev/null 2> "$work/check.txt" || true
  check+=("$(awk '{print $1}' "$work/time.txt")")
  rss=$(awk '{print $2}' "$work/time.txt")
done
"$build/bin/weft-check" -p "$src" -j "$jobs" --no-progress --blocking-stats \
  > "$work/stats.txt" 2> "$work/check.txt" || true

mp=$(printf '%s\n' "${plain[@]}" | median)
mc=$(printf '%s\n' "${check[@]}" | median)
ratio=$(echo "$mc / $mp" | bc -l)
{
  bench_header "weft-check: a whole project against clang -O0"
  echo "Project: $(basename "$src") from Debian's source package, $units files in its compile database (recorded from \`make CC=clang-19\` with bear), $jobs jobs, $runs runs each, alternating."
  echo
  echo "| run | median wall seconds | runs |"
  echo "|---|---|---|"
  echo "| clang -O0 -c, every file | $(printf %.2f "$mp") | $(printf '%s ' "${plain[@]}" | xargs printf '%.2f ') |"
  echo "| weft-check -p . -j $jobs | $(printf %.2f "$mc") | $(printf '%s ' "${check[@]}" | xargs printf '%.2f ') |"
  echo
  echo "**weft-check / clang -O0: $(printf %.2f "$ratio")x** (target: at most 1.00x). Peak memory of weft-check: $((rss / 1024)) MiB (target: under 2 GiB)."
  echo
  echo "Its last line, and what the whole program adds (\`--blocking-stats\`):"
  echo
  echo '```'
  tail -1 "$work/check.txt"
  cat "$work/stats.txt"
  echo '```'
} > "$results/weft-check.md"
cat "$results/weft-check.md"
