#!/usr/bin/env bash
# Cluster-mode benchmark against the emulator (no real cluster needed):
#
#  1. How long `create` takes beyond the controller's own delay: the
#     emulated controller waits --controller-delay-ms before marking each
#     Receiver Ready; `create` watches, so it should return right after.
#  2. How many API requests each command makes (the emulator's request log).
#
#   benches/cluster.sh           # needs hyperfine and python3
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine python3 curl; do
  command -v "$tool" >/dev/null || { echo "benches/cluster.sh needs $tool" >&2; exit 1; }
done
cargo build --release --quiet --bin flux-receiver -p flux-receiver
cargo build --release --quiet -p kube-emulator
bin=$PWD/target/release/flux-receiver
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
delay_ms=${DELAY_MS:-300}
kubeconfig=$out/emulator.kubeconfig
rm -f "$kubeconfig"
target/release/kube-emulator --kubeconfig "$kubeconfig" --controller-delay-ms "$delay_ms" >"$out/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG=$kubeconfig
server=$(sed -n 's/^ *server: //p' "$kubeconfig")

"$bin" secret webhook-token --type github --token bench-token >/dev/null 2>&1

# Each run creates a new Receiver (a parameter scan gives each its own
# name), so each waits for the controller.
hyperfine -N --style basic --runs 1 --export-json "$out/create.json" -P i 1 30 \
  -n "create" "$bin create bench-{i} --type github --secret-ref webhook-token --resource GitRepository/app" >/dev/null

count() { # requests made by one command
  curl -s -X DELETE "$server/emulator/requests" >/dev/null
  "$@" >/dev/null 2>&1 || true
  curl -s "$server/emulator/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], " ".join(r["verb"]+" "+r["resource"] for r in d["requests"]))'
}

python3 - "$out/create.json" "$delay_ms" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
times = [r["mean"] * 1000 for r in results]
delay = float(sys.argv[2])
median = statistics.median(times)
print(f"create, {len(times)} Receivers, controller delay {delay:.0f} ms: "
      f"median {median:.1f} ms, so {median - delay:.1f} ms beyond the controller's delay "
      f"(min {min(times) - delay:.1f}, max {max(times) - delay:.1f})")
PY
echo "requests per command:"
echo "  secret (exists): $(count "$bin" secret webhook-token --type github)"
echo "  create:          $(count "$bin" create counted --type github --secret-ref webhook-token --resource GitRepository/app)"
echo "  create (again):  $(count "$bin" create counted --type github --secret-ref webhook-token --resource GitRepository/app)"
echo "  expose:          $(count "$bin" expose)"
echo "  list:            $(count "$bin" list)"
