#!/usr/bin/env bash
# A Trunk post-build hook (Trunk.toml): builds the page's Web Worker a second time, with WebAssembly SIMD
# (`-C target-feature=+simd128`), beside Trunk's own build without it, as worker_simd.js, worker_simd_bg.wasm
# and worker_simd_loader.js in the staging folder. The page loads this one where the browser validates a SIMD
# module, else Trunk's (crate/messages/src/lib.rs, `script_for`).
#
# Trunk cannot build one binary twice with different target features (RUSTFLAGS would change the page's build
# too, and the page must run without SIMD), hence this hook. It does what Trunk does for the worker
# (www/index.html): cargo with the same package, binary and profile, wasm-bindgen for a classic worker, wasm-opt
# -Oz in release, and the same loader shim. Its own target folder keeps the SIMD build from evicting the other's
# cache.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
: "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/simd"
if [ "${TRUNK_PROFILE:-debug}" = release ]; then PROFILE=page; else PROFILE=dev; fi
DIR=$PROFILE
[ "$PROFILE" = dev ] && DIR=debug

RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$TARGET" \
    cargo build --quiet --offline --target wasm32-unknown-unknown --profile "$PROFILE" \
    -p setup-triage-worker --bin worker
OUT="$TARGET/bindgen"
rm -rf "$OUT"
wasm-bindgen --target no-modules --no-typescript --out-dir "$OUT" --out-name worker_simd \
    "$TARGET/wasm32-unknown-unknown/$DIR/worker.wasm"
if [ "$PROFILE" = page ]; then
    wasm-opt -Oz "$OUT/worker_simd_bg.wasm" -o "$TRUNK_STAGING_DIR/worker_simd_bg.wasm"
else
    cp "$OUT/worker_simd_bg.wasm" "$TRUNK_STAGING_DIR/worker_simd_bg.wasm"
fi
cp "$OUT/worker_simd.js" "$TRUNK_STAGING_DIR/worker_simd.js"
printf '%s' 'importScripts("./worker_simd.js");wasm_bindgen("./worker_simd_bg.wasm");' \
    > "$TRUNK_STAGING_DIR/worker_simd_loader.js"
echo "simd-worker: worker_simd_bg.wasm $(stat -c %s "$TRUNK_STAGING_DIR/worker_simd_bg.wasm") bytes"
