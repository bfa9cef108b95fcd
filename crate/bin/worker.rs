//! The Web Worker that reads and scans the page's files; Trunk builds it for wasm32 with the `worker` feature
//! (see www/index.html and crate/worker/mod.rs).

use gloo_worker::Registrable;
use setup_triage::worker::{LogWorker, Structured};

fn main() {
    LogWorker::registrar().encoding::<Structured>().register();
}
