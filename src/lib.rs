//! libpackr: host packr WebAssembly packages from C.
pub mod value;
pub mod runtime;
pub mod ffi;
