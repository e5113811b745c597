#!/usr/bin/env bash
# Load test of the sample app with wrk on loopback: GET /products/{id} over 50 keys, upstream
# latency 50 ms, with stale-while-revalidate, with caching off (--swr.enabled=false), and each
# during an upstream outage (POST /upstream/fail). Then the cached endpoint against the app's own
# limit, GET /constant (no cache, no upstream), with tracing on (the sample's default) and off. Bounded: 2 threads, 16 connections, a fixed
# duration per run; the apps it starts are stopped on exit.
#
# Usage: benchmarks/load.sh <seconds-per-run> <output-dir>   (run.sh calls it after building)
set -euo pipefail

seconds=${1:-15}
out=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$(ls "$root"/sample-app/target/sample-app-*.jar | grep -v -- '-plain\|sources\|javadoc' | head -1)
lua="$root/benchmarks/wrk/products.lua"
mkdir -p "$out"

if ! command -v wrk >/dev/null; then
  echo "wrk not found: installing it from the distribution's packages" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q wrk >/dev/null; }
  else sudo apt-get install -y -q wrk >/dev/null; fi
fi

app_pid=""
stop_app() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
}
trap stop_app EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_app <label> <extra args...>: starts the sample app on loopback, waits until it answers.
# The caching-off run passes --swr.enabled=false (the sample then supplies a clock and a no-op cache
# manager of its own).
start_app() {
  local label=$1; shift
  local launch=(-jar "$jar")
  port=$(free_port)
  java -Xmx512m "${launch[@]}" --server.address=127.0.0.1 --server.port="$port" --logging.level.root=WARN "$@" \
    >"$out/app-$label.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port/upstream" >/dev/null 2>&1; then break; fi
    kill -0 "$app_pid" 2>/dev/null || { echo "sample app ($label) did not start; see $out/app-$label.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -fs -X POST "http://127.0.0.1:$port/upstream/latency?ms=50" >/dev/null
}

# run_wrk <label> [path]: one bounded wrk run (the products script, or one path); prints a table row.
run_wrk() {
  local label=$1 path=${2:-}
  if [ -n "$path" ]; then
    wrk -t2 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$port$path" >"$out/wrk-$label.txt" 2>&1
  else
    wrk -t2 -c16 -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$port" >"$out/wrk-$label.txt" 2>&1
  fi
  local calls
  calls=$(curl -fs "http://127.0.0.1:$port/upstream" | sed 's/.*"calls":\([0-9]*\).*/\1/')
  python3 - "$out/wrk-$label.txt" "$label" "$calls" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def find(pattern, default="0"):
    m = re.search(pattern, text)
    return m.group(1) if m else default
rps = float(find(r"Requests/sec:\s+([\d.]+)"))
total = int(find(r"(\d+) requests in"))
non2xx = int(find(r"Non-2xx or 3xx responses:\s+(\d+)"))
errors = find(r"Socket errors:\s+(.*)", "none")
p50 = find(r"50%\s+(\S+)")
p99 = find(r"99%\s+(\S+)")
print(f"| {sys.argv[2]} | {rps:,.0f} | {p50} | {p99} | {total:,} | {non2xx:,} | {sys.argv[3]} | {errors} |")
PY
}

echo "wrk -t2 -c16 -d${seconds}s over /products/{1..50}, upstream latency 50 ms, loopback"
echo
echo "| run | req/s | p50 | p99 | requests | non-2xx | upstream calls (cumulative) | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"

# With SWR. A 1 s fresh window (the sample's is 10 s) so that within a short run entries go stale
# and are refreshed in the background, and the outage run exercises STALE answers, not only hits.
start_app swr --swr.caches.products.fresh=1s
seq 1 50 | xargs -P 16 -I{} curl -fs -o /dev/null "http://127.0.0.1:$port/products/{}"
run_wrk "swr"
curl -fs -X POST "http://127.0.0.1:$port/upstream/fail" >/dev/null
run_wrk "swr, upstream failing"
stop_app

start_app off --swr.enabled=false
run_wrk "caching off"
curl -fs -X POST "http://127.0.0.1:$port/upstream/fail" >/dev/null
run_wrk "caching off, upstream failing"
stop_app

# The cached endpoint against the constant one, in one app, both as plain paths (a Lua script would
# cost wrk's client more than the app's difference): one hot product (the sample's 10 s fresh window:
# hits, one refresh every 10 s) against GET /constant (no cache, no upstream), after a warm-up of
# each, with tracing on and off. Goal: cached >= 0.9x constant.
echo
echo "| run | req/s | p50 | p99 | requests | non-2xx | upstream calls (cumulative) | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for tracing in true false; do
  start_app "tracing-$tracing" --management.tracing.enabled="$tracing"
  for warm in /products/7 /constant /products/7 /constant; do
    wrk -t2 -c16 -d5s "http://127.0.0.1:$port$warm" >/dev/null 2>&1
  done
  # Alternated three times: on this VM a run is often faster than the one before it, whatever it asks.
  for round in 1 2 3; do
    run_wrk "cached, tracing $tracing, round $round" /products/7
    run_wrk "constant, tracing $tracing, round $round" /constant
  done
  stop_app
done
python3 - "$out" <<'PY'
import re, sys, os, statistics
def rps(label):
    text = open(os.path.join(sys.argv[1], f"wrk-{label}.txt")).read()
    return float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
for tracing in ("true", "false"):
    cached = statistics.median(rps(f"cached, tracing {tracing}, round {r}") for r in (1, 2, 3))
    constant = statistics.median(rps(f"constant, tracing {tracing}, round {r}") for r in (1, 2, 3))
    print(f"tracing {tracing}: cached {cached:,.0f} req/s, constant {constant:,.0f} req/s (medians of 3): {cached / constant:.2f}x")
PY
