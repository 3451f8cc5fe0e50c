//! libpackr: host packr WebAssembly packages from C.
pub mod ffi;
pub mod runtime;
pub mod value;
