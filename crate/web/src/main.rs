//! The page's entry point; Trunk builds it for wasm32 (see www/index.html).

fn main() {
    setup_triage_web::start();
}
