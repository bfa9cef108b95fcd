//! The share-link codec: decoding any string never panics and gives a case or a one-line reason; a case that
//! decodes encodes to a link that decodes to the same case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use setup_triage::case::share;

fuzz_target!(|data: &[u8]| {
    let link = String::from_utf8_lossy(data);
    match share::decode(&link) {
        Ok(case) => {
            let again = share::decode(&share::encode(&case)).expect("a link we made opens");
            assert_eq!(again, case);
        }
        Err(e) => assert_eq!(e.to_string().lines().count(), 1),
    }
});
