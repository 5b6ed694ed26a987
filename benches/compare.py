#!/usr/bin/env python3
"""Summarise a benchmark run: hyperfine medians, peak RSS, and ratios against a baseline.

Usage: compare.py HYPERFINE_JSON RSS_TSV BASELINE_NAME [--max-ms MS] [--min-speedup X] [--max-rss-ratio R]
                  [--check NAME,NAME]
RSS_TSV holds `name<TAB>peak_rss_kib` lines, several per command (the median is used).
With targets, the commands named by --check (default: every command but the
baseline) are checked against them; a miss is printed and the exit status is
1, so a regression cannot pass unseen.
"""
import json
import statistics
import sys
from collections import defaultdict

import argparse

parser = argparse.ArgumentParser()
parser.add_argument("timings_path")
parser.add_argument("rss_path")
parser.add_argument("baseline")
parser.add_argument("--max-ms", type=float)
parser.add_argument("--min-speedup", type=float)
parser.add_argument("--max-rss-ratio", type=float)
parser.add_argument("--check", help="comma-separated commands the targets apply to")
options = parser.parse_args()
timings_path, rss_path, baseline = options.timings_path, options.rss_path, options.baseline
with open(timings_path) as f:
    results = {r["command"]: r for r in json.load(f)["results"]}
rss = defaultdict(list)
with open(rss_path) as f:
    for line in f:
        name, kib = line.split()
        rss[name].append(int(kib))

base = results[baseline]
base_rss = statistics.median(rss[baseline])
print(f"| command | median | mean ± σ | peak RSS | speed vs {baseline} | RSS vs {baseline} |")
print("|---|---|---|---|---|---|")
for name, r in results.items():
    median_ms = r["median"] * 1000
    peak = statistics.median(rss[name])
    speed = base["median"] / r["median"]
    print(
        f"| {name} | {median_ms:.2f} ms | {r['mean'] * 1000:.2f} ± {r['stddev'] * 1000:.2f} ms "
        f"| {peak / 1024:.1f} MiB | {speed:.1f}x | {peak / base_rss:.3f} |"
    )

misses = []
checked = options.check.split(",") if options.check else [n for n in results if n != baseline]
for name, r in results.items():
    if name not in checked:
        continue
    median_ms = r["median"] * 1000
    speed = base["median"] / r["median"]
    rss_ratio = statistics.median(rss[name]) / base_rss
    if options.max_ms is not None and median_ms > options.max_ms:
        misses.append(f"{name}: median {median_ms:.2f} ms > {options.max_ms} ms")
    if options.min_speedup is not None and speed < options.min_speedup:
        misses.append(f"{name}: {speed:.1f}x faster than {baseline} < {options.min_speedup}x")
    if options.max_rss_ratio is not None and rss_ratio > options.max_rss_ratio:
        misses.append(f"{name}: peak RSS {rss_ratio:.3f} of {baseline}'s > {options.max_rss_ratio}")
targets = [t for t in (options.max_ms, options.min_speedup, options.max_rss_ratio) if t is not None]
if targets:
    print()
    if misses:
        for miss in misses:
            print(f"TARGET MISSED: {miss}")
        sys.exit(1)
    print("all targets met")
