#!/usr/bin/env bash
# Whole-process benchmark of the offline --export path against the real
# flux CLI (`flux create receiver --export`, `flux create secret receiver
# --export`, built by testenv/build) and kubectl's client-side dry run, on
# the same machine in the same run, with the same flags.
#
#   benches/export.sh            # needs Go, hyperfine (apt-get install hyperfine) and kubectl
#
# Reports hyperfine timings (median of 300 runs after warm-up) and the median
# peak RSS of 30 runs of each command (GNU time), with ratios against kubectl
# and against flux.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine kubectl /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "benches/export.sh needs $tool" >&2; exit 1; }
done

cargo build --release --quiet
testenv/build >&2
bin=target/release/flux-receiver
flux=testenv/bin/flux
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
export KUBECONFIG=/nonexistent   # no tool may find a cluster; none needs one

receiver_flags="github-receiver --type github --event ping,push --secret-ref webhook-token --resource GitRepository/my-nginx --export"
secret_flags="webhook-token --type github --token secret-token-dont-share --hostname flux.example.com --export"
declare -A commands=(
  [create]="$bin create $receiver_flags"
  [secret]="$bin secret $secret_flags"
  [flux-create]="$flux create receiver $receiver_flags"
  [flux-secret]="$flux create secret receiver $secret_flags"
  [kubectl]="kubectl create secret generic webhook-token -n flux-system --from-literal=token=secret-token-dont-share --dry-run=client -o yaml"
)
order=(create secret flux-create flux-secret kubectl)
# The same flags print the same bytes (what tests/flux_oracle.rs checks at scale).
# shellcheck disable=SC2086
cmp <(${commands[create]}) <(${commands[flux-create]})
# shellcheck disable=SC2086
cmp <(${commands[secret]}) <(${commands[flux-secret]})

args=()
for name in "${order[@]}"; do args+=(-n "$name" "${commands[$name]}"); done
hyperfine -N --style basic --warmup 20 --runs 300 --export-json "$out/export.json" "${args[@]}" >&2

: > "$out/export-rss.tsv"
for name in "${order[@]}"; do
  for _ in $(seq 30); do
    # shellcheck disable=SC2086 # the command line is split on purpose
    /usr/bin/time -f "$name %M" -a -o "$out/export-rss.tsv" ${commands[$name]} >/dev/null
  done
done

# The targets of the issue: median <= 5 ms, >= 10x faster than kubectl, peak RSS <= 1/4 of its.
python3 benches/compare.py "$out/export.json" "$out/export-rss.tsv" kubectl \
  --max-ms 5 --min-speedup 10 --max-rss-ratio 0.25 --check create,secret
echo
# Against flux itself: each command against flux's own (create vs
# flux-create, secret vs flux-secret).
python3 benches/compare.py "$out/export.json" "$out/export-rss.tsv" flux-create

