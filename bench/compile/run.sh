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
runs="${RUNS:-5}"
mkdir -p "$work" "$results"

# The SQLite source package from Debian, turned into its amalgamation.
if [ ! -f "$work/sqlite3.c" ]; then
  apt="$work/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
  cat > "$apt/parts/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${opts[@]}" update -qq
  (cd "$apt" && apt-get "${opts[@]}" source --download-only -qq sqlite3)
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

# Three builds: plain, the plugin's checks (the default), and the checks
# with a report, whose frame sizes come from generating code for a clone of
# the module (one more run of the backend).
plain=() weft=() framed=()
for i in $(seq "$runs"); do
  plain+=("$(time_compile)")
  weft+=("$(time_compile -fplugin="$plugin")")
  framed+=("$(time_compile -fplugin="$plugin" -fplugin-arg-weft-report="$work/report-timed")")
done
# The check itself (with atomic sections on) and the report, once.
clang-19 -O2 -w -c "$work/sqlite3.c" -I"$work" -o "$work/out.o" -fplugin="$plugin" \
  -fplugin-arg-weft-report="$work/report" -fplugin-arg-weft-stats 2> "$work/stats.txt" || true

mp=$(printf '%s\n' "${plain[@]}" | median)
mw=$(printf '%s\n' "${weft[@]}" | median)
mf=$(printf '%s\n' "${framed[@]}" | median)
overhead=$(echo "($mw / $mp - 1) * 100" | bc -l)
foverhead=$(echo "($mf / $mp - 1) * 100" | bc -l)
lines=$(wc -l < "$work/sqlite3.c")
{
  bench_header "compile: the plugin's compile-time overhead"
  echo "Input: the SQLite amalgamation from Debian's sqlite3 source package ($lines lines, one translation unit), \`clang-19 -O2 -c\`, $runs runs each, alternating."
  echo
  echo "| build | median CPU seconds | runs |"
  echo "|---|---|---|"
  echo "| clang -O2 | $(printf %.3f "$mp") | $(printf '%s ' "${plain[@]}" | xargs printf '%.2f ') |"
  echo "| clang -O2 -fplugin=WeftPlugin.so | $(printf %.3f "$mw") | $(printf '%s ' "${weft[@]}" | xargs printf '%.2f ') |"
  echo "| ... -fplugin-arg-weft-report=DIR (frames measured) | $(printf %.3f "$mf") | $(printf '%s ' "${framed[@]}" | xargs printf '%.2f ') |"
  echo
  echo "**Overhead: $(printf %.1f "$overhead")%** (target: under 10%)."
  echo
  echo "With a report, whose \`frame_bytes\` come from generating code for a clone of the module: $(printf %.1f "$foverhead")% (one more run of the backend; \`-fplugin-arg-weft-frames=ir\` keeps the IR estimate instead)."
  echo
  echo "What the plugin found (\`-fplugin-arg-weft-stats\`):"
  echo
  echo '```'
  grep "remark: weft" "$work/stats.txt" | sed 's/^.*remark: //'
  echo '```'
} > "$results/compile.md"
cat "$results/compile.md"
