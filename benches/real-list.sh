#!/usr/bin/env bash
# Scale benchmark against the real kube-apiserver (testenv): 10,000
# Receivers with their Secrets in 100 namespaces, reconciled by the real
# notification-controller. Compares, in the same run on the same machine,
# `flux-receiver list -A`, `flux get receivers -A` (the real flux CLI,
# built by testenv/build), `kubectl get receivers -A`, and the floor: curl
# fetching the pages flux-receiver reads (Receivers and Secrets, 500 a page;
# one curl and one jq per page, so it measures the server plus process and
# TLS start-up per page, not a pure floor).
# Reports medians and peak RSS.
#
#   benches/real-list.sh        # needs Go, hyperfine, kubectl, curl, jq, python3
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in go hyperfine kubectl curl jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/real-list.sh needs $tool" >&2; exit 1; }
done
receivers=${RECEIVERS:-10000}
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
cargo build --release --quiet --bin flux-receiver -p flux-receiver
bin=$PWD/target/release/flux-receiver
testenv/build >&2
flux=$PWD/testenv/bin/flux
kubeconfig=$PWD/$out/real.kubeconfig
rm -f "$kubeconfig"
testenv/start --kubeconfig "$kubeconfig" >"$out/real-testenv.log" 2>&1 &
testenv=$!
trap 'kill $testenv 2>/dev/null; wait $testenv 2>/dev/null' EXIT
for _ in $(seq 1200); do [ -s "$kubeconfig" ] && break; sleep 0.5; done
[ -s "$kubeconfig" ] || { cat "$out/real-testenv.log" >&2; exit 1; }
export KUBECONFIG=$kubeconfig

# Seed: one List per namespace, created with kubectl.
seeded=$SECONDS
python3 - "$receivers" "$out/real-seed" <<'EOF'
import json, os, sys
n, dir = int(sys.argv[1]), sys.argv[2]
os.makedirs(dir, exist_ok=True)
for ns in range(100):
    name = f"bench-{ns:03d}"
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}]
    for i in range(ns, n, 100):
        r = f"receiver-{i:05d}"
        items.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": r, "namespace": name},
                      "stringData": {"token": f"token-{i:05d}-0123456789abcdef"}})
        items.append({"apiVersion": "notification.toolkit.fluxcd.io/v1", "kind": "Receiver",
                      "metadata": {"name": r, "namespace": name},
                      "spec": {"type": "github", "events": ["push"], "secretRef": {"name": r},
                               "resources": [{"kind": "GitRepository", "name": "app"}]}})
    with open(f"{dir}/{name}.json", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
EOF
ls "$out"/real-seed/*.json | xargs -P 4 -n 10 sh -c 'for f; do kubectl create -f "$f" >/dev/null; done' sh
echo "seeded $receivers Receivers in $((SECONDS - seeded)) s" >&2
# Let the controller finish reconciling, so it does not compete for the CPU.
for _ in $(seq 600); do
  ready=$(kubectl get receivers -A -o json | jq '[.items[] | select(.status.webhookPath != null)] | length')
  [ "$ready" -ge "$receivers" ] && break
  sleep 2
done
echo "$ready of $receivers Receivers reconciled after $((SECONDS - seeded)) s" >&2

# curl's credentials, from the kubeconfig.
server=$(sed -n 's/^ *server: //p' "$kubeconfig")
sed -n 's/^ *certificate-authority-data: //p' "$kubeconfig" | base64 -d >"$out/real-ca.crt"
sed -n 's/^ *client-certificate-data: //p' "$kubeconfig" | base64 -d >"$out/real-client.crt"
sed -n 's/^ *client-key-data: //p' "$kubeconfig" | base64 -d >"$out/real-client.key"
cat >"$out/real-pages.sh" <<EOF
#!/usr/bin/env bash
# Every page of Receivers and Secrets across namespaces, 500 a page.
set -euo pipefail
for path in /apis/notification.toolkit.fluxcd.io/v1/receivers /api/v1/secrets; do
  token=
  while :; do
    page=\$(curl -sf --cacert $out/real-ca.crt --cert $out/real-client.crt --key $out/real-client.key \
      "$server\$path?limit=500&continue=\$token")
    token=\$(printf '%s' "\$page" | jq -r '.metadata.continue // empty')
    [ -n "\$token" ] || break
  done
done
EOF
chmod +x "$out/real-pages.sh"

cache=$out/kube-cache
declare -A commands=(
  [flux-receiver]="$bin list -A"
  [flux]="$flux get receivers -A"
  [kubectl]="kubectl get receivers.notification.toolkit.fluxcd.io -A --cache-dir $cache"
  [curl-pages]="$out/real-pages.sh"
)
order=(flux-receiver flux kubectl curl-pages)
args=()
for name in "${order[@]}"; do args+=(-n "$name" "${commands[$name]}"); done
hyperfine -N --style basic --warmup 2 --runs 10 --export-json "$out/real-list.json" "${args[@]}" >&2

: >"$out/real-list-rss.tsv"
for name in "${order[@]}"; do
  for _ in $(seq 5); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$name %M" -a -o "$out/real-list-rss.tsv" ${commands[$name]} >/dev/null
  done
done
echo "$receivers Receivers in 100 namespaces, real kube-apiserver"
python3 benches/compare.py "$out/real-list.json" "$out/real-list-rss.tsv" kubectl
echo
python3 benches/compare.py "$out/real-list.json" "$out/real-list-rss.tsv" flux
