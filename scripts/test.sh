#!/usr/bin/env bash
# Runs every test layer: formatting and lints, native (engine + CLI), the page in headless Chromium
# (wasm-bindgen-test), the release build, and end to end (Playwright against the release build on 127.0.0.1).
# Installs what is missing first.
# Every layer runs even if an earlier one failed (end to end needs the release build); the summary at the end
# has one line per layer, and the exit status is non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/setup.sh" || { echo "[test] setup failed"; exit 1; }
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

SUMMARY=()
FAILED=0
# layer NAME COMMAND...: runs one layer, timed, and records its outcome.
layer() {
    local name="$1"; shift
    echo
    echo "=== $name: $*"
    local start=$SECONDS
    if "$@"; then
        SUMMARY+=("PASS  $name ($((SECONDS - start)) s)")
        return 0
    else
        SUMMARY+=("FAIL  $name ($((SECONDS - start)) s)")
        FAILED=1
        return 1
    fi
}

SERVER_PID=""
SERVER_LOG=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=""
    fi
    [ -n "$SERVER_LOG" ] && rm -f "$SERVER_LOG"
}
trap stop_server EXIT

# Serves dist/ on a free port of 127.0.0.1 and runs the Playwright tests against it.
end_to_end() {
    SERVER_LOG="$(mktemp)"
    node "$ROOT/scripts/static-server.mjs" "$ROOT/dist" 0 127.0.0.1 >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    local url=""
    for _ in $(seq 1 100); do
        url="$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$SERVER_LOG")"
        [ -n "$url" ] && break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        echo "the static server did not start:"; cat "$SERVER_LOG"; stop_server; return 1
    fi
    echo "serving dist/ on $url"
    E2E_BASE_URL="$url" node --test tests/e2e/
    local status=$?
    stop_server
    return $status
}

# The page's crate must not depend on the scanner or on regex (its WebAssembly stays small; the worker scans).
# Cargo keeps the crates apart; this says so in the output, and fails if a dependency ever brings them back.
page_links_no_scanner() {
    local deps
    deps=$(cargo tree --target wasm32-unknown-unknown -p setup-triage-web -e normal --prefix none) || return 1
    if grep -E '^(setup-triage-scan|regex) ' <<<"$deps"; then
        echo "the page's crate depends on the scanner or regex (above)"
        return 1
    fi
    echo "the page's crate depends on neither the scanner nor regex"
}

# The habits of a kept codebase: formatted, and no lint warnings, natively and in the page's and worker's wasm.
lints() {
    cargo fmt --check &&
        cargo clippy --all-targets -- -D warnings &&
        cargo clippy --target wasm32-unknown-unknown -p setup-triage-messages -p setup-triage-worker \
            -p setup-triage-web --lib --bins --tests -- -D warnings &&
        page_links_no_scanner
}
layer "format and lints (cargo fmt --check, cargo clippy -D warnings)" lints
layer "native tests (cargo test)" cargo test
layer "browser tests (wasm-bindgen-test, headless Chromium)" \
    cargo test --target wasm32-unknown-unknown -p setup-triage-web --test browser
if layer "release build (trunk build --release)" trunk build --release --offline; then
    layer "end to end (Playwright, node --test tests/e2e/)" end_to_end
else
    SUMMARY+=("SKIP  end to end (no release build)")
fi

echo
echo "=== summary"
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAILED" -ne 0 ]; then
    echo "FAILED"
    exit 1
fi
echo "all layers passed"
