#!/usr/bin/env python3
"""Prints the "during each kind of fault" table of docs/reliability.md from a fault soak's output.

Usage: soak_faults.py <soak output dir>   (reads timeline-{on,off}.csv and faults-{on,off}.csv)

For each kind of fault that lasts (Redis stalled or killed, upstream failing or slow; not the poisoning
of keys, which is done at an instant), it sums the timeline's whole seconds from each
span's start to its end (both included, so a little of the seconds around each span counts): answers
that were a 200, their share of all answers, 200s per second, and upstream calls per second.
Needs only Python 3.
"""
import csv
import math
import os
import sys

ANSWERED = ("hit", "stale", "miss", "expired", "fallback", "ok")
LASTING = ("REDIS_STOP", "REDIS_KILL", "UPSTREAM_FAIL", "UPSTREAM_SLOW")  # in the table's order


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def during(directory, mode):
    """{fault label: (span seconds, answered 200, all answers, timeline seconds, upstream calls)} in LASTING's order."""
    timeline = {int(r["second"]): r for r in read_csv(os.path.join(directory, "timeline-%s.csv" % mode))}
    kinds = {}
    faults = read_csv(os.path.join(directory, "faults-%s.csv" % mode))
    for fault in sorted((f for f in faults if f["kind"] in LASTING), key=lambda f: LASTING.index(f["kind"])):
        start, end = float(fault["start_s"]), float(fault["end_s"])
        spans, ok, answers, seconds, calls = kinds.get(fault["label"], (0.0, 0, 0, 0, 0))
        spans += end - start
        for second in range(math.floor(start), math.floor(end) + 1):
            row = timeline.get(second)
            if row is None:
                continue
            ok += sum(int(row[c]) for c in ANSWERED)
            answers += sum(int(v) for k, v in row.items() if k not in ("second", "upstream_calls"))
            seconds += 1
            calls += int(row["upstream_calls"])
        kinds[fault["label"]] = (spans, ok, answers, seconds, calls)
    return kinds


def cells(figures):
    if figures is None:
        return "–", "–"
    _, ok, answers, seconds, calls = figures
    share = 100.0 * ok / answers if answers else 0.0
    return ("{:,}, {:.1f} %, {:.0f}/s".format(ok, share, ok / max(seconds, 1)),
            "{:.0f}".format(calls / max(seconds, 1)))


def main(directory):
    modes = [m for m in ("on", "off") if os.path.exists(os.path.join(directory, "timeline-%s.csv" % m))]
    if not modes:
        sys.exit("no timeline-on.csv or timeline-off.csv in %s" % directory)
    runs = {mode: during(directory, mode) for mode in modes}
    header = ["fault"]
    for mode in modes:
        header += ["caching %s: 200 answered" % mode, "caching %s: upstream calls/s" % mode]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, figures in runs[modes[0]].items():
        row = ["%s (%.0f s in all)" % (label, figures[0])]
        for mode in modes:
            row += cells(runs[mode].get(label))
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
