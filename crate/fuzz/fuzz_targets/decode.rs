//! Decoding: any bytes, cut at any chunk size, decode to the same text and counts as decoded whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use setup_triage::scan::text::{Decoder, decode_all};

fuzz_target!(|data: &[u8]| {
    let Some((&size, bytes)) = data.split_first() else {
        return;
    };
    let (whole, encoding, replaced) = decode_all(bytes);
    let mut d = Decoder::new();
    let mut out = String::new();
    for c in bytes.chunks(size as usize % 64 + 1) {
        d.decode(c, &mut out);
    }
    d.finish(&mut out);
    assert_eq!(out, whole);
    assert_eq!(d.encoding().unwrap_or(encoding), encoding);
    assert_eq!(d.replaced, replaced);
    assert!(!out.contains('\0'));
});
