#!/usr/bin/env python3
"""Summarise a benchmark run: hyperfine medians, peak RSS, and ratios against a baseline.

Usage: compare.py HYPERFINE_JSON RSS_TSV BASELINE_NAME
RSS_TSV holds `name<TAB>peak_rss_kib` lines, several per command (the median is used).
"""
import json
import statistics
import sys
from collections import defaultdict

timings_path, rss_path, baseline = sys.argv[1:4]
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
