#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) into the markdown tables of docs/benchmarks.md.

Usage: summarize.py jmh.json
Each of our variants is shown with its ratio to the peer the issue sets its target against.
"""
import json
import sys

# benchmark method -> (peer method, target as a ratio or None)
PEERS = {
    "FreshHitBenchmark.swrGet": ("FreshHitBenchmark.caffeineRefreshAfterWriteGet", "≤ 1.2×, aim ≤ 0.5×"),
    "ProxyHitBenchmark.swrDefaultKey": ("ProxyHitBenchmark.cacheableSync", "≤ 0.5×"),
    "ProxyHitBenchmark.swrIdKey": ("ProxyHitBenchmark.cacheableIdKey", "≤ 0.5×, aim ≤ 0.15×"),
    "ProxyHitTwoThreadsBenchmark.swrDefaultKey": ("ProxyHitTwoThreadsBenchmark.cacheableSync", "≤ 0.5×"),
    "ProxyHitTwoThreadsBenchmark.swrIdKey": ("ProxyHitTwoThreadsBenchmark.cacheableIdKey", "≤ 0.5×, aim ≤ 0.15×"),
    "RedisStoreBenchmark.swrRedisGet": ("RedisStoreBenchmark.springRedisCacheGetJdk", "≤ 1.0×"),
    "RedisStoreBenchmark.springRedisCacheGetJson": ("RedisStoreBenchmark.springRedisCacheGetJdk", None),
    "RedisStoreBenchmark.swrTieredGet": ("RedisStoreBenchmark.swrMemoryGet", "≤ 1.2×"),
    "JetCacheBenchmark.swrMemory": ("JetCacheBenchmark.jetCacheLocal", None),
    "JetCacheBenchmark.swrRedis": ("JetCacheBenchmark.jetCacheRemote", None),
    "StaleServeBenchmark.stale": ("StaleServeBenchmark.hit", "≤ 2×"),
}

SCENARIOS = [
    ("1. Fresh hit, engine API", "FreshHitBenchmark."),
    ("2. Fresh hit through a Spring proxy, 1 thread", "ProxyHitBenchmark."),
    ("2. Fresh hit through a Spring proxy, 2 threads", "ProxyHitTwoThreadsBenchmark."),
    ("3. STALE answer vs HIT while the source takes 200 ms", "StaleServeBenchmark."),
    ("4. Redis and tiered stores", "RedisStoreBenchmark."),
    ("6. JetCache @Cached", "JetCacheBenchmark."),
    ("7. Envelope encode/decode", "SerializerBenchmark."),
]


def short(name):
    return name.split("dev.swr.benchmarks.", 1)[-1]


def fmt(value):
    if not isinstance(value, (int, float)) or value != value:
        return "—"
    if value >= 100_000:
        return f"{value / 1000:,.0f} µs"
    if value >= 100:
        return f"{value:,.0f} ns"
    return f"{value:.1f} ns"


def bytes_per_op(result):
    norm = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return norm["score"] if norm and isinstance(norm.get("score"), (int, float)) else None


def main(path):
    results = json.load(open(path))
    by_name = {}
    for r in results:
        key = short(r["benchmark"])
        params = r.get("params")
        if params:
            key += "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]"
        by_name[key] = r

    def score(name):
        r = by_name.get(name)
        return None if r is None else r["primaryMetric"]["score"]

    for title, prefix in SCENARIOS:
        rows = [n for n in by_name if n.startswith(prefix)]
        if not rows:
            continue
        print(f"\n#### {title}\n")
        if prefix == "StaleServeBenchmark.":
            print("| variant | p50 | p99 | p99.9 | mean | ratio p50 / p99 to HIT | target | B/op |")
            print("|---|---:|---:|---:|---:|---:|---|---:|")
            hit = by_name.get("StaleServeBenchmark.hit")
            for n in sorted(rows):
                pm = by_name[n]["primaryMetric"]
                pct = pm["scorePercentiles"]
                ratio, target = "—", ""
                if n in PEERS and hit:
                    hp = hit["primaryMetric"]["scorePercentiles"]
                    ratio = f"{pct['50.0'] / hp['50.0']:.2f}× / {pct['99.0'] / hp['99.0']:.2f}×"
                    target = PEERS[n][1] or ""
                b = bytes_per_op(by_name[n])
                print(f"| {n.split('.', 1)[1]} | {fmt(pct['50.0'])} | {fmt(pct['99.0'])} | {fmt(pct['99.9'])} "
                      f"| {fmt(pm['score'])} | {ratio} | {target} | {'—' if b is None else f'{b:,.0f}'} |")
            continue
        if prefix == "SerializerBenchmark.":
            print("| operation | value | compression | time | B/op |")
            print("|---|---|---|---:|---:|")
            for n in sorted(rows, key=lambda n: (n.split("[")[0], "100KB" in n, n)):
                r = by_name[n]
                p = r["params"]
                b = bytes_per_op(r)
                print(f"| {n.split('[')[0].split('.', 1)[1]} | {p['size']} | {p['compression']} "
                      f"| {fmt(r['primaryMetric']['score'])} | {'—' if b is None else f'{b:,.0f}'} |")
            continue
        print("| variant | time/op | ± error | ratio to peer | target | B/op |")
        print("|---|---:|---:|---|---|---:|")
        for n in sorted(rows, key=lambda n: (n not in PEERS, n)):
            r = by_name[n]
            pm = r["primaryMetric"]
            ratio, target = "—", ""
            if n in PEERS and score(PEERS[n][0]):
                ratio = f"**{pm['score'] / score(PEERS[n][0]):.2f}×** {PEERS[n][0].split('.', 1)[1]}"
                target = PEERS[n][1] or ""
            b = bytes_per_op(r)
            err = pm.get("scoreError")
            err = fmt(err)
            print(f"| {n.split('.', 1)[1]} | {fmt(pm['score'])} | {err} | {ratio} | {target} "
                  f"| {'—' if b is None else f'{b:,.0f}'} |")


if __name__ == "__main__":
    main(sys.argv[1])
