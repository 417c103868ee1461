#!/usr/bin/env bash
# Load benchmark of `palisade serve` over TLS on loopback.
#
#   bash bench/admission/run.sh            # needs oha (cargo install oha) and wrk (apt-get install wrk)
#
# Mixed AdmissionReviews (allowed and denied Pods and Deployments, every
# built-in rule on): fixed request rates with oha (one process per body, each
# at a quarter of the rate: p50/p99/max per body), then saturation with wrk
# rotating the four bodies. The load generators share the machine's cores
# with the server. Results go to bench/results/admission-*.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/admission/mixed_load.sh
DURATION=${DURATION:-20}
RATES=${RATES:-"500 1000 2000 4000"}
OHA=${OHA:-$(command -v oha || echo "$HOME/.cargo/bin/oha")}
out=bench/results
mkdir -p "$out"
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

cargo build --release -q -p palisade-cli
python3 bench/admission/make_reviews.py "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$work/tls.key" -out "$work/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost 2>/dev/null
printf 'admission:\n  namespace: palisade\n' > "$work/palisade.yaml"

RUST_LOG=info ./target/release/palisade serve --listen 127.0.0.1:18443 \
  --cert "$work/tls.crt" --key "$work/tls.key" -c "$work/palisade.yaml" \
  --namespaces config 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -ksf https://127.0.0.1:18443/readyz >/dev/null && break; sleep 0.1; done

report="$out/admission-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# palisade serve load benchmark, $(date -u +%F) on $(nproc) cores ($(uname -m))"
  echo "# fixed rates (oha, ${DURATION}s each, TLS, HTTP/1.1 keep-alive); latencies in ms"
  printf '%-10s %-15s %8s %8s %8s %8s %8s\n' rate body achieved p50 p99 max errors
  for rate in $RATES; do
    mixed_load "$rate" "$rate" 18443
  done
  echo
  echo "# saturation (wrk, 2 threads, 64 connections, ${DURATION}s, the four bodies in turn)"
  REVIEWS="$work" wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/admission/rotate.lua \
    https://127.0.0.1:18443/validate | sed -n '/Latency Distribution/,$p'
  echo
  echo "# server-side time per review (from /metrics: parse, evaluate, respond; no TLS or HTTP)"
  curl -ks https://127.0.0.1:18443/metrics | python3 -c '
import re, sys
buckets = []
for line in sys.stdin:
    m = re.match(r"palisade_admission_request_duration_seconds_bucket\{le=\"([^\"]+)\",endpoint=\"validate\"\} (\d+)", line)
    if m:
        buckets.append((float("inf") if m.group(1) == "+Inf" else float(m.group(1)), int(m.group(2))))
total = buckets[-1][1]
for q in (0.5, 0.99, 0.999):
    le = next(b for b, n in buckets if n >= q * total)
    print(f"  p{q*100:g} <= {le*1e3:g} ms  ({total} reviews)")
'
  echo
  echo "# server memory"
  grep -E 'VmHWM|VmRSS' "/proc/$server/status"
} | tee "$report"
echo "written: $report"
