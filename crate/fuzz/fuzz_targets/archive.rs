//! Archives: any bytes unpacked as a zip and as a cabinet, each entry scanned: no panic, and the limits hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use setup_triage::scan::archive;
use setup_triage::{Answers, Diagnoser};

fuzz_target!(|data: &[u8]| {
    let mut d = Diagnoser::new();
    let _ = archive::unpack_zip("fuzz.zip", data, &mut d);
    let _ = archive::unpack_cab("fuzz.cab", data, &mut d);
    let _ = d.finish(&Answers::new());
    // And as a dropped file, whose first bytes decide what it is.
    let mut d = Diagnoser::new();
    d.add_file("dropped", data);
    let _ = d.finish(&Answers::new());
});
