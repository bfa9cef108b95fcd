#!/usr/bin/env bash
# The benchmark, in one command: scripts/bench.sh
#
# Generates large logs (deterministic, see crate/bin/gen-logs.rs) under bench-out/, builds the CLI with the
# release profile (the fast one), and prints side by side for each generated file, the real-content logs and the largest logs
# in the corpus: setup-triage's time to a diagnosis and ripgrep's time for the same file, their ratio, and the
# peak memory of each (`/usr/bin/time -v`); then a help desk's folder of 10,000 logs (`diagnose --each`) beside
# ripgrep over the same folder; then the CLI's peak memory on a 1 GB log; then the page in headless Chromium
# (scripts/bench-page.mjs: time to the guide with the worker's SIMD build and without, one worker against one
# per core on several files, long tasks, heap, the 1 GB log, page weight per file). The tables go to
# bench-out/figures.md.
#
# The real-content logs are made at run time from the corpus, never committed: its largest UTF-16 MSI log
# repeated to BENCH_MB behind one BOM with a failure at the end (real-msi-utf16.log), and its UTF-8 twin
# (`gen-logs --from`). The folder (bench-out/each/) holds the corpus's logs copied (hard links where the file
# system allows) until it has BENCH_EACH of them.
#
# Times are the best of 3 runs (or hyperfine's minimum when hyperfine is installed). Wall time suffers when
# the machine is busy, so CPU time (user + system) is shown too. These are measurements: nothing fails on a
# timing. Runs in about 2 minutes on 2 cores once built; the first run also compiles (about 2 minutes).
#
# Environment: BENCH_MB (size of the generated and real-content logs, default 100), BENCH_BIG_MB (the
# memory-check log, default 1024; 0 skips it), BENCH_EACH (logs in the folder, default 10000; 0 skips it),
# SETUP_TRIAGE_CORPUS (the corpus; default ../shared/corpus; without it the real-content logs, the corpus logs
# and the folder are skipped), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=bench-out
MB=${BENCH_MB:-100}
BIG_MB=${BENCH_BIG_MB:-1024}
EACH=${BENCH_EACH:-10000}
RUNS=3
mkdir -p "$OUT"

# --- Tools: install only what is missing -------------------------------------------------------------------
apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing $* (apt)..." >&2
    $sudo apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 ||
        { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y --no-install-recommends "$@" >/dev/null; }
}
command -v rg >/dev/null || apt_install ripgrep
[ -x /usr/bin/time ] || apt_install time
HYPERFINE=$(command -v hyperfine || true)

# --- Build -------------------------------------------------------------------------------------------------
echo "building (cargo build --release)..." >&2
cargo build --quiet --release --bin setup-triage --bin gen-logs
TARGET=${CARGO_TARGET_DIR:-target}
CLI=$TARGET/release/setup-triage
GEN=$TARGET/release/gen-logs

# --- Inputs ------------------------------------------------------------------------------------------------
# The generator is deterministic: regenerate only when the size asked for or the generator changed.
stamp="$MB $(cksum < crate/bin/gen-logs.rs)"
if [ "$(cat "$OUT/.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "generating ${MB} MB logs in $OUT/..." >&2
    "$GEN" "$OUT" --mb "$MB"
    echo "$stamp" > "$OUT/.stamp"
fi
FILES=("$OUT/msi-utf16.log" "$OUT/msi-utf8.log" "$OUT/CBS.log" "$OUT/WindowsUpdate.log")

CORPUS=${SETUP_TRIAGE_CORPUS:-../shared/corpus}
if [ -d "$CORPUS" ]; then
    # Real content: the largest UTF-16LE (BOM FF FE) MSI log of the corpus, repeated (gen-logs --from).
    real_src=$(find "$CORPUS" -type f ! -name MANIFEST.tsv -printf '%s\t%p\n' | sort -rn | cut -f2 |
        while IFS= read -r f; do
            [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = fffe ] &&
                head -c 4096 "$f" | tr -d '\0' | grep -qE '^(=== (Verbose logging|Logging) started|MSI \([csa]\))' &&
                { echo "$f"; break; }
        done || true)
    if [ -n "$real_src" ]; then
        real_stamp="$MB $(cksum < "$real_src") $(cksum < crate/bin/gen-logs.rs)"
        if [ "$(cat "$OUT/.stamp-real" 2>/dev/null)" != "$real_stamp" ]; then
            echo "making ${MB} MB real-content logs from ${real_src#"$CORPUS/"}..." >&2
            "$GEN" "$OUT" --mb "$MB" --from "$real_src"
            echo "$real_stamp" > "$OUT/.stamp-real"
        fi
        FILES+=("$OUT/real-msi-utf16.log" "$OUT/real-msi-utf8.log")
    else
        echo "no UTF-16 MSI log in the corpus: skipped the real-content logs" >&2
    fi
    # The four largest logs.
    while IFS= read -r f; do FILES+=("$f"); done < <(
        find "$CORPUS" -type f ! -name MANIFEST.tsv -printf '%s\t%p\n' | sort -rn | head -4 | cut -f2)
else
    echo "corpus not found: skipped the real-content logs, the corpus logs and the folder" >&2
fi

# --- Measuring ---------------------------------------------------------------------------------------------
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
# Prints "wall cpu" in seconds: the best of $RUNS runs (hyperfine's minimum of 5 when installed); RUNS_OVERRIDE
# asks for fewer runs of a long command.
timed() {
    if [ -n "$HYPERFINE" ]; then
        local csv
        csv=$(mktemp)
        "$HYPERFINE" -N -i --runs "${RUNS_OVERRIDE:-5}" --warmup 1 --style none --export-csv "$csv" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        # Columns by name: command,mean,stddev,median,user,system,min,max (median only in newer versions).
        awk -F, 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i }
                 NR==2 { printf "%.3f %.2f\n", $col["min"], $col["user"] + $col["system"] }' "$csv"
        rm -f "$csv"
        return
    fi
    local best="" best_cpu="" line wall cpu
    for _ in $(seq "${RUNS_OVERRIDE:-$RUNS}"); do
        # (ripgrep exits 1 when nothing matches: a result, not an error)
        # Wall time from the shell's microsecond clock (time's own is in hundredths); CPU time from time.
        local t0=$EPOCHREALTIME
        /usr/bin/time -o "$TIMES" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
        local t1=$EPOCHREALTIME
        line=$(tail -1 "$TIMES")
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        cpu=$(awk '{ printf "%.2f", $2 + $3 }' <<<"$line")
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$cpu; fi
    done
    echo "$best $best_cpu"
}

# Peak resident memory in MB, from /usr/bin/time -v.
peak_mb() {
    /usr/bin/time -o "$TIMES" -v "$@" >/dev/null 2>&1 || true
    awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$TIMES"
}

RG=(rg -n -e 'Return value [0-9]' -e 'Error [0-9]{4}' -e 'MainEngineThread')

size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }

TABLE=$(mktemp)
{
    echo "| file | MB | setup-triage s (cpu) | rg s (cpu) | ratio wall (cpu) | peak MB setup-triage | peak MB rg |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$TABLE"

declare -A NATIVE_WALL
for f in "${FILES[@]}"; do
    name=${f#"$OUT/"}
    name=${name#"$CORPUS/"}
    echo "measuring $name..." >&2
    read -r st_wall st_cpu < <(timed "$CLI" diagnose "$f")
    read -r rg_wall rg_cpu < <(timed "${RG[@]}" "$f")
    NATIVE_WALL[$f]=$st_wall
    st_mem=$(peak_mb "$CLI" diagnose "$f")
    rg_mem=$(peak_mb "${RG[@]}" "$f")
    echo "| $name | $(size_mb "$f") | $st_wall ($st_cpu) | $rg_wall ($rg_cpu) | $(ratio "$st_wall" "$rg_wall") ($(ratio "$st_cpu" "$rg_cpu")) | $st_mem | $rg_mem |" >> "$TABLE"
done

# --- A help desk's folder: diagnose --each over BENCH_EACH logs, beside ripgrep over the same folder ---------
EACH_LINE=""
if [ "$EACH" -gt 0 ] && [ -d "$CORPUS" ]; then
    folder="$OUT/each"
    each_stamp="$EACH $(find "$CORPUS" -type f ! -name MANIFEST.tsv -printf '%s %p\n' | sort | cksum)"
    if [ "$(cat "$OUT/.stamp-each" 2>/dev/null)" != "$each_stamp" ]; then
        echo "making a folder of $EACH logs from the corpus..." >&2
        rm -rf "$folder"
        mkdir -p "$folder"
        mapfile -t logs < <(find "$CORPUS" -type f ! -name MANIFEST.tsv | sort)
        if [ "${#logs[@]}" -gt 0 ]; then
            for ((i = 0; i < EACH; i++)); do
                src=${logs[i % ${#logs[@]}]}
                dst=$(printf '%s/%05d-%s' "$folder" "$i" "${src##*/}")
                # A hard link costs no space; a copy where the corpus is on another file system.
                ln "$src" "$dst" 2>/dev/null || cp "$src" "$dst"
            done
        fi
        echo "$each_stamp" > "$OUT/.stamp-each"
    fi
    count=$(find "$folder" -type f | wc -l)
    # The bytes read, each link counted (du would count a hard-linked file once).
    folder_mb=$(find "$folder" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1048576 }')
    echo "measuring diagnose --each over $count logs..." >&2
    read -r each_wall each_cpu < <(RUNS_OVERRIDE=3 timed "$CLI" diagnose --each "$folder")
    read -r rg_each_wall rg_each_cpu < <(RUNS_OVERRIDE=3 timed "${RG[@]}" "$folder")
    EACH_LINE="| folder of $count logs (diagnose --each) | $folder_mb | $each_wall ($each_cpu) | $rg_each_wall ($rg_each_cpu) | $(ratio "$each_wall" "$rg_each_wall") ($(ratio "$each_cpu" "$rg_each_cpu")) | | |"
    echo "$EACH_LINE" >> "$TABLE"
fi

# --- 1 GB: the CLI's peak memory (target < 64 MB) ----------------------------------------------------------
BIG_LINE=""
if [ "$BIG_MB" -gt 0 ]; then
    big="$OUT/big-msi-utf16.log"
    if [ "$(cat "$OUT/.stamp-big" 2>/dev/null)" != "$BIG_MB $stamp" ]; then
        echo "generating a ${BIG_MB} MB log (streamed)..." >&2
        rm -f "$big"
        "$GEN" "$OUT/big" --mb 0 --big-mb "$BIG_MB" >/dev/null 2>&1 || true
        mv "$OUT/big/big-msi-utf16.log" "$big"
        rm -rf "$OUT/big"
        echo "$BIG_MB $stamp" > "$OUT/.stamp-big"
    fi
    echo "measuring the ${BIG_MB} MB log..." >&2
    /usr/bin/time -o "$TIMES" -v "$CLI" diagnose "$big" >/dev/null 2>&1 || true
    line=$(cat "$TIMES")
    big_mem=$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' <<<"$line")
    big_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' <<<"$line")
    rg_big_mem=$(peak_mb "${RG[@]}" "$big")
    BIG_LINE="1 GB check: $(size_mb "$big") MB UTF-16 MSI log: setup-triage peak ${big_mem} MB (target < 64 MB), wall ${big_wall}; rg peak ${rg_big_mem} MB."
fi

# --- In the browser: scripts/bench-page.mjs (Playwright, headless Chromium) ----------------------------------
# Time from choosing each generated file to the guide (beside the CLI's time), the longest main-thread task
# while scanning, the heap growth, the 1 GB log's bar, Stop and full run; and the page weight. Needs the
# release page in dist/ (built here when missing: `trunk build --release --offline`) and playwright-core in
# .tools/ (scripts/setup.sh).
WEB_FIGURES="Browser figures: skipped (no dist/ or no .tools/node_modules/playwright-core; run scripts/setup.sh)"
if [ ! -f dist/index.html ] && command -v trunk >/dev/null; then
    echo "building the page (trunk build --release --offline)..." >&2
    PATH="$PWD/.tools/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline >/dev/null 2>&1 || true
fi
if [ -f dist/index.html ] && [ -d .tools/node_modules/playwright-core ]; then
    echo "measuring the page (headless Chromium)..." >&2
    page_args=()
    for f in "${!NATIVE_WALL[@]}"; do page_args+=(--native "$f=${NATIVE_WALL[$f]}"); done
    [ "$BIG_MB" -gt 0 ] && page_args+=(--big "$OUT/big-msi-utf16.log")
    # Several files at once: one worker against one per core.
    page_args+=(--several "$OUT/msi-utf8.log,$OUT/CBS.log,$OUT/WindowsUpdate.log")
    # The real-content UTF-16 MSI log, where the corpus gave one.
    [ -f "$OUT/real-msi-utf16.log" ] && page_args+=("$OUT/real-msi-utf16.log")
    if node scripts/bench-page.mjs "${page_args[@]}" "$OUT/msi-utf16.log" "$OUT/msi-utf8.log" "$OUT/CBS.log" \
        "$OUT/WindowsUpdate.log" >/dev/null; then
        WEB_FIGURES=$(tail -n +4 "$OUT/page-figures.md")
    else
        WEB_FIGURES="Browser figures: bench-page.mjs failed (see its output: node scripts/bench-page.mjs FILE)"
    fi
fi

# --- Report ------------------------------------------------------------------------------------------------
{
    echo "# Benchmark figures"
    echo
    echo "Command: \`scripts/bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) cores, $(rg --version | head -1);" \
        "times: $(if [ -n "$HYPERFINE" ]; then echo "hyperfine's minimum of 5 runs"; else echo "best of $RUNS runs"; fi)," \
        "wall seconds with CPU seconds in brackets;" \
        "rg: \`rg -n -e 'Return value [0-9]' -e 'Error [0-9]{4}' -e 'MainEngineThread' FILE\`)."
    echo
    cat "$TABLE"
    echo
    [ -n "$BIG_LINE" ] && echo "$BIG_LINE" && echo
    echo "Targets (issue 19): the real-content 100 MB UTF-16 MSI log at most 1.0× ripgrep, its UTF-8 twin at most" \
        "2×, the four largest corpus logs at most 2× each; 1 GB log under 64 MB."
    echo
    echo "In the browser (\`node scripts/bench-page.mjs\`, also in $OUT/page-figures.md):"
    echo
    echo "$WEB_FIGURES"
} > "$OUT/figures.md"
rm -f "$TABLE"
cat "$OUT/figures.md"
