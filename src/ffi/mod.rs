//! The C ABI. Every `extern "C"` function of libpackr lives under this module; cbindgen turns
//! it into `include/packr.h`. Nothing outside `src/ffi` knows that C exists.
#![allow(non_camel_case_types)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Every exported function's safety contract is the C API's (pointers valid and of the right type,
// buffers as long as stated, no use after free), stated once in the header preamble and per
// function in its doc comment, rather than in a `# Safety` section each.
#![allow(clippy::missing_safety_doc)]
// `#[must_use]` on functions returning `packr_result` is what makes cbindgen emit PACKR_MUST_USE.
#![allow(clippy::double_must_use)]

#[macro_use]
mod boundary;
mod builder;
mod bytes;
mod collections;
mod completion;
mod composition;
mod error;
mod handle;
mod host;
mod package;
mod result;
mod scalars;
mod signature;
mod types;
mod value;
mod version;
mod view;

pub use builder::*;
pub use bytes::*;
pub use collections::*;
pub use completion::*;
pub use composition::*;
pub use error::*;
pub use host::*;
pub use package::*;
pub use result::*;
pub use scalars::*;
pub use signature::*;
pub use types::*;
pub use value::*;
pub use version::*;
