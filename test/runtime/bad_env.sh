#!/usr/bin/env bash
# Every setting libweft reads from the environment, malformed: the program
# must stop before main with exit status 2 and a message that names the
# variable, its value and what it takes; well-formed values (suffixes too)
# must run it. Usage: bad_env.sh PROGRAM ARGS... (a weft program that prints
# a line when main ran).
set -u
prog=("$@")
fail=0

expect_error() { # VAR=VALUE
  local out err rc
  err=$(env "$1" "${prog[@]}" 2>&1 >/tmp/bad_env.$$.out)
  rc=$?
  out=$(cat /tmp/bad_env.$$.out)
  if [ "$rc" -ne 2 ]; then echo "FAIL $1: exit status $rc, expected 2"; fail=1; fi
  if ! grep -qF "weft: $1: expected" <<<"$err"; then echo "FAIL $1: message: $err"; fail=1; fi
  if [ -n "$out" ]; then echo "FAIL $1: main ran: $out"; fail=1; fi
  [ "$rc" -eq 2 ] && echo "ok   $1 -> $err"
}

expect_run() { # VAR=VALUE ...
  local out rc
  out=$(env "$@" "${prog[@]}" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] || [ -z "$out" ] || grep -q "expected" <<<"$out"; then
    echo "FAIL $*: status $rc: $out"; fail=1
  else
    echo "ok   $* runs"
  fi
}

for setting in WEFT_WORKERS=abc WEFT_WORKERS=0 WEFT_WORKERS=-2 WEFT_WORKERS=100000 \
               WEFT_WORKERS=" 2" WEFT_STACK_SIZE=12q WEFT_STACK_SIZE=256kb \
               WEFT_STACK_SIZE=512 WEFT_STACK_SIZE=99999999999999999999k \
               WEFT_MAIN_STACK_SIZE=1k WEFT_ARENA_LIMIT=16x WEFT_ARENA_LIMIT=0 \
               WEFT_STATS=yes WEFT_IO_URING=2 WEFT_FILE_THREADS=0 WEFT_FILE_THREADS=lots \
               WEFT_DISABLE=true WEFT_FPU=per-thread; do
  expect_error "$setting"
done
expect_run WEFT_WORKERS=2 WEFT_STACK_SIZE=64k WEFT_ARENA_LIMIT=1g WEFT_STATS=0
expect_run WEFT_STACK_SIZE=1M WEFT_MAIN_STACK_SIZE=16m WEFT_IO_URING=0 WEFT_FILE_THREADS=2
expect_run WEFT_FPU=thread WEFT_DISABLE=0
rm -f /tmp/bad_env.$$.out
exit $fail
