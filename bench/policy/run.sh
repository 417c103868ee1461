#!/usr/bin/env bash
# Gatekeeper policies: cost in-process and through the webhook, with 0, 1, 10
# and 50 templates loaded (each with one constraint; copies of the four in
# policies/ under new kinds, so each is compiled and evaluated separately).
#
#   bash bench/policy/run.sh        # needs oha (cargo install oha) and wrk (apt-get install wrk)
#
# 1. In-process (one thread): load time, reviews/s, p50/p99 per review
#    (`cargo run --release -p palisade-policy --example policy_speed`).
# 2. Webhook over TLS on loopback, every built-in rule on as well: the
#    admission benchmark's four bodies at a fixed total rate (oha, one
#    process per body at a quarter of the rate), then saturation (wrk, 64
#    connections, the bodies in turn). The load generators share the cores.
# Results go to bench/results/policy-*.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/admission/mixed_load.sh
# regorus raises anyhow errors while evaluating; with RUST_BACKTRACE=1 each
# captures a backtrace (1.5x slower at 50 templates). Measure as deployed.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
DURATION=${DURATION:-15}
RATE=${RATE:-1000}
COUNTS=${COUNTS:-"0 1 10 50"}
OHA=${OHA:-$(command -v oha || echo "$HOME/.cargo/bin/oha")}
out=bench/results
mkdir -p "$out"
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

cargo build --release -q -p palisade-cli
cargo build --release -q -p palisade-policy --example policy_speed
python3 bench/admission/make_reviews.py "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$work/tls.key" -out "$work/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost 2>/dev/null
printf 'admission:\n  namespace: palisade\n' > "$work/palisade.yaml"

report="$out/policy-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# Gatekeeper policy benchmark, $(date -u +%F) on $(nproc) cores ($(uname -m))"
  echo
  echo "## in-process"
  ./target/release/examples/policy_speed $(echo "$COUNTS" | tr ' ' '\n' | grep -v '^0$' | tr '\n' ' ')
  echo
  echo "## webhook: ${RATE} reviews/s for ${DURATION}s (oha, TLS, keep-alive), then saturation (wrk); latencies in ms"
  printf '%-10s %-15s %8s %8s %8s %8s %8s\n' templates body achieved p50 p99 max errors
  for n in $COUNTS; do
    flags=()
    if [ "$n" -gt 0 ]; then
      ./target/release/examples/policy_speed --write "$work/policies-$n" "$n"
      flags=(--policy "$work/policies-$n")
    fi
    ./target/release/palisade serve --listen 127.0.0.1:18444 \
      --cert "$work/tls.crt" --key "$work/tls.key" -c "$work/palisade.yaml" \
      --namespaces config "${flags[@]}" 2>/dev/null &
    server=$!
    for _ in $(seq 100); do curl -ksf https://127.0.0.1:18444/readyz >/dev/null && break; sleep 0.1; done
    mixed_load "$n" "$RATE" 18444
    REVIEWS="$work" wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/admission/rotate.lua \
      https://127.0.0.1:18444/validate > "$work/wrk-$n.txt"
    python3 - "$work/wrk-$n.txt" "$n" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
p99 = re.search(r"99%\s+([\d.]+\w+)", t).group(1)
p50 = re.search(r"50%\s+([\d.]+\w+)", t).group(1)
print(f"{sys.argv[2]:<10} saturated       {float(rps):8.0f} p50 {p50} p99 {p99}")
PY
    grep -E 'VmHWM' "/proc/$server/status" | sed "s/^/$n templates: /"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
} | tee "$report"
echo "written: $report"
