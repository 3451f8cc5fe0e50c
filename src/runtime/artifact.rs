//! The precompiled-package file format: a package's compiled machine code for one or more
//! engine configurations, with everything needed to reject a stale, foreign, truncated or
//! corrupt file before wasmtime's (`unsafe`) deserializer sees it.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! offset  size  field
//! 0       8     magic "\x7fPACKRPC"
//! 8       4     format version (FORMAT_VERSION)
//! 12      1     V = length of the libpackr version string
//! 13      V     libpackr version that wrote the file ("0.1.0"); must equal the reader's
//! 13+V    8     P = payload length
//! 21+V    16    checksum: xxh3-128 of the payload
//! 37+V    P     payload:
//!                 4   N = number of sections
//!                 N × { 1 configuration (bit 0: fuel metering; other bits must be 0),
//!                       8 engine compatibility hash (wasmtime version, target, CPU features,
//!                         compiler settings; see `compat_hash`),
//!                       8 L = code length, L code (wasmtime's serialized module) }
//! ```
//!
//! The checks run in the order of the fields, so the error names the first thing that is
//! wrong: not an artifact, another format version, another libpackr, truncated, corrupt,
//! malformed sections. The engine compatibility hash is checked against the loading engine by
//! the caller (`engine.rs`), before deserializing.

use super::engine::EngineKey;
use super::error::{Error, ErrorKind, Result};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use wasmtime::Engine;

/// The first 8 bytes of every artifact.
pub(crate) const MAGIC: [u8; 8] = *b"\x7fPACKRPC";
/// Bumped whenever the layout above changes.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// The libpackr version written into artifacts and required when loading them.
pub(crate) const LIBPACKR_VERSION: &str = env!("CARGO_PKG_VERSION");

const CONFIG_FUEL: u8 = 1;

/// One configuration's code, to be written.
pub(crate) struct SectionOut {
    pub key: EngineKey,
    pub compat: u64,
    pub code: Vec<u8>,
}

/// One configuration's code inside a checked artifact.
#[derive(Clone, Debug)]
pub(crate) struct SectionRef {
    pub key: EngineKey,
    pub compat: u64,
    pub range: Range<usize>,
}

/// A checked artifact: its checksum (the payload's xxh3-128) and where each section's code is.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub checksum: u128,
    pub sections: Vec<SectionRef>,
}

/// A hash of everything in `engine`'s configuration that decides whether code compiled by one
/// engine can run in another (wasmtime's `precompile_compatibility_hash`, which covers the
/// wasmtime version, the target and CPU features and the compiler and wasm feature settings),
/// reduced to 64 bits with xxh3.
pub(crate) fn compat_hash(engine: &Engine) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    h.finish()
}

fn header_len() -> usize {
    MAGIC.len() + 4 + 1 + LIBPACKR_VERSION.len() + 8 + 16
}

/// Writes an artifact holding `sections`.
pub(crate) fn write(sections: &[SectionOut]) -> Vec<u8> {
    let mut payload = Vec::new();
    payload.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    for s in sections {
        payload.push(if s.key.fuel { CONFIG_FUEL } else { 0 });
        payload.extend_from_slice(&s.compat.to_le_bytes());
        payload.extend_from_slice(&(s.code.len() as u64).to_le_bytes());
        payload.extend_from_slice(&s.code);
    }
    let version = LIBPACKR_VERSION.as_bytes();
    let mut out = Vec::with_capacity(header_len() + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    // Cargo versions are short; the length byte cannot overflow in practice.
    out.push(u8::try_from(version.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(version);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(
        ErrorKind::Compile,
        format!("not a usable precompiled package: {}", message.into()),
    )
}

/// A little-endian reader over `data` that never reads past its end.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }
    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.array()?))
    }
}

/// Checks an artifact's header, length and checksum, and finds its sections.
pub(crate) fn parse(data: &[u8]) -> Result<Parsed> {
    let truncated = |what: &str| {
        bad(format!(
            "truncated: the file ends inside its {what} ({} bytes in all)",
            data.len()
        ))
    };
    let mut r = Reader { data, pos: 0 };
    if data.starts_with(b"\0asm") {
        return Err(bad(
            "this is a WebAssembly module, not a precompiled package (add it with packr_builder_add_package, or precompile it with packr_package_precompile)",
        ));
    }
    let magic = r.take(MAGIC.len());
    if magic != Some(&MAGIC[..]) {
        if data.len() < MAGIC.len() && MAGIC.starts_with(data) {
            return Err(truncated("header"));
        }
        return Err(bad(
            "wrong magic number: the data was not written by packr_package_precompile",
        ));
    }
    let format = r.u32().ok_or_else(|| truncated("header"))?;
    if format != FORMAT_VERSION {
        return Err(bad(format!(
            "artifact format version {format}, but this libpackr reads version {FORMAT_VERSION}; precompile the package again"
        )));
    }
    let vlen = r.u8().ok_or_else(|| truncated("header"))?;
    let version = r
        .take(usize::from(vlen))
        .ok_or_else(|| truncated("header"))?;
    if version != LIBPACKR_VERSION.as_bytes() {
        return Err(bad(format!(
            "written by libpackr {}, but this is libpackr {LIBPACKR_VERSION}; compiled code only loads into the libpackr version that made it, so precompile the package again",
            String::from_utf8_lossy(version)
        )));
    }
    let plen = r.u64().ok_or_else(|| truncated("header"))?;
    let checksum = r.u128().ok_or_else(|| truncated("header"))?;
    let start = r.pos;
    let rest = data.len() - start;
    if (rest as u64) < plen {
        return Err(bad(format!(
            "truncated: the header announces {plen} bytes of code and sections, but only {rest} follow"
        )));
    }
    if (rest as u64) > plen {
        return Err(bad(format!(
            "{} unexpected bytes after the end of the artifact",
            rest as u64 - plen
        )));
    }
    let payload = &data[start..];
    let actual = xxhash_rust::xxh3::xxh3_128(payload);
    if actual != checksum {
        return Err(bad(format!(
            "checksum mismatch (stored {checksum:032x}, computed {actual:032x}): the file is corrupt"
        )));
    }

    let n = r.u32().ok_or_else(|| truncated("section table"))?;
    let mut sections: Vec<SectionRef> = Vec::new();
    for i in 0..n {
        let config = r.u8().ok_or_else(|| truncated("section table"))?;
        if config & !CONFIG_FUEL != 0 {
            return Err(bad(format!(
                "section {i} has unknown engine configuration bits 0x{config:02x}"
            )));
        }
        let key = EngineKey {
            fuel: config & CONFIG_FUEL != 0,
        };
        if sections.iter().any(|s| s.key == key) {
            return Err(bad(format!(
                "section {i} repeats the {} configuration",
                describe(key)
            )));
        }
        let compat = r.u64().ok_or_else(|| truncated("section table"))?;
        let len = r.u64().ok_or_else(|| truncated("section table"))?;
        let len = usize::try_from(len).map_err(|_| truncated("code"))?;
        let from = r.pos;
        r.take(len).ok_or_else(|| truncated("code"))?;
        sections.push(SectionRef {
            key,
            compat,
            range: from..r.pos,
        });
    }
    if r.pos != data.len() {
        return Err(bad(format!(
            "{} unexpected bytes after the last section",
            data.len() - r.pos
        )));
    }
    if sections.is_empty() {
        return Err(bad("it holds no compiled code"));
    }
    Ok(Parsed { checksum, sections })
}

/// "without fuel metering" / "with fuel metering", for messages.
pub(crate) fn describe(key: EngineKey) -> &'static str {
    if key.fuel {
        "fuel-metered (for compositions with a fuel limit)"
    } else {
        "plain (for compositions without a fuel limit)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        write(&[
            SectionOut {
                key: EngineKey { fuel: false },
                compat: 7,
                code: b"plain code".to_vec(),
            },
            SectionOut {
                key: EngineKey { fuel: true },
                compat: 9,
                code: b"fuel".to_vec(),
            },
        ])
    }

    fn err(data: &[u8]) -> String {
        match parse(data) {
            Ok(p) => panic!("parsed {p:?}"),
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::Compile);
                e.message
            }
        }
    }

    #[test]
    fn round_trip_finds_every_section() {
        let a = sample();
        let p = parse(&a).unwrap();
        assert_eq!(p.sections.len(), 2);
        assert_eq!(&a[p.sections[0].range.clone()], b"plain code");
        assert_eq!(p.sections[0].compat, 7);
        assert!(!p.sections[0].key.fuel);
        assert_eq!(&a[p.sections[1].range.clone()], b"fuel");
        assert!(p.sections[1].key.fuel);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let a = sample();
        for n in 0..a.len() {
            let m = err(&a[..n]);
            assert!(
                m.contains("truncated") || (n == 0 && m.contains("magic")),
                "{n}: {m}"
            );
        }
    }

    #[test]
    fn every_byte_flip_is_an_error() {
        let a = sample();
        for i in 0..a.len() {
            let mut b = a.clone();
            b[i] ^= 0x20;
            err(&b);
        }
    }

    #[test]
    fn header_errors_name_the_field() {
        let a = sample();
        let mut b = a.clone();
        b[0] = b'X';
        assert!(err(&b).contains("wrong magic"));
        let mut b = a.clone();
        b[8] = 2;
        assert!(err(&b).contains("format version 2"));
        let mut b = a.clone();
        b[13] = b'9';
        assert!(err(&b).contains("written by libpackr 9"));
        assert!(err(b"\0asm\x01\0\0\0").contains("WebAssembly module"));
        let mut b = a.clone();
        b.push(0);
        assert!(err(&b).contains("unexpected bytes"));
        let mut b = a.clone();
        let last = b.len() - 1;
        b[last] ^= 1;
        assert!(err(&b).contains("checksum mismatch"));
    }

    #[test]
    fn malformed_sections_are_errors_even_with_a_valid_checksum() {
        let dup = write(&[
            SectionOut {
                key: EngineKey { fuel: true },
                compat: 1,
                code: vec![1],
            },
            SectionOut {
                key: EngineKey { fuel: true },
                compat: 1,
                code: vec![2],
            },
        ]);
        assert!(err(&dup).contains("repeats"));
        assert!(err(&write(&[])).contains("no compiled code"));
    }
}
