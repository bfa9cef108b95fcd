#!/usr/bin/env bash
# Builds the release page and serves it on http://127.0.0.1:8080 (PORT=... to change). Ctrl-C stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release --offline
echo "Serving dist/ on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C to stop)"
exec node "$ROOT/scripts/static-server.mjs" "$ROOT/dist" "${PORT:-8080}" 127.0.0.1
