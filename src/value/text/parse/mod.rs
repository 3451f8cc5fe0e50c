//! The parser: [`parse`] and [`parse_type`]. Low-level scanning, strings, chars and names are
//! here; types, numbers and values are in the submodules, each an `impl Parser` block.

mod number;
mod types;
mod value;

use super::{
    CANONICAL_NAN_F32, CANONICAL_NAN_F64, TextError, is_ident_continue, is_ident_start,
    write_escaped_char,
};
use crate::value::model::{Seq, Str, Value};
use crate::value::types::{Kind, Type, tag};

/// Parses the text form of a value (see docs/text-form.md). The whole text must be one value,
/// optionally surrounded by whitespace and comments.
pub fn parse(text: &str) -> Result<Value, TextError> {
    let mut p = Parser { text, pos: 0 };
    let v = p.value()?;
    p.end("the value")?;
    Ok(v)
}

/// Parses the text form of a type descriptor (`list<tuple<string, u8>>`, ...).
pub fn parse_type(text: &str) -> Result<Type, TextError> {
    let mut p = Parser { text, pos: 0 };
    let t = p.ty()?;
    p.end("the type")?;
    Ok(t)
}

/// A container whose items are being parsed. Finished items wait on the parser's shared value
/// stack; `start` is where this container's items begin there.
enum Frame {
    Tuple {
        start: usize,
    },
    List {
        elem: Option<Type>,
        start: usize,
    },
    Some {
        inner: Option<Type>,
    },
    Result(Box<ResultFrame>),
    Record(Box<RecordFrame>),
    Variant(Box<VariantFrame>),
    /// `map<K, V>{`: `key` is true while a key is expected next.
    Map(Box<MapFrame>),
    Set {
        elem: Type,
        start: usize,
    },
}

struct MapFrame {
    key_type: Type,
    value_type: Type,
    start: usize,
    key: bool,
}

struct ResultFrame {
    ok: Option<Type>,
    err: Option<Type>,
    is_err: bool,
}

struct RecordFrame {
    type_name: Str,
    names: Vec<Str>,
    start: usize,
}

struct VariantFrame {
    type_name: Str,
    case_name: Str,
    tag: u64,
    start: usize,
}

/// A type descriptor whose nested descriptors are being parsed.
enum TypeFrame {
    /// `list<` or `option<`: one descriptor, then `>`.
    One(&'static str),
    /// `result<` or `map<`: `done` of 2 descriptors read.
    Two { done: u8, map: bool },
    /// `tuple<`: the count is patched into `bytes[count_at..count_at + 4]` at `>`.
    Tuple { count_at: usize, n: u64 },
}

type Res<T> = Result<T, TextError>;

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Parser<'t> {
    // ---- low level ---------------------------------------------------------------------------

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos.checked_add(k)?).copied()
    }

    fn slice(&self, a: usize, b: usize) -> &'t str {
        self.text.get(a..b).unwrap_or_default()
    }

    fn err<T>(&self, at: usize, message: String) -> Res<T> {
        Err(TextError::new(self.text, at, message))
    }

    /// Skips whitespace and `//` comments.
    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        loop {
            match b.get(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'/') if b.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = match b
                        .get(self.pos..)
                        .and_then(|r| r.iter().position(|&c| c == b'\n'))
                    {
                        Some(i) => self.pos + i + 1,
                        None => b.len(),
                    };
                }
                _ => return,
            }
        }
    }

    /// Describes what is at `at`, for messages: `end of input`, `'x'`, `'word'`, `'\n'`.
    fn found_at(&self, at: usize) -> String {
        let rest = self.text.get(at..).unwrap_or_default();
        let Some(c) = rest.chars().next() else {
            return "end of input".to_string();
        };
        let b = rest.as_bytes();
        if c.is_ascii_alphanumeric() || c == '_' {
            let n = b
                .iter()
                .take(32)
                .take_while(|&&x| x.is_ascii_alphanumeric() || x == b'_' || x == b'.')
                .count();
            let more = if b.len() > n && b.get(n).is_some_and(|x| x.is_ascii_alphanumeric()) {
                "..."
            } else {
                ""
            };
            return format!("'{}{more}'", rest.get(..n).unwrap_or_default());
        }
        let mut s = String::from("'");
        write_escaped_char(c, '\'', &mut s);
        s.push('\'');
        s
    }

    fn found(&self) -> String {
        self.found_at(self.pos)
    }

    /// Skips whitespace, then consumes `c` or fails with "expected 'c' {what}, found ...".
    fn expect(&mut self, c: u8, what: &str) -> Res<()> {
        self.expect_with(c, || what.to_string())
    }

    /// [`Parser::expect`] with a message built only on failure.
    fn expect_with(&mut self, c: u8, what: impl FnOnce() -> String) -> Res<()> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(
                self.pos,
                format!(
                    "expected '{}' {}, found {}",
                    c as char,
                    what(),
                    self.found()
                ),
            )
        }
    }

    /// Skips whitespace; then only the end of the text may follow.
    fn end(&mut self, what: &str) -> Res<()> {
        self.skip_ws();
        if self.pos < self.text.len() {
            return self.err(
                self.pos,
                format!("expected end of input after {what}, found {}", self.found()),
            );
        }
        Ok(())
    }

    /// An identifier `[A-Za-z_][A-Za-z0-9_-]*` at the current position (not skipping whitespace).
    fn ident(&mut self) -> Option<&'t str> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if !b.get(start).is_some_and(|&c| is_ident_start(c)) {
            return None;
        }
        let n = b
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| is_ident_continue(c))
            .count();
        self.pos = start + n;
        Some(self.slice(start, start + n))
    }

    /// A run of ASCII digits of the given radix; returns (start, end).
    fn digits(&mut self, radix: u32) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(|c| (c as char).is_digit(radix)) {
            self.pos += 1;
        }
        (start, self.pos)
    }

    /// The value of a digit run, or `None` if it does not fit u64.
    fn magnitude(&self, start: usize, end: usize, radix: u32) -> Option<u64> {
        let mut m: u64 = 0;
        for c in self.slice(start, end).chars() {
            let d = u64::from(c.to_digit(radix)?);
            m = m.checked_mul(u64::from(radix))?.checked_add(d)?;
        }
        Some(m)
    }

    /// A literal for a message, shortened if long.
    fn literal(&self, start: usize, end: usize) -> String {
        let s = self.slice(start, end);
        if s.len() > 40 {
            format!("{}...", s.get(..40).unwrap_or_default())
        } else {
            s.to_string()
        }
    }

    // ---- strings, chars, names ---------------------------------------------------------------

    /// Reads an escape; `self.pos` is at the backslash.
    fn escape(&mut self) -> Res<char> {
        let at = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'\\') => '\\',
            Some(b'\'') => '\'',
            Some(b'"') => '"',
            Some(b'0') => '\0',
            Some(b'u') => {
                self.pos += 1;
                if self.peek() != Some(b'{') {
                    return self.err(
                        self.pos,
                        format!("expected '{{' after \\u, found {}", self.found()),
                    );
                }
                self.pos += 1;
                let (s, e) = self.digits(16);
                if s == e {
                    return self.err(
                        self.pos,
                        format!(
                            "expected 1 to 6 hex digits in \\u{{...}}, found {}",
                            self.found()
                        ),
                    );
                }
                if e - s > 6 {
                    return self.err(
                        s,
                        format!(
                            "expected 1 to 6 hex digits in \\u{{...}}, found {} digits",
                            e - s
                        ),
                    );
                }
                if self.peek() != Some(b'}') {
                    return self.err(
                        self.pos,
                        format!("expected '}}' to close \\u{{...}}, found {}", self.found()),
                    );
                }
                self.pos += 1;
                let n = self.magnitude(s, e, 16).unwrap_or(u64::MAX) as u32;
                return match char::from_u32(n) {
                    Some(c) => Ok(c),
                    None if (0xD800..=0xDFFF).contains(&n) => {
                        self.err(at, format!("char U+{n:04X} is a surrogate"))
                    }
                    None => self.err(at, format!("char U+{n:04X} is above U+10FFFF")),
                };
            }
            _ => {
                return self.err(
                    at,
                    format!(
                        "unknown escape: expected one of \\n \\r \\t \\\\ \\' \\\" \\0 \\u{{HEX}} \
                         after '\\', found {}",
                        self.found()
                    ),
                );
            }
        };
        self.pos += 1;
        Ok(c)
    }

    /// A `"..."` string; `self.pos` is at the opening quote.
    fn string(&mut self) -> Res<String> {
        let open = self.pos;
        self.pos += 1;
        let mut s = String::new();
        loop {
            let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
            let Some(i) = rest.iter().position(|&c| c == b'"' || c == b'\\') else {
                return self.err(
                    open,
                    "unterminated string: expected a closing '\"', found end of input".into(),
                );
            };
            s.push_str(self.slice(self.pos, self.pos + i));
            self.pos += i;
            if self.peek() == Some(b'"') {
                self.pos += 1;
                return Ok(s);
            }
            s.push(self.escape()?);
        }
    }

    /// A `'c'` char; `self.pos` is at the opening quote.
    fn char_lit(&mut self) -> Res<char> {
        let open = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            None => {
                return self.err(
                    open,
                    "unterminated char: expected a character and a closing ''', found end of \
                     input"
                        .into(),
                );
            }
            Some(b'\'') => {
                return self.err(
                    open,
                    "empty char literal: expected a character between the quotes (a quote is \
                     written '\\'')"
                        .into(),
                );
            }
            Some(b'\\') => self.escape()?,
            Some(_) => {
                let c = self
                    .text
                    .get(self.pos..)
                    .and_then(|r| r.chars().next())
                    .unwrap_or('\0');
                self.pos += c.len_utf8();
                c
            }
        };
        if self.peek() != Some(b'\'') {
            return self.err(
                self.pos,
                format!(
                    "expected ''' to close the char literal, found {}",
                    self.found()
                ),
            );
        }
        self.pos += 1;
        Ok(c)
    }

    /// A name: an identifier or a quoted string. Skips whitespace first.
    fn name(&mut self, what: &str) -> Res<Str> {
        self.skip_ws();
        if self.peek() == Some(b'"') {
            return Ok(Str::from(self.string()?));
        }
        match self.ident() {
            Some(w) => Ok(Str::from(w)),
            None => self.err(
                self.pos,
                format!(
                    "expected {what} (an identifier or a quoted string), found {}",
                    self.found()
                ),
            ),
        }
    }
}
