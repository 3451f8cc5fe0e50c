//! Values and the CGRF codec, byte-compatible with packr-abi 0.5.4 (wire version 2) and packr-abi
//! 0.24 (version 3, with maps and sets). Pure Rust: nothing here knows about wasm or C.

mod decode;
mod doc;
mod encode;
mod error;
mod fast;
mod items;
mod model;
pub mod text;
mod types;
mod v3;

pub use decode::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, Limits, check_with_limits, decode,
    decode_with_limits,
};
pub use doc::{Child, Doc, Node};
pub use encode::{encode, encode_into, encode_version};
pub use error::{AbiError, DecodeError, EncodeError};
pub use items::Items;
pub use model::{
    List, Map, OptionValue, Record, ResultValue, Seq, Set, Str, Value, Variant, debug_string,
};
pub use text::{TextError, parse, parse_type, to_text, type_to_text};
pub use types::{Kind, Type, tag};
pub use v3::{TranscodeError, V2, V3, canonical_cmp, transcode, wire_version};
