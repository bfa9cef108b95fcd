//! Bytes to text, chunk by chunk: UTF-8 (with or without BOM), UTF-16LE/BE (with or without BOM) and a
//! Windows-1252 fallback. Decoding never fails: bytes that cannot be decoded become U+FFFD and are counted, so
//! the diagnosis can say so. NUL characters, which some text logs carry, are dropped.

use std::fmt;

/// The encodings the decoder tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        })
    }
}

/// How many bytes the decoder looks at before it decides the encoding of a file without a BOM.
const SNIFF_LEN: usize = 4096;

/// A streaming decoder for one file.
#[derive(Debug, Default)]
pub struct Decoder {
    encoding: Option<Encoding>,
    /// Bytes held back: the sniffing window before the encoding is known, then an incomplete UTF-8 sequence
    /// or UTF-16 code unit at the end of the last chunk.
    pending: Vec<u8>,
    /// A UTF-16 high surrogate waiting for its low half.
    high_surrogate: Option<u16>,
    /// Bytes (or code units) that could not be decoded.
    pub replaced: u64,
    /// Bytes taken in.
    pub bytes: u64,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// The encoding, once decided (after the first few KB, or at the end).
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// Decodes a chunk, appending the text to `out`. Chunks may be cut anywhere.
    pub fn decode(&mut self, chunk: &[u8], out: &mut String) {
        self.bytes += chunk.len() as u64;
        if self.encoding.is_none() {
            self.pending.extend_from_slice(chunk);
            if self.pending.len() < SNIFF_LEN {
                return;
            }
            self.decide();
            let held = std::mem::take(&mut self.pending);
            self.decode_known(&held, out);
            return;
        }
        if self.pending.is_empty() {
            self.decode_known(chunk, out);
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(chunk);
            self.decode_known(&joined, out);
        }
    }

    /// Flushes what is held back at the end of the file.
    pub fn finish(&mut self, out: &mut String) {
        if self.encoding.is_none() {
            self.decide();
            let held = std::mem::take(&mut self.pending);
            self.decode_known(&held, out);
        }
        if !self.pending.is_empty() {
            // A truncated sequence at the very end.
            self.replaced += self.pending.len() as u64;
            self.pending.clear();
            out.push('\u{FFFD}');
        }
        if self.high_surrogate.take().is_some() {
            self.replaced += 1;
            out.push('\u{FFFD}');
        }
    }

    fn decide(&mut self) {
        let (enc, bom) = sniff(&self.pending);
        self.encoding = Some(enc);
        self.pending.drain(..bom);
    }

    fn decode_known(&mut self, bytes: &[u8], out: &mut String) {
        match self.encoding.unwrap_or(Encoding::Utf8) {
            Encoding::Utf8 => self.decode_utf8(bytes, out),
            Encoding::Utf16Le => self.decode_utf16(bytes, out, u16::from_le_bytes),
            Encoding::Utf16Be => self.decode_utf16(bytes, out, u16::from_be_bytes),
            Encoding::Windows1252 => decode_1252(bytes, out),
        }
    }

    fn decode_utf8(&mut self, mut bytes: &[u8], out: &mut String) {
        loop {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    push_without_nul(out, s);
                    return;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    // SAFETY-free: from_utf8 said these bytes are valid.
                    push_without_nul(out, std::str::from_utf8(&bytes[..good]).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            self.replaced += bad as u64;
                            out.push('\u{FFFD}');
                            bytes = &bytes[good + bad..];
                        }
                        None => {
                            // An incomplete sequence at the end of the chunk: keep it for the next one.
                            self.pending.extend_from_slice(&bytes[good..]);
                            return;
                        }
                    }
                }
            }
        }
    }

    fn decode_utf16(&mut self, bytes: &[u8], out: &mut String, unit: fn([u8; 2]) -> u16) {
        let pairs = bytes.chunks_exact(2);
        if let [odd] = pairs.remainder() {
            self.pending.push(*odd);
        }
        out.reserve(bytes.len() / 2);
        for pair in pairs {
            let u = unit([pair[0], pair[1]]);
            if let Some(hi) = self.high_surrogate.take() {
                if (0xDC00..0xE000).contains(&u) {
                    let c = 0x10000 + (((hi as u32) - 0xD800) << 10) + ((u as u32) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    continue;
                }
                self.replaced += 1;
                out.push('\u{FFFD}');
            }
            match u {
                0 => {}
                0xD800..=0xDBFF => self.high_surrogate = Some(u),
                0xDC00..=0xDFFF => {
                    self.replaced += 1;
                    out.push('\u{FFFD}');
                }
                // Every other code unit is a scalar value.
                _ => out.push(char::from_u32(u as u32).unwrap_or('\u{FFFD}')),
            }
        }
    }
}

fn push_without_nul(out: &mut String, s: &str) {
    if memchr::memchr(0, s.as_bytes()).is_none() {
        out.push_str(s);
    } else {
        out.extend(s.chars().filter(|&c| c != '\0'));
    }
}

/// Decides the encoding of a file from its first bytes; returns it and the length of its BOM.
pub fn sniff(head: &[u8]) -> (Encoding, usize) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, 2);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, 2);
    }
    let sample = &head[..head.len().min(SNIFF_LEN) & !1];
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_nul += (pair[0] == 0) as usize;
        odd_nul += (pair[1] == 0) as usize;
    }
    let pairs = sample.len() / 2;
    // Text in UTF-16 is mostly ASCII, so one byte of each pair is NUL; a UTF-8 log with stray NULs has them
    // on both sides alike.
    if pairs > 0 && odd_nul * 10 >= pairs * 3 && odd_nul > even_nul * 4 {
        return (Encoding::Utf16Le, 0);
    }
    if pairs > 0 && even_nul * 10 >= pairs * 3 && even_nul > odd_nul * 4 {
        return (Encoding::Utf16Be, 0);
    }
    match std::str::from_utf8(&head[..head.len().min(SNIFF_LEN)]) {
        Ok(_) => (Encoding::Utf8, 0),
        // An incomplete sequence cut by the sample's end is still UTF-8.
        Err(e) if e.error_len().is_none() => (Encoding::Utf8, 0),
        Err(_) => (Encoding::Windows1252, 0),
    }
}

/// Windows-1252 bytes 0x80–0x9F; the rest of the range maps to the same code point (Latin-1).
/// Written out here rather than pulling in a full encoding library for 32 entries (see ARCHITECTURE.md).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

fn decode_1252(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len());
    for &b in bytes {
        match b {
            0 => {}
            0x00..=0x7F => out.push(b as char),
            0x80..=0x9F => out.push(CP1252_HIGH[(b - 0x80) as usize]),
            _ => out.push(b as char),
        }
    }
}

/// Decodes a whole byte slice at once (for tests and small inputs).
pub fn decode_all(bytes: &[u8]) -> (String, Encoding, u64) {
    let mut d = Decoder::new();
    let mut out = String::new();
    d.decode(bytes, &mut out);
    d.finish(&mut out);
    (out, d.encoding.unwrap_or(Encoding::Utf8), d.replaced)
}
