//! The text form of values and type descriptors (docs/text-form.md).
//!
//! [`to_text`] prints a [`Value`], [`parse`] reads it back bit-exactly (`parse(&to_text(v))` is
//! [`Value::same`] as `v` for every value, including NaN payloads, `-0.0`, strings holding NUL and
//! list element types that disagree with the items). [`type_to_text`] and [`parse_type`] do the
//! same for a [`Type`].
//!
//! Both directions are iterative (explicit stacks, no recursion per nesting level), so a value or
//! type nested a million levels deep is as safe as a flat one. The parser never panics, reports
//! every error with its byte offset, line and column, and runs in time linear in the size of its
//! input plus the size of the value it builds.

mod parse;
mod print;
#[cfg(test)]
mod tests;

pub use parse::{parse, parse_type};
pub use print::{to_text, type_to_text};

use std::fmt::{self, Write as _};

// =============================================================================================
// Errors

/// Why a text could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    /// Byte offset into the text.
    pub offset: usize,
    /// 1-based line (lines end at `\n`).
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values.
    pub column: u32,
    /// What was expected and what was found.
    pub message: String,
}

impl TextError {
    fn new(text: &str, offset: usize, message: String) -> TextError {
        let offset = offset.min(text.len());
        let before = text.as_bytes().get(..offset).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let lines = before.iter().filter(|&&b| b == b'\n').count();
        let column = before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        TextError {
            offset,
            line: u32::try_from(lines + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            message,
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for TextError {}

// =============================================================================================
// Lexical pieces shared by the printer and the parser

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Writes `c` as it appears between quotes of kind `quote` (`'` or `"`).
fn write_escaped_char(c: char, quote: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() => {
            // Exactly U+0000..U+001F and U+007F..U+009F.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

const CANONICAL_NAN_F32: u32 = 0x7fc0_0000;
const CANONICAL_NAN_F64: u64 = 0x7ff8_0000_0000_0000;
