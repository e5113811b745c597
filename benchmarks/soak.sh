#!/usr/bin/env bash
# The fault soak (docs/reliability.md): its own redis-server, two sample instances (tiered), a bounded
# load, and a fixed random schedule of Redis stalls and kills, upstream failures and slowdowns and
# poisoned keys; then the same schedule with caching off. Prints the report and writes timelines,
# reports and soak.png to the output directory, then the table of answers during each kind of fault.
# Exit status 0 when the caching-on run kept every rule.
#
# Usage: benchmarks/soak.sh <minutes> [seed] [output-dir]
# Needs: a JDK, redis-server (apt-get install redis-server), and for the picture python3-matplotlib.
set -euo pipefail

minutes=${1:?usage: benchmarks/soak.sh <minutes> [seed] [output-dir]}
seed=${2:-12}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${3:-$root/benchmarks/target/soak}
cd "$root"

if ! command -v redis-server >/dev/null; then
  echo "redis-server not found: install it (apt-get install redis-server)" >&2
  exit 2
fi
# Builds the sample app and the benchmarks jar (which holds the soak) unless they are there.
if ! ls sample-app/target/sample-app-*-SNAPSHOT.jar >/dev/null 2>&1 || [ ! -f benchmarks/target/benchmarks.jar ]; then
  ./mvnw -B -q -pl sample-app,benchmarks -am package -DskipTests
fi
jar=$(ls sample-app/target/sample-app-*-SNAPSHOT.jar | grep -v -- '-plain\|sources\|javadoc' | head -1)

status=0
java -cp benchmarks/target/benchmarks.jar dev.swr.benchmarks.soak.Soak \
  --seconds=$((minutes * 60)) --seed="$seed" --out="$out" --jar="$jar" --caching=both || status=$?
# The "during each kind of fault" table of docs/reliability.md.
if command -v python3 >/dev/null && [ -f "$out/timeline-on.csv" ]; then
  python3 benchmarks/soak_faults.py "$out" || true
fi
exit "$status"
