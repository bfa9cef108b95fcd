#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing. Nothing comes from GitHub:
# crates.io (cargo install), npm and Debian's apt only. See ../shared/toolchain.md for the why of each line.
#
# Run by serve.sh and test.sh; safe to run again (it only installs what is missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

say() { printf '[setup] %s\n' "$*"; }

# The wasm-bindgen version is whatever Cargo.lock pins; the CLI must match it exactly.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
TRUNK_VERSION="0.22.1"
BINARYEN_VERSION="132.0.0"

if ! grep -q "wasm_bindgen = \"$WB_VERSION\"" "$ROOT/Trunk.toml"; then
    say "Trunk.toml's [tools] wasm_bindgen must be \"$WB_VERSION\" (the Cargo.lock version); fix it first."
    exit 1
fi

if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "adding rustfmt and clippy"
    rustup component add rustfmt clippy
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing chromium and chromium-driver from apt"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi

if ! command -v brotli >/dev/null 2>&1; then
    say "note: brotli is not installed; only the page-weight figure needs it (apt-get install brotli)"
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "building trunk $TRUNK_VERSION from crates.io (about 8.5 minutes on 2 cores)"
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB_VERSION" ] \
    || ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    say "building wasm-bindgen-cli $WB_VERSION from crates.io (about 3.5 minutes on 2 cores)"
    # No --locked: its lockfile pins a webpki-roots version the registry lacks.
    cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# wasm-opt from npm's binaryen (Debian's is too old for this wasm-bindgen), playwright-core (never
# `playwright`, which downloads browsers) and axe-core (the accessibility checks of tests/e2e/a11y.test.mjs),
# all project-local in .tools/ (gitignored).
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ] \
    || [ ! -d "$TOOLS/node_modules/playwright-core" ] || [ ! -d "$TOOLS/node_modules/axe-core" ]; then
    say "installing binaryen@$BINARYEN_VERSION, playwright-core and axe-core into .tools/"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || echo '{ "private": true }' > "$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION" playwright-core axe-core
fi

say "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(/usr/bin/chromium --version 2>/dev/null)"
