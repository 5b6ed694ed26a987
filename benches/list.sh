#!/usr/bin/env bash
# Scale benchmark: `flux-receiver list -A` against `kubectl get receivers -A`
# on an emulator seeded with 10,000 Receivers (and their Secrets) in 100
# namespaces, same machine, same run. Reports medians, peak RSS and how
# many API requests each made.
#
#   benches/list.sh            # needs hyperfine, kubectl, python3, curl
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine kubectl python3 curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/list.sh needs $tool" >&2; exit 1; }
done
receivers=${RECEIVERS:-10000}
cargo build --release --quiet --bin flux-receiver -p flux-receiver
cargo build --release --quiet -p kube-emulator
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
kubeconfig=$out/list.kubeconfig
rm -f "$kubeconfig"
target/release/kube-emulator --kubeconfig "$kubeconfig" --seed-receivers "$receivers" >"$out/list-emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null' EXIT
for _ in $(seq 600); do [ -s "$kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG=$kubeconfig
server=$(sed -n 's/^ *server: //p' "$kubeconfig")
bin=$PWD/target/release/flux-receiver
cache=$out/kube-cache   # kubectl's discovery cache, warm after the first run, as on a workstation

declare -A commands=(
  [flux-receiver]="$bin list -A"
  [kubectl]="kubectl get receivers.notification.toolkit.fluxcd.io -A --cache-dir $cache"
)
order=(flux-receiver kubectl)
args=()
for name in "${order[@]}"; do args+=(-n "$name" "${commands[$name]}"); done
hyperfine -N --style basic --warmup 2 --runs 15 --export-json "$out/list.json" "${args[@]}" >&2

: > "$out/list-rss.tsv"
declare -A requests
for name in "${order[@]}"; do
  for _ in $(seq 5); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$name %M" -a -o "$out/list-rss.tsv" ${commands[$name]} >/dev/null
  done
  curl -s -X DELETE "$server/emulator/requests" >/dev/null
  # shellcheck disable=SC2086
  ${commands[$name]} >/dev/null
  requests[$name]=$(curl -s "$server/emulator/requests" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
done

echo "$receivers Receivers in 100 namespaces"
# The targets of the issue: faster than kubectl, peak RSS below its.
status=0
python3 benches/compare.py "$out/list.json" "$out/list-rss.tsv" kubectl --min-speedup 1 --max-rss-ratio 1 || status=$?
for name in "${order[@]}"; do echo "API requests, $name: ${requests[$name]}"; done
exit $status
