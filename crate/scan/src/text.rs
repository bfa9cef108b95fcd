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
    /// UTF-16 code units made of two printable ASCII bytes, held back: a run of them is 8-bit text appended
    /// to a UTF-16 file (see [`SWITCH_RUN`]).
    suspect: Vec<u8>,
    /// Where a UTF-16 file turned out to go on in 8-bit text (read as UTF-8 from there on), if it did.
    pub switched_at: Option<u64>,
}

/// A UTF-16 file may go on in 8-bit text: a tool that writes ANSI appended lines to a UTF-16 log (`echo … >>
/// log` in a batch file). Read as UTF-16, those lines become CJK-looking characters and their line ends
/// vanish, so every line number after them is wrong. A run of code units each made of two printable ASCII
/// bytes (or tab, CR, LF) that holds an LF byte and is at least this long (or [`SWITCH_RUN_MAX`] long
/// without one) is taken for 8-bit text: the decoder reads it and the rest of the file as UTF-8 (NULs
/// dropped, so UTF-16 ASCII text after it still reads). Real UTF-16 text makes such a run only by a long
/// string of CJK characters that each happen to have two such bytes, and with a line end inside.
const SWITCH_RUN: usize = 16;
/// See [`SWITCH_RUN`].
const SWITCH_RUN_MAX: usize = 512;

/// Whether a UTF-16 code unit's two bytes both look like 8-bit text.
fn eight_bit_pair(a: u8, b: u8) -> bool {
    let text = |x: u8| (0x20..0x7F).contains(&x) || matches!(x, b'\t' | b'\r' | b'\n');
    text(a) && text(b)
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// The bytes held back (for the tests of bounded memory).
    pub fn held(&self) -> usize {
        self.pending.capacity()
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

    /// The chunk itself as text, when decoding it would only copy it (UTF-8 decided, nothing held back, no NUL,
    /// nothing to replace): the caller reads it where it lies, and the decoder counts it as decoded. `None`
    /// leaves the chunk to [`Decoder::decode`].
    pub fn borrow<'a>(&mut self, chunk: &'a [u8]) -> Option<&'a str> {
        if self.encoding != Some(Encoding::Utf8)
            || self.switched_at.is_some()
            || !self.pending.is_empty()
            || memchr::memchr(0, chunk).is_some()
        {
            return None;
        }
        let text = std::str::from_utf8(chunk).ok()?;
        self.bytes += chunk.len() as u64;
        Some(text)
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
        self.flush_suspect(out);
        if self.high_surrogate.take().is_some() {
            self.replaced += 1;
            out.push('\u{FFFD}');
        }
    }

    /// Emits the held code units as the UTF-16 characters they are (the run was not 8-bit text).
    fn flush_suspect(&mut self, out: &mut String) {
        if self.suspect.is_empty() {
            return;
        }
        let big_endian = self.encoding == Some(Encoding::Utf16Be);
        for p in self.suspect.chunks_exact(2) {
            let u = if big_endian {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            };
            // Both bytes are below 0x80: never a surrogate.
            out.push(char::from_u32(u as u32).unwrap_or('\u{FFFD}'));
        }
        self.suspect.clear();
    }

    fn decide(&mut self) {
        let (enc, bom) = sniff(&self.pending);
        self.encoding = Some(enc);
        self.pending.drain(..bom);
    }

    fn decode_known(&mut self, bytes: &[u8], out: &mut String) {
        if self.switched_at.is_some() {
            return self.decode_utf8(bytes, out);
        }
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
        let big_endian = unit([0, 1]) == 1;
        let even = bytes.len() & !1;
        if bytes.len() > even {
            self.pending.push(bytes[even]);
        }
        out.reserve(even / 2);
        let mut rest = &bytes[..even];
        let mut ascii = [0u8; ASCII_RUN];
        while rest.len() >= 2 {
            // Logs are nearly all ASCII: take runs of ASCII code units a word at a time.
            if self.high_surrogate.is_none() && self.suspect.is_empty() {
                let n = ascii_run(rest, big_endian, &mut ascii);
                if n > 0 {
                    out.push_str(std::str::from_utf8(&ascii[..n]).unwrap_or_default());
                    rest = &rest[2 * n..];
                    continue;
                }
            }
            let (a, b) = (rest[0], rest[1]);
            let u = unit([a, b]);
            rest = &rest[2..];
            if self.high_surrogate.is_none() && eight_bit_pair(a, b) {
                self.suspect.extend_from_slice(&[a, b]);
                let units = self.suspect.len() / 2;
                if (units >= SWITCH_RUN && memchr::memchr(b'\n', &self.suspect).is_some())
                    || units >= SWITCH_RUN_MAX
                {
                    // 8-bit text from here on: the run, the rest of this chunk (with its odd byte, held in
                    // `pending` above) and every later chunk.
                    let held = std::mem::take(&mut self.suspect);
                    let mut tail = rest.to_vec();
                    tail.append(&mut self.pending);
                    self.switched_at =
                        Some(self.bytes.saturating_sub((tail.len() + held.len()) as u64));
                    self.decode_utf8(&held, out);
                    self.decode_utf8(&tail, out);
                    return;
                }
                continue;
            }
            self.flush_suspect(out);
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

/// Code units converted per ASCII run (a stack buffer; the run goes on in the next round).
const ASCII_RUN: usize = 2048;

/// Copies the leading run of ASCII code units other than NUL (whole 8-unit blocks only) from UTF-16 `bytes`
/// into `ascii` as bytes; returns how many units it took. Whole 16-unit blocks go through 128-bit vectors
/// where the target has them (SSE2, which every x86-64 processor has; WebAssembly SIMD in the page's worker's
/// SIMD build), the rest a word at a time (see [`ascii_run_words`]).
fn ascii_run(bytes: &[u8], big_endian: bool, ascii: &mut [u8; ASCII_RUN]) -> usize {
    let n = ascii_run_vector(bytes, big_endian, ascii);
    if n == ASCII_RUN || bytes.len() < 2 * n + 16 {
        return n;
    }
    let (_, rest) = ascii.split_at_mut(n);
    n + ascii_run_words(&bytes[2 * n..], big_endian, rest)
}

/// [`ascii_run`] 16 code units at a time: two 16-byte loads, one test of both for a unit above 0x7F or equal
/// to 0, and one saturating pack of the units' low bytes. Three times as fast as the word-at-a-time loop on a
/// UTF-16 log, which makes decoding cost less than searching the text it gives.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn ascii_run_vector(bytes: &[u8], big_endian: bool, ascii: &mut [u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpeq_epi16, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_packus_epi16, _mm_set1_epi16, _mm_setzero_si128,
        _mm_slli_epi16, _mm_srli_epi16, _mm_storeu_si128,
    };
    let mut n = 0;
    for (block, dst) in bytes.chunks_exact(32).zip(ascii.chunks_exact_mut(16)) {
        // SAFETY: `block` holds 32 bytes and `dst` 16 (`chunks_exact`): the two unaligned loads read
        // `block[..16]` and `block[16..]`, the unaligned store writes `dst[..16]`; SSE2 is enabled at compile
        // time (the `cfg` above), so every intrinsic is available.
        let packed = unsafe {
            let mut a = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let mut b = _mm_loadu_si128(block.as_ptr().add(16).cast::<__m128i>());
            if big_endian {
                a = _mm_or_si128(_mm_slli_epi16::<8>(a), _mm_srli_epi16::<8>(a));
                b = _mm_or_si128(_mm_slli_epi16::<8>(b), _mm_srli_epi16::<8>(b));
            }
            let zero = _mm_setzero_si128();
            let high = _mm_andnot_si128(_mm_set1_epi16(0x7F), _mm_or_si128(a, b));
            let nul = _mm_or_si128(_mm_cmpeq_epi16(a, zero), _mm_cmpeq_epi16(b, zero));
            let bad = _mm_or_si128(high, nul);
            if _mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero)) != 0xFFFF {
                break;
            }
            _mm_packus_epi16(a, b)
        };
        // SAFETY: see above; `dst` is 16 bytes long.
        unsafe { _mm_storeu_si128(dst.as_mut_ptr().cast::<__m128i>(), packed) };
        n += 16;
    }
    n
}

/// [`ascii_run`] 16 code units at a time with WebAssembly SIMD (`+simd128`: the page's worker's SIMD build,
/// `scripts/simd-worker.sh`): two 16-byte loads, one test of both for a unit above 0x7F or equal to 0, and one
/// saturating narrowing of the units to bytes, as with SSE2 above.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn ascii_run_vector(bytes: &[u8], big_endian: bool, ascii: &mut [u8]) -> usize {
    use std::arch::wasm32::{
        i8x16_shuffle, u8x16_narrow_i16x8, u16x8_eq, u16x8_ge, u16x8_splat, v128, v128_any_true,
        v128_load, v128_or, v128_store,
    };
    // Big-endian units: each lane's two bytes swapped, so that lanes hold the units' values.
    let units = |v: v128| {
        if big_endian {
            i8x16_shuffle::<1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14>(v, v)
        } else {
            v
        }
    };
    // Lanes of a unit ≥ 0x80, or of a unit 0 (NUL is dropped on the slow path).
    let odd = |v: v128| v128_or(u16x8_ge(v, u16x8_splat(0x80)), u16x8_eq(v, u16x8_splat(0)));
    let mut n = 0;
    for (block, dst) in bytes.chunks_exact(32).zip(ascii.chunks_exact_mut(16)) {
        // SAFETY: `block` holds 32 bytes (`chunks_exact`): the two loads read `block[..16]` and `block[16..]`;
        // WebAssembly loads need no alignment.
        let (a, b) = unsafe {
            (
                v128_load(block.as_ptr().cast::<v128>()),
                v128_load(block.as_ptr().add(16).cast::<v128>()),
            )
        };
        let (a, b) = (units(a), units(b));
        if v128_any_true(v128_or(odd(a), odd(b))) {
            break;
        }
        // Every lane is under 0x80: narrowing keeps its value.
        // SAFETY: `dst` is 16 bytes long (`chunks_exact_mut`); WebAssembly stores need no alignment.
        unsafe { v128_store(dst.as_mut_ptr().cast::<v128>(), u8x16_narrow_i16x8(a, b)) };
        n += 16;
    }
    n
}

#[cfg(not(any(
    all(target_arch = "x86_64", target_feature = "sse2"),
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
fn ascii_run_vector(_: &[u8], _: bool, _: &mut [u8]) -> usize {
    0
}

/// [`ascii_run`] a word at a time. Each 8-byte word is read as four 16-bit lanes holding the units' values,
/// so one mask test checks four units, and one shift-and-mask packs them.
// Words are read and written as whole arrays, not with `copy_from_slice`: the page's worker is built for size
// (`opt-level = "z"`), where an 8-byte `copy_from_slice` stays a call, a sixth of the worker's whole time.
fn ascii_run_words(bytes: &[u8], big_endian: bool, ascii: &mut [u8]) -> usize {
    const NOT_ASCII: u64 = 0xFF80_FF80_FF80_FF80;
    const ONES: u64 = 0x0001_0001_0001_0001;
    const HIGHS: u64 = 0x8000_8000_8000_8000;
    let word = |b: &[u8]| {
        let w = <[u8; 8]>::try_from(b).unwrap_or_default();
        if big_endian {
            u64::from_be_bytes(w)
        } else {
            u64::from_le_bytes(w)
        }
    };
    // The four lanes' low bytes side by side, lane 0 lowest.
    let pack = |w: u64| {
        (w & 0xFF) | ((w >> 8) & 0xFF00) | ((w >> 16) & 0xFF_0000) | ((w >> 24) & 0xFF00_0000)
    };
    // In big-endian words the first unit is the highest lane: its packed bytes are in reverse order.
    let in_order = |p: u64| {
        if big_endian {
            u64::from((p as u32).swap_bytes())
        } else {
            p
        }
    };
    let mut n = 0;
    for (block, dst) in bytes.chunks_exact(16).zip(ascii.chunks_exact_mut(8)) {
        let (a, b) = (word(&block[..8]), word(&block[8..]));
        // Any unit ≥ 0x80, or any unit 0 (NUL is dropped on the slow path).
        let nul = (a.wrapping_sub(ONES) & !a) | (b.wrapping_sub(ONES) & !b);
        if (a | b) & NOT_ASCII != 0 || nul & HIGHS != 0 {
            break;
        }
        let units = in_order(pack(a)) | (in_order(pack(b)) << 32);
        if let Ok(dst) = <&mut [u8; 8]>::try_from(dst) {
            *dst = units.to_le_bytes();
        }
        n += 8;
    }
    n
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
    // 8-bit text with NULs sprinkled in at a fixed stride (a NUL every fourth byte) has them on one side too;
    // but then the pairs without a NUL are two printable ASCII bytes, where in UTF-16 text they are characters
    // beyond ASCII, which two such bytes make far less often (about one CJK character in five).
    let printable = |b: u8| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\r' | b'\n');
    let ascii_pairs = sample
        .chunks_exact(2)
        .filter(|p| printable(p[0]) && printable(p[1]))
        .count();
    let sprinkled = ascii_pairs * 4 > pairs;
    // Text in UTF-16 is mostly ASCII, so one byte of each pair is NUL; a UTF-8 log with stray NULs has them
    // on both sides alike.
    if pairs > 0 && !sprinkled {
        if odd_nul * 10 >= pairs * 3 && odd_nul > even_nul * 4 {
            return (Encoding::Utf16Le, 0);
        }
        if even_nul * 10 >= pairs * 3 && even_nul > odd_nul * 4 {
            return (Encoding::Utf16Be, 0);
        }
    }
    // Else 8-bit text (NULs are dropped).
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

fn decode_1252(mut bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len());
    while !bytes.is_empty() {
        // ASCII runs are the same text in UTF-8: copy them whole.
        let run = bytes
            .iter()
            .position(|&b| b == 0 || b >= 0x80)
            .unwrap_or(bytes.len());
        out.push_str(std::str::from_utf8(&bytes[..run]).unwrap_or_default());
        let Some(&b) = bytes.get(run) else {
            break;
        };
        match b {
            0 => {}
            0x80..=0x9F => out.push(CP1252_HIGH[(b - 0x80) as usize]),
            _ => out.push(b as char),
        }
        bytes = &bytes[run + 1..];
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `bytes` whole and in chunks of every size up to 9; all must agree with `expected`.
    fn check(bytes: &[u8], expected: (&str, Encoding, u64)) {
        let (text, enc, replaced) = decode_all(bytes);
        assert_eq!((text.as_str(), enc, replaced), expected, "whole");
        for size in 1..10 {
            let mut d = Decoder::new();
            let mut out = String::new();
            for c in bytes.chunks(size) {
                d.decode(c, &mut out);
            }
            d.finish(&mut out);
            assert_eq!(
                (
                    out.as_str(),
                    d.encoding().unwrap_or(Encoding::Utf8),
                    d.replaced
                ),
                expected,
                "chunks of {size}"
            );
        }
    }

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let units = bom.then_some(0xFEFF).into_iter().chain(s.encode_utf16());
        if big_endian {
            units.flat_map(u16::to_be_bytes).collect()
        } else {
            units.flat_map(u16::to_le_bytes).collect()
        }
    }

    #[test]
    fn boms_are_removed_and_decide_the_encoding() {
        check(b"\xEF\xBB\xBFabc\r\n", ("abc\r\n", Encoding::Utf8, 0));
        check(
            &utf16("abc é", false, true),
            ("abc é", Encoding::Utf16Le, 0),
        );
        check(&utf16("abc é", true, true), ("abc é", Encoding::Utf16Be, 0));
        check(b"\xEF\xBB\xBF", ("", Encoding::Utf8, 0));
        check(b"\xFF\xFE", ("", Encoding::Utf16Le, 0));
        // A BOM-like sequence later in the file is text (U+FEFF), not a BOM.
        check(b"a\xEF\xBB\xBF", ("a\u{FEFF}", Encoding::Utf8, 0));
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_nuls() {
        let text = "MSI (s) (84:F4) [13:00:05:953]: Doing action: InstallFiles\r\n".repeat(3);
        check(&utf16(&text, false, false), (&text, Encoding::Utf16Le, 0));
        check(&utf16(&text, true, false), (&text, Encoding::Utf16Be, 0));
        // A UTF-8 log with a few stray NULs stays UTF-8, and the NULs are dropped.
        check(
            b"line one\0\nline two\0\0\n",
            ("line one\nline two\n", Encoding::Utf8, 0),
        );
        // NULs inside UTF-16 text are dropped too.
        check(&utf16("a\0b", false, true), ("ab", Encoding::Utf16Le, 0));
    }

    #[test]
    fn invalid_bytes_become_replacement_characters_and_are_counted() {
        // Past the sniffing window (bad bytes inside it would make the file Windows-1252).
        let pad = "x".repeat(SNIFF_LEN);
        let utf8 = |b: &[u8]| [pad.as_bytes(), b].concat();
        check(
            &utf8(b"a\xFFb\xFEc"),
            (&format!("{pad}a\u{FFFD}b\u{FFFD}c"), Encoding::Utf8, 2),
        );
        // A sequence cut short by an ASCII byte: one U+FFFD for its two bytes.
        check(
            &utf8(b"a\xE2\x82A"),
            (&format!("{pad}a\u{FFFD}A"), Encoding::Utf8, 2),
        );
        // UTF-16: a lone low surrogate, a high surrogate not followed by a low one.
        let mut lone = utf16("ab", false, true);
        lone.extend_from_slice(&[0x00, 0xDC, b'c', 0, 0x00, 0xD8, b'd', 0]);
        check(&lone, ("ab\u{FFFD}c\u{FFFD}d", Encoding::Utf16Le, 2));
        // A surrogate pair is one character.
        check(&utf16("x🚀y", true, true), ("x🚀y", Encoding::Utf16Be, 0));
    }

    #[test]
    fn truncated_sequences_at_the_end_are_replaced() {
        check(b"abc\xE2\x82", ("abc\u{FFFD}", Encoding::Utf8, 2));
        check(b"abc\xF0", ("abc\u{FFFD}", Encoding::Utf8, 1));
        let mut odd = utf16("abc", false, true);
        odd.push(b'd');
        check(&odd, ("abc\u{FFFD}", Encoding::Utf16Le, 1));
        let mut high = utf16("abc", false, true);
        high.extend_from_slice(&[0x3D, 0xD8]);
        check(&high, ("abc\u{FFFD}", Encoding::Utf16Le, 1));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        check(
            b"caf\xE9 \x80 \x93q\x94 \x81\0!",
            ("café € “q” \u{FFFD}!", Encoding::Windows1252, 0),
        );
    }

    /// A UTF-16 file that goes on in 8-bit text is read as such from there (its line ends count); CJK text in
    /// UTF-16, whose code units may also be two printable bytes, stays UTF-16.
    #[test]
    fn utf16_that_goes_on_in_8_bit_text_switches() {
        let mut bytes = utf16("first line\r\n", false, true);
        bytes.extend_from_slice(b"appended by a batch file\r\nand another line\r\n");
        check(
            &bytes,
            (
                "first line\r\nappended by a batch file\r\nand another line\r\n",
                Encoding::Utf16Le,
                0,
            ),
        );
        let cjk = "インストール中にエラーが発生しました。上位の操作が失敗しました。\r\n日本語のログ行です。漢字とかなの混在\r\n"
            .repeat(20);
        for be in [false, true] {
            let (text, _, _) = decode_all(&utf16(&cjk, be, true));
            assert_eq!(text, cjk);
        }
    }

    /// The 16-unit (SSE2) and word-at-a-time ASCII paths give what the standard library gives, with a character
    /// beyond ASCII, a NUL or a surrogate pair at every position of a 16-unit block and of the words after it.
    #[test]
    fn block_utf16_matches_the_standard_library() {
        let ascii = "Action ended 13:00:05: InstallFiles. Return value 3. MSI (s) (84:F4)";
        for odd in ["é", "\0", "🚀", "\u{7F}", "\u{80}", "\u{100}"] {
            for at in 0..48 {
                let s = format!("{}{odd}{}", &ascii[..at], &ascii[at..]);
                for be in [false, true] {
                    let (out, _, replaced) = decode_all(&utf16(&s, be, true));
                    assert_eq!(
                        out,
                        s.replace('\0', ""),
                        "{odd:?} at {at}, big endian: {be}"
                    );
                    assert_eq!(replaced, 0);
                }
            }
        }
    }

    /// The word-at-a-time path on its own (natively the vector path leaves it only a run's last units; the
    /// page's worker without SIMD has only it): whole 8-unit blocks in the units' order, in both byte orders,
    /// up to the first block that holds a unit beyond ASCII.
    #[test]
    fn word_at_a_time_ascii_keeps_the_units_in_order() {
        let s = "Action ended 13:00:05: InstallFiles. Return value 3.";
        let beyond = format!("{}é{}", &s[..20], &s[20..]);
        let mut ascii = [0u8; ASCII_RUN];
        for be in [false, true] {
            let n = ascii_run_words(&utf16(s, be, false), be, &mut ascii);
            assert_eq!(n, s.len() / 8 * 8, "big endian: {be}");
            assert_eq!(&ascii[..n], &s.as_bytes()[..n], "big endian: {be}");
            assert_eq!(
                ascii_run_words(&utf16(&beyond, be, false), be, &mut ascii),
                16
            );
        }
    }

    /// The word-at-a-time ASCII path gives what the standard library gives, at every alignment and with
    /// non-ASCII units and NULs in every position of a word.
    #[test]
    fn bulk_utf16_matches_the_standard_library() {
        let base = "MSI (s) [1]: Ünïcode ok\r\nplain ascii line of some length\n日本語 🚀 end";
        for start in 0..12 {
            let s: String = base.chars().skip(start).collect();
            for be in [false, true] {
                check(
                    &utf16(&s, be, true),
                    (
                        &s,
                        if be {
                            Encoding::Utf16Be
                        } else {
                            Encoding::Utf16Le
                        },
                        0,
                    ),
                );
                let with_nul = format!("{s}\0{s}");
                let (out, _, _) = decode_all(&utf16(&with_nul, be, true));
                assert_eq!(out, format!("{s}{s}"));
            }
        }
    }
}
