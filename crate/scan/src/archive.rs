//! Archives and binary files: what a file is, told from its first bytes (never from its name), and the
//! unpacking of a `.zip` of logs into files of their own (`logs.zip/CBS/CBS.log`).
//!
//! A zip's directory sits at its end, so an archive is held whole (up to [`MAX_ARCHIVE`]) and unpacked when
//! it ends; each entry is then streamed in chunks into the normal scan, like a file the person dropped.
//! Limits keep a hostile or mistaken archive from eating the page: [`MAX_ENTRIES`] entries,
//! [`MAX_UNPACKED`] bytes unpacked in all, archives inside archives one level deep. Each limit reached is
//! said in a note. Damaged archives give a note, never a panic.

use std::io::{Cursor, Read};

/// The largest archive held in memory to unpack.
pub const MAX_ARCHIVE: usize = 512 * 1024 * 1024;
/// The most entries read from one archive.
pub const MAX_ENTRIES: usize = 1000;
/// The most bytes unpacked from one archive, its nested archives included.
pub const MAX_UNPACKED: u64 = 2 * 1024 * 1024 * 1024;
/// How deep archives nest: a zip inside the dropped zip is unpacked, a zip inside that one is not.
pub const MAX_DEPTH: u8 = 2;
/// How many bytes of a file decide what it is.
pub const SNIFF_LEN: usize = 4096;
/// The size of the chunks an entry is streamed in.
const CHUNK: usize = 64 * 1024;

/// What a file is, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text (or anything else): the log scan reads it.
    Text,
    /// A zip archive.
    Zip,
    /// A cabinet (`.cab`), MSZIP or LZX compressed.
    Cab,
    /// An undecoded Event Tracing for Windows trace.
    Etl,
    /// A binary file the engine cannot read, with a note saying what to do instead.
    Unreadable(&'static str),
}

const EVTX_NOTE: &str = "This is a binary event log (.evtx). Open it in Event Viewer, select the events and use \"Save Selected Events\" as text (.txt), or run: wevtutil qe System /f:text > events.txt, and drop that file.";

/// What to give instead of a file that is not a text log: the end of every note about one.
macro_rules! instead {
    ($what:literal) => {
        concat!(
            "This is ",
            $what,
            ", not a text log, so it was not read. Give the setup's log instead: the MSI log (msiexec /l*v \
             install.log), C:\\Windows\\Logs\\CBS\\CBS.log, the .NET setup log (%temp%\\dd_*.log), \
             WindowsUpdate.log (Get-WindowsUpdateLog in PowerShell), or a .zip of them."
        )
    };
}

/// Files people drop by mistake, told by their first bytes: (magic bytes, at offset, the note).
const MAGIC: &[(&[u8], usize, &str)] = &[
    (b"\x89PNG\r\n\x1a\n", 0, instead!("a PNG image")),
    (b"\xFF\xD8\xFF", 0, instead!("a JPEG image")),
    (b"GIF87a", 0, instead!("a GIF image")),
    (b"GIF89a", 0, instead!("a GIF image")),
    (b"%PDF-", 0, instead!("a PDF document")),
    (b"\x7fELF", 0, instead!("a Linux or Unix program")),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        0,
        instead!(
            "an installer package (.msi, .msp) or an Office document; an installer writes its log when run as msiexec /i package.msi /l*v install.log"
        ),
    ),
    (
        b"7z\xBC\xAF\x27\x1C",
        0,
        instead!("a 7-Zip archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (
        b"Rar!\x1a\x07",
        0,
        instead!("a RAR archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (
        b"\x1f\x8b",
        0,
        instead!("a gzip archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (
        b"\xFD7zXZ\0",
        0,
        instead!("an xz archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (
        b"\x28\xB5\x2F\xFD",
        0,
        instead!("a Zstandard archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (
        b"ustar",
        257,
        instead!("a tar archive, which this tool does not unpack (make a .zip of the logs)"),
    ),
    (b"MDMP", 0, instead!("a memory dump (.dmp)")),
    (b"regf", 0, instead!("a registry hive")),
    (b"MSWIM\0\0\0", 0, instead!("a Windows image (.wim)")),
    (b"vhdxfile", 0, instead!("a virtual disk (.vhdx)")),
    (b"SQLite format 3\0", 0, instead!("an SQLite database")),
];

const PROGRAM_NOTE: &str = instead!(
    "a Windows program or library (.exe, .dll, .sys); an installer's log is written when it runs"
);

/// The note for a file whose first bytes are a known binary format's (an image, a program, an archive this
/// tool does not unpack), if any.
fn magic(head: &[u8]) -> Option<&'static str> {
    if let Some((_, _, note)) = MAGIC
        .iter()
        .find(|(m, at, _)| head.get(*at..).is_some_and(|h| h.starts_with(m)))
    {
        return Some(note);
    }
    // `MZ` alone could start a line of text; a program's header has NUL bytes right after it.
    (head.starts_with(b"MZ") && head.len() >= 64 && head[2..64].contains(&0))
        .then_some(PROGRAM_NOTE)
}

/// The share of the first bytes (or of the UTF-16 code units, in a UTF-16 file) that no text log holds: NUL
/// and the control characters other than tab, line ends, form feed and escape. A note names a file at
/// [`BINARY_SHARE`] or more, which is read as text all the same (a damaged log may still say something).
pub fn binary_share(head: &[u8]) -> f64 {
    let odd = |u: u32| matches!(u, 0..=8 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F);
    let (encoding, bom) = crate::text::sniff(head);
    let body = &head[bom.min(head.len())..];
    let (bad, all) = match encoding {
        crate::text::Encoding::Utf16Le | crate::text::Encoding::Utf16Be => {
            let be = encoding == crate::text::Encoding::Utf16Be;
            let units = body.chunks_exact(2).map(|p| {
                if be {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            });
            let bad = units.clone().filter(|&u| odd(u as u32)).count();
            (bad, units.count())
        }
        _ => (body.iter().filter(|&&b| odd(b as u32)).count(), body.len()),
    };
    if all == 0 {
        0.0
    } else {
        bad as f64 / all as f64
    }
}

/// The share of NUL and control characters from which a file read as text gets a note (random bytes have
/// about 11 %, text logs next to none).
pub const BINARY_SHARE: f64 = 0.05;

/// The note for a file read as text whose first bytes look binary (see [`binary_share`]), if they do.
pub fn binary_note(head: &[u8]) -> Option<String> {
    let share = binary_share(head);
    if share < BINARY_SHARE {
        return None;
    }
    let what = if head.iter().all(|&b| b == 0) {
        "It starts with nothing but NUL bytes".to_string()
    } else {
        format!(
            "{:.0} % of its first bytes are NUL or control characters",
            (share * 100.0).max(1.0)
        )
    };
    Some(format!(
        "This does not look like a text log: {what} (binary data, or a damaged file). It was read as text all the \
         same. Give the setup's log instead: the MSI log (msiexec /l*v install.log), \
         C:\\Windows\\Logs\\CBS\\CBS.log, the .NET setup log (%temp%\\dd_*.log), WindowsUpdate.log \
         (Get-WindowsUpdateLog in PowerShell), or a .zip of them."
    ))
}

/// Tells what a file is from its first bytes ([`SNIFF_LEN`] of them, or all of a shorter file).
pub fn sniff(head: &[u8]) -> Kind {
    if let Some(note) = magic(head) {
        return Kind::Unreadable(note);
    }
    if head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(b"PK\x07\x08")
    {
        Kind::Zip
    } else if head.starts_with(b"MSCF\0\0\0\0") {
        Kind::Cab
    } else if head.starts_with(b"ElfFile\0") {
        Kind::Unreadable(EVTX_NOTE)
    } else if looks_like_etl(head) {
        Kind::Etl
    } else {
        Kind::Text
    }
}

/// Where an archive's entries go: the diagnoser, which scans each as a file.
pub trait EntrySink {
    fn begin_entry(&mut self, name: &str);
    fn feed_entry(&mut self, chunk: &[u8]);
    fn end_entry(&mut self);
    /// The bytes unpacked so far, shared by an archive and the archives inside it.
    fn budget(&mut self) -> &mut Budget;
}

/// The running total of bytes unpacked, shared by an archive and the archives inside it.
#[derive(Debug, Default)]
pub struct Budget {
    pub unpacked: u64,
    pub exhausted: bool,
}

/// Unpacks a zip held in memory, handing each entry to `sink` as a file named `name/inner/path`. Returns notes
/// about what could not be read.
pub fn unpack_zip(name: &str, data: &[u8], sink: &mut dyn EntrySink) -> Vec<String> {
    let mut notes = Vec::new();
    let mut zip = match zip::ZipArchive::new(Cursor::new(data)) {
        Ok(z) => z,
        Err(e) => {
            notes.push(format!(
                "{name} looks like a zip archive but could not be opened ({e}): it may be damaged or cut short. Zip the logs again, or drop them one by one."
            ));
            return notes;
        }
    };
    let count = zip.len();
    if count > MAX_ENTRIES {
        notes.push(format!(
            "{name} holds {count} entries; only the first {MAX_ENTRIES} were read. Zip only the logs that matter."
        ));
    }
    let mut buf = vec![0u8; CHUNK];
    for i in 0..count.min(MAX_ENTRIES) {
        if sink.budget().exhausted {
            break;
        }
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                notes.push(format!(
                    "Entry {} of {name} could not be read ({e}); it was skipped.",
                    i + 1
                ));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let inner = format!("{name}/{}", entry.name().trim_start_matches(['/', '\\']));
        stream(name, &inner, &mut entry, &mut buf, sink, &mut notes);
    }
    if count == 0 {
        notes.push(format!("{name} is an empty zip archive."));
    }
    notes
}

/// Unpacks a cabinet held in memory, like [`unpack_zip`].
pub fn unpack_cab(name: &str, data: &[u8], sink: &mut dyn EntrySink) -> Vec<String> {
    let mut notes = Vec::new();
    let mut cab = match cab::Cabinet::new(Cursor::new(data)) {
        Ok(c) => c,
        Err(e) => {
            notes.push(format!(
                "{name} looks like a cabinet (.cab) but could not be opened ({e}): it may be damaged or cut short. Unpack it with: expand -F:* file.cab folder, and drop the logs."
            ));
            return notes;
        }
    };
    let files: Vec<String> = cab
        .folder_entries()
        .flat_map(|f| {
            f.file_entries()
                .map(|e| e.name().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    if files.len() > MAX_ENTRIES {
        notes.push(format!(
            "{name} holds {} entries; only the first {MAX_ENTRIES} were read.",
            files.len()
        ));
    }
    let mut buf = vec![0u8; CHUNK];
    for file in files.iter().take(MAX_ENTRIES) {
        if sink.budget().exhausted {
            break;
        }
        let inner = format!("{name}/{}", file.replace('\\', "/"));
        match cab.read_file(file) {
            Ok(mut reader) => stream(name, &inner, &mut reader, &mut buf, sink, &mut notes),
            Err(e) => notes.push(format!(
                "{inner} could not be unpacked ({e}); it was skipped."
            )),
        }
    }
    if files.is_empty() {
        notes.push(format!("{name} is an empty cabinet."));
    }
    notes
}

/// Streams one entry into the sink as a file, within the budget.
fn stream(
    archive: &str,
    inner: &str,
    reader: &mut dyn Read,
    buf: &mut [u8],
    sink: &mut dyn EntrySink,
    notes: &mut Vec<String>,
) {
    sink.begin_entry(inner);
    loop {
        let n = match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                notes.push(format!(
                    "{inner} is damaged in the archive ({e}); only its readable start was read."
                ));
                break;
            }
        };
        let room = MAX_UNPACKED.saturating_sub(sink.budget().unpacked);
        let take = (n as u64).min(room) as usize;
        sink.feed_entry(&buf[..take]);
        sink.budget().unpacked += take as u64;
        if take < n {
            sink.budget().exhausted = true;
            notes.push(format!(
                "{archive} unpacks to more than {} GiB; reading stopped inside {inner}. Zip only the logs that matter.",
                MAX_UNPACKED >> 30
            ));
            break;
        }
    }
    sink.end_entry();
}

/// Whether a file's first bytes are an ETW trace (`.etl`): a WMI buffer header (a power-of-two buffer size)
/// and, in the trace's header, the UTF-16 name of an `.etl` file or the logger.
pub fn looks_like_etl(head: &[u8]) -> bool {
    if head.len() < 0x50 {
        return false;
    }
    let size = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    if !size.is_power_of_two() || !(0x400..=0x0400_0000).contains(&size) {
        return false;
    }
    const UTF16_ETL: &[u8] = b".\0e\0t\0l\0";
    const UTF16_ETL_UPPER: &[u8] = b".\0E\0T\0L\0";
    memchr::memmem::find(head, UTF16_ETL).is_some()
        || memchr::memmem::find(head, UTF16_ETL_UPPER).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etl_sniff_needs_buffer_header_and_trace_name() {
        let mut b = vec![0u8; 4096];
        b[..4].copy_from_slice(&0x10000u32.to_le_bytes());
        assert!(!looks_like_etl(&b));
        for (i, u) in ".etl".encode_utf16().enumerate() {
            b[0x300 + 2 * i..0x302 + 2 * i].copy_from_slice(&u.to_le_bytes());
        }
        assert!(looks_like_etl(&b));
        b[..4].copy_from_slice(&0x10001u32.to_le_bytes());
        assert!(!looks_like_etl(&b));
        assert!(!looks_like_etl(
            b"2024/03/12 15:45:39.0037934 9808  19832 ComApi  text"
        ));
    }
}
