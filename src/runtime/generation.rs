//! Guest generations: which packr guest SDK built a package, told from the module alone.
//!
//! | generation | guest SDK | wire | import results |
//! |---|---|---|---|
//! | [`Generation::V0_5`] | packr-guest 0.5.4 | CGRF v2 | status 0, host-owned buffer (the guest never frees it) |
//! | [`Generation::V0_24`] | packr-guest 0.24 | CGRF v3 | status 1, a `__pack_alloc` buffer the guest frees |
//!
//! Detection, first match wins (docs/generations.md):
//! 1. an export `__pack_resume` (only async packr-guest 0.24 packages have it): 0.24;
//! 2. a CGRF header embedded in the module's data (the `__pack_types` metadata every
//!    `pack_types!` package carries): its version, 2 → 0.5, 3 → 0.24;
//! 3. a probe, for a package with `__pack_alloc`, `__pack_free` and an export: the export is
//!    called once at build time with a 16-byte CGRF v3 header that holds no node. Both SDKs
//!    decode the input before any user code runs: packr-guest 0.5.4 answers "Unsupported
//!    version", packr-guest 0.24 "Root index out of range";
//! 4. otherwise 0.5 (libpackr's behaviour before generations existed).

use std::ffi::CStr;
use wasmtime::{ExternType, Module};

/// The packr guest SDK generation a package was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// packr-guest 0.5.4: CGRF v2; import results are host-owned (status 0).
    V0_5,
    /// packr-guest 0.24 (and packages in C built with guest/packr_guest.h): CGRF v3; import
    /// results are guest-owned buffers from `__pack_alloc` (status 1).
    V0_24,
}

impl Detection {
    /// The evidence as text.
    pub fn evidence_text(&self) -> &'static str {
        self.evidence.to_str().unwrap_or("")
    }
}

impl Generation {
    /// The CGRF wire version this generation reads and writes.
    pub fn wire_version(self) -> u16 {
        match self {
            Generation::V0_5 => 2,
            Generation::V0_24 => 3,
        }
    }

    /// `packr-guest 0.5` or `packr-guest 0.24`, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Generation::V0_5 => "packr-guest 0.5 (CGRF v2)",
            Generation::V0_24 => "packr-guest 0.24 (CGRF v3)",
        }
    }
}

/// A generation and the evidence it was told from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detection {
    pub generation: Generation,
    /// How it was told, in words (a static C string, for the C API).
    pub evidence: &'static CStr,
}

/// What the module alone says, without running it. `None`: run the probe.
pub(crate) fn from_module(bytes: &[u8], module: &Module) -> Option<Detection> {
    let mut alloc = false;
    let mut free = false;
    let mut callable = false;
    for e in module.exports() {
        match (e.name(), e.ty()) {
            ("__pack_resume", ExternType::Func(_)) => {
                return Some(Detection {
                    generation: Generation::V0_24,
                    evidence: c"exports __pack_resume (an async packr-guest 0.24 package)",
                });
            }
            ("__pack_alloc", _) => alloc = true,
            ("__pack_free", _) => free = true,
            (n, ExternType::Func(_)) if !n.starts_with("__") => callable = true,
            _ => {}
        }
    }
    if let Some(v) = embedded_cgrf_version(bytes) {
        return Some(if v == 3 {
            Detection {
                generation: Generation::V0_24,
                evidence: c"its embedded metadata is CGRF v3",
            }
        } else {
            Detection {
                generation: Generation::V0_5,
                evidence: c"its embedded metadata is CGRF v2",
            }
        });
    }
    if alloc && free && callable {
        return None;
    }
    Some(Detection {
        generation: Generation::V0_5,
        evidence: c"no sign of a later generation (no metadata, no __pack_alloc/__pack_free to probe with)",
    })
}

/// The version of the first plausible CGRF header in the module's bytes (magic, version 2 or
/// 3, zero flags, at least one node, root inside the node count).
fn embedded_cgrf_version(b: &[u8]) -> Option<u16> {
    let mut from = 0usize;
    while let Some(i) = b.get(from..)?.windows(4).position(|w| w == b"CGRF") {
        let at = from + i;
        if let Some(h) = b.get(at..at + 16) {
            let version = u16::from_le_bytes([h[4], h[5]]);
            let flags = u16::from_le_bytes([h[6], h[7]]);
            let count = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
            let root = u32::from_le_bytes([h[12], h[13], h[14], h[15]]);
            if (version == 2 || version == 3) && flags == 0 && count > 0 && root < count {
                return Some(version);
            }
        }
        from = at + 4;
    }
    None
}

/// The probe input: a CGRF v3 header with no nodes.
pub(crate) const PROBE_INPUT: [u8; 16] = *b"CGRF\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/// Reads the probe's answer (the error message of status -1).
pub(crate) fn from_probe(status: i32, message: &[u8]) -> Detection {
    let m = String::from_utf8_lossy(message);
    match status {
        -1 if m.contains("Unsupported version") => Detection {
            generation: Generation::V0_5,
            evidence: c"its decoder rejects CGRF v3 (probe)",
        },
        -1 if m.contains("Root index out of range") => Detection {
            generation: Generation::V0_24,
            evidence: c"its decoder reads CGRF v3 (probe)",
        },
        _ => Detection {
            generation: Generation::V0_5,
            evidence: c"the probe was inconclusive",
        },
    }
}
