//! CGRF v3 (packr-abi 0.24): the canonical order of map keys and set items, the v2 shape of maps
//! and sets, and transcoding between the two wire versions.
//!
//! v3 has the same header and node layout as v2, with `version` = 3 and two more node kinds:
//! `Map` (0x16: key descriptor, value descriptor, u32 count, count × (key child, value child))
//! and `Set` (0x17: element descriptor, u32 count, count × child). A v2 buffer is therefore a
//! valid v3 buffer once its version is patched; a v3 buffer without maps and sets (in nodes or
//! descriptors) is a valid v2 buffer the same way. Maps and sets become what packr-abi 0.5.4
//! builds from a `BTreeMap` / `BTreeSet`: a list of `(key, value)` tuples, and a sorted list.

use super::decode::{Limits, decode_with_limits};
use super::encode::encode_version;
use super::error::{DecodeError, EncodeError};
use super::model::Value;
use super::types::{Kind, Type, scan_desc_in, tag};
use std::borrow::Cow;
use std::cmp::Ordering;

/// The oldest and the newest wire version libpackr reads and writes.
pub const V2: u16 = 2;
pub const V3: u16 = 3;

/// Compares two values in the canonical order that packr-abi's `BTreeMap` / `BTreeSet` keys
/// follow (Rust's derived `Ord`): values of different kinds order by kind number; numbers
/// numerically (floats by IEEE total order), chars by scalar value, strings bytewise, and
/// containers lexicographically by their children (a shorter prefix first; `none` before
/// `some`, `ok` before `err`, variants by tag first). Type descriptors and names do not take
/// part. Iterative.
pub fn canonical_cmp(a: &Value, b: &Value) -> Ordering {
    enum Step<'a> {
        Pair(&'a Value, &'a Value),
        Len(usize, usize),
    }
    let mut stack = vec![Step::Pair(a, b)];
    while let Some(step) = stack.pop() {
        let (a, b) = match step {
            Step::Len(x, y) => match x.cmp(&y) {
                Ordering::Equal => continue,
                o => return o,
            },
            Step::Pair(a, b) => (a, b),
        };
        let o = match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (Value::U8(x), Value::U8(y)) => x.cmp(y),
            (Value::U16(x), Value::U16(y)) => x.cmp(y),
            (Value::U32(x), Value::U32(y)) => x.cmp(y),
            (Value::U64(x), Value::U64(y)) => x.cmp(y),
            (Value::S8(x), Value::S8(y)) => x.cmp(y),
            (Value::S16(x), Value::S16(y)) => x.cmp(y),
            (Value::S32(x), Value::S32(y)) => x.cmp(y),
            (Value::S64(x), Value::S64(y)) => x.cmp(y),
            (Value::F32(x), Value::F32(y)) => x.total_cmp(y),
            (Value::F64(x), Value::F64(y)) => x.total_cmp(y),
            (Value::Char(x), Value::Char(y)) => x.cmp(y),
            (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::Flags(x), Value::Flags(y)) => x.cmp(y),
            (Value::Result(x), Value::Result(y)) => x.is_err.cmp(&y.is_err),
            (Value::Variant(x), Value::Variant(y)) => x.tag.cmp(&y.tag),
            (x, y) => (x.kind() as u32).cmp(&(y.kind() as u32)),
        };
        if o != Ordering::Equal {
            return o;
        }
        let (ca, cb) = (a.children(), b.children());
        if ca.is_empty() && cb.is_empty() {
            continue;
        }
        stack.push(Step::Len(ca.len(), cb.len()));
        for (x, y) in ca.iter().zip(cb).rev() {
            stack.push(Step::Pair(x, y));
        }
    }
    Ordering::Equal
}

/// Checks that `keys` (every `stride`-th item of `items`) are strictly increasing. Returns the
/// index of the first entry that is not greater than the one before it.
pub(crate) fn first_unordered(items: &[Value], stride: usize) -> Option<usize> {
    let mut prev: Option<&Value> = None;
    for (i, k) in items.iter().step_by(stride).enumerate() {
        if let Some(p) = prev
            && canonical_cmp(p, k) != Ordering::Less
        {
            return Some(i);
        }
        prev = Some(k);
    }
    None
}

/// The message for a map or set whose entry `i` breaks the canonical order.
pub(crate) fn order_message(kind: Kind, items: &[Value], stride: usize, i: usize) -> String {
    let what = if kind == Kind::Map {
        "map key"
    } else {
        "set item"
    };
    let (prev, cur) = (&items[(i - 1) * stride], &items[i * stride]);
    let why = if canonical_cmp(prev, cur) == Ordering::Equal {
        "duplicates"
    } else {
        "sorts before"
    };
    format!(
        "{what} {i} ({}) {why} {what} {} ({}): {kind_name} entries must be unique and in increasing order",
        short_debug(cur),
        i - 1,
        short_debug(prev),
        kind_name = kind.name()
    )
}

fn short_debug(v: &Value) -> String {
    let mut s = format!("{v:?}");
    if s.len() > 80 {
        let mut cut = 77;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

impl Value {
    /// Checks every map and set in this value: keys (items) unique and strictly increasing in
    /// [`canonical_cmp`] order, and a map's items come in key/value pairs. The error names the
    /// path (`root.1.0`) and the offending entries.
    pub fn check_canonical(&self) -> Result<(), String> {
        let mut stack: Vec<(&Value, String)> = vec![(self, "root".into())];
        while let Some((v, path)) = stack.pop() {
            let bad =
                match v {
                    Value::Map(m) if m.items.len() % 2 != 0 => {
                        return Err(format!(
                            "map at {path} has {} items; keys and values must come in pairs",
                            m.items.len()
                        ));
                    }
                    Value::Map(m) => first_unordered(&m.items, 2)
                        .map(|i| order_message(Kind::Map, &m.items, 2, i)),
                    Value::Set(s) => first_unordered(&s.items, 1)
                        .map(|i| order_message(Kind::Set, &s.items, 1, i)),
                    _ => None,
                };
            if let Some(msg) = bad {
                return Err(format!("{msg} (at value {path})"));
            }
            for (i, c) in v.children().iter().enumerate() {
                if !c.children().is_empty() || matches!(c, Value::Map(_) | Value::Set(_)) {
                    stack.push((c, format!("{path}.{i}")));
                }
            }
        }
        Ok(())
    }

    /// True if only CGRF v3 can carry this value: it holds a map or a set, or a type descriptor
    /// that mentions one.
    pub fn has_v3_parts(&self) -> bool {
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            let v3 = match v {
                Value::Map(_) | Value::Set(_) => true,
                Value::List(l) => l.elem_type.has_v3_parts(),
                Value::Option(o) => o.inner_type.has_v3_parts(),
                Value::Result(r) => r.ok_type.has_v3_parts() || r.err_type.has_v3_parts(),
                _ => false,
            };
            if v3 {
                return true;
            }
            stack.extend(v.children());
        }
        false
    }

    /// This value in the shape CGRF v2 can carry: every `map<K, V>` becomes a
    /// `list<tuple<K, V>>` of `(key, value)` tuples and every `set<T>` a `list<T>` (what
    /// packr-abi 0.5.4 makes of a `BTreeMap` and a `BTreeSet`), in values and in type
    /// descriptors alike. Iterative.
    pub fn to_v2_shape(&self) -> Value {
        // Post-order rebuild: (source, next child) frames; finished copies wait on `done`.
        let mut frames: Vec<(&Value, usize)> = vec![(self, 0)];
        let mut done: Vec<Value> = Vec::new();
        while let Some((src, next)) = frames.last_mut() {
            let kids = src.children();
            if *next < kids.len() {
                let c = &kids[*next];
                *next += 1;
                frames.push((c, 0));
                continue;
            }
            let src = *src;
            let n = kids.len();
            frames.pop();
            let kids = done.split_off(done.len() - n);
            done.push(v2_node(src, kids));
        }
        done.pop().unwrap_or_else(Value::unit)
    }
}

/// One node of [`Value::to_v2_shape`], given its already converted children.
fn v2_node(src: &Value, kids: Vec<Value>) -> Value {
    match src {
        Value::Map(m) => {
            let kt = m.key_type.to_v2_shape();
            let vt = m.value_type.to_v2_shape();
            let mut items = Vec::with_capacity(kids.len() / 2);
            let mut it = kids.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                items.push(Value::tuple(vec![k, v]));
            }
            Value::list(Type::tuple(&[kt, vt]), items)
        }
        Value::Set(s) => Value::list(s.elem_type.to_v2_shape(), kids),
        Value::List(l) => Value::list(l.elem_type.to_v2_shape(), kids),
        Value::Option(o) => Value::option(o.inner_type.to_v2_shape(), kids.into_iter().next()),
        Value::Result(r) => Value::result(
            r.ok_type.to_v2_shape(),
            r.err_type.to_v2_shape(),
            r.is_err,
            kids.into_iter().next().unwrap_or_else(Value::unit),
        ),
        other => {
            let mut v = other.shallow_clone();
            v.set_children(kids);
            v
        }
    }
}

impl Type {
    /// This descriptor with `map<K, V>` as `list<tuple<K, V>>` and `set<T>` as `list<T>`.
    pub fn to_v2_shape(&self) -> Type {
        if !self.has_v3_parts() {
            return self.clone();
        }
        let b = self.wire_bytes();
        let mut out = Vec::with_capacity(b.len() + 8);
        let mut at = 0usize;
        let mut pending: u64 = 1;
        while pending > 0 && at < b.len() {
            pending -= 1;
            let t = b[at];
            at += 1;
            match t {
                tag::MAP => {
                    out.push(tag::LIST);
                    out.push(tag::TUPLE);
                    out.extend_from_slice(&2u32.to_le_bytes());
                    pending += 2;
                }
                tag::SET | tag::LIST | tag::OPTION => {
                    out.push(if t == tag::SET { tag::LIST } else { t });
                    pending += 1;
                }
                tag::RESULT => {
                    out.push(t);
                    pending += 2;
                }
                tag::TUPLE | tag::RECORD | tag::VARIANT => {
                    let n = b
                        .get(at..at + 4)
                        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
                    out.push(t);
                    out.extend_from_slice(&n.to_le_bytes());
                    at += 4;
                    if t == tag::TUPLE {
                        pending += u64::from(n);
                    } else {
                        let end = (at + n as usize).min(b.len());
                        out.extend_from_slice(&b[at..end]);
                        at = end;
                    }
                }
                other => out.push(other),
            }
        }
        Type::from_checked(&out)
    }
}

/// The wire version in a CGRF header, if the bytes start with one.
pub fn wire_version(bytes: &[u8]) -> Option<u16> {
    match bytes {
        [b'C', b'G', b'R', b'F', lo, hi, ..] => Some(u16::from_le_bytes([*lo, *hi])),
        _ => None,
    }
}

fn with_version(bytes: &[u8], version: u16) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v[4..6].copy_from_slice(&version.to_le_bytes());
    v
}

/// Why bytes could not be transcoded.
#[derive(Clone, Debug)]
pub enum TranscodeError {
    /// The input is not valid CGRF.
    Decode(DecodeError),
    /// The value cannot be written in the target version.
    Encode(EncodeError),
}

impl std::fmt::Display for TranscodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TranscodeError::Decode(e) => write!(f, "{e}"),
            TranscodeError::Encode(e) => write!(f, "{e}"),
        }
    }
}

/// Rewrites CGRF bytes for a reader of wire version `to` (2 or 3). Bytes already in that
/// version, and bytes that are not CGRF of a known version, come back borrowed and unchanged
/// (the reader's own decoder reports what is wrong with them). v2 → v3 patches the header;
/// v3 → v2 patches the header when the value has no maps or sets (or when its framing is
/// malformed, which the reader then reports), and otherwise decodes (with `limits`), turns maps
/// and sets into their v2 shape, and encodes again.
#[inline]
pub fn transcode<'a>(
    bytes: &'a [u8],
    to: u16,
    limits: &Limits,
) -> Result<Cow<'a, [u8]>, TranscodeError> {
    // The common case first: bytes whose version field already says `to` (whether or not the
    // magic is right, they pass unchanged), or too short to have one.
    match bytes.get(4..6) {
        None => return Ok(Cow::Borrowed(bytes)),
        Some(v) if u16::from_le_bytes([v[0], v[1]]) == to => return Ok(Cow::Borrowed(bytes)),
        Some(_) => {}
    }
    match wire_version(bytes) {
        Some(v @ (V2 | V3)) if v != to => rewrite(bytes, v, to, limits).map(Cow::Owned),
        _ => Ok(Cow::Borrowed(bytes)),
    }
}

/// [`transcode`] of bytes in version `from`, not `to`.
fn rewrite(bytes: &[u8], from: u16, to: u16, limits: &Limits) -> Result<Vec<u8>, TranscodeError> {
    if from == V2 || v3_bytes_need_rewrite(bytes) != Some(true) {
        return Ok(with_version(bytes, to));
    }
    let v = decode_with_limits(bytes, limits).map_err(TranscodeError::Decode)?;
    encode_version(&v, V2).map_err(TranscodeError::Encode)
}

/// Whether a v3 buffer holds a map or a set, in a node or inside a descriptor: None when its
/// framing is malformed (then the bytes pass on with a patched header, and the reader's own
/// decoder reports what is wrong, as for any other malformed input).
fn v3_bytes_need_rewrite(b: &[u8]) -> Option<bool> {
    let rd = |at: usize| -> Option<u32> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    let count = rd(8)?;
    let mut at = 16usize;
    let mut v3 = false;
    for _ in 0..count {
        let kind = *b.get(at)?;
        let len = rd(at + 4)? as usize;
        let start = at.checked_add(8)?;
        let p = b.get(start..start.checked_add(len)?)?;
        let descs = match kind {
            tag::MAP | tag::SET => {
                v3 = true;
                0
            }
            tag::LIST | tag::OPTION => 1,
            tag::RESULT => 2,
            _ => 0,
        };
        let mut d = 0usize;
        for _ in 0..descs {
            d = scan_desc_in(p, d, false, true).ok()?;
        }
        if descs > 0 && scan_desc_in(p, 0, false, false).is_err() {
            v3 = true;
        }
        at = start + len;
    }
    Some(v3)
}
