#!/usr/bin/env bash
# Palisade throughput benchmark, and Checkov on the same corpus.
#
#   bash bench/run.sh
#
# 1. builds palisade in release (honours CARGO_TARGET_DIR),
# 2. generates bench/corpus (10,000 manifests, seeded) if it is missing,
# 3. times `palisade scan` single-threaded (-j 1) and multi-threaded (default:
#    one thread per core) with hyperfine (or a median-of-N loop without it),
# 4. measures palisade's peak RSS (/usr/bin/time -v) and profiles the
#    single-threaded run with perf (if installed),
# 5. installs Checkov (pinned) into bench/.venv and runs it once, with only
#    its Kubernetes framework, on a deterministic 1,000-file subset (and
#    palisade again on the same files), optionally on more subset sizes, and
#    on the whole corpus without CKV2_K8S_6; each time it checks that Checkov
#    parsed every file and document,
# 6. prints a summary; everything is kept in bench/results/.
#
# Knobs (environment variables):
#   COUNT=10000            corpus size (the corpus is regenerated if it differs)
#   RUNS=10                timed runs per palisade configuration (plus 2 warm-ups)
#   CHECKOV_VERSION=3.3.30 the Checkov release to install and run
#   CHECKOV_SUBSET=1000    N: Checkov (and palisade again, for a same-files
#                          ratio) scan a deterministic N-file subset (every k-th
#                          path in sorted order), extrapolated linearly to the
#                          corpus; 0: Checkov scans the whole corpus (on this
#                          corpus it did not finish in 30 minutes, see BENCHMARKS.md)
#   CHECKOV_SCALING=""     e.g. "250 500 2000": extra subset sizes, one Checkov
#                          run each, to show how its time grows with the input
#   CHECKOV_TIMEOUT=1800   seconds before a Checkov run is abandoned
#   CHECKOV_FULL_WITHOUT=CKV2_K8S_6
#                          with a subset: also run Checkov once on the whole
#                          corpus with this check skipped (empty: don't)
#   SKIP_CHECKOV=0         1: palisade only
#   PERF=1                 0: no perf profile
#   IDLE_LOAD=0.8          before each timing, wait until the 1-minute load
#   IDLE_WAIT=600          average is below IDLE_LOAD; IDLE_WAIT seconds at most
#                          for all the waits together
#   OUT=bench/results      where logs, JSON reports and the summary go
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

COUNT=${COUNT:-10000}
RUNS=${RUNS:-10}
CHECKOV_VERSION=${CHECKOV_VERSION:-3.3.30}
CHECKOV_SUBSET=${CHECKOV_SUBSET:-1000}
CHECKOV_SCALING=${CHECKOV_SCALING:-}
CHECKOV_TIMEOUT=${CHECKOV_TIMEOUT:-1800}
CHECKOV_FULL_WITHOUT=${CHECKOV_FULL_WITHOUT-CKV2_K8S_6}
SKIP_CHECKOV=${SKIP_CHECKOV:-0}
PERF=${PERF:-1}
IDLE_LOAD=${IDLE_LOAD:-0.8}
IDLE_WAIT=${IDLE_WAIT:-600}
OUT=${OUT:-bench/results}
CORPUS=bench/corpus
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release/palisade"
PY=${PYTHON:-python3}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
say() { echo "$@" | tee -a "$SUMMARY"; }
load1() { cut -d' ' -f1 /proc/loadavg; }
WAITED_TOTAL=0
wait_idle() {  # IDLE_WAIT is a budget for all the waits of one run together
    local waited=0
    while "$PY" -c "import sys; sys.exit(0 if float('$(load1)') >= float('$IDLE_LOAD') else 1)" \
        && [ "$WAITED_TOTAL" -lt "$IDLE_WAIT" ]; do
        if [ "$waited" -eq 0 ]; then echo "  load average $(load1) >= $IDLE_LOAD: waiting"; fi
        sleep 15
        waited=$((waited + 15))
        WAITED_TOTAL=$((WAITED_TOTAL + 15))
    done
    echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s, ${WAITED_TOTAL}s of ${IDLE_WAIT}s in all)"
}
calc() { "$PY" -c "print($1)"; }
# median_of CMD...: median wall time of RUNS runs after 2 warm-ups (when
# hyperfine is not available).
median_of() {
    local i s e times=()
    "$@" >/dev/null; "$@" >/dev/null
    for ((i = 0; i < RUNS; i++)); do
        s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
        times+=("$(calc "($e - $s) / 1e9")")
    done
    "$PY" -c "import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))" "${times[@]}"
}

# ---------------------------------------------------------------- machine
say "== Machine"
say "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "cpu:       $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
say "cores:     $(nproc)"
say "memory:    $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
say "kernel:    $(uname -r)"
say "rustc:     $(rustc --version)"
say "palisade:  git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$([ -z "$(git status --porcelain -- crates Cargo.toml Cargo.lock 2>/dev/null)" ] || echo ' (uncommitted changes in crates/)')"
say "load:      $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Installing hyperfine (apt-get)"
    { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null 2>&1 \
        || echo "   hyperfine not installable: timing with a shell loop instead"
fi

# ---------------------------------------------------------------- build
echo "== Building palisade (release, target dir $TARGET)"
cargo build --release -p palisade-cli 2>&1 | tail -n 2
"$BIN" --version

# ---------------------------------------------------------------- corpus
have=0
[ -d "$CORPUS" ] && have=$(find "$CORPUS" -type f | wc -l)
if [ "$have" -ne "$COUNT" ]; then
    echo "== Generating corpus ($COUNT files)"
    "$PY" bench/gen_corpus.py --count "$COUNT" --out "$CORPUS"
fi
FILES=$(find "$CORPUS" -type f | wc -l)
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
MB=$(calc "$BYTES / 1e6")
say ""
say "== Corpus: $CORPUS: $FILES files, $BYTES bytes ($(calc "round($MB, 2)") MB)"
# Read every file once so that all runs see a warm page cache.
find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null

# ---------------------------------------------------------------- correctness
echo "== Palisade report on the corpus"
set +e
"$BIN" scan "$CORPUS" --format json --fail-on never -o "$OUT/palisade.json"
rc=$?
set -e
read -r P_FILES P_OBJECTS P_ERRORS P_FINDINGS < <("$PY" -c "
import json; d = json.load(open('$OUT/palisade.json')); s = d['summary']
print(s['files'], s['objects'], s['errors'], len(d['findings']))")
say "palisade: exit $rc, files $P_FILES, objects $P_OBJECTS, findings $P_FINDINGS, errors $P_ERRORS"
if [ "$P_FILES" -ne "$FILES" ] || [ "$P_ERRORS" -ne 0 ] || [ "$rc" -ne 0 ]; then
    say "WARNING: palisade did not scan every file cleanly (see $OUT/palisade.json)"
fi

# ---------------------------------------------------------------- timing
CMD1="$BIN scan $CORPUS --format json --fail-on never -j 1"
CMDN="$BIN scan $CORPUS --format json --fail-on never"
echo "== Timing palisade ($RUNS runs each)"
wait_idle
say ""
say "== Palisade timings (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$OUT/hyperfine.json" \
        -n single "$CMD1" -n multi "$CMDN" | tee "$OUT/hyperfine.txt"
    read -r T1 TN < <("$PY" -c "
import json; r = {x['command']: x for x in json.load(open('$OUT/hyperfine.json'))['results']}
print(r['single']['median'], r['multi']['median'])")
    TIMER="hyperfine $(hyperfine --version | cut -d' ' -f2), median of $RUNS runs after 2 warm-ups"
else
    T1=$(median_of $CMD1)
    TN=$(median_of $CMDN)
    TIMER="shell loop, median of $RUNS runs after 2 warm-ups"
fi
NPROC=$(nproc)
say "timer: $TIMER"
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %9s %10s %9s %13s\n' "palisade" "wall s" "files/s" "MB/s" "MB/s per core" | tee -a "$SUMMARY"
printf '%-22s %9.3f %10.0f %9.1f %13.1f\n' "single-threaded -j 1" "$T1" \
    "$(calc "$FILES / $T1")" "$(calc "$MB / $T1")" "$(calc "$MB / $T1")" | tee -a "$SUMMARY"
printf '%-22s %9.3f %10.0f %9.1f %13.1f\n' "multi-threaded -j $NPROC" "$TN" \
    "$(calc "$FILES / $TN")" "$(calc "$MB / $TN")" "$(calc "$MB / $TN / $NPROC")" | tee -a "$SUMMARY"

# ---------------------------------------------------------------- memory
rss_of() {
    local best=0 i kb
    for i in 1 2 3; do
        /usr/bin/time -v "$@" >/dev/null 2>"$OUT/time-v.txt"
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time-v.txt")
        if [ "$kb" -gt "$best" ]; then best=$kb; fi
    done
    echo "$best"
}
if [ -x /usr/bin/time ]; then
    RSSN=$(rss_of $CMDN)
    RSS1=$(rss_of $CMD1)
    say "peak RSS (max of 3 runs): multi-threaded $(calc "round($RSSN / 1024, 1)") MiB, single-threaded $(calc "round($RSS1 / 1024, 1)") MiB"
else
    say "peak RSS: /usr/bin/time not installed (apt-get install time)"
fi

# ---------------------------------------------------------------- profile
if [ "$PERF" = 1 ] && command -v perf >/dev/null; then
    echo "== perf profile of the single-threaded run"
    if perf record -q -F 3999 --call-graph dwarf,16384 -o "$OUT/perf.data" $CMD1 >/dev/null 2>"$OUT/perf-record.log"; then
        perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9.]+%' | sed -n '1,25p' >"$OUT/perf-self.txt"
        # Inclusive time of palisade's own functions and the main libraries
        # (the rayon and closure frames in between left out).
        perf report -i "$OUT/perf.data" --children --sort symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9.]+%' | grep -E '\] (palisade|serde_json|saphyr|ignore|main$)' \
            | grep -vE 'closure|\(inlined\)' | sed -n '1,40p' >"$OUT/perf-children.txt"
        say ""
        say "== perf: top symbols by self time, single-threaded run (full: $OUT/perf-self.txt, $OUT/perf-children.txt)"
        sed -n '1,12p' "$OUT/perf-self.txt" | sed -E 's/ +- +- +$//' | tee -a "$SUMMARY"
        say "-- inclusive:"
        sed -n '1,15p' "$OUT/perf-children.txt" | sed -E 's/ +$//' | cut -c1-140 | tee -a "$SUMMARY"
        say "-- by phase (bench/perf_phases.py):"
        "$PY" bench/perf_phases.py "$OUT/perf.data" | tee -a "$SUMMARY"
    else
        say "perf record failed (see $OUT/perf-record.log)"
    fi
fi

# ---------------------------------------------------------------- checkov
if [ "$SKIP_CHECKOV" = 1 ]; then
    echo "== Checkov skipped (SKIP_CHECKOV=1)"
    exit 0
fi
echo "== Checkov $CHECKOV_VERSION in bench/.venv"
[ -x bench/.venv/bin/python ] || "$PY" -m venv bench/.venv
if [ "$(bench/.venv/bin/checkov --version 2>/dev/null || true)" != "$CHECKOV_VERSION" ]; then
    bench/.venv/bin/pip install -q "checkov==$CHECKOV_VERSION"
fi
CK_VERSION=$(bench/.venv/bin/checkov --version)

# subset N DIR: a deterministic N-file subset of the corpus (every k-th path in
# byte-sorted order), same relative paths.
subset() {
    local n=$1 dir=$2 step
    rm -rf "$dir"; mkdir -p "$dir"
    step=$(( (FILES + n - 1) / n ))
    (cd "$CORPUS" && find . -type f | LC_ALL=C sort | awk -v k="$step" 'NR % k == 1' \
        | xargs cp --parents -t "$dir")
}
objects_in() {
    "$BIN" scan "$1" --format json --fail-on never \
        | "$PY" -c "import json, sys; print(json.load(sys.stdin)['summary']['objects'])"
}

# run_checkov DIR NAME: one timed Checkov run; sets CK_T (wall seconds, empty
# if it timed out), CK_N (files), CK_RSS (KiB), CK_CPU, CK_COUNTS.
# The plain command is `checkov -d DIR --framework kubernetes --quiet --compact
# --skip-download -o json`; checkov_counted.py is that command plus one line on
# stderr saying how many files and documents the Kubernetes runner parsed.
run_checkov() {
    local dir=$1 name=$2 rc expected_docs
    shift 2  # the rest: extra Checkov arguments
    CK_N=$(find "$dir" -type f | wc -l)
    expected_docs=$(objects_in "$dir")
    echo "== Checkov on $dir ($CK_N files, timeout ${CHECKOV_TIMEOUT}s)"
    wait_idle
    say ""
    say "== Checkov $CK_VERSION on $dir ($CK_N files)${*:+ with $*}, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    set +e
    /usr/bin/time -v timeout "$CHECKOV_TIMEOUT" bench/.venv/bin/python bench/checkov_counted.py \
        -d "$dir" --framework kubernetes --quiet --compact --skip-download -o json "$@" \
        >"$OUT/$name.json" 2>"$OUT/$name.stderr"
    rc=$?
    set -e
    CK_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$name.stderr")
    CK_CPU=$(awk -F': ' '/Percent of CPU this job got/ {print $2}' "$OUT/$name.stderr")
    if [ "$rc" -eq 124 ]; then
        CK_T=""
        say "checkov: DID NOT FINISH within ${CHECKOV_TIMEOUT}s (killed; CPU $CK_CPU, peak RSS $(calc "round($CK_RSS / 1024, 1)") MiB)"
        return 0
    fi
    CK_T=$("$PY" -c "
import re; t = open('$OUT/$name.stderr').read()
m = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', t)
s = 0.0
for p in m.group(1).split(':'): s = s * 60 + float(p)
print(s)")
    CK_COUNTS=$(grep -o 'BENCH-CHECKOV.*' "$OUT/$name.stderr" || echo "BENCH-CHECKOV (no count line)")
    say "checkov: exit $rc (1 = failed checks), wall ${CK_T}s ($(calc "round($CK_T / $CK_N * 1000, 1)") ms/file), CPU $CK_CPU, peak RSS $(calc "round($CK_RSS / 1024, 1)") MiB"
    say "checkov: $CK_COUNTS (expected files_parsed=$CK_N documents=$expected_docs)"
    say "checkov: summary $("$PY" -c "
import json; d = json.load(open('$OUT/$name.json')); d = d[0] if isinstance(d, list) else d
print(json.dumps(d['summary']))")"
    local f d
    f=$(echo "$CK_COUNTS" | sed -nE 's/.*files_parsed=([0-9]+).*/\1/p')
    d=$(echo "$CK_COUNTS" | sed -nE 's/.*documents=([0-9]+).*/\1/p')
    if [ "${f:-0}" -ne "$CK_N" ] || [ "${d:-0}" -ne "$expected_docs" ]; then
        say "WARNING: Checkov did not parse every file/document of its input"
    fi
}

# Optional scaling points (one run each), to show how Checkov's time grows.
SCALING_ROWS=""
for n in $CHECKOV_SCALING; do
    subset "$n" "$OUT/corpus-$n"
    run_checkov "$OUT/corpus-$n" "checkov-$n"
    if [ -n "$CK_T" ]; then
        SCALING_ROWS+="$(printf '%-10s %10s %12.1f %12.1f' "$n" "$CK_N" "$CK_T" "$(calc "$CK_T / $CK_N * 1000")")"$'\n'
    fi
done

if [ "$CHECKOV_SUBSET" -gt 0 ]; then
    CK_DIR="$OUT/corpus-$CHECKOV_SUBSET"
    [ -d "$CK_DIR" ] || subset "$CHECKOV_SUBSET" "$CK_DIR"
    CK_NAME="checkov-$CHECKOV_SUBSET"
else
    CK_DIR="$CORPUS"
    CK_NAME="checkov"
fi
if [ -f "$OUT/$CK_NAME.stderr" ] && grep -q BENCH-CHECKOV "$OUT/$CK_NAME.stderr" \
    && [[ " $CHECKOV_SCALING " == *" $CHECKOV_SUBSET "* ]]; then
    # Already measured as a scaling point: reuse it rather than run it again.
    CK_N=$(find "$CK_DIR" -type f | wc -l)
    CK_T=$("$PY" -c "
import re; t = open('$OUT/$CK_NAME.stderr').read()
m = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', t)
s = 0.0
for p in m.group(1).split(':'): s = s * 60 + float(p)
print(s)")
else
    run_checkov "$CK_DIR" "$CK_NAME"
fi
if [ -z "$CK_T" ]; then
    say "No Checkov time to compare with (set CHECKOV_SUBSET=1000 for a subset)."
    exit 0
fi

# Palisade on exactly the files Checkov scanned.
if [ "$CK_DIR" != "$CORPUS" ]; then
    echo "== Timing palisade on Checkov's $CK_N files"
    wait_idle
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$OUT/hyperfine-subset.json" \
            -n single "$BIN scan $CK_DIR --format json --fail-on never -j 1" \
            -n multi "$BIN scan $CK_DIR --format json --fail-on never" >"$OUT/hyperfine-subset.txt"
        read -r S1 SN < <("$PY" -c "
import json; r = {x['command']: x for x in json.load(open('$OUT/hyperfine-subset.json'))['results']}
print(r['single']['median'], r['multi']['median'])")
    else
        S1=$(median_of "$BIN" scan "$CK_DIR" --format json --fail-on never -j 1)
        SN=$(median_of "$BIN" scan "$CK_DIR" --format json --fail-on never)
    fi
else
    S1=$T1; SN=$TN
fi

say ""
say "== Palisade vs Checkov $CK_VERSION: wall time on the same $CK_N files"
if [ -n "$SCALING_ROWS" ]; then
    say "Checkov scaling (one run each):"
    printf '%-10s %10s %12s %12s\n' "subset" "files" "wall s" "ms/file" | tee -a "$SUMMARY"
    printf '%s' "$SCALING_ROWS" | tee -a "$SUMMARY"
fi
printf '%-22s %10s %12s %14s\n' "" "wall s" "ms per file" "checkov / this" | tee -a "$SUMMARY"
printf '%-22s %10.2f %12.3f %14s\n' "checkov" "$CK_T" "$(calc "$CK_T / $CK_N * 1000")" "1x" | tee -a "$SUMMARY"
printf '%-22s %10.3f %12.3f %13.0fx\n' "palisade -j 1" "$S1" "$(calc "$S1 / $CK_N * 1000")" \
    "$(calc "$CK_T / $S1")" | tee -a "$SUMMARY"
printf '%-22s %10.3f %12.3f %13.0fx\n' "palisade -j $NPROC" "$SN" "$(calc "$SN / $CK_N * 1000")" \
    "$(calc "$CK_T / $SN")" | tee -a "$SUMMARY"
if [ "$CK_N" -ne "$FILES" ]; then
    say ""
    say "Extrapolated LINEARLY to the full $FILES files (rough: Checkov's start-up weighs on a small subset, and its graph work grows faster than linearly; see BENCHMARKS.md):"
    say "checkov ~$(calc "round($CK_T / $CK_N * $FILES)") s vs palisade $(printf '%.2f' "$T1") s (-j 1) / $(printf '%.2f' "$TN") s (-j $NPROC):" \
        "~$(calc "round($CK_T / $CK_N * $FILES / $T1)")x / ~$(calc "round($CK_T / $CK_N * $FILES / $TN)")x"
fi

# The whole corpus without CKV2_K8S_6, the one graph check whose time grows
# much faster than the input (see BENCHMARKS.md): what the rest of Checkov costs.
if [ -n "$CHECKOV_FULL_WITHOUT" ] && [ "$CHECKOV_SUBSET" -gt 0 ]; then
    run_checkov "$CORPUS" checkov-full-without "--skip-check" "$CHECKOV_FULL_WITHOUT"
    if [ -n "$CK_T" ]; then
        say ""
        say "== Whole corpus, Checkov without $CHECKOV_FULL_WITHOUT vs palisade (all rules), same $FILES files"
        printf '%-34s %10s %12s %14s\n' "" "wall s" "ms per file" "checkov / this" | tee -a "$SUMMARY"
        printf '%-34s %10.1f %12.3f %14s\n' "checkov --skip-check $CHECKOV_FULL_WITHOUT" "$CK_T" "$(calc "$CK_T / $CK_N * 1000")" "1x" | tee -a "$SUMMARY"
        printf '%-34s %10.3f %12.3f %13.0fx\n' "palisade -j 1" "$T1" "$(calc "$T1 / $FILES * 1000")" "$(calc "$CK_T / $T1")" | tee -a "$SUMMARY"
        printf '%-34s %10.3f %12.3f %13.0fx\n' "palisade -j $NPROC" "$TN" "$(calc "$TN / $FILES * 1000")" "$(calc "$CK_T / $TN")" | tee -a "$SUMMARY"
    fi
fi
echo "Summary written to $SUMMARY"
