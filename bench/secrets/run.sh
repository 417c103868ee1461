#!/usr/bin/env bash
# Secret-scanning benchmark: palisade against ripsecrets (crates.io),
# detect-secrets (PyPI) and Kingfisher (the kingfisher-bin wheel), side by
# side on the same machine in the same run, on
#   (a) a large source tree: the vendored sources of this workspace's own
#       dependencies (`cargo vendor`, pinned by Cargo.lock), and
#   (b) a git history of 5,000 commits built by make_history.py (seeded).
# Prints wall time, CPU time (user+sys), MB/s, peak memory (max RSS) and
# findings per tool.
# Usage: bash bench/secrets/run.sh   (WORK=dir to keep the corpora elsewhere)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${WORK:-/tmp/palisade-secrets-bench}
COMMITS=${COMMITS:-5000}
mkdir -p "$WORK"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

echo "== tools"
cargo build --release --locked -p palisade-cli >/dev/null
PAL=$TARGET/release/palisade
if [ ! -x "$WORK/tools/bin/ripsecrets" ]; then
  cargo install --quiet --locked ripsecrets --version 0.1.11 --root "$WORK/tools"
fi
if [ ! -x "$WORK/venv/bin/kingfisher" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet detect-secrets==1.5.0 kingfisher-bin==2.14.0
fi
RIP=$WORK/tools/bin/ripsecrets
DS=$WORK/venv/bin/detect-secrets
KF=$WORK/venv/bin/kingfisher
"$PAL" --version; "$RIP" --version || true; "$DS" --version; "$KF" --version

echo "== corpora"
if [ ! -d "$WORK/tree" ]; then
  cargo vendor --locked --versioned-dirs "$WORK/tree" >/dev/null
fi
if [ ! -d "$WORK/history/.git" ]; then
  python3 bench/secrets/make_history.py "$WORK/tree" "$WORK/history" "$COMMITS"
fi
TREE_MB=$(du -sm --apparent-size "$WORK/tree" | cut -f1)
HIST_MB=$(du -sm --apparent-size "$WORK/history/.git" | cut -f1)
UNIQUE_MB=$(git -C "$WORK/history" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' \
  | awk '$1=="blob"{s+=$2} END{printf "%d", s/1048576}')
echo "tree: $TREE_MB MB, $(find "$WORK/tree" -type f | wc -l) files"
echo "history: $COMMITS commits, $UNIQUE_MB MB of unique blobs ($HIST_MB MB packed)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"

# measure NAME MB COUNTER -- CMD...: runs CMD with stdout to a file, then
# COUNTER (a shell snippet reading $OUT) counts findings.
measure() {
  local name=$1 mb=$2 counter=$3; shift 4
  OUT=$WORK/out-$name.txt
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time-$name" "$@" >"$OUT" 2>"$WORK/err-$name.txt" || true
  # (time writes "Command exited with non-zero status N" first when the
  # tool exits non-zero, as scanners do when they find something.)
  read -r secs kb user sys < <(tail -n1 "$WORK/time-$name")
  local n; n=$(OUT=$OUT bash -c "$counter")
  awk -v n="$name" -v s="$secs" -v kb="$kb" -v mb="$mb" -v f="$n" -v u="$user" -v y="$sys" \
    'BEGIN{printf "| %-28s | %8.2f | %8.2f | %8.1f | %7.0f | %8s |\n", n, s, u+y, mb/(s>0?s:0.01), kb/1024, f}'
}
JSONCOUNT='python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))[\"findings\"]))" "$OUT"'
DSCOUNT='python3 -c "import json,sys; print(sum(len(v) for v in json.load(open(sys.argv[1]))[\"results\"].values()))" "$OUT" 2>/dev/null || echo "timed out"'
KFCOUNT='python3 -c "
import json,sys
d,_=json.JSONDecoder().raw_decode(open(sys.argv[1]).read())
print(len(d[\"findings\"]))" "$OUT"'
LINECOUNT='grep -c . "$OUT" || true'

echo
echo "== (a) source tree: $TREE_MB MB"
echo "| tool | wall s | CPU s | MB/s (wall) | peak MB | findings |"
echo "|---|---:|---:|---:|---:|---:|"
# Warm the page cache first: whichever tool ran first used to pay for
# reading 321 MB from disk (palisade's two-thread row, 4.4 s cold, 1.1 s warm).
find "$WORK/tree" -type f -print0 | xargs -0 cat > /dev/null
measure palisade-tree "$TREE_MB" "$JSONCOUNT" -- "$PAL" scan --scanners secret -f json --fail-on never "$WORK/tree"
measure palisade-tree-1thread "$TREE_MB" "$JSONCOUNT" -- "$PAL" scan -j 1 --scanners secret -f json --fail-on never "$WORK/tree"
measure ripsecrets-tree "$TREE_MB" "$LINECOUNT" -- "$RIP" "$WORK/tree"
measure kingfisher-tree "$TREE_MB" "$KFCOUNT" -- "$KF" scan "$WORK/tree" --no-validate --no-update-check --git-history none -f json
# detect-secrets reports nothing for an absolute path given from inside
# another git repository (here, this one): run it from the corpus' parent.
# It is slow (over 15 minutes here): DS_TIMEOUT seconds, then it is stopped
# and reported with no findings.
measure detect-secrets-tree "$TREE_MB" "$DSCOUNT" -- timeout "${DS_TIMEOUT:-900}" bash -c "cd '$WORK' && exec '$DS' scan --all-files tree"

echo
echo "== (b) git history: $COMMITS commits, $UNIQUE_MB MB of unique blobs"
echo "| tool | wall s | CPU s | MB/s (wall) | peak MB | findings |"
echo "|---|---:|---:|---:|---:|---:|"
measure palisade-history "$UNIQUE_MB" "$JSONCOUNT" -- "$PAL" scan --history -f json --fail-on never "$WORK/history"
measure kingfisher-history "$UNIQUE_MB" "$KFCOUNT" -- "$KF" scan "$WORK/history" --no-validate --no-update-check --git-history full -f json
echo "(ripsecrets and detect-secrets do not read git history.)"
