//! The composition runtime on wasmtime: packages, the guest ABI, wiring, host functions,
//! limits. Idiomatic Rust; nothing here knows that C exists.

mod abi;
mod alarm;
mod artifact;
mod builder;
mod composition;
mod engine;
mod error;
mod generation;
mod host;
pub mod metadata;
mod parking;
mod pending;
mod pool;

pub use abi::CallOutput;
pub use builder::Builder;
pub use composition::{CallLimits, Composition};
pub use engine::{PrecompileConfigs, precompile};
pub use error::{Error, ErrorKind, Result};
pub use generation::{Detection, Generation};
pub use host::HostFn;
pub use parking::PendingCall;
pub use pending::{CompleteError, Completion, HostAnswer};
