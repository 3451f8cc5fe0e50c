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

use super::model::{Seq, Str, Value};
use super::types::{Kind, Type, tag};
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
// Printer

/// Words that are printed quoted when they are used as a name.
const RESERVED: [&str; 32] = [
    "true", "false", "some", "none", "ok", "err", "flags", "list", "option", "result", "tuple",
    "record", "variant", "inf", "nan", "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32",
    "s64", "f32", "f64", "char", "string", "inf_f32", "inf_f64", "nan_f32", "nan_f64",
];

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_ident(s: &str) -> bool {
    let b = s.as_bytes();
    match b.split_first() {
        Some((&first, rest)) => is_ident_start(first) && rest.iter().all(|&c| is_ident_continue(c)),
        None => false,
    }
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

fn write_quoted(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs that need no escape in one go.
    let mut run = 0;
    for (i, c) in s.char_indices() {
        if c == '"' || c == '\\' || c.is_control() {
            out.push_str(s.get(run..i).unwrap_or_default());
            write_escaped_char(c, '"', out);
            run = i + c.len_utf8();
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

fn write_name(s: &str, out: &mut String) {
    if is_ident(s) && !RESERVED.contains(&s) {
        out.push_str(s);
    } else {
        write_quoted(s, out);
    }
}

fn write_f32(x: f32, out: &mut String) {
    let _ = if x.is_nan() {
        if x.to_bits() == CANONICAL_NAN_F32 {
            write!(out, "nan_f32")
        } else {
            write!(out, "nan_f32(0x{:08x})", x.to_bits())
        }
    } else if x.is_infinite() {
        write!(out, "{}inf_f32", if x < 0.0 { "-" } else { "" })
    } else {
        write!(out, "{x:?}f32")
    };
}

fn write_f64(x: f64, out: &mut String) {
    let _ = if x.is_nan() {
        if x.to_bits() == CANONICAL_NAN_F64 {
            write!(out, "nan_f64")
        } else {
            write!(out, "nan_f64(0x{:016x})", x.to_bits())
        }
    } else if x.is_infinite() {
        write!(out, "{}inf_f64", if x < 0.0 { "-" } else { "" })
    } else {
        write!(out, "{x:?}f64")
    };
}

const CANONICAL_NAN_F32: u32 = 0x7fc0_0000;
const CANONICAL_NAN_F64: u64 = 0x7ff8_0000_0000_0000;

fn read_u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([
        *s.first()?,
        *s.get(1)?,
        *s.get(2)?,
        *s.get(3)?,
    ]))
}

/// Writes the descriptor bytes `b` (one complete descriptor) in text form. Iterative.
fn write_type_bytes(b: &[u8], out: &mut String) {
    enum Step {
        Desc,
        Text(&'static str),
    }
    let mut at = 0usize;
    let mut stack = vec![Step::Desc];
    while let Some(step) = stack.pop() {
        let Step::Desc = step else {
            if let Step::Text(s) = step {
                out.push_str(s);
            }
            continue;
        };
        let Some(kind) = b.get(at).and_then(|&t| Kind::from_wire_tag(t)) else {
            return;
        };
        at += 1;
        match kind {
            Kind::List | Kind::Option => {
                out.push_str(kind.name());
                out.push('<');
                stack.push(Step::Text(">"));
                stack.push(Step::Desc);
            }
            Kind::Result => {
                out.push_str("result<");
                stack.push(Step::Text(">"));
                stack.push(Step::Desc);
                stack.push(Step::Text(", "));
                stack.push(Step::Desc);
            }
            Kind::Tuple => {
                let n = read_u32_at(b, at).unwrap_or(0);
                at += 4;
                out.push_str("tuple<");
                stack.push(Step::Text(">"));
                for i in 0..n {
                    stack.push(Step::Desc);
                    if i + 1 < n {
                        stack.push(Step::Text(", "));
                    }
                }
            }
            Kind::Record | Kind::Variant => {
                let n = read_u32_at(b, at).unwrap_or(0) as usize;
                at += 4;
                let end = at.saturating_add(n);
                let name = b
                    .get(at..end)
                    .and_then(|s| std::str::from_utf8(s).ok())
                    .unwrap_or("");
                at = end;
                out.push_str(kind.name());
                out.push('<');
                write_name(name, out);
                out.push('>');
            }
            _ => out.push_str(kind.name()),
        }
    }
}

/// The text form of a type descriptor: `s64`, `list<string>`, `result<u8, record<err>>`,
/// `tuple<>`, `variant<"demo:host/x">`.
pub fn type_to_text(t: &Type) -> String {
    let mut out = String::new();
    write_type_bytes(t.wire_bytes(), &mut out);
    out
}

/// The text form of a value. [`parse`] reads it back bit-exactly. The output never contains a
/// NUL byte or any other control character: those are escaped inside strings and chars.
pub fn to_text(v: &Value) -> String {
    enum Step<'a> {
        Val(&'a Value),
        Text(&'static str),
        Field(&'a str),
    }
    fn push_seq<'a>(stack: &mut Vec<Step<'a>>, items: &'a [Value]) {
        for (i, item) in items.iter().enumerate().rev() {
            stack.push(Step::Val(item));
            if i > 0 {
                stack.push(Step::Text(", "));
            }
        }
    }

    let mut out = String::new();
    let mut stack = vec![Step::Val(v)];
    while let Some(step) = stack.pop() {
        let v = match step {
            Step::Text(s) => {
                out.push_str(s);
                continue;
            }
            Step::Field(name) => {
                write_name(name, &mut out);
                out.push_str(": ");
                continue;
            }
            Step::Val(v) => v,
        };
        let _ = match v {
            Value::Bool(x) => write!(out, "{x}"),
            Value::U8(x) => write!(out, "{x}u8"),
            Value::U16(x) => write!(out, "{x}u16"),
            Value::U32(x) => write!(out, "{x}u32"),
            Value::U64(x) => write!(out, "{x}u64"),
            Value::S8(x) => write!(out, "{x}s8"),
            Value::S16(x) => write!(out, "{x}s16"),
            Value::S32(x) => write!(out, "{x}s32"),
            Value::S64(x) => write!(out, "{x}"),
            Value::F32(x) => {
                write_f32(*x, &mut out);
                Ok(())
            }
            Value::F64(x) => {
                write_f64(*x, &mut out);
                Ok(())
            }
            Value::Char(c) => {
                out.push('\'');
                write_escaped_char(*c, '\'', &mut out);
                out.push('\'');
                Ok(())
            }
            Value::String(s) => {
                write_quoted(s, &mut out);
                Ok(())
            }
            Value::Flags(x) => write!(out, "flags({x:#x})"),
            Value::Tuple(t) => {
                out.push('(');
                match t.first() {
                    Some(only) if t.len() == 1 => {
                        stack.push(Step::Text(",)"));
                        stack.push(Step::Val(only));
                    }
                    _ => {
                        stack.push(Step::Text(")"));
                        push_seq(&mut stack, t);
                    }
                }
                Ok(())
            }
            Value::List(l) => {
                let bare = l.items.first().is_some_and(|f| f.has_type(&l.elem_type));
                if !bare {
                    out.push_str("list<");
                    write_type_bytes(l.elem_type.wire_bytes(), &mut out);
                    out.push('>');
                }
                out.push('[');
                stack.push(Step::Text("]"));
                push_seq(&mut stack, &l.items);
                Ok(())
            }
            Value::Option(o) => {
                match &o.value {
                    None => {
                        out.push_str("none<");
                        write_type_bytes(o.inner_type.wire_bytes(), &mut out);
                        out.push('>');
                    }
                    Some(x) => {
                        if x.has_type(&o.inner_type) {
                            out.push_str("some(");
                        } else {
                            out.push_str("some<");
                            write_type_bytes(o.inner_type.wire_bytes(), &mut out);
                            out.push_str(">(");
                        }
                        stack.push(Step::Text(")"));
                        stack.push(Step::Val(x));
                    }
                }
                Ok(())
            }
            Value::Result(r) => {
                out.push_str(if r.is_err { "err<" } else { "ok<" });
                if !r.is_err && r.value.has_type(&r.ok_type) {
                    out.push('_');
                } else {
                    write_type_bytes(r.ok_type.wire_bytes(), &mut out);
                }
                out.push_str(", ");
                if r.is_err && r.value.has_type(&r.err_type) {
                    out.push('_');
                } else {
                    write_type_bytes(r.err_type.wire_bytes(), &mut out);
                }
                out.push_str(">(");
                stack.push(Step::Text(")"));
                stack.push(Step::Val(&r.value));
                Ok(())
            }
            Value::Record(r) => {
                write_name(&r.type_name, &mut out);
                out.push('{');
                stack.push(Step::Text("}"));
                for (i, value) in r.values.iter().enumerate().rev() {
                    stack.push(Step::Val(value));
                    // The model keeps names and values the same length; print "" if not.
                    stack.push(Step::Field(r.names.get(i).map_or("", |n| n.as_str())));
                    if i > 0 {
                        stack.push(Step::Text(", "));
                    }
                }
                Ok(())
            }
            Value::Variant(x) => {
                write_name(&x.type_name, &mut out);
                out.push_str("::");
                write_name(&x.case_name, &mut out);
                let _ = write!(out, "#{}", x.tag);
                if !x.payload.is_empty() {
                    out.push('(');
                    stack.push(Step::Text(")"));
                    push_seq(&mut stack, &x.payload);
                }
                Ok(())
            }
        };
    }
    out
}

// =============================================================================================
// Parser

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
    Tuple { start: usize },
    List { elem: Option<Type>, start: usize },
    Some { inner: Option<Type> },
    Result(Box<ResultFrame>),
    Record(Box<RecordFrame>),
    Variant(Box<VariantFrame>),
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
    /// `result<`: `done` of 2 descriptors read.
    Result { done: u8 },
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

    // ---- types -------------------------------------------------------------------------------

    /// Parses one type descriptor. Iterative: the descriptor bytes are written in pre-order as
    /// the text is read, and open `list<`/`result<`/`tuple<` wait on a stack.
    fn ty(&mut self) -> Res<Type> {
        let mut bytes: Vec<u8> = Vec::new();
        let mut frames: Vec<TypeFrame> = Vec::new();
        loop {
            // Read the start of a descriptor.
            self.skip_ws();
            let at = self.pos;
            let Some(word) = self.ident() else {
                return self.err(at, format!("expected a type, found {}", self.found()));
            };
            let prim = match word {
                "bool" => Some(tag::BOOL),
                "u8" => Some(tag::U8),
                "u16" => Some(tag::U16),
                "u32" => Some(tag::U32),
                "u64" => Some(tag::U64),
                "s8" => Some(tag::S8),
                "s16" => Some(tag::S16),
                "s32" => Some(tag::S32),
                "s64" => Some(tag::S64),
                "f32" => Some(tag::F32),
                "f64" => Some(tag::F64),
                "char" => Some(tag::CHAR),
                "string" => Some(tag::STRING),
                "flags" => Some(tag::FLAGS),
                _ => None,
            };
            if let Some(t) = prim {
                bytes.push(t);
            } else {
                match word {
                    "list" | "option" => {
                        self.expect_with(b'<', || format!("after {word}"))?;
                        bytes.push(if word == "list" {
                            tag::LIST
                        } else {
                            tag::OPTION
                        });
                        frames.push(TypeFrame::One(if word == "list" {
                            "after the list element type"
                        } else {
                            "after the option inner type"
                        }));
                        continue;
                    }
                    "result" => {
                        self.expect(b'<', "after result")?;
                        bytes.push(tag::RESULT);
                        frames.push(TypeFrame::Result { done: 0 });
                        continue;
                    }
                    "tuple" => {
                        self.expect(b'<', "after tuple")?;
                        bytes.push(tag::TUPLE);
                        let count_at = bytes.len();
                        bytes.extend_from_slice(&[0; 4]);
                        self.skip_ws();
                        if self.peek() == Some(b'>') {
                            self.pos += 1;
                        } else {
                            frames.push(TypeFrame::Tuple { count_at, n: 0 });
                            continue;
                        }
                    }
                    "record" | "variant" => {
                        self.expect_with(b'<', || format!("after {word}"))?;
                        let name_at = self.pos;
                        let name = self.name(if word == "record" {
                            "a record type name"
                        } else {
                            "a variant type name"
                        })?;
                        let Ok(len) = u32::try_from(name.len()) else {
                            return self.err(name_at, "name is longer than 4 GiB".into());
                        };
                        self.expect_with(b'>', || format!("after the {word} type name"))?;
                        bytes.push(if word == "record" {
                            tag::RECORD
                        } else {
                            tag::VARIANT
                        });
                        bytes.extend_from_slice(&len.to_le_bytes());
                        bytes.extend_from_slice(name.as_bytes());
                    }
                    "_" => {
                        return self.err(
                            at,
                            "expected a type, found '_' ('_' may only stand for the payload's \
                             own type in ok<_, E>(x) or err<T, _>(x))"
                                .into(),
                        );
                    }
                    _ => {
                        return self.err(
                            at,
                            format!(
                                "expected a type (bool, u8..u64, s8..s64, f32, f64, char, \
                                 string, flags, list<T>, option<T>, result<T, E>, tuple<...>, \
                                 record<NAME>, variant<NAME>), found {}",
                                self.found_at(at)
                            ),
                        );
                    }
                }
            }
            // A descriptor is complete: close every frame it completes.
            loop {
                let Some(top) = frames.last_mut() else {
                    return Ok(Type::from_checked(&bytes));
                };
                match top {
                    TypeFrame::One(what) => {
                        let what = *what;
                        self.expect(b'>', what)?;
                        frames.pop();
                    }
                    TypeFrame::Result { done } => {
                        *done += 1;
                        if *done == 1 {
                            self.expect(b',', "after the ok type of result<T, E>")?;
                            break;
                        }
                        self.skip_ws();
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                        }
                        self.expect(b'>', "after the err type of result<T, E>")?;
                        frames.pop();
                    }
                    TypeFrame::Tuple { count_at, n } => {
                        *n += 1;
                        let (count_at, n) = (*count_at, *n);
                        self.skip_ws();
                        let close = match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.peek() == Some(b'>')
                            }
                            Some(b'>') => true,
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or '>' after tuple item type, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        };
                        if !close {
                            break;
                        }
                        self.pos += 1;
                        let Ok(n) = u32::try_from(n) else {
                            return self.err(self.pos, "tuple type has too many items".into());
                        };
                        if let Some(slot) = bytes.get_mut(count_at..count_at + 4) {
                            slot.copy_from_slice(&n.to_le_bytes());
                        }
                        frames.pop();
                    }
                }
            }
        }
    }

    /// `<T>` after `list`, `some`, `none`: skips whitespace, reads `<`, a type and `>`.
    fn angle_type(&mut self, after: &str, close_what: &str) -> Res<Type> {
        self.expect(b'<', after)?;
        let t = self.ty()?;
        self.expect(b'>', close_what)?;
        Ok(t)
    }

    /// A type or `_` inside `ok<...>`/`err<...>`; `None` for `_`. Returns where it started.
    fn type_or_infer(&mut self) -> Res<(Option<Type>, usize)> {
        self.skip_ws();
        let at = self.pos;
        if self.peek() == Some(b'_') && !self.peek_at(1).is_some_and(is_ident_continue) {
            self.pos += 1;
            return Ok((None, at));
        }
        Ok((Some(self.ty()?), at))
    }

    // ---- numbers -----------------------------------------------------------------------------

    /// An integer or float literal, or `-inf_f32`/`-inf_f64`; `self.pos` is at `-` or a digit.
    fn number(&mut self) -> Res<Value> {
        let start = self.pos;
        let neg = self.peek() == Some(b'-');
        if neg {
            self.pos += 1;
            if let Some(word) = self.ident() {
                return match word {
                    "inf_f32" => Ok(Value::F32(f32::NEG_INFINITY)),
                    "inf_f64" => Ok(Value::F64(f64::NEG_INFINITY)),
                    "nan_f32" | "nan_f64" => self.err(
                        start,
                        format!(
                            "expected a number or inf_f32/inf_f64 after '-', found '{word}' (a \
                             NaN's sign is part of its bits: write {word}(0x...))"
                        ),
                    ),
                    _ => self.err(
                        start,
                        format!(
                            "expected a number or inf_f32/inf_f64 after '-', found {}",
                            self.found_at(start + 1)
                        ),
                    ),
                };
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.err(
                    self.pos,
                    format!(
                        "expected a digit or inf_f32/inf_f64 after '-', found {}",
                        self.found()
                    ),
                );
            }
        }
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        let mut float = false;
        let (ds, de) = if hex {
            self.pos += 2;
            let r = self.digits(16);
            if r.0 == r.1 {
                return self.err(
                    self.pos,
                    format!("expected hex digits after 0x, found {}", self.found()),
                );
            }
            r
        } else {
            let r = self.digits(10);
            if self.peek() == Some(b'.') {
                self.pos += 1;
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return self.err(
                        self.pos,
                        format!("expected a digit after '.', found {}", self.found()),
                    );
                }
                self.digits(10);
                float = true;
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return self.err(
                        self.pos,
                        format!("expected a digit in the exponent, found {}", self.found()),
                    );
                }
                self.digits(10);
                float = true;
            }
            r
        };
        let num_end = self.pos;
        let suffix_at = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        let suffix = self.slice(suffix_at, self.pos);
        let lit = self.slice(start, num_end);

        if float {
            return match suffix {
                "" | "f64" => match lit.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Value::F64(x)),
                    _ => self.err(
                        start,
                        format!(
                            "float {} is out of range for f64 (infinity is written inf_f64)",
                            self.literal(start, num_end)
                        ),
                    ),
                },
                "f32" => match lit.parse::<f32>() {
                    Ok(x) if x.is_finite() => Ok(Value::F32(x)),
                    _ => self.err(
                        start,
                        format!(
                            "float {} is out of range for f32 (infinity is written inf_f32)",
                            self.literal(start, num_end)
                        ),
                    ),
                },
                _ => self.err(
                    suffix_at,
                    format!("expected float suffix f32 or f64, found '{suffix}'"),
                ),
            };
        }

        let (kind, min, max): (Kind, i128, i128) = match suffix {
            "" | "s64" => (Kind::S64, i64::MIN.into(), i64::MAX.into()),
            "s32" => (Kind::S32, i32::MIN.into(), i32::MAX.into()),
            "s16" => (Kind::S16, i16::MIN.into(), i16::MAX.into()),
            "s8" => (Kind::S8, i8::MIN.into(), i8::MAX.into()),
            "u64" => (Kind::U64, 0, u64::MAX.into()),
            "u32" => (Kind::U32, 0, u32::MAX.into()),
            "u16" => (Kind::U16, 0, u16::MAX.into()),
            "u8" => (Kind::U8, 0, u8::MAX.into()),
            "f32" | "f64" if !hex => {
                return self.err(
                    start,
                    format!(
                        "expected a '.' or an exponent in float {lit}{suffix}: write \
                         {lit}.0{suffix}"
                    ),
                );
            }
            _ => {
                return self.err(
                    suffix_at,
                    format!(
                        "expected integer suffix u8, u16, u32, u64, s8, s16, s32 or s64, found \
                         '{suffix}'"
                    ),
                );
            }
        };
        let value = self
            .magnitude(ds, de, if hex { 16 } else { 10 })
            .map(|m| if neg { -i128::from(m) } else { i128::from(m) })
            .filter(|v| (min..=max).contains(v));
        let Some(n) = value else {
            return self.err(
                start,
                format!(
                    "integer {} does not fit {}",
                    self.literal(start, num_end),
                    kind.name()
                ),
            );
        };
        // In range, so the casts below are exact.
        Ok(match kind {
            Kind::U8 => Value::U8(n as u8),
            Kind::U16 => Value::U16(n as u16),
            Kind::U32 => Value::U32(n as u32),
            Kind::U64 => Value::U64(n as u64),
            Kind::S8 => Value::S8(n as i8),
            Kind::S16 => Value::S16(n as i16),
            Kind::S32 => Value::S32(n as i32),
            _ => Value::S64(n as i64),
        })
    }

    /// An unsigned decimal or `0x` hex number without suffix (inside `flags(...)`,
    /// `nan_f64(...)`). `hex_only` rejects decimal.
    fn plain_unsigned(&mut self, what: &str, hex_only: bool) -> Res<u64> {
        self.skip_ws();
        let start = self.pos;
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        let ok_start = if hex_only {
            hex
        } else {
            self.peek().is_some_and(|c| c.is_ascii_digit())
        };
        if !ok_start {
            return self.err(start, format!("expected {what}, found {}", self.found()));
        }
        if hex {
            self.pos += 2;
        }
        let radix = if hex { 16 } else { 10 };
        let (ds, de) = self.digits(radix);
        if ds == de || self.peek().is_some_and(is_ident_continue) {
            return self.err(
                start,
                format!("expected {what}, found {}", self.found_at(start)),
            );
        }
        match self.magnitude(ds, de, radix) {
            Some(m) => Ok(m),
            None => self.err(
                start,
                format!("{} does not fit u64", self.literal(start, de)),
            ),
        }
    }

    /// `nan_f32`/`nan_f64`, optionally followed by `(0x...)` bits; the word has been read.
    fn nan(&mut self, f32_: bool) -> Res<Value> {
        let save = self.pos;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            self.pos = save;
            return Ok(if f32_ {
                Value::F32(f32::from_bits(CANONICAL_NAN_F32))
            } else {
                Value::F64(f64::from_bits(CANONICAL_NAN_F64))
            });
        }
        self.pos += 1;
        self.skip_ws();
        let at = self.pos;
        let (what, example) = if f32_ {
            ("nan_f32", "0xffc00001")
        } else {
            ("nan_f64", "0x7ff0000000000001")
        };
        let bits = self.plain_unsigned(&format!("hex bits like {example} in {what}(...)"), true)?;
        let v = if f32_ {
            match u32::try_from(bits) {
                Ok(b) if f32::from_bits(b).is_nan() => Value::F32(f32::from_bits(b)),
                _ => {
                    return self.err(
                        at,
                        format!(
                            "{} is not the bit pattern of an f32 NaN",
                            self.literal(at, self.pos)
                        ),
                    );
                }
            }
        } else if f64::from_bits(bits).is_nan() {
            Value::F64(f64::from_bits(bits))
        } else {
            return self.err(
                at,
                format!(
                    "{} is not the bit pattern of an f64 NaN",
                    self.literal(at, self.pos)
                ),
            );
        };
        self.expect_with(b')', || format!("to close {what}(...)"))?;
        Ok(v)
    }

    // ---- values ------------------------------------------------------------------------------

    /// Parses one value. Iterative: open containers wait on `frames`, finished items on `vals`.
    fn value(&mut self) -> Res<Value> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        loop {
            let Some(mut v) = self.value_start(&mut frames, vals.len())? else {
                continue; // a container was opened: read its first item
            };
            // `v` is complete: hand it to the innermost open container, closing every
            // container that this completes.
            loop {
                let Some(top) = frames.last_mut() else {
                    return Ok(v);
                };
                match top {
                    Frame::Tuple { start } => {
                        let start = *start;
                        vals.push(v);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() != Some(b')') {
                                    break;
                                }
                            }
                            Some(b')') if vals.len() - start == 1 => {
                                return self.err(
                                    self.pos,
                                    "expected ',' after the item of a 1-tuple (write (x,)), \
                                     found ')'"
                                        .into(),
                                );
                            }
                            Some(b')') => {}
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or ')' after tuple item, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        }
                        self.pos += 1;
                        frames.pop();
                        v = Value::Tuple(Seq(vals.drain(start..).collect()));
                    }
                    Frame::List { elem, start } => {
                        let start = *start;
                        if elem.is_none() {
                            *elem = Some(v.infer_type());
                        }
                        vals.push(v);
                        if !self.seq_next(b']', "list item")? {
                            break;
                        }
                        let Some(Frame::List { elem, .. }) = frames.pop() else {
                            break;
                        };
                        let items = vals.drain(start..).collect();
                        v = Value::list(elem.unwrap_or_else(Type::s64), items);
                    }
                    Frame::Some { inner } => {
                        let inner = inner.take();
                        self.expect(b')', "to close some(...)")?;
                        frames.pop();
                        let inner = inner.unwrap_or_else(|| v.infer_type());
                        v = Value::option(inner, Some(v));
                    }
                    Frame::Result(r) => {
                        let is_err = r.is_err;
                        let (ok, err) = (r.ok.take(), r.err.take());
                        self.expect(
                            b')',
                            if is_err {
                                "to close err<T, E>(...)"
                            } else {
                                "to close ok<T, E>(...)"
                            },
                        )?;
                        frames.pop();
                        let ok = ok.unwrap_or_else(|| v.infer_type());
                        let err = err.unwrap_or_else(|| v.infer_type());
                        v = Value::result(ok, err, is_err, v);
                    }
                    Frame::Record(r) => {
                        vals.push(v);
                        self.skip_ws();
                        let close = match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.peek() == Some(b'}')
                            }
                            Some(b'}') => true,
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or '}}' after record field, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        };
                        if !close {
                            let name = self.name("a field name or '}'")?;
                            self.expect(b':', "after field name")?;
                            r.names.push(name);
                            break;
                        }
                        self.pos += 1;
                        let Some(Frame::Record(r)) = frames.pop() else {
                            break;
                        };
                        let r = *r;
                        v = Value::Record(Box::new(super::model::Record {
                            type_name: r.type_name,
                            names: r.names,
                            values: vals.drain(r.start..).collect(),
                        }));
                    }
                    Frame::Variant(x) => {
                        let start = x.start;
                        vals.push(v);
                        if !self.seq_next(b')', "variant payload item")? {
                            break;
                        }
                        let Some(Frame::Variant(x)) = frames.pop() else {
                            break;
                        };
                        let x = *x;
                        v = Value::Variant(Box::new(super::model::Variant {
                            type_name: x.type_name,
                            case_name: x.case_name,
                            tag: x.tag,
                            payload: vals.drain(start..).collect(),
                        }));
                    }
                }
            }
        }
    }

    /// After an item of a comma-separated sequence closed by `close`: consumes `,` or the
    /// closer. Returns true if the sequence is closed (the closer was consumed), false if
    /// another item follows.
    fn seq_next(&mut self, close: u8, what: &str) -> Res<bool> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => self.err(
                self.pos,
                format!(
                    "expected ',' or '{}' after {what}, found {}",
                    close as char,
                    self.found()
                ),
            ),
        }
    }

    /// Reads the start of a value. Returns a complete value, or `None` after pushing a frame
    /// for a container whose first item comes next. `depth` is the length of the value stack.
    fn value_start(&mut self, frames: &mut Vec<Frame>, depth: usize) -> Res<Option<Value>> {
        self.skip_ws();
        let at = self.pos;
        let Some(c) = self.peek() else {
            return self.err(at, "expected a value, found end of input".into());
        };
        match c {
            b'(' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b')') {
                    self.pos += 1;
                    return Ok(Some(Value::unit()));
                }
                frames.push(Frame::Tuple { start: depth });
                Ok(None)
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return self.err(at, "empty list needs a type: write list<T>[]".into());
                }
                frames.push(Frame::List {
                    elem: None,
                    start: depth,
                });
                Ok(None)
            }
            b'\'' => Ok(Some(Value::Char(self.char_lit()?))),
            b'"' => {
                let s = Str::from(self.string()?);
                if self.name_follows() {
                    self.named(s, frames, depth)
                } else {
                    Ok(Some(Value::String(s)))
                }
            }
            b'-' | b'0'..=b'9' => Ok(Some(self.number()?)),
            c if is_ident_start(c) => {
                let word = self.ident().unwrap_or_default();
                if self.name_follows() {
                    self.named(Str::from(word), frames, depth)
                } else {
                    self.keyword(word, at, frames, depth)
                }
            }
            _ => self.err(at, format!("expected a value, found {}", self.found())),
        }
    }

    /// After an identifier or string at value position: true if `{` (a record) or `::` (a
    /// variant) follows, so that it was a type name.
    fn name_follows(&mut self) -> bool {
        let save = self.pos;
        self.skip_ws();
        let named = self.peek() == Some(b'{')
            || (self.peek() == Some(b':') && self.peek_at(1) == Some(b':'));
        self.pos = save;
        named
    }

    /// A record or variant after its type name (see [`Parser::name_follows`]). Returns the
    /// value, or `None` after pushing a frame for its first field or payload item.
    fn named(&mut self, name: Str, frames: &mut Vec<Frame>, depth: usize) -> Res<Option<Value>> {
        self.skip_ws();
        if self.peek() == Some(b'{') {
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Some(Value::Record(Box::new(super::model::Record {
                    type_name: name,
                    names: Vec::new(),
                    values: Vec::new(),
                }))));
            }
            let field = self.name("a field name or '}'")?;
            self.expect(b':', "after field name")?;
            frames.push(Frame::Record(Box::new(RecordFrame {
                type_name: name,
                names: vec![field],
                start: depth,
            })));
            return Ok(None);
        }
        if !(self.peek() == Some(b':') && self.peek_at(1) == Some(b':')) {
            return self.err(
                self.pos,
                format!(
                    "expected '{{' or '::' after a type name, found {}",
                    self.found()
                ),
            );
        }
        self.pos += 2;
        let case_name = self.name("a case name after '::'")?;
        self.skip_ws();
        if self.peek() != Some(b'#') {
            return self.err(
                self.pos,
                format!(
                    "expected '#' and a tag after the case name (write type::case#0), found {}",
                    self.found()
                ),
            );
        }
        self.pos += 1;
        self.skip_ws();
        let tag_at = self.pos;
        let (ds, de) = self.digits(10);
        if ds == de {
            return self.err(
                tag_at,
                format!("expected a decimal tag after '#', found {}", self.found()),
            );
        }
        let Some(tag) = self.magnitude(ds, de, 10) else {
            return self.err(
                tag_at,
                format!("variant tag {} does not fit u64", self.literal(ds, de)),
            );
        };
        let after_tag = self.pos;
        self.skip_ws();
        let mut has_payload = self.peek() == Some(b'(');
        if has_payload {
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(b')') {
                self.pos += 1;
                has_payload = false;
            }
        } else {
            self.pos = after_tag;
        }
        if has_payload {
            frames.push(Frame::Variant(Box::new(VariantFrame {
                type_name: name,
                case_name,
                tag,
                start: depth,
            })));
            return Ok(None);
        }
        Ok(Some(Value::Variant(Box::new(super::model::Variant {
            type_name: name,
            case_name,
            tag,
            payload: Default::default(),
        }))))
    }

    /// A value that starts with a keyword (`true`, `some`, `list`, ...).
    fn keyword(
        &mut self,
        word: &str,
        at: usize,
        frames: &mut Vec<Frame>,
        depth: usize,
    ) -> Res<Option<Value>> {
        let v = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "inf_f32" => Value::F32(f32::INFINITY),
            "inf_f64" => Value::F64(f64::INFINITY),
            "nan_f32" => self.nan(true)?,
            "nan_f64" => self.nan(false)?,
            "flags" => {
                self.expect(b'(', "after flags (write flags(0x2b))")?;
                let bits =
                    self.plain_unsigned("a decimal or 0x hex number in flags(...)", false)?;
                self.expect(b')', "to close flags(...)")?;
                Value::Flags(bits)
            }
            "list" => {
                let elem = self.angle_type(
                    "after list (write list<T>[...])",
                    "after the list element type",
                )?;
                self.expect(b'[', "after list<T>")?;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    Value::list(elem, Vec::new())
                } else {
                    frames.push(Frame::List {
                        elem: Some(elem),
                        start: depth,
                    });
                    return Ok(None);
                }
            }
            "none" => Value::option(
                self.angle_type("after none (write none<T>)", "after the none type")?,
                None,
            ),
            "some" => {
                self.skip_ws();
                let inner = if self.peek() == Some(b'<') {
                    Some(self.angle_type("after some", "after the some type")?)
                } else {
                    None
                };
                self.expect(b'(', "after some (write some(x) or some<T>(x))")?;
                frames.push(Frame::Some { inner });
                return Ok(None);
            }
            "ok" | "err" => {
                let is_err = word == "err";
                self.expect_with(b'<', || {
                    format!(
                        "after {word} (write {word}<T, E>(x); '_' may stand for the payload's type)"
                    )
                })?;
                let (ok, ok_at) = self.type_or_infer()?;
                self.expect_with(b',', || format!("after the ok type of {word}<T, E>"))?;
                let (err, err_at) = self.type_or_infer()?;
                self.skip_ws();
                if self.peek() == Some(b',') {
                    self.pos += 1;
                }
                self.expect_with(b'>', || format!("after the err type of {word}<T, E>"))?;
                if is_err && ok.is_none() {
                    return self.err(
                        ok_at,
                        "expected the ok type, found '_' (in err<T, E>(x) only E may be '_')"
                            .into(),
                    );
                }
                if !is_err && err.is_none() {
                    return self.err(
                        err_at,
                        "expected the err type, found '_' (in ok<T, E>(x) only T may be '_')"
                            .into(),
                    );
                }
                self.expect_with(b'(', || format!("after {word}<T, E>"))?;
                frames.push(Frame::Result(Box::new(ResultFrame { ok, err, is_err })));
                return Ok(None);
            }
            _ => {
                return self.err(
                    at,
                    format!(
                        "expected a value, found '{}' (a record type name is followed by '{{', \
                         a variant type name by '::')",
                        self.literal(at, at + word.len())
                    ),
                );
            }
        };
        Ok(Some(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `v` prints as exactly `text`, and `text` parses back to a value that is `same()` as `v`.
    #[track_caller]
    fn rt(v: Value, text: &str) {
        assert_eq!(to_text(&v), text);
        let back = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(back.same(&v), "{text}: parsed {back:?}, want {v:?}");
    }

    /// `text` parses to a value that prints as `canonical`.
    #[track_caller]
    fn reads_as(text: &str, canonical: &str) {
        let v = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(to_text(&v), canonical, "{text}");
    }

    /// `text` fails at (line, column) with a message containing `msg`.
    #[track_caller]
    fn fails(text: &str, line: u32, column: u32, msg: &str) -> TextError {
        let e = match parse(text) {
            Ok(v) => panic!("{text:?} parsed as {}", to_text(&v)),
            Err(e) => e,
        };
        assert!(
            e.message.contains(msg),
            "{text:?}: message {:?} lacks {msg:?}",
            e.message
        );
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
        e
    }

    #[test]
    fn scalars() {
        rt(Value::Bool(true), "true");
        rt(Value::Bool(false), "false");
        rt(Value::U8(255), "255u8");
        rt(Value::U16(4660), "4660u16");
        rt(Value::U32(u32::MAX), "4294967295u32");
        rt(Value::U64(u64::MAX), "18446744073709551615u64");
        rt(Value::S8(-128), "-128s8");
        rt(Value::S16(-32768), "-32768s16");
        rt(Value::S32(-1), "-1s32");
        rt(Value::S64(42), "42");
        rt(Value::S64(i64::MIN), "-9223372036854775808");
        rt(Value::S64(i64::MAX), "9223372036854775807");
        rt(Value::Flags(0x2b), "flags(0x2b)");
        rt(Value::Flags(0), "flags(0x0)");
        rt(Value::Flags(u64::MAX), "flags(0xffffffffffffffff)");
    }

    #[test]
    fn integer_input_forms() {
        reads_as("0xffu8", "255u8");
        reads_as("-0x80s8", "-128s8");
        reads_as("0X7fffffffffffffff", "9223372036854775807");
        reads_as("-0x8000000000000000", "-9223372036854775808");
        reads_as("-0u8", "0u8");
        reads_as("007s16", "7s16");
        reads_as("42s64", "42");
        reads_as("flags(43)", "flags(0x2b)");
        reads_as("flags( 0x2B )", "flags(0x2b)");
    }

    #[test]
    fn floats() {
        rt(Value::F32(1.5), "1.5f32");
        rt(Value::F32(-0.0), "-0.0f32");
        rt(Value::F64(-0.0), "-0.0f64");
        rt(Value::F64(1.0), "1.0f64");
        rt(Value::F64(std::f64::consts::PI), "3.141592653589793f64");
        rt(Value::F64(f64::from_bits(1)), "5e-324f64");
        rt(Value::F32(f32::from_bits(1)), "1e-45f32");
        rt(Value::F64(1e16), "1e16f64");
        rt(Value::F64(f64::MAX), "1.7976931348623157e308f64");
        rt(Value::F32(f32::MAX), "3.4028235e38f32");
        rt(Value::F32(0.1), "0.1f32");
        rt(Value::F64(f64::INFINITY), "inf_f64");
        rt(Value::F64(f64::NEG_INFINITY), "-inf_f64");
        rt(Value::F32(f32::INFINITY), "inf_f32");
        rt(Value::F32(f32::NEG_INFINITY), "-inf_f32");
        rt(Value::F64(f64::from_bits(0x7ff8_0000_0000_0000)), "nan_f64");
        rt(Value::F32(f32::from_bits(0x7fc0_0000)), "nan_f32");
        rt(
            Value::F64(f64::from_bits(0x7ff0_0000_0000_0001)),
            "nan_f64(0x7ff0000000000001)",
        );
        rt(
            Value::F64(f64::from_bits(0xfff8_0000_0000_0000)),
            "nan_f64(0xfff8000000000000)",
        );
        rt(
            Value::F32(f32::from_bits(0xffc0_0001)),
            "nan_f32(0xffc00001)",
        );
        rt(
            Value::F32(f32::from_bits(0x7f80_0001)),
            "nan_f32(0x7f800001)",
        );
        // Input forms.
        reads_as("1.5", "1.5f64");
        reads_as("2e3", "2000.0f64");
        reads_as("-1E-2f32", "-0.01f32");
        reads_as("1.0e+2f64", "100.0f64");
        reads_as("nan_f64(0x7ff8000000000000)", "nan_f64");
        reads_as("nan_f32 ( 0xffc00001 )", "nan_f32(0xffc00001)");
        // f32 is parsed directly, not through f64 (double rounding would give 0x3f800000 here).
        let v = parse("1.00000005960464477539062500001f32").unwrap();
        assert!(v.same(&Value::F32(f32::from_bits(0x3f80_0001))), "{v:?}");
    }

    #[test]
    fn chars_and_strings() {
        rt(Value::Char('a'), "'a'");
        rt(Value::Char('\0'), "'\\0'");
        rt(Value::Char('\''), "'\\''");
        rt(Value::Char('"'), "'\"'");
        rt(Value::Char('\\'), "'\\\\'");
        rt(Value::Char('\n'), "'\\n'");
        rt(Value::Char('\r'), "'\\r'");
        rt(Value::Char('\t'), "'\\t'");
        rt(Value::Char('\u{1b}'), "'\\u{1b}'");
        rt(Value::Char('\u{7f}'), "'\\u{7f}'");
        rt(Value::Char('\u{9f}'), "'\\u{9f}'");
        rt(Value::Char('\u{a0}'), "'\u{a0}'");
        rt(Value::Char('é'), "'é'");
        rt(Value::Char('\u{10ffff}'), "'\u{10ffff}'");
        rt(Value::string(""), "\"\"");
        rt(Value::string("a\0b"), "\"a\\0b\"");
        rt(Value::string("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        rt(Value::string("it's"), "\"it's\"");
        rt(Value::string("tab\there\\"), "\"tab\\there\\\\\"");
        rt(Value::string("héllo 世界 🌍"), "\"héllo 世界 🌍\"");
        rt(Value::string("\u{85}\u{1}x"), "\"\\u{85}\\u{1}x\"");
        reads_as("'\\u{41}'", "'A'");
        reads_as("\"\\u{1F30D}\\u{0}\"", "\"🌍\\0\"");
        // Raw control characters are accepted inside quotes; the printer escapes them.
        reads_as("\"a\nb\u{0}\"", "\"a\\nb\\0\"");
        assert!(!to_text(&Value::string("\0\u{1}\u{7f}\u{9f}")).contains(|c: char| c.is_control()));
    }

    #[test]
    fn tuples_and_lists() {
        rt(Value::unit(), "()");
        rt(Value::tuple(vec![Value::S64(1)]), "(1,)");
        rt(
            Value::tuple(vec![Value::S32(7), Value::string("x")]),
            "(7s32, \"x\")",
        );
        rt(
            Value::tuple(vec![Value::tuple(vec![Value::Bool(true)]), Value::unit()]),
            "((true,), ())",
        );
        rt(
            Value::list(Type::s32(), vec![Value::S32(1), Value::S32(2)]),
            "[1s32, 2s32]",
        );
        rt(Value::list(Type::s32(), vec![]), "list<s32>[]");
        // Element type disagreeing with the first item: the prefix is printed.
        rt(
            Value::list(Type::s32(), vec![Value::string("x")]),
            "list<s32>[\"x\"]",
        );
        // Agreeing with the first item only: no prefix, later items are kept as they are.
        rt(
            Value::list(Type::s32(), vec![Value::S32(1), Value::string("x")]),
            "[1s32, \"x\"]",
        );
        let kv = Type::tuple(&[Type::string(), Type::u8()]);
        rt(Value::list(kv.clone(), vec![]), "list<tuple<string, u8>>[]");
        rt(
            Value::list(
                kv,
                vec![Value::tuple(vec![Value::string("k"), Value::U8(1)])],
            ),
            "[(\"k\", 1u8)]",
        );
        rt(Value::list(Type::tuple(&[]), vec![Value::unit()]), "[()]");
        rt(Value::list(Type::tuple(&[]), vec![]), "list<tuple<>>[]");
        rt(
            Value::list(
                Type::list(Type::s32()),
                vec![
                    Value::list(Type::s32(), vec![Value::S32(1)]),
                    Value::list(Type::s32(), vec![]),
                ],
            ),
            "[[1s32], list<s32>[]]",
        );
        reads_as("( 1 , )", "(1,)");
        reads_as("(1, 2,)", "(1, 2)");
        reads_as("[1, 2, ]", "[1, 2]");
        reads_as("list<s64>[1]", "[1]");
        reads_as("list < tuple < > > [ ]", "list<tuple<>>[]");
        reads_as("list<tuple<s64,>>[]", "list<tuple<s64>>[]");
    }

    #[test]
    fn options_and_results() {
        rt(
            Value::option(Type::s32(), Some(Value::S32(7))),
            "some(7s32)",
        );
        rt(Value::option(Type::s32(), None), "none<s32>");
        rt(
            Value::option(Type::list(Type::string()), None),
            "none<list<string>>",
        );
        rt(
            Value::option(Type::s32(), Some(Value::S64(7))),
            "some<s32>(7)",
        );
        rt(
            Value::option(
                Type::option(Type::u8()),
                Some(Value::option(Type::u8(), Some(Value::U8(1)))),
            ),
            "some(some(1u8))",
        );
        rt(
            Value::result(Type::s32(), Type::string(), false, Value::S32(1)),
            "ok<_, string>(1s32)",
        );
        rt(
            Value::result(Type::s32(), Type::string(), true, Value::string("bad")),
            "err<s32, _>(\"bad\")",
        );
        rt(
            Value::result(Type::s32(), Type::string(), false, Value::string("x")),
            "ok<s32, string>(\"x\")",
        );
        rt(
            Value::result(Type::s32(), Type::string(), true, Value::S32(1)),
            "err<s32, string>(1s32)",
        );
        rt(
            Value::result(Type::string(), Type::string(), false, Value::string("x")),
            "ok<_, string>(\"x\")",
        );
        reads_as("some<s32>(7s32)", "some(7s32)");
        reads_as("ok<s64, string>(3)", "ok<_, string>(3)");
        reads_as("err<s32, string,>(\"e\")", "err<s32, _>(\"e\")");
        reads_as("ok < _ , u8 > ( 1 )", "ok<_, u8>(1)");
    }

    #[test]
    fn records_and_variants() {
        rt(
            Value::record("point", vec![("x", Value::S32(1)), ("y", Value::S32(2))]),
            "point{x: 1s32, y: 2s32}",
        );
        rt(Value::record("empty", vec![]), "empty{}");
        rt(
            Value::record("", vec![("", Value::S64(1))]),
            "\"\"{\"\": 1}",
        );
        rt(
            Value::record("a b", vec![("x y", Value::S64(1))]),
            "\"a b\"{\"x y\": 1}",
        );
        rt(
            Value::record(
                "true",
                vec![("list", Value::S64(1)), ("s64", Value::unit())],
            ),
            "\"true\"{\"list\": 1, \"s64\": ()}",
        );
        rt(
            Value::record("r", vec![("x", Value::S64(1)), ("x", Value::S64(2))]),
            "r{x: 1, x: 2}",
        );
        rt(
            Value::record("k-v_2", vec![("_a", Value::Bool(true))]),
            "k-v_2{_a: true}",
        );
        rt(Value::variant("color", "red", 0, vec![]), "color::red#0");
        rt(
            Value::variant("shape", "circle", 1, vec![Value::F64(2.5)]),
            "shape::circle#1(2.5f64)",
        );
        rt(
            Value::variant("msg", "pair", 3, vec![Value::S32(1), Value::string("z")]),
            "msg::pair#3(1s32, \"z\")",
        );
        // Tags are independent of anything else and round-trip, including above u32::MAX.
        rt(
            Value::variant("t", "c", 4_294_967_301, vec![]),
            "t::c#4294967301",
        );
        rt(
            Value::variant("t", "c", u64::MAX, vec![]),
            "t::c#18446744073709551615",
        );
        rt(
            Value::variant("demo:host/log", "c", 0, vec![]),
            "\"demo:host/log\"::c#0",
        );
        rt(
            Value::variant("some", "none", 7, vec![Value::unit()]),
            "\"some\"::\"none\"#7(())",
        );
        rt(
            Value::variant("inf_f64", "nan", 1, vec![]),
            "\"inf_f64\"::\"nan\"#1",
        );
        rt(Value::variant("", "", 0, vec![]), "\"\"::\"\"#0");
        reads_as("msg::pair#3()", "msg::pair#3");
        reads_as("msg :: pair # 3 ( 1 , )", "msg::pair#3(1)");
        reads_as("\"color\"::\"red\"#0", "color::red#0");
        // Reserved words are accepted bare wherever only a name can stand.
        reads_as("true{list: 1}", "\"true\"{\"list\": 1}");
        reads_as("some::none#0", "\"some\"::\"none\"#0");
        reads_as("r{x: 1,}", "r{x: 1}");
        reads_as("list<record<flags>>[]", "list<record<\"flags\">>[]");
        reads_as("none<variant<\"a b\">>", "none<variant<\"a b\">>");
    }

    #[test]
    fn types() {
        for (t, s) in [
            (Type::s64(), "s64"),
            (Type::flags(), "flags"),
            (Type::list(Type::string()), "list<string>"),
            (Type::option(Type::char()), "option<char>"),
            (
                Type::result(Type::u8(), Type::record("e")),
                "result<u8, record<e>>",
            ),
            (Type::tuple(&[]), "tuple<>"),
            (
                Type::tuple(&[Type::bool(), Type::f32()]),
                "tuple<bool, f32>",
            ),
            (Type::variant("demo:x"), "variant<\"demo:x\">"),
            (Type::record(""), "record<\"\">"),
            (Type::record("u8"), "record<\"u8\">"),
        ] {
            assert_eq!(type_to_text(&t), s);
            assert_eq!(parse_type(s).unwrap(), t, "{s}");
        }
        assert_eq!(
            parse_type(" result < s8 , tuple< u16 , > , > // c").unwrap(),
            Type::result(Type::s8(), Type::tuple(&[Type::u16()]))
        );
        let e = parse_type("list<int>").unwrap_err();
        assert_eq!((e.line, e.column), (1, 6));
        assert!(e.message.starts_with("expected a type"), "{e}");
        assert!(e.message.ends_with("found 'int'"), "{e}");
        let e = parse_type("s64 s64").unwrap_err();
        assert_eq!(
            e.message,
            "expected end of input after the type, found 's64'"
        );
        let e = parse_type("_").unwrap_err();
        assert!(e.message.contains("'_'"), "{e}");
    }

    #[test]
    fn whitespace_and_comments() {
        reads_as(
            "// a point\npoint {\n  x : 1s32 , // first\n  y: 2s32,\r\n}\n// end",
            "point{x: 1s32, y: 2s32}",
        );
        reads_as("\t[ 1 ,2 ]  ", "[1, 2]");
    }

    #[test]
    fn errors_say_what_and_where() {
        fails(
            "\"abc",
            1,
            1,
            "unterminated string: expected a closing '\"', found end of input",
        );
        fails("[\"a\\qb\"]", 1, 4, "unknown escape");
        fails("'\\u{D800}'", 1, 2, "char U+D800 is a surrogate");
        fails("\"\\u{110000}\"", 1, 2, "char U+110000 is above U+10FFFF");
        fails("'\\u{1234567}'", 1, 5, "expected 1 to 6 hex digits");
        fails(
            "'\\u{}'",
            1,
            5,
            "expected 1 to 6 hex digits in \\u{...}, found '}'",
        );
        fails("''", 1, 1, "empty char literal");
        fails(
            "'ab'",
            1,
            3,
            "expected ''' to close the char literal, found 'b'",
        );
        fails("300u8", 1, 1, "integer 300 does not fit u8");
        fails("-1u64", 1, 1, "integer -1 does not fit u64");
        fails("128s8", 1, 1, "integer 128 does not fit s8");
        fails(
            "9223372036854775808",
            1,
            1,
            "integer 9223372036854775808 does not fit s64",
        );
        fails("(1, 99999999999999999999999u64)", 1, 5, "does not fit u64");
        fails("0x100u8", 1, 1, "integer 0x100 does not fit u8");
        fails(
            "1f64",
            1,
            1,
            "expected a '.' or an exponent in float 1f64: write 1.0f64",
        );
        fails("12abc", 1, 3, "expected integer suffix");
        fails(
            "1.5u8",
            1,
            4,
            "expected float suffix f32 or f64, found 'u8'",
        );
        fails("1e999", 1, 1, "out of range for f64");
        fails("1.", 1, 3, "expected a digit after '.'");
        fails("-x", 1, 1, "after '-', found 'x'");
        fails("-nan_f64", 1, 1, "write nan_f64(0x...)");
        fails(
            "nan_f64(0x7ff0000000000000)",
            1,
            9,
            "not the bit pattern of an f64 NaN",
        );
        fails(
            "nan_f32(0x7fc000000)",
            1,
            9,
            "not the bit pattern of an f32 NaN",
        );
        fails("nan_f32(12)", 1, 9, "expected hex bits like 0xffc00001");
        fails("[]", 1, 1, "empty list needs a type: write list<T>[]");
        fails(
            "[1 x]",
            1,
            4,
            "expected ',' or ']' after list item, found 'x'",
        );
        fails("(1)", 1, 3, "1-tuple");
        fails(
            "(1 2)",
            1,
            4,
            "expected ',' or ')' after tuple item, found '2'",
        );
        fails(
            "color::red",
            1,
            11,
            "expected '#' and a tag after the case name",
        );
        fails("color::red(1)", 1, 11, "expected '#'");
        fails(
            "color::red#x",
            1,
            12,
            "expected a decimal tag after '#', found 'x'",
        );
        fails(
            "t::c#18446744073709551616",
            1,
            6,
            "variant tag 18446744073709551616 does not fit u64",
        );
        fails(
            "1 x",
            1,
            3,
            "expected end of input after the value, found 'x'",
        );
        fails(
            "[1] ]",
            1,
            5,
            "expected end of input after the value, found ']'",
        );
        fails("", 1, 1, "expected a value, found end of input");
        fails(
            "// only a comment",
            1,
            18,
            "expected a value, found end of input",
        );
        fails(
            "none",
            1,
            5,
            "expected '<' after none (write none<T>), found end of input",
        );
        fails("ok(1)", 1, 3, "expected '<' after ok");
        fails("ok<s32, _>(1s32)", 1, 9, "only T may be '_'");
        fails("err<_, string>(\"e\")", 1, 5, "only E may be '_'");
        fails(
            "some(1, )",
            1,
            7,
            "expected ')' to close some(...), found ','",
        );
        fails(
            "flags(-1)",
            1,
            7,
            "expected a decimal or 0x hex number in flags(...)",
        );
        fails("flags(0x1u8)", 1, 7, "expected a decimal or 0x hex number");
        fails("flags(0x10000000000000000)", 1, 7, "does not fit u64");
        fails(
            "point{x 1}",
            1,
            9,
            "expected ':' after field name, found '1'",
        );
        fails(
            "point{x: 1 y: 2}",
            1,
            12,
            "expected ',' or '}' after record field, found 'y'",
        );
        fails("point{1: 2}", 1, 7, "expected a field name or '}'");
        fails(
            "list<s32>",
            1,
            10,
            "expected '[' after list<T>, found end of input",
        );
        fails(
            "list<s32[]",
            1,
            9,
            "expected '>' after the list element type, found '['",
        );
        fails("foo", 1, 1, "expected a value, found 'foo'");
        fails("@", 1, 1, "expected a value, found '@'");
        fails("\u{0}", 1, 1, "expected a value, found '\\0'");
        fails("/ 1", 1, 1, "expected a value, found '/'");
        // Line and column count lines and Unicode scalar values.
        fails("[\n  1,\n  \"é\", 2u8x\n]", 3, 9, "expected integer suffix");
        fails("(\"世界\", 300u8)", 1, 8, "integer 300 does not fit u8");
        let e = fails("[1,\r\n 2 x]", 2, 4, "expected ',' or ']'");
        assert_eq!(e.offset, 8);
        assert_eq!(
            e.to_string(),
            "line 2, column 4: expected ',' or ']' after list item, found 'x'"
        );
    }

    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    const DEEP: usize = 1_000_000;

    #[test]
    fn deep_tuple_prints_and_parses_on_a_small_stack() {
        on_small_stack(|| {
            let mut v = Value::S64(0);
            for _ in 0..DEEP {
                v = Value::tuple(vec![v]);
            }
            let t = to_text(&v);
            assert_eq!(t, format!("{}0{}", "(".repeat(DEEP), ",)".repeat(DEEP)));
            let back = parse(&t).unwrap();
            assert!(back.same(&v));
        });
    }

    #[test]
    fn deep_list_prints_and_parses_on_a_small_stack() {
        on_small_stack(|| {
            // Each level's element type is fixed (a list's inferred type grows with depth, so
            // a million levels of inferred types would not fit in memory).
            let elem = Type::list(Type::s64());
            let mut v = Value::list(Type::s64(), vec![Value::S64(1)]);
            for _ in 0..DEEP {
                v = Value::list(elem.clone(), vec![v]);
            }
            let t = to_text(&v);
            // The innermost list's parent agrees with its item (`[[1]]`); no other level does.
            let want = format!(
                "{}[[1]{}",
                "list<list<s64>>[".repeat(DEEP - 1),
                "]".repeat(DEEP)
            );
            assert!(t == want, "{}", &t[t.len() - 40..]);
            let back = parse(&t).unwrap();
            assert!(back.same(&v));
            assert_eq!(to_text(&back), t);
        });
    }

    #[test]
    fn deep_type_prints_and_parses_on_a_small_stack() {
        on_small_stack(|| {
            let mut b = vec![tag::LIST; DEEP];
            b.push(tag::TUPLE);
            b.extend_from_slice(&2u32.to_le_bytes());
            b.push(tag::STRING);
            b.push(tag::OPTION);
            b.push(tag::U8);
            let t = Type::from_wire(&b).unwrap();
            let s = type_to_text(&t);
            assert_eq!(s.len(), 6 * DEEP + "tuple<string, option<u8>>".len());
            assert!(s.contains("<list<tuple<string, option<u8>>>>"));
            assert_eq!(parse_type(&s).unwrap(), t);
            // The same type inside values.
            for v in [
                Value::list(t.clone(), vec![]),
                Value::option(t.clone(), None),
                Value::result(t.clone(), t.clone(), true, Value::S64(1)),
            ] {
                let text = to_text(&v);
                assert!(parse(&text).unwrap().same(&v));
            }
        });
    }

    #[test]
    fn deep_mixed_nesting_on_a_small_stack() {
        on_small_stack(|| {
            let mut v = Value::S64(1);
            for i in 0..100_000u64 {
                v = Value::option(Type::s32(), Some(v));
                v = Value::variant("t", "c", i, vec![v, Value::unit()]);
                v = Value::result(Type::s32(), Type::string(), i % 2 == 0, v);
                v = Value::record("r", vec![("f", v)]);
                v = Value::list(Type::record("q"), vec![v]);
                v = Value::tuple(vec![Value::Bool(true), v]);
            }
            let t = to_text(&v);
            let back = parse(&t).unwrap();
            assert!(back.same(&v));
        });
    }

    #[test]
    fn deep_unclosed_input_is_an_error_on_a_small_stack() {
        on_small_stack(|| {
            for (open, msg) in [
                ("[", "expected a value, found end of input"),
                ("(", "expected a value, found end of input"),
                ("some(", "expected a value, found end of input"),
                ("ok<_, s64>(", "expected a value, found end of input"),
                ("r{f: ", "expected a value, found end of input"),
                ("t::c#0(", "expected a value, found end of input"),
                ("list<", "expected a type, found end of input"),
                ("list<tuple<", "expected a type, found end of input"),
            ] {
                let text = open.repeat(DEEP);
                let e = parse(&text).unwrap_err();
                assert_eq!(e.offset, text.len(), "{open}");
                assert_eq!((e.line, e.column as usize), (1, text.len() + 1), "{open}");
                assert_eq!(e.message, msg, "{open}");
            }
            // Closed one short.
            let text = format!("{}1{}", "(".repeat(DEEP), ",)".repeat(DEEP - 1));
            let e = parse(&text).unwrap_err();
            assert_eq!(
                e.message,
                "expected ',' or ')' after tuple item, found end of input"
            );
            let text = format!("{}s64{}", "list<".repeat(DEEP), ">".repeat(DEEP - 1));
            let e = parse_type(&text).unwrap_err();
            assert_eq!(
                e.message,
                "expected '>' after the list element type, found end of input"
            );
        });
    }
}
