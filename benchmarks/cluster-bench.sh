#!/usr/bin/env bash
# The Redis hit's floor on a Redis Cluster (docs/benchmarks.md, issue 14): starts a local cluster of
# three primaries and three replicas on free ports, runs RedisClusterBenchmark against it (a redis-store
# hit vs one raw GET through the same cluster connection factory), then stops the cluster.
#
# Usage: benchmarks/cluster-bench.sh [extra JMH options, e.g. -f 4 -wi 5 -w 2s -i 5 -r 2s]
# Needs: a JDK, redis-server and redis-cli (apt-get install redis-server redis-tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for binary in redis-server redis-cli; do
  command -v "$binary" >/dev/null || { echo "$binary not found: apt-get install redis-server redis-tools" >&2; exit 2; }
done
[ -f benchmarks/target/benchmarks.jar ] || ./mvnw -B -q -pl benchmarks -am package -DskipTests

dir=$(mktemp -d -t swr-cluster-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

free_port() {  # a port free now whose cluster bus port (port + 10000) is free too
  while :; do
    local port=$(( (RANDOM % 20000) + 20000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((port + 10000))) 2>/dev/null; then
      echo "$port"; return
    fi
  done
}

nodes=()
for _ in 1 2 3 4 5 6; do
  port=$(free_port)
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout 1000 --dir "$dir/$port" --save "" --appendonly no --protected-mode no \
    --repl-diskless-sync-delay 0 > "$dir/$port/redis.log" 2>&1 &
  pids+=("$!")
  nodes+=("127.0.0.1:$port")
done
for node in "${nodes[@]}"; do
  for _ in $(seq 1 100); do redis-cli -p "${node#*:}" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes > "$dir/create.log"
for node in "${nodes[@]}"; do
  for _ in $(seq 1 300); do
    info=$(redis-cli -p "${node#*:}" info replication)
    state=$(redis-cli -p "${node#*:}" cluster info | tr -d '\r' | grep cluster_state)
    if [ "$state" = "cluster_state:ok" ] && { grep -q "role:master" <<<"$info" || grep -q "master_link_status:up" <<<"$info"; }; then
      break
    fi
    sleep 0.1
  done
done

list=$(IFS=,; echo "${nodes[*]}")
echo "cluster: $list"
java -jar benchmarks/target/benchmarks.jar 'RedisClusterBenchmark' -jvmArgsAppend "-Dswr.bench.cluster.nodes=$list" "$@"
