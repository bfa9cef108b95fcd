//! The whole diagnosis through the public API (every log reader: the input's content picks the format), fed in
//! chunks: no panic, the buffers within their bound, the work linear, the same diagnosis whole and in chunks,
//! and a text output with no raw control character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use setup_triage::scan::scan::MAX_HELD;
use setup_triage::case::export;
use setup_triage::{Answers, Diagnoser};

fuzz_target!(|data: &[u8]| {
    let Some((&size, bytes)) = data.split_first() else {
        return;
    };
    let mut d = Diagnoser::new();
    d.begin("fuzz.log");
    for c in bytes.chunks(size as usize * 16 + 1) {
        d.feed(c);
        assert!(d.held() <= MAX_HELD);
    }
    d.end();
    assert!(d.scanned() <= 8 * bytes.len() as u64 + 64);
    let chunked = d.finish(&Answers::new());
    let mut whole = Diagnoser::new();
    whole.add_file("fuzz.log", bytes);
    assert_eq!(whole.finish(&Answers::new()), chunked);
    let text = export::text(&chunked);
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    let _ = export::markdown(&chunked);
    let _ = export::bbcode(&chunked);
});
