# Sourced by bench/admission/run.sh and bench/policy/run.sh.
# mixed_load LABEL RATE PORT: the four review bodies in $work at RATE
# reviews/s in all (one oha process per body at a quarter of the rate, 16
# connections each, $DURATION seconds), then one table row per body:
# LABEL body achieved p50 p99 max errors (ms). Needs $OHA, $work, $server.
mixed_load() {
  local label=$1 rate=$2 port=$3 body
  local q=$((rate / 4))
  for body in pod-allowed pod-denied deploy-allowed deploy-denied; do
    "$OHA" --no-tui --insecure -z "${DURATION}s" -q "$q" -c 16 -m POST -T application/json \
      -D "$work/$body.json" --output-format json "https://localhost:$port/validate" \
      > "$work/$label-$body.json" &
  done
  wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
  for body in pod-allowed pod-denied deploy-allowed deploy-denied; do
    python3 - "$work/$label-$body.json" "$label" "$body" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s, p = r["summary"], r["latencyPercentiles"]
errors = sum(r.get("errorDistribution", {}).values())
print(f'{sys.argv[2]:<10} {sys.argv[3]:<15} {s["requestsPerSec"]:8.0f} {p["p50"]*1e3:8.3f} {p["p99"]*1e3:8.3f} {s["slowest"]*1e3:8.3f} {errors:8d}')
PY
  done
}
