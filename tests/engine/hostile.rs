//! Broken and hostile inputs (issue 17): bounded memory and work on any bytes, terminal-safe text, a word for
//! binary input, and the cause line's number in a file that changes encoding.

use setup_triage::engine::scan::{LONG_LINE, MAX_HELD};
use setup_triage::engine::{Answers, Diagnoser, Diagnosis, Verdict};

/// Feeds `total` bytes of `piece` repeated, in chunks of `chunk`, checking after every chunk that the engine
/// holds at most [`MAX_HELD`] bytes; returns the diagnosis and the bytes of text the scan went over.
fn feed_repeated(name: &str, piece: &[u8], total: usize, chunk: usize) -> (Diagnosis, u64) {
    let block: Vec<u8> = piece.iter().copied().cycle().take(chunk).collect();
    let mut d = Diagnoser::new();
    d.begin(name);
    let mut fed = 0;
    let mut most = 0;
    while fed < total {
        let n = chunk.min(total - fed);
        d.feed(&block[..n]);
        fed += n;
        most = most.max(d.held());
        assert!(d.held() <= MAX_HELD, "{} bytes held after {fed} bytes", d.held());
    }
    d.end();
    let scanned = d.scanned();
    eprintln!("{name}: {total} bytes, at most {most} held, {scanned} scanned");
    (d.finish(&Answers::new()), scanned)
}

/// Issue 17, 1: a file of 1 GB with no line break, fed in 1 MiB chunks. Before, the scan kept the whole line
/// (about 4 GB at its peak) and searched it again for every chunk.
#[test]
fn a_gigabyte_without_a_line_break_is_read_in_bounded_memory() {
    let total = 1usize << 30;
    let (d, scanned) = feed_repeated("no-breaks.log", b"A", total, 1 << 20);
    assert!(scanned <= 4 * total as u64, "{scanned} bytes scanned for {total}");
    assert_eq!(d.files[0].lines, 1);
    let note = d.notes.iter().find(|n| n.message.contains("longer than 1 MiB"));
    assert!(note.is_some(), "{:?}", d.notes);
}
