//! The page's entry point; Trunk builds it for wasm32 with the `web` feature (see www/index.html).

fn main() {
    setup_triage::web::start();
}
