#!/usr/bin/env python3
"""Draws the fault soak's timelines: answers per second by status and upstream calls per second, with
each fault shaded, caching on above caching off (when both were run).

Usage: soak_plot.py <soak output dir>   (reads timeline-{on,off}.csv and faults-{on,off}.csv; writes soak.png)
Needs matplotlib (Debian: apt-get install python3-matplotlib).
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STATUSES = [  # column, label, colour
    ("hit", "HIT", "#2e7d32"),
    ("stale", "STALE", "#81c784"),
    ("expired", "EXPIRED", "#fbc02d"),
    ("fallback", "FALLBACK", "#ff9800"),
    ("miss", "MISS", "#64b5f6"),
    ("ok", "200 (no cache)", "#9e9e9e"),
    ("unavailable", "503 (documented)", "#e53935"),
    ("error", "other errors", "#000000"),
]
FAULT_COLOURS = {
    "REDIS_STOP": "#7e57c2",
    "REDIS_KILL": "#d81b60",
    "UPSTREAM_FAIL": "#e53935",
    "UPSTREAM_SLOW": "#fb8c00",
    "POISON": "#6d4c41",
}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def draw(ax, rows, faults, title):
    seconds = [int(r["second"]) for r in rows]
    stacks, labels, colours = [], [], []
    for column, label, colour in STATUSES:
        values = [int(r[column]) for r in rows]
        if any(values):
            stacks.append(values)
            labels.append(label)
            colours.append(colour)
    ax.stackplot(seconds, stacks, labels=labels, colors=colours, linewidth=0)
    calls = [int(r["upstream_calls"]) for r in rows]
    ax.plot(seconds, calls, color="#1a237e", linewidth=1.2, label="upstream calls/s")
    top = max(max(sum(s[i] for s in stacks) for i in range(len(seconds))), max(calls), 1) * 1.15
    ax.set_ylim(0, top)
    for fault in faults:
        start, end = float(fault["start_s"]), float(fault["end_s"])
        colour = FAULT_COLOURS.get(fault["kind"], "#555555")
        if end - start < 0.5:
            ax.axvline(start, color=colour, linestyle="--", linewidth=1)
        else:
            ax.axvspan(start, end, color=colour, alpha=0.12)
        ax.text(start, top * 0.98, fault["label"], rotation=90, va="top", ha="right", fontsize=7, color=colour)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel("per second")
    ax.set_xlim(0, seconds[-1] if seconds else 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)


def main(directory):
    runs = []
    for mode, title in (("on", "caching on (stale-while-revalidate, tiered)"), ("off", "caching off (swr.enabled=false)")):
        path = os.path.join(directory, "timeline-%s.csv" % mode)
        if os.path.exists(path):
            runs.append((read_csv(path), read_csv(os.path.join(directory, "faults-%s.csv" % mode)), title))
    if not runs:
        sys.exit("no timeline-on.csv or timeline-off.csv in %s" % directory)
    fig, axes = plt.subplots(len(runs), 1, figsize=(13, 3.6 * len(runs)), sharex=True, squeeze=False)
    for ax, (rows, faults, title) in zip(axes[:, 0], runs):
        draw(ax, rows, faults, title)
    axes[-1, 0].set_xlabel("seconds")
    fig.suptitle("Fault soak: answers per second by status, upstream calls per second; shaded: faults", fontsize=11)
    fig.tight_layout()
    out = os.path.join(directory, "soak.png")
    fig.savefig(out, dpi=110)
    print("picture: %s" % out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
