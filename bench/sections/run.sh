#!/usr/bin/env bash
# sections: two threads, each moving units between slots of its own table
# inside atomic sections (sections.c), with the sections' locks as the
# plugin describes them (disjoint ids), coarse (no plugin), one shared id,
# and by hand with a pthread mutex per table; on 2 workers and on 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work sections
N=${N:-20000000}    # moves per thread
ROUNDS=${ROUNDS:-7}
clang-19 -O2 $(weft_cflags) "$here/sections.c" $(weft_libs) -o "$work/sections_weft"
clang-19 -O2 -DSECTIONS_NPTL "$here/sections.c" -lpthread -o "$work/sections_nptl"
# The `atomic` mode built with the plugin, which infers the sections' ids
# (WEFT_PLUGIN, or the build's own plugin).
plugin=${WEFT_PLUGIN:-}
if [ -z "$plugin" ] && [ -x "$WEFT_BUILD/bin/weft-config" ]; then
  plugin=$("$WEFT_BUILD/bin/weft-config" --plugin 2>/dev/null || true)
fi
[ -n "$plugin" ] && [ -f "$plugin" ] || { echo "bench/sections: no plugin (set WEFT_PLUGIN)" >&2; exit 1; }
clang-19 -O2 $(weft_cflags) -fplugin="$plugin" -fplugin-arg-weft-report="$work" "$here/sections.c" \
  $(weft_libs) -o "$work/sections_plugin" 2>/dev/null
locks=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("; ".join(s["function"] + ": " + ", ".join(s["locks"]) for s in d["sections"]
                if s["function"].startswith("atomic_moves")))' "$work/sections.c.weft.json")

# name | workers (or nptl) | mode | program
configs=(
  "disjoint2 2 disjoint weft" "coarse2 2 coarse weft" "disjoint1 1 disjoint weft"
  "coarse1 1 coarse weft" "conflict2 2 conflict weft" "mutex2 2 mutex weft"
  "nptl nptl mutex nptl" "none2 2 none weft" "none1 1 none weft"
  "plugin2 2 atomic plugin" "noplugin2 2 atomic weft" "plugin1 1 atomic plugin"
)
for c in "${configs[@]}"; do set -- $c; : >"$work/$1.txt"; : >"$work/$1.where"; done
for r in $(seq "$ROUNDS"); do # every configuration once per round, in turn
  for c in "${configs[@]}"; do
    set -- $c
    if [ "$2" = nptl ]; then
      "$work/sections_nptl" "$3" "$N" >>"$work/$1.txt" 2>>"$work/$1.where"
    else
      WEFT_WORKERS=$2 "$work/sections_$4" "$3" "$N" >>"$work/$1.txt" 2>>"$work/$1.where"
    fi
  done
done
declare -A med cpu best
for c in "${configs[@]}"; do
  set -- $c
  med[$1]=$(awk '{print $1}' "$work/$1.txt" | median)
  best[$1]=$(awk '{print $1}' "$work/$1.txt" | sort -g | head -1)
  cpu[$1]=$(awk '{print $2}' "$work/$1.txt" | median)
done
# Runs on 2 workers whose movers ran on different workers.
apart=$(cat "$work"/{disjoint2,coarse2,conflict2,mutex2,none2,plugin2,noplugin2}.where |
  grep -c "workers 0 1\|workers 1 0" || true)
total2=$((7 * ROUNDS))
ns() { awk -v s="$1" -v n="$N" 'BEGIN { printf "%.1f", s * 1e9 / n }'; }
verdict() { awk -v v="$1" -v t="$2" -v d="$3" 'BEGIN { ok = d == "ge" ? v >= t : v <= t; print ok ? "met" : "not met" }'; }
r_coarse=$(ratio "${med[coarse2]}" "${med[disjoint2]}")
r_one=$(ratio "${med[disjoint1]}" "${med[disjoint2]}")
r_conf=$(ratio "${med[conflict2]}" "${med[coarse2]}")
r_none=$(ratio "${med[none1]}" "${med[none2]}")
b_coarse=$(ratio "${best[coarse2]}" "${best[disjoint2]}")
b_one=$(ratio "${best[disjoint1]}" "${best[disjoint2]}")
b_conf=$(ratio "${best[conflict2]}" "${best[coarse2]}")
b_none=$(ratio "${best[none1]}" "${best[none2]}")
p_coarse=$(ratio "${med[noplugin2]}" "${med[plugin2]}")
p_one=$(ratio "${med[plugin1]}" "${med[plugin2]}")
pb_coarse=$(ratio "${best[noplugin2]}" "${best[plugin2]}")
pb_one=$(ratio "${best[plugin1]}" "${best[plugin2]}")
{
  bench_header "sections: atomic sections on disjoint tables, two threads"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "Two threads, each moving units between random slots of its own table (4096"
  echo "longs, its own pages), $N moves each, every move in a section; wall time"
  echo "from both running to both done. $ROUNDS rounds, every configuration once per"
  echo "round in turn; medians. ns per N is the wall time over one thread's moves"
  echo "(on 1 worker the two threads' moves run one after the other). The movers"
  echo "ran on different workers in $apart of the $total2 runs on 2 workers (the program"
  echo "arranges it: bench/sections/sections.c)."
  echo
  echo "| configuration | seconds (median) | ns per N | vs coarse, 2 workers | CPU seconds | seconds (best) |"
  echo "|---|---|---|---|---|---|"
  row() { echo "| $1 | ${med[$2]} | $(ns "${med[$2]}") | $(ratio "${med[coarse2]}" "${med[$2]}")x | ${cpu[$2]} | ${best[$2]} |"; }
  row "disjoint ids (as the plugin emits), 2 workers" disjoint2
  row "coarse (WEFT_ATOMIC without the plugin), 2 workers" coarse2
  row "disjoint ids, 1 worker" disjoint1
  row "coarse, 1 worker" coarse1
  row "one id shared by both threads (conflicting), 2 workers" conflict2
  row "pthread mutex per table by hand, weft, 2 workers" mutex2
  row "pthread mutex per table by hand, NPTL (kernel threads)" nptl
  row "no synchronisation, 2 workers" none2
  row "no synchronisation, 1 worker" none1
  row "WEFT_ATOMIC built with the plugin (ids inferred), 2 workers" plugin2
  row "the same WEFT_ATOMIC built without the plugin (coarse), 2 workers" noplugin2
  row "WEFT_ATOMIC built with the plugin, 1 worker" plugin1
  echo
  echo "The plugin's locks for the two WEFT_ATOMIC movers: $locks."
  echo
  echo "| target (issue 16) | medians | | best runs | |"
  echo "|---|---|---|---|---|"
  echo "| disjoint on 2 workers at least 1.8x faster than coarse | ${r_coarse}x | $(verdict "$r_coarse" 1.8 ge) | ${b_coarse}x | $(verdict "$b_coarse" 1.8 ge) |"
  echo "| disjoint on 2 workers at least 1.5x faster than on 1 worker | ${r_one}x | $(verdict "$r_one" 1.5 ge) | ${b_one}x | $(verdict "$b_one" 1.5 ge) |"
  echo "| conflicting no more than 5% slower than coarse (time ratio) | ${r_conf}x | $(verdict "$r_conf" 1.05 le) | ${b_conf}x | $(verdict "$b_conf" 1.05 le) |"
  echo "| built with the plugin, 2 workers, at least 1.8x faster than without | ${p_coarse}x | $(verdict "$p_coarse" 1.8 ge) | ${pb_coarse}x | $(verdict "$pb_coarse" 1.8 ge) |"
  echo "| built with the plugin, 2 workers, at least 1.5x faster than 1 worker | ${p_one}x | $(verdict "$p_one" 1.5 ge) | ${pb_one}x | $(verdict "$pb_one" 1.5 ge) |"
  echo
  echo "The same moves without any synchronisation ran ${r_none}x faster on 2 workers"
  echo "than on 1 (best runs: ${b_none}x): the parallelism the machine gave two threads during the runs,"
  echo "and the ceiling for the second target. CPU seconds is the median CPU time"
  echo "of the whole process (the spin-wait for the start included); divided by"
  echo "the seconds it says how many CPUs the run had on the shared machine. The"
  echo "best run of each configuration is the one the other jobs on the machine"
  echo "disturbed least."
} >"$WEFT_RESULTS/sections.md"
cat "$WEFT_RESULTS/sections.md"
