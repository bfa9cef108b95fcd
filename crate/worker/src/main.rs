//! The Web Worker that reads and scans the page's files; Trunk builds it for wasm32 (see www/index.html), and
//! `scripts/simd-worker.sh` builds it again with WebAssembly SIMD.

fn main() {
    messages::register(setup_triage_worker::SCANNER);
}
