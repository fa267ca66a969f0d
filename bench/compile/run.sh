#!/usr/bin/env bash
# compile: the plugin's compile-time overhead on a real C code base, the
# SQLite amalgamation (about 250,000 lines in one translation unit), and on
# weft's own C examples. Plain `clang -O2` and `clang -O2 -fplugin=weft`
# alternate (A B A B), and the medians of the compiler's CPU time (user +
# sys, which other load on the machine disturbs far less than wall time)
# are compared.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
root="${WEFT_ROOT:-$(cd "$here/../.." && pwd)}"
build="${WEFT_BUILD:-$root/build}"
results="${WEFT_RESULTS:-$root/bench/results}"
work="$root/bench/work/compile"
plugin="$("$build/bin/weft-config" --plugin)"
runs="${RUNS:-3}"
mkdir -p "$work" "$results"

# The SQLite source package from Debian, turned into its amalgamation.
if [ ! -f "$work/sqlite3.c" ]; then
  apt="$work/apt"
  private_apt "$apt"
  (cd "$apt" && apt-get "${APT_OPTS[@]}" source --download-only -qq sqlite3)
  tar -C "$apt" -xf "$(ls "$apt"/sqlite3_*.orig.tar.xz)"
  src="$(find "$apt" -maxdepth 1 -type d -name 'sqlite*' | head -1)"
  (cd "$src" && ./configure -q >/dev/null && make -s sqlite3.c >/dev/null)
  cp "$src/sqlite3.c" "$src/sqlite3.h" "$work/"
fi

time_compile() { # time_compile <extra flags...> ; prints CPU seconds (user + sys)
  /usr/bin/time -f "%U %S" -o "$work/time.txt" \
    clang-19 -O2 -w -c "$work/sqlite3.c" -I"$work" -o "$work/out.o" "$@"
  awk '{print $1 + $2}' "$work/time.txt"
}

# Five builds: plain; `-fplugin` alone, the default: every check and
# linked stacks, whose constants come from the object the backend writes;
# the analyses alone (no-linked-stacks); the analyses without the race
# analysis (no-race), for what races cost; and a report, whose frame sizes
# come from generating code for a clone of the module (one more run of the
# backend).
plain=() weft=() checks=() norace=() framed=()
for i in $(seq "$runs"); do
  plain+=("$(time_compile)")
  weft+=("$(time_compile -fplugin="$plugin")")
  checks+=("$(time_compile -fplugin="$plugin" -fplugin-arg-weft-no-linked-stacks)")
  norace+=("$(time_compile -fplugin="$plugin" -fplugin-arg-weft-no-linked-stacks -fplugin-arg-weft-no-race)")
  framed+=("$(time_compile -fplugin="$plugin" -fplugin-arg-weft-report="$work/report-timed")")
done
# The stats and the report, once; the object's size and its checks.
clang-19 -O2 -w -c "$work/sqlite3.c" -I"$work" -o "$work/out.o" -fplugin="$plugin" \
  -fplugin-arg-weft-report="$work/report" -fplugin-arg-weft-stats \
  -Xclang -print-stats 2> "$work/stats.txt" || true
checkpoints=$(awk '/Checkpoints inserted before calls/ {c += $1} /Checkpoints inserted at function entries/ {e += $1} END {print c " before calls, " e " at entries"}' "$work/stats.txt")
text_weft=$(size -A "$work/out.o" | awk '$1 == ".text" || $1 ~ /^\.text\./ {t += $2} END {print t}')
clang-19 -O2 -w -c "$work/sqlite3.c" -I"$work" -o "$work/out.o"
text_plain=$(size -A "$work/out.o" | awk '$1 == ".text" || $1 ~ /^\.text\./ {t += $2} END {print t}')

mp=$(printf '%s\n' "${plain[@]}" | median)
mw=$(printf '%s\n' "${weft[@]}" | median)
mc=$(printf '%s\n' "${checks[@]}" | median)
mf=$(printf '%s\n' "${framed[@]}" | median)
mn=$(printf '%s\n' "${norace[@]}" | median)
ratio() { echo "$1 / $mp" | bc -l | xargs printf '%.2fx'; }
lines=$(wc -l < "$work/sqlite3.c")
{
  bench_header "compile: the plugin's compile-time overhead"
  echo "Input: the SQLite amalgamation from Debian's sqlite3 source package ($lines lines, one translation unit), \`clang-19 -O2 -c\`, $runs runs each, alternating."
  echo
  echo "| build | median CPU seconds | vs clang -O2 | target | runs |"
  echo "|---|---|---|---|---|"
  echo "| clang -O2 | $(printf %.3f "$mp") | 1.00x | | $(printf '%s ' "${plain[@]}" | xargs printf '%.2f ') |"
  echo "| clang -O2 -fplugin=WeftPlugin.so (the default: checks and linked stacks) | $(printf %.3f "$mw") | $(ratio "$mw") | at most 1.20x | $(printf '%s ' "${weft[@]}" | xargs printf '%.2f ') |"
  echo "| ... -fplugin-arg-weft-no-linked-stacks (the checks alone) | $(printf %.3f "$mc") | $(ratio "$mc") | at most 1.10x | $(printf '%s ' "${checks[@]}" | xargs printf '%.2f ') |"
  echo "| ... -fplugin-arg-weft-no-linked-stacks -fplugin-arg-weft-no-race (the checks but races) | $(printf %.3f "$mn") | $(ratio "$mn") | | $(printf '%s ' "${norace[@]}" | xargs printf '%.2f ') |"
  echo "| ... -fplugin-arg-weft-report=DIR (frames measured for the report) | $(printf %.3f "$mf") | $(ratio "$mf") | | $(printf '%s ' "${framed[@]}" | xargs printf '%.2f ') |"
  echo
  echo "The race analysis: the checks against the checks but races, $(echo "$mc / $mn" | bc -l | xargs printf '%.2fx') (target: at most 1.10x)."
  echo
  echo "Linked stacks: $checkpoints; code $text_weft bytes against $text_plain ($(echo "$text_weft / $text_plain" | bc -l | xargs printf '%.2fx')). Their constants are filled into the object from its own \`.stack_sizes\` once the backend has written it, so no extra run of the backend is needed; a report still measures a clone for its \`frame_bytes\` (\`-fplugin-arg-weft-frames=ir\` keeps the IR estimate instead)."
  echo
  echo "What the plugin found (\`-fplugin-arg-weft-stats\`):"
  echo
  echo '```'
  grep "remark: weft" "$work/stats.txt" | sed 's/^.*remark: //'
  echo '```'
} > "$results/compile.md"
cat "$results/compile.md"
