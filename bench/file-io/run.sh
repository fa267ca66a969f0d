#!/usr/bin/env bash
# file-io: regular-file I/O on weft user threads through io_uring (default)
# and through the file pool (WEFT_IO_URING=0), same program, same file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
source "$here/../lib_runtime.sh"
bench_work file-io
SIZE_MB=${SIZE_MB:-256}
ROUNDS=${ROUNDS:-3}
clang-19 -O2 $(weft_cflags) "$here/fileio.c" $(weft_libs) -o "$work/fileio"
file="$work/data"
[ "$(stat -c %s "$file" 2>/dev/null || echo 0)" = $((SIZE_MB << 20)) ] ||
  dd if=/dev/urandom of="$file" bs=1M count="$SIZE_MB" status=none
# name mode threads param
cases=("seq-128k seq 16 131072" "rand-4k rand 64 500" "cached-128k cached 16 131072"
       "write-4k write 16 4096")
for c in "${cases[@]}"; do set -- $c; : >"$work/$1.uring"; : >"$work/$1.pool"; done
# A B, then B A: the first run after a case that dropped the cache is
# slower whatever the backend, so each backend goes first half the time.
for r in $(seq "$ROUNDS"); do
  order="1 0"; [ $((r % 2)) = 0 ] && order="0 1"
  for c in "${cases[@]}"; do
    set -- $c
    for u in $order; do
      out="$work/$1.pool"; [ "$u" = 1 ] && out="$work/$1.uring"
      WEFT_IO_URING=$u "$work/fileio" "$2" "$file" "$3" "$4" >>"$out"
    done
  done
done
{
  bench_header "file-io: regular files on user threads, io_uring vs the file pool"
  echo "Load average when the runs ended: $(cut -d" " -f1-3 /proc/loadavg) (the machine is shared; ratios are what to read)."
  echo
  echo "One ${SIZE_MB} MiB file on $(df -T "$work" | awk 'NR==2 {print $2}'), $(nproc) workers, $ROUNDS rounds (which backend runs first alternates), medians."
  echo "Uncached cases drop the file from the page cache first (fdatasync + POSIX_FADV_DONTNEED)."
  echo "The pool has its default 4 threads (WEFT_FILE_THREADS)."
  echo
  echo "| case | threads | io_uring | file pool | io_uring / pool |"
  echo "|---|---|---|---|---|"
  for c in "${cases[@]}"; do
    set -- $c
    u=$(median <"$work/$1.uring"); p=$(median <"$work/$1.pool")
    unit="MB/s"; [ "$2" = rand ] && unit="reads/s"
    echo "| $1 ($unit) | $3 | $u | $p | $(ratio "$u" "$p") |"
  done
} >"$WEFT_RESULTS/file-io.md"
cat "$WEFT_RESULTS/file-io.md"
