//! Codec errors.

use std::fmt;

/// packr-abi 0.5.4's `AbiError`. Its `Debug` form is byte-identical to upstream's, which is what
/// the golden vectors record; the context around it lives in [`DecodeError`] and [`EncodeError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbiError {
    /// Never produced by the codec; kept for parity with upstream.
    TypeMismatch {
        expected: String,
        got: String,
    },
    InvalidEncoding(String),
    BufferTooSmall {
        need: usize,
        have: usize,
    },
    InvalidTag(u8),
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiError::TypeMismatch { expected, got } => {
                write!(f, "type mismatch: expected {expected}, got {got}")
            }
            AbiError::InvalidEncoding(m) => f.write_str(m),
            AbiError::BufferTooSmall { need, have } => {
                write!(f, "input ends early: needs {need} bytes, has {have}")
            }
            AbiError::InvalidTag(t) => write!(f, "unknown kind or type tag 0x{t:02x}"),
        }
    }
}

/// Why decoding failed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The upstream-compatible error kind.
    pub abi: AbiError,
    /// True when a size, count or depth limit (not malformed input) stopped decoding.
    pub limit: bool,
    /// Absolute byte offset in the input where the problem was found.
    pub offset: usize,
    /// The node being read, when there is one.
    pub node: Option<u32>,
    /// What `BufferTooSmall` counts are relative to (the node payload, or the whole input).
    pub relative_to_payload: bool,
    /// Extra context for people (the limit that was hit, ...), not part of the upstream kind.
    pub detail: Option<String>,
}

impl DecodeError {
    pub(crate) fn malformed(abi: AbiError, offset: usize, node: Option<u32>) -> Self {
        DecodeError {
            abi,
            limit: false,
            offset,
            node,
            relative_to_payload: node.is_some(),
            detail: None,
        }
    }

    /// A limit error: `msg` is the upstream-compatible text, `detail` says which limit.
    pub(crate) fn limit(msg: &str, detail: String, offset: usize, node: Option<u32>) -> Self {
        DecodeError {
            abi: AbiError::InvalidEncoding(msg.into()),
            limit: true,
            offset,
            node,
            relative_to_payload: false,
            detail: Some(detail),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.abi, self.relative_to_payload, self.node) {
            (AbiError::BufferTooSmall { need, have }, true, Some(n)) => write!(
                f,
                "node {n}'s payload ends early: needs {need} bytes, has {have}"
            )?,
            (abi, _, _) => write!(f, "{abi}")?,
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        match self.node {
            Some(n) => write!(f, " (node {n}, at byte offset {})", self.offset),
            None => write!(f, " (at byte offset {})", self.offset),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    /// The upstream-compatible error kind.
    pub abi: AbiError,
    /// Where in the value: a path such as `root.2.0` (child indices from the root).
    pub path: String,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at value {})", self.abi, self.path)
    }
}

impl std::error::Error for EncodeError {}
