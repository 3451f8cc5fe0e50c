//! Values and the CGRF v2 codec, byte-compatible with packr-abi 0.5.4. Pure Rust: nothing here
//! knows about wasm or C.

mod decode;
mod encode;
mod error;
mod model;
pub mod text;
mod types;

pub use decode::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, Limits, decode, decode_with_limits,
};
pub use encode::{encode, encode_into};
pub use error::{AbiError, DecodeError, EncodeError};
pub use model::{List, OptionValue, Record, ResultValue, Seq, Str, Value, Variant, debug_string};
pub use text::{TextError, parse, parse_type, to_text, type_to_text};
pub use types::{Kind, Type, tag};
