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
    "TaggedHitBenchmark.engineOneTag": ("TaggedHitBenchmark.engineUntagged", None),
    "TaggedHitBenchmark.engineThreeTags": ("TaggedHitBenchmark.engineUntagged", None),
    "TaggedHitBenchmark.engineThreeTagsUnrelatedMark": ("TaggedHitBenchmark.engineUntagged", None),
    "TaggedHitBenchmark.engineThreeTagsOwnMarksOlder": ("TaggedHitBenchmark.engineUntagged", None),
    "TaggedHitBenchmark.proxyOneTag": ("TaggedHitBenchmark.proxyUntagged", None),
    "TaggedHitBenchmark.proxyThreeTags": ("TaggedHitBenchmark.proxyUntagged", None),
    "TaggedHitBenchmark.proxyThreeTagsUnrelatedMark": ("TaggedHitBenchmark.proxyUntagged", None),
    "BatchLoadBenchmark.swrBatchTenMisses": ("BatchLoadBenchmark.cacheableLoopTenMisses", None),
    "BatchLoadBenchmark.swrBatchAllHits": ("BatchLoadBenchmark.cacheableLoopAllHits", None),
}

SCENARIOS = [
    ("1. Fresh hit, engine API", "FreshHitBenchmark."),
    ("2. Fresh hit through a Spring proxy, 1 thread", "ProxyHitBenchmark."),
    ("2. Fresh hit through a Spring proxy, 2 threads", "ProxyHitTwoThreadsBenchmark."),
    ("3. STALE answer vs HIT while the source takes 200 ms", "StaleServeBenchmark."),
    ("4. Redis and tiered stores", "RedisStoreBenchmark."),
    ("6. JetCache @Cached", "JetCacheBenchmark."),
    ("7. Envelope encode/decode", "SerializerBenchmark."),
    ("9. Fresh hit of a tagged entry", "TaggedHitBenchmark."),
    ("9. A page of 100 ids, 10 of them missing, source 1 ms a call", "BatchLoadBenchmark."),
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


def source_calls_per_batch(result):
    """BatchLoadBenchmark's auxiliary counters, summed over the iterations: source calls a batch."""
    metrics = result.get("secondaryMetrics", {})
    calls, batches = metrics.get("sourceCalls"), metrics.get("batches")
    if not calls or not batches or not batches.get("score"):
        return None
    return calls["score"] / batches["score"]


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
        if prefix == "BatchLoadBenchmark.":
            print("| variant | time/op | ± error | ratio to peer | source calls a batch | B/op |")
            print("|---|---:|---:|---|---:|---:|")
            for n in sorted(rows, key=lambda n: (n not in PEERS, n)):
                r = by_name[n]
                pm = r["primaryMetric"]
                ratio = "—"
                if n in PEERS and score(PEERS[n][0]):
                    ratio = f"**{pm['score'] / score(PEERS[n][0]):.2f}×** {PEERS[n][0].split('.', 1)[1]}"
                calls = source_calls_per_batch(r)
                b = bytes_per_op(r)
                print(f"| {n.split('.', 1)[1]} | {fmt(pm['score'])} | {fmt(pm.get('scoreError'))} | {ratio} "
                      f"| {'—' if calls is None else f'{calls:.2f}'} | {'—' if b is None else f'{b:,.0f}'} |")
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
