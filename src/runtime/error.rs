//! Runtime errors.

/// What kind of failure; the C layer maps each to a `packr_result`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidArgument,
    NotFound,
    Compile,
    Link,
    Trap,
    Guest,
    Host,
    Decode,
    Encode,
    Limit,
    Interrupted,
    Io,
}

/// A runtime failure: its kind and a message naming the package, function and cause.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub(crate) fn link(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Link, message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
