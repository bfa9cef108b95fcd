#!/usr/bin/env bash
# Writes the JSON diagnosis of every corpus log and every generated benchmark log, one file each, to OUTDIR:
# the check that a speed change changed no result. Run it before and after, then `diff -r BEFORE AFTER`.
#
# usage: scripts/outputs.sh OUTDIR [CLI]
#   CLI defaults to $CARGO_TARGET_DIR/release/setup-triage (build it with `cargo build --release`).
# Environment: SETUP_TRIAGE_CORPUS (default ../shared/corpus), BENCH_OUT (default bench-out, from scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:?usage: scripts/outputs.sh OUTDIR [CLI]}
CLI=${2:-${CARGO_TARGET_DIR:-target}/release/setup-triage}
CORPUS=${SETUP_TRIAGE_CORPUS:-../shared/corpus}
BENCH=${BENCH_OUT:-bench-out}
mkdir -p "$OUT"

files=()
[ -d "$CORPUS" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$CORPUS" -type f ! -name MANIFEST.tsv | sort)
for f in msi-utf16.log msi-utf8.log CBS.log WindowsUpdate.log real-msi-utf16.log real-msi-utf8.log; do
    [ -f "$BENCH/$f" ] && files+=("$BENCH/$f")
done

for f in "${files[@]}"; do
    name=${f#"$CORPUS/"}
    name=${name//\//__}
    "$CLI" diagnose --format json "$f" > "$OUT/$name.json" 2>&1 || true
done
# The whole corpus at once, as a case of many files (combining, root-cause ranking across files).
if [ -d "$CORPUS" ]; then
    "$CLI" diagnose --format json $(find "$CORPUS" -type f ! -name MANIFEST.tsv | sort) > "$OUT/_all-corpus.json" 2>&1 || true
fi
echo "${#files[@]} files -> $OUT" >&2
