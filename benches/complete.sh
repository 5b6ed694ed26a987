#!/usr/bin/env bash
# Whole-process timing of static completions (no cluster involved): what a
# shell pays on each TAB. Target: median at most 5 ms.
#
#   benches/complete.sh        # needs hyperfine
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "benches/complete.sh needs hyperfine" >&2; exit 1; }
cargo build --release --quiet --bin flux-receiver -p flux-receiver
bin=target/release/flux-receiver
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
export KUBECONFIG=/nonexistent
hyperfine -N --style basic --warmup 20 --runs 300 --export-json "$out/complete.json" \
  -n subcommands "$bin __complete ''" \
  -n types "$bin __complete create r --type gi" \
  -n events "$bin __complete create r --type gitlab --event ''" \
  -n kinds "$bin __complete create r --resource Git" >&2
python3 - "$out/complete.json" <<'PY'
import json, sys
missed = False
for r in json.load(open(sys.argv[1]))["results"]:
    median_ms = r['median'] * 1000
    print(f"{r['command']:<12} median {median_ms:.2f} ms (mean {r['mean'] * 1000:.2f} ± {r['stddev'] * 1000:.2f} ms)")
    if median_ms > 5:
        print(f"TARGET MISSED: {r['command']} median {median_ms:.2f} ms > 5 ms")
        missed = True
sys.exit(1 if missed else 0)
PY
