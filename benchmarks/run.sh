#!/usr/bin/env bash
# Reproduces every table of docs/benchmarks.md.
#
#   benchmarks/run.sh quick   # validation: 1 fork, short iterations, 5 s load runs (< 5 min on 2 cores)
#   benchmarks/run.sh full    # the published figures: 2 forks, proper warm-up, 15 s load runs
#
# Needs a JDK 17+, Redis on 127.0.0.1:6379 (scenarios 4, 6 and 9; keys under a prefix of the run's
# own, deleted afterwards), python3, and wrk (installed from apt when missing). Raw output goes to
# benchmarks/results/<mode>-<timestamp>/, the summary to summary.md there and to stdout.
# SKIP_BUILD=1 reuses the jars already built.
set -euo pipefail

mode=${1:-quick}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$mode" in
  quick) jmh_opts=(-f 1 -wi 1 -w 1s -i 1 -r 1s); stampede_rounds=2; load_seconds=5; tag_rounds=(40 20 5) ;;
  full)  jmh_opts=(-f 2 -wi 5 -w 2s -i 5 -r 2s); stampede_rounds=5; load_seconds=15; tag_rounds=(200 100 30) ;;
  *) echo "usage: $0 quick|full" >&2; exit 2 ;;
esac
out="$root/benchmarks/results/$mode-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
started=$(date +%s)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== build" >&2
  (cd "$root" && ./mvnw -B -q package -pl benchmarks,sample-app -am -DskipTests)
fi
jar="$root/benchmarks/target/benchmarks.jar"

{
  echo "mode: $mode ($(IFS=' '; echo "${jmh_opts[*]}"), -prof gc)"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet || echo ' (dirty)')"
  echo "cpu: $(nproc) × $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GB"}')"
  echo "os: $(uname -sr)"
  echo "jdk: $(java -version 2>&1 | sed -n 2p)"
  echo "redis: $(redis-cli -h 127.0.0.1 INFO server 2>/dev/null | sed -n 's/^redis_version:\(.*\)\r$/\1/p')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

echo "== JMH: scenarios 1, 2, 3, 4, 6, 7, 9" >&2
java -jar "$jar" 'dev\.swr\.benchmarks\..*Benchmark\.' "${jmh_opts[@]}" -prof gc \
  -rf json -rff "$out/jmh.json" -o "$out/jmh.log" > "$out/jmh-forks.log"
# The forks' own lines (the stale benchmark's check) reach stdout, not the -o log.
grep -h "stale cache:" "$out/jmh.log" "$out/jmh-forks.log" > "$out/stale-check.txt" || true

echo "== scenario 5: stampede" >&2
java -cp "$jar" dev.swr.benchmarks.StampedeBenchmark "$stampede_rounds" > "$out/stampede.md"

echo "== scenario 7: bytes out" >&2
java -cp "$jar" dev.swr.benchmarks.SerializerBenchmark > "$out/envelope-sizes.md"

echo "== scenario 9: tag eviction across two instances" >&2
java -cp "$jar" dev.swr.benchmarks.TagEvictionLatencyProgram "${tag_rounds[@]}" > "$out/tag-latency.md"

echo "== load test of the sample app" >&2
"$root/benchmarks/load.sh" "$load_seconds" "$out/load" > "$out/load.md"

{
  echo "# $mode run, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo; echo '```'; cat "$out/machine.txt"; echo '```'
  python3 "$root/benchmarks/summarize.py" "$out/jmh.json"
  echo; echo "Stale benchmark check: $(cat "$out/stale-check.txt" 2>/dev/null)"
  echo; echo "#### 5. Stampede"; echo; cat "$out/stampede.md"
  echo; echo "#### 7. Envelope bytes out"; echo; cat "$out/envelope-sizes.md"
  echo; echo "#### 9. Tag eviction across two instances"; echo; cat "$out/tag-latency.md"
  echo; echo "#### Load test"; echo; cat "$out/load.md"
  echo; echo "took $(( $(date +%s) - started )) s"
} > "$out/summary.md"
cat "$out/summary.md"
echo "raw results: $out" >&2
