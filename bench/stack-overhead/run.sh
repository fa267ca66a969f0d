#!/usr/bin/env bash
# stack-overhead: the cost of the plugin's linked-stack checkpoints on
# call-heavy code, against the same code built plainly and with
# `clang -fsplit-stack` (a check in every prologue). Instruction counts from
# valgrind's callgrind (repeatable, unlike time on a shared machine), the
# checkpointed build run outside a weft thread (limit 0: the checks run and
# pass), plus the number of call sites that got a check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
root="${WEFT_ROOT:-$(cd "$here/../.." && pwd)}"
build="${WEFT_BUILD:-$root/build}"
results="${WEFT_RESULTS:-$root/bench/results}"
plugin="$("$build/bin/weft-config" --plugin)"
work="$root/bench/work/stack-overhead"
mkdir -p "$work" "$results"

clang-19 -O2 "$here/calls.c" -o "$work/plain"
clang-19 -O2 -fplugin="$plugin" -fplugin-arg-weft-linked-stacks "$here/calls.c" "$here/outside.c" -o "$work/weft"
clang-19 -O2 -fsplit-stack "$here/calls.c" -o "$work/split"
sites=$(objdump -d "$work/weft" | grep -c "^[0-9a-f]* <__weft_slow\." || true)

count() { # instructions executed by the program
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 25 2>&1 |
    awk '/Collected/ {print $4}'
}
p=$(count "$work/plain"); w=$(count "$work/weft"); s=$(count "$work/split")
# calls made: fib(25) makes 242,785; each walk of a 2^16-node tree 131,071.
calls=$((242785 + 4 * 131071))
{
  bench_header "stack-overhead: linked-stack checkpoints vs plain code and -fsplit-stack"
  echo "Naive fib(25) and 4 walks of a 2^16-node tree ($calls calls), \`clang-19 -O2\`, instructions counted by callgrind."
  echo
  echo "| build | instructions | vs plain | extra instructions per call |"
  echo "|---|---|---|---|"
  for b in plain weft split; do
    case $b in plain) n=$p ;; weft) n=$w ;; split) n=$s ;; esac
    name=$b; [ $b = weft ] && name="weft checkpoints"; [ $b = split ] && name="-fsplit-stack"
    printf '| %s | %s | %.3fx | %.2f |\n' "$name" "$n" "$(echo "$n / $p" | bc -l)" "$(echo "($n - $p) / $calls" | bc -l)"
  done
  echo
  echo "Call sites with a checkpoint in the weft build: $sites (recursion and calls to external functions without WEFT_STACK_BOUND)."
  echo "Every recursive call here is checked, so this is the worst case for checkpoints; -fsplit-stack checks every prologue."
} > "$results/stack-overhead.md"
cat "$results/stack-overhead.md"
