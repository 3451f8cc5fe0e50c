//! The printer: [`to_text`] and [`type_to_text`].

use super::{
    CANONICAL_NAN_F32, CANONICAL_NAN_F64, is_ident_continue, is_ident_start, write_escaped_char,
};
use crate::value::model::Value;
use crate::value::types::{Kind, Type};
use std::fmt::Write as _;

/// Words that are printed quoted when they are used as a name.
const RESERVED: [&str; 32] = [
    "true", "false", "some", "none", "ok", "err", "flags", "list", "option", "result", "tuple",
    "record", "variant", "inf", "nan", "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32",
    "s64", "f32", "f64", "char", "string", "inf_f32", "inf_f64", "nan_f32", "nan_f64",
];

fn is_ident(s: &str) -> bool {
    let b = s.as_bytes();
    match b.split_first() {
        Some((&first, rest)) => is_ident_start(first) && rest.iter().all(|&c| is_ident_continue(c)),
        None => false,
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
            Kind::List | Kind::Option | Kind::Set => {
                out.push_str(kind.name());
                out.push('<');
                stack.push(Step::Text(">"));
                stack.push(Step::Desc);
            }
            Kind::Result | Kind::Map => {
                out.push_str(kind.name());
                out.push('<');
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
            Value::Map(m) => {
                out.push_str("map<");
                write_type_bytes(m.key_type.wire_bytes(), &mut out);
                out.push_str(", ");
                write_type_bytes(m.value_type.wire_bytes(), &mut out);
                out.push_str(">{");
                stack.push(Step::Text("}"));
                let n = m.items.len() / 2;
                for i in (0..n).rev() {
                    stack.push(Step::Val(&m.items[2 * i + 1]));
                    stack.push(Step::Text(": "));
                    stack.push(Step::Val(&m.items[2 * i]));
                    if i > 0 {
                        stack.push(Step::Text(", "));
                    }
                }
                Ok(())
            }
            Value::Set(x) => {
                out.push_str("set<");
                write_type_bytes(x.elem_type.wire_bytes(), &mut out);
                out.push_str(">{");
                stack.push(Step::Text("}"));
                push_seq(&mut stack, &x.items);
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
