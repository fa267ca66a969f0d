# Helpers for the runtime benchmarks (switch, spawn, condvar, blocked);
# sourced after lib.sh.
bench_work() {
  work="$WEFT_ROOT/bench/work/$1"
  mkdir -p "$work"
  export GOCACHE="$work/gocache" GOPATH="$work/gopath" GO111MODULE=off
}
weft_libs() {
  if [ -x "$WEFT_BUILD/bin/weft-config" ]; then
    "$WEFT_BUILD/bin/weft-config" --libs
  else
    echo "-L$WEFT_BUILD/lib -lweft -Wl,-rpath,$WEFT_BUILD/lib"
  fi
}
weft_cflags() { echo "-I$WEFT_ROOT/runtime/include"; }
# ratio a/b with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
