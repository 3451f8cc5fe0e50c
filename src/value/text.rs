//! Text form of values (placeholder until the text-form branch lands).
use super::{Type, Value};

/// A parse error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}
impl std::error::Error for TextError {}

/// Prints a value.
pub fn to_text(v: &Value) -> String {
    super::debug_string(v)
}

/// Parses a value.
pub fn parse(_text: &str) -> Result<Value, TextError> {
    Err(TextError {
        offset: 0,
        line: 1,
        column: 1,
        message: "not implemented".into(),
    })
}

/// Prints a type.
pub fn type_to_text(t: &Type) -> String {
    format!("{t:?}")
}

/// Parses a type.
pub fn parse_type(_text: &str) -> Result<Type, TextError> {
    Err(TextError {
        offset: 0,
        line: 1,
        column: 1,
        message: "not implemented".into(),
    })
}
