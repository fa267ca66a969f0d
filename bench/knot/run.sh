#!/usr/bin/env bash
# Knot against nginx: wrk on loopback, one 8 KiB file, persistent
# connections, at 10, 1,000 and 9,000 connections; nginx and Knot (libweft)
# with 1 and with 2 workers, plus knot-pthread (native pthreads, all cores).
# Each configuration runs ROUNDS times, the servers interleaved (A B A B),
# and the table shows the medians and the ratio to nginx with the same
# number of workers. Then: Knot's throughput while 3,000 stalled
# half-requests are held open, as a share of its throughput without them.
#
# Writes bench/results/knot.md and bench/results/knot.png.
#
# Environment: WEFT_BUILD_DIR (default: <repo>/build), KNOT_BENCH_DURATION
# (seconds per wrk run, default 5), KNOT_BENCH_ROUNDS (default 2),
# KNOT_BENCH_CONNECTIONS (default "10 1000 9000").
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${WEFT_BUILD_DIR:-$repo/build}
duration=${KNOT_BENCH_DURATION:-5}
rounds=${KNOT_BENCH_ROUNDS:-2}
levels=${KNOT_BENCH_CONNECTIONS:-"10 1000 9000"}
results=$repo/bench/results
load_at_start=$(cut -d" " -f1-3 /proc/loadavg)
mkdir -p "$results"

knot=$build/bin/knot
knot_pthread=$build/bin/knot-pthread
for tool in wrk nginx python3 gnuplot; do
  command -v "$tool" >/dev/null || { echo "bench/knot: $tool is missing (scripts/setup installs it)" >&2; exit 1; }
done
[ -x "$knot_pthread" ] || { echo "bench/knot: $knot_pthread is missing: build first (cmake --build $build)" >&2; exit 1; }
have_weft=1
[ -x "$knot" ] || have_weft=0

ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/knot-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/root"
head -c 8192 /dev/urandom > "$work/root/file-8k.bin"
echo "<html>knot bench</html>" > "$work/root/index.html"
chmod -R a+rX "$work/root"
url_path=/file-8k.bin

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1/index.html"; then return 0; fi
    sleep 0.05
  done
  echo "bench/knot: no server on port $1" >&2
  exit 1
}

declare -A port  # server name -> its port

# start_nginx NAME WORKERS: a private nginx instance
start_nginx() {
  local name=$1 workers=$2 dir
  port[$name]=$(free_port)
  dir=$work/$name
  mkdir -p "$dir/tmp"
  cat > "$dir/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes $workers;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log error;
events { worker_connections 19000; use epoll; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 120s; keepalive_requests 100000000;
  client_header_timeout 120s;
  open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port[$name]} backlog=4096;
    root $work/root;
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' >"$dir/stdout" 2>&1 &
  pids+=($!)
  wait_port "${port[$name]}"
}

# start_knot NAME BINARY WORKERS
start_knot() {
  local name=$1 bin=$2 workers=$3
  port[$name]=$(free_port)
  "$bin" --port "${port[$name]}" --root "$work/root" --workers "$workers" --max-connections 19000 \
    --idle-timeout 120 > "$work/$name.log" 2>&1 &
  pids+=($!)
  wait_port "${port[$name]}"
}

# run_wrk PORT CONNECTIONS: prints "requests/s MB/s errors"
run_wrk() {
  local port=$1 conns=$2 threads=2 out
  [ "$conns" -lt 2 ] && threads=1
  out=$(wrk -t "$threads" -c "$conns" -d "${duration}s" --timeout 10s \
        "http://127.0.0.1:$port$url_path" 2>&1)
  echo "$out" | awk '
    /Requests\/sec/ { rps = $2 }
    /Transfer\/sec/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v);
                      mb = v * (u == "GB" ? 1024 : u == "KB" ? 1/1024 : u == "B" ? 1/1048576 : 1) }
    /Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx/       { err += $5 }
    END { printf "%.0f %.2f %d\n", rps, mb, err }'
}

median() {  # median of the numbers on stdin
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

echo "bench/knot: starting servers in $work" >&2
start_nginx nginx-1 1
start_nginx nginx-2 2
if [ $have_weft = 1 ]; then
  start_knot knot-1 "$knot" 1
  start_knot knot-2 "$knot" 2
fi
start_knot knot-pthread "$knot_pthread" 2
servers="nginx-1 nginx-2 knot-pthread"
[ $have_weft = 1 ] && servers="nginx-1 knot-1 nginx-2 knot-2 knot-pthread"

raw=$work/raw.txt
: > "$raw"
for c in $levels; do
  for r in $(seq "$rounds"); do
    for s in $servers; do
      read -r rps mb err < <(run_wrk "${port[$s]}" "$c")
      echo "$c $s $r $rps $mb $err" >> "$raw"
      echo "bench/knot: $c connections, $s, round $r: $rps req/s, $mb MB/s, $err errors" >&2
    done
  done
done

# ---- 3,000 stalled half-requests --------------------------------------
stall_server=knot-2
[ $have_weft = 1 ] || stall_server=knot-pthread
stall_conns=100
stall_rows=""
for s in $stall_server nginx-2; do
  p=${port[$s]}
  before=$(run_wrk "$p" $stall_conns | cut -d' ' -f1)
  python3 "$repo/bench/knot/stall.py" "$p" 3000 120 > "$work/stall-$s.txt" &
  stall_pid=$!
  for _ in $(seq 600); do grep -q ready "$work/stall-$s.txt" && break; sleep 0.1; done
  during=$(run_wrk "$p" $stall_conns | cut -d' ' -f1)
  kill -TERM "$stall_pid"
  wait "$stall_pid" || true
  still=$(awk '/still open/ { print $NF }' "$work/stall-$s.txt")
  share=$(awk -v a="$during" -v b="$before" 'BEGIN { printf "%.0f", b ? 100 * a / b : 0 }')
  echo "bench/knot: stalled: $s $before -> $during req/s ($share%), $still of 3000 held to the end" >&2
  stall_rows+="| $s | $before | $during | $share% | $still |"$'\n'
done

# ---- the report ----------------------------------------------------------
md=$results/knot.md
dat=$work/plot.dat
{
  echo "# Knot vs nginx"
  echo
  echo "Generated by \`bench/knot/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "- machine: $(nproc) CPUs, $(uname -sr), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- load average when the run started: $load_at_start (a shared machine: other jobs compete for the 2 CPUs)"
  echo "- compiler: $(clang-19 --version | head -1)"
  echo "- nginx: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- load: wrk -t 2 -d ${duration}s on 127.0.0.1, GET of one 8 KiB file, persistent connections;"
  echo "  $rounds rounds, servers interleaved (A B A B); the medians are shown."
  echo "- nginx: access_log off, sendfile, open_file_cache, keepalive_requests unlimited."
  echo "- knot-pthread has no worker setting: it uses every core (compare it with nginx-2)."
  echo "  On a loaded machine its thousands of kernel threads also draw a larger share of"
  echo "  the CPUs from the kernel's fair scheduler than nginx's or knot's 1-2 workers do."
  [ $have_weft = 1 ] || echo "- **knot (libweft) was not built** (no runtime in this build): only knot-pthread ran."
  echo
  echo "| connections | server | requests/s | MB/s | vs nginx (same workers) | errors |"
  echo "|---:|---|---:|---:|---:|---:|"
} > "$md"
: > "$dat"
for c in $levels; do
  row="$c"
  for s in $servers; do
    rps=$(awk -v c="$c" -v s="$s" '$1 == c && $2 == s { print $4 }' "$raw" | median)
    mb=$(awk -v c="$c" -v s="$s" '$1 == c && $2 == s { print $5 }' "$raw" | median)
    err=$(awk -v c="$c" -v s="$s" '$1 == c && $2 == s { e += $6 } END { print e + 0 }' "$raw")
    case $s in
      nginx-*) ref=$s ;;
      knot-pthread) ref=nginx-2 ;;
      knot-*) ref=nginx-${s#knot-} ;;
    esac
    ref_rps=$(awk -v c="$c" -v s="$ref" '$1 == c && $2 == s { print $4 }' "$raw" | median)
    ratio=$(awk -v a="$rps" -v b="$ref_rps" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')
    [ "$s" = "$ref" ] && ratio="1.00x"
    printf '| %s | %s | %.0f | %.1f | %s | %s |\n' "$c" "$s" "$rps" "$mb" "$ratio" "$err" >> "$md"
    row="$row $rps"
  done
  echo "$row" >> "$dat"
done
{
  echo
  echo "## Stalled clients"
  echo
  echo "Throughput with wrk at $stall_conns connections, before and while 3,000 other"
  echo "connections each hold half a request (a request line and a header, never the"
  echo "blank line) open. Target: Knot keeps at least 80%."
  echo
  echo "| server | requests/s before | requests/s during | kept | stalled connections still open at the end |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s' "$stall_rows"
  echo
  echo "![requests/s](knot.png)"
} >> "$md"

cols=$(echo "$servers" | wc -w)
{
  echo "set terminal pngcairo size 900,500 noenhanced"
  echo "set output '$results/knot.png'"
  echo "set title 'Knot vs nginx: 8 KiB file, persistent connections (wrk, loopback)'"
  echo "set style data histograms"
  echo "set style histogram clustered gap 1"
  echo "set style fill solid 0.8 border -1"
  echo "set ylabel 'requests/s'"
  echo "set xlabel 'connections'"
  echo "set yrange [0:*]"
  echo "set key top right"
  echo "set grid ytics"
  printf "plot "
  i=2
  for s in $servers; do
    [ $i -gt 2 ] && printf ", "
    printf "'%s' using %d:xtic(1) title '%s'" "$dat" "$i" "$s"
    i=$((i + 1))
  done
  echo
} > "$work/plot.gp"
gnuplot "$work/plot.gp" 2>/dev/null || {
  sed -i 's/pngcairo/png/' "$work/plot.gp"; gnuplot "$work/plot.gp"; }
echo "bench/knot: wrote $md and $results/knot.png" >&2
cat "$md"
