#!/usr/bin/env bash
# `create` against the real kube-apiserver and notification-controller
# (testenv): for each of RUNS Receivers, the whole process from start to
# Ready, set against the moment a watch saw the controller write Ready with
# the webhook path; the same for `flux create receiver` (the real flux CLI,
# built by testenv/build), with the same flags; and the API calls each
# command makes (the lines its --verbose trace prints, one per request
# attempt).
#
#   benches/real-create.sh      # needs Go, kubectl, python3
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
cargo build --release --quiet --bin flux-receiver -p flux-receiver
bin=$PWD/target/release/flux-receiver
testenv/build >&2
flux=$PWD/testenv/bin/flux
kubeconfig=$PWD/$out/create.kubeconfig
rm -f "$kubeconfig"
testenv/start --kubeconfig "$kubeconfig" >"$out/create-testenv.log" 2>&1 &
testenv=$!
watcher=
trap 'kill $watcher $testenv 2>/dev/null; wait $testenv 2>/dev/null' EXIT
for _ in $(seq 1200); do [ -s "$kubeconfig" ] && break; sleep 0.5; done
[ -s "$kubeconfig" ] || { cat "$out/create-testenv.log" >&2; exit 1; }
export KUBECONFIG=$kubeconfig
ns=bench-create
kubectl create namespace $ns >/dev/null
kubectl apply -n $ns -f - >/dev/null <<'EOF'
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: app}
spec: {interval: 1h, url: https://example.com/app.git}
EOF

# Each watch event, stamped (ns since the epoch) as it arrives.
kubectl get receivers -n $ns -w -o 'jsonpath={.metadata.name} {.status.webhookPath}{"\n"}' |
  while read -r name path; do echo "$(date +%s%N) $name $path"; done >"$out/create-watch.log" &
watcher=$!
sleep 1

requests() { grep -c '(attempt' "$1" || true; }
"$bin" --verbose secret token --type github -n $ns 2>"$out/create-trace-secret.txt" >/dev/null
"$bin" --verbose secret token --type github -n $ns 2>"$out/create-trace-secret-again.txt" >/dev/null
: >"$out/create-times.tsv"
: >"$out/create-rss.tsv"
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  /usr/bin/time -a -o "$out/create-rss.tsv" -f "flux-receiver %M" \
    "$bin" --verbose create "r$i" --type github --event push --secret-ref token \
    --resource GitRepository/app -n $ns >/dev/null 2>"$out/create-trace-$i.txt"
  end=$(date +%s%N)
  echo "r$i $start $end" >>"$out/create-times.tsv"
done
: >"$out/create-flux-times.tsv"
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  /usr/bin/time -a -o "$out/create-rss.tsv" -f "flux %M" \
    "$flux" create receiver "f$i" --type github --event push --secret-ref token \
    --resource GitRepository/app -n $ns >/dev/null 2>"$out/create-flux-$i.txt"
  end=$(date +%s%N)
  grep -q "hook/" "$out/create-flux-$i.txt" || { cat "$out/create-flux-$i.txt" >&2; exit 1; }
  echo "f$i $start $end" >>"$out/create-flux-times.tsv"
done
"$bin" --verbose create r1 --type github --event push --secret-ref token \
  --resource GitRepository/app -n $ns >/dev/null 2>"$out/create-trace-again.txt"
"$bin" --verbose list -n $ns >/dev/null 2>"$out/create-trace-list.txt"
"$bin" --verbose rotate r1 --yes -n $ns >/dev/null 2>"$out/create-trace-rotate.txt"
sleep 1

python3 - "$out/create-watch.log" "$out/create-times.tsv" "$out/create-flux-times.tsv" "$out/create-rss.tsv" <<'EOF'
import statistics, sys
ready = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3 and parts[1] not in ready:
        ready[parts[1]] = int(parts[0])
medians = {}
for label, path in [("flux-receiver create", sys.argv[2]), ("flux create receiver", sys.argv[3])]:
    total, after = [], []
    for name, start, end in (line.split() for line in open(path)):
        start, end = int(start), int(end)
        total.append((end - start) / 1e6)
        after.append((end - ready[name]) / 1e6)
    medians[label] = statistics.median(total)
    print(f"{label}, start to exit (Ready): median {statistics.median(total):.0f} ms, min {min(total):.0f}, max {max(total):.0f} ({len(total)} runs)")
    print(f"  exit after a watch saw Ready with its path: median {statistics.median(after):.0f} ms, min {min(after):.0f}, max {max(after):.0f}")
rss = {}
for line in open(sys.argv[4]):
    name, kib = line.split()
    rss.setdefault(name, []).append(int(kib))
for name, values in rss.items():
    print(f"{name} create peak RSS: median {statistics.median(values) / 1024:.1f} MiB")
print(f"flux-receiver create is {medians['flux create receiver'] / medians['flux-receiver create']:.1f}x faster to Ready than flux create receiver")
EOF
echo "API calls: secret (new) $(requests "$out/create-trace-secret.txt"), secret (again) $(requests "$out/create-trace-secret-again.txt"), create (new) $(requests "$out/create-trace-1.txt"), create (again) $(requests "$out/create-trace-again.txt"), list $(requests "$out/create-trace-list.txt"), rotate $(requests "$out/create-trace-rotate.txt")"
