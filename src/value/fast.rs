//! The single-pass fast path of the CGRF decoder.
//!
//! Every CGRF writer we know of (libpackr, packr-abi 0.5.4 and 0.24) emits a tree in post-order:
//! each container's children are exactly the subtrees written just before it, and the root is
//! the last node. For such a buffer one pass in index order can frame, check and decode every
//! node, building values on a stack, with no node table, no path bitmap and no frames.
//!
//! The fast path never reports an error: at the first thing it does not like (anything invalid,
//! any limit reached, shared or out-of-order children, unreachable nodes) it gives up and the
//! three-phase decoder in `decode.rs` runs from scratch, which reports exactly upstream's first
//! error, or decodes the unusual-but-valid shapes. So the fast path only has to be right about
//! what it accepts: it accepts a buffer only if the full decoder would, and builds the same value.

use super::decode::Limits;
use super::items::Items;
use super::model::{List, Map, OptionValue, Record, ResultValue, Seq, Set, Str, Value, Variant};
use super::types::{Kind, Type, scan_desc_in, tag};
use super::v3::first_unordered;
use smallvec::SmallVec;
use thin_vec::ThinVec;

/// Gives up (the caller falls back to the full decoder).
pub(super) struct Bail;
pub(super) type R<T> = Result<T, Bail>;

#[inline(always)]
pub(super) fn u32_at(p: &[u8], at: usize) -> R<u32> {
    match p.get(at..at + 4) {
        Some(s) => Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]])),
        None => Err(Bail),
    }
}

#[inline(always)]
fn u64_at(p: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&p[..8]);
    u64::from_le_bytes(a)
}

pub(super) fn utf8(b: &[u8]) -> Option<&str> {
    if b.len() < 64 {
        std::str::from_utf8(b).ok()
    } else {
        simdutf8::basic::from_utf8(b).ok()
    }
}

/// The payload being parsed, with a cursor.
pub(super) struct P<'a> {
    pub(super) p: &'a [u8],
    pub(super) at: usize,
}

impl<'a> P<'a> {
    #[inline(always)]
    pub(super) fn u32(&mut self) -> R<u32> {
        let x = u32_at(self.p, self.at)?;
        self.at += 4;
        Ok(x)
    }
    #[inline(always)]
    pub(super) fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(Bail)?;
        let s = self.p.get(self.at..end).ok_or(Bail)?;
        self.at = end;
        Ok(s)
    }
    #[inline(always)]
    pub(super) fn desc(&mut self, v3: bool) -> R<&'a [u8]> {
        let start = self.at;
        let end = scan_desc_in(self.p, start, true, v3).map_err(|_| Bail)?;
        self.at = end;
        Ok(&self.p[start..end])
    }
    /// The `k` child indices that end the payload (nothing may follow them).
    #[inline(always)]
    pub(super) fn kids(&self, k: u64) -> R<&'a [u8]> {
        let rest = &self.p[self.at..];
        if rest.len() as u64 != k.checked_mul(4).ok_or(Bail)? {
            return Err(Bail);
        }
        Ok(rest)
    }
}

/// Recently seen names (trees repeat a few type, case and field names).
struct Names<'a> {
    slots: [(&'a [u8], Str); 4],
    next: usize,
}

impl<'a> Names<'a> {
    #[inline]
    fn get(&mut self, c: &mut P<'a>) -> R<Str> {
        let n = c.u32()? as usize;
        let bytes = c.take(n)?;
        for (b, s) in &self.slots {
            if *b == bytes {
                return Ok(s.clone());
            }
        }
        let s = Str::from(utf8(bytes).ok_or(Bail)?);
        self.slots[self.next] = (bytes, s.clone());
        self.next = (self.next + 1) & 3;
        Ok(s)
    }
}

/// A finished subtree on the stack: its node index and its height.
#[derive(Clone, Copy)]
pub(super) struct Done {
    pub(super) id: u32,
    pub(super) height: u32,
}

struct Fast<'a, 's> {
    values: &'s mut Vec<Value>,
    done: &'s mut Vec<Done>,
    names: Names<'a>,
    v3: bool,
    max_seq: u64,
}

/// The decoder's two stacks, kept per thread between decodes (empty, and only while they stay
/// small). Growing fresh stacks on every decode made glibc merge every small chunk freed since
/// (the previous value's nodes) each time they outgrew 1 KiB, which cost a fifth of a tree's
/// decode.
type Stacks = (Vec<Value>, Vec<Done>);

thread_local! {
    static SPARE: std::cell::Cell<Stacks> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// Stacks above this many entries are freed rather than kept.
const KEEP_STACK: usize = 4096;

/// Decodes `b` if it is a valid post-order tree within `limits`; None sends the caller to the
/// full decoder.
pub(super) fn decode_fast(
    b: &[u8],
    limits: &Limits,
    max_payload: u64,
    max_seq: u64,
) -> Option<Value> {
    decode_fast_inner(b, limits, max_payload, max_seq).ok()
}

/// The header of a buffer the fast path can take: whether it is v3, and its node count.
#[inline(always)]
fn header(b: &[u8], limits: &Limits) -> R<(bool, u32)> {
    if b.len() as u64 > limits.max_bytes || b.len() < 16 || &b[0..4] != b"CGRF" {
        return Err(Bail);
    }
    let v3 = match u16::from_le_bytes([b[4], b[5]]) {
        2 => false,
        3 => true,
        _ => return Err(Bail),
    };
    let count = u32_at(b, 8)?;
    let root = u32_at(b, 12)?;
    if count == 0 || u64::from(count) > limits.max_nodes || root != count - 1 {
        return Err(Bail);
    }
    Ok((v3, count))
}

/// A buffer holding one leaf node (a scalar, a string, an Array), framed correctly: its kind and
/// payload. None: not a lone leaf (the other checks are left to the caller).
#[inline(always)]
fn lone_leaf<'b>(
    b: &'b [u8],
    v3: bool,
    count: u32,
    limits: &Limits,
    max_payload: u64,
) -> Option<R<(u8, &'b [u8])>> {
    if count != 1 || b.get(16).is_none_or(|&k| is_container(k)) {
        return None;
    }
    let last_kind = if v3 { tag::SET } else { tag::ARRAY };
    let framed = || {
        let h = b.get(16..24).ok_or(Bail)?;
        let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        if h[0] == 0 || h[0] > last_kind || u64::from(len) > max_payload {
            return Err(Bail);
        }
        if b.len() - 24 != len as usize || limits.max_depth == 0 {
            return Err(Bail);
        }
        Ok((h[0], &b[24..]))
    };
    Some(framed())
}

/// True when `b` is a valid lone string or scalar within `limits` (what exports and host
/// functions often return): checked without building a string. False says nothing: the
/// caller decodes to find out.
pub(super) fn is_valid_lone_leaf(b: &[u8], limits: &Limits, max_payload: u64) -> bool {
    let Ok((v3, count)) = header(b, limits) else {
        return false;
    };
    match lone_leaf(b, v3, count, limits, max_payload) {
        Some(Ok((tag::STRING, p))) => {
            // The same checks as `leaf` makes for a string.
            u32_at(p, 0).is_ok_and(|n| p.len() - 4 == n as usize && utf8(&p[4..]).is_some())
        }
        // An array is built to be checked (the caller does that).
        Some(Ok((tag::ARRAY, _))) => false,
        // A scalar: `leaf` allocates nothing for it.
        Some(Ok((kind, p))) => leaf(kind, p, limits.max_sequence()).is_ok(),
        _ => false,
    }
}

fn decode_fast_inner(b: &[u8], limits: &Limits, max_payload: u64, max_seq: u64) -> R<Value> {
    let (v3, count) = header(b, limits)?;
    let last_kind = if v3 { tag::SET } else { tag::ARRAY };
    if let Some(l) = lone_leaf(b, v3, count, limits, max_payload) {
        // A lone leaf: no stacks needed.
        let (kind, p) = l?;
        return leaf(kind, p, max_seq);
    }
    with_stacks(|values, done| {
        nodes(
            b,
            (0, 16),
            (count, b.len()),
            last_kind,
            v3,
            limits,
            max_payload,
            max_seq,
            values,
            done,
        )
    })
}

/// Runs `f` on this thread's spare stacks (empty), and keeps them afterwards if they are small.
pub(super) fn with_stacks<T>(f: impl FnOnce(&mut Vec<Value>, &mut Vec<Done>) -> T) -> T {
    // During thread teardown the spare stacks may be gone: start from empty ones then.
    let (mut values, mut done) = SPARE.try_with(std::cell::Cell::take).unwrap_or_default();
    let r = f(&mut values, &mut done);
    values.clear();
    done.clear();
    if values.capacity() <= KEEP_STACK && done.capacity() <= KEEP_STACK {
        let _ = SPARE.try_with(|s| s.set((values, done)));
    }
    r
}

/// Decodes nodes `first.0 .. end.0` of `b`, which start at byte `first.1` and end at byte
/// `end.1`, on the given (empty) stacks: the whole buffer, or (for `Doc`) one subtree.
#[allow(clippy::too_many_arguments)]
pub(super) fn nodes(
    b: &[u8],
    first: (u32, usize),
    end: (u32, usize),
    last_kind: u8,
    v3: bool,
    limits: &Limits,
    max_payload: u64,
    max_seq: u64,
    values: &mut Vec<Value>,
    done: &mut Vec<Done>,
) -> R<Value> {
    let mut f = Fast {
        values,
        done,
        names: Names {
            slots: std::array::from_fn(|_| (&[][..], Str::const_new(""))),
            next: 0,
        },
        v3,
        max_seq,
    };
    let mut at = first.1;
    for i in first.0..end.0 {
        let h = b.get(at..at + 8).ok_or(Bail)?;
        let kind = h[0];
        let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        if kind == 0 || kind > last_kind || u64::from(len) > max_payload {
            return Err(Bail);
        }
        let start = at + 8;
        let p = b.get(start..start + len as usize).ok_or(Bail)?;
        at = start + len as usize;
        let leaf = match kind {
            k if is_container(k) => {
                f.container(kind, p, i)?;
                continue;
            }
            _ => leaf(kind, p, max_seq)?,
        };
        f.values.push(leaf);
        f.done.push(Done { id: i, height: 1 });
    }
    if at != end.1 || f.values.len() != 1 {
        return Err(Bail);
    }
    match (f.values.pop(), f.done.pop()) {
        (Some(v), Some(d)) if u64::from(d.height) <= limits.max_depth => Ok(v),
        _ => Err(Bail),
    }
}

#[inline(always)]
pub(super) fn is_container(k: u8) -> bool {
    matches!(
        k,
        tag::LIST
            | tag::TUPLE
            | tag::VARIANT
            | tag::RECORD
            | tag::OPTION
            | tag::RESULT
            | tag::MAP
            | tag::SET
    )
}

/// A leaf node (anything but a container).
#[inline(always)]
pub(super) fn leaf(kind: u8, p: &[u8], max_seq: u64) -> R<Value> {
    Ok(match kind {
        tag::BOOL => match p {
            [0] => Value::Bool(false),
            [1] => Value::Bool(true),
            _ => return Err(Bail),
        },
        tag::U8 | tag::S8 => match p {
            [x] if kind == tag::U8 => Value::U8(*x),
            [x] => Value::S8(*x as i8),
            _ => return Err(Bail),
        },
        tag::U16 | tag::S16 => match p {
            [x, y] if kind == tag::U16 => Value::U16(u16::from_le_bytes([*x, *y])),
            [x, y] => Value::S16(i16::from_le_bytes([*x, *y])),
            _ => return Err(Bail),
        },
        tag::U32 | tag::S32 | tag::F32 | tag::CHAR => {
            if p.len() != 4 {
                return Err(Bail);
            }
            let x = u32_at(p, 0)?;
            match kind {
                tag::U32 => Value::U32(x),
                tag::S32 => Value::S32(x as i32),
                tag::F32 => Value::F32(f32::from_bits(x)),
                _ => Value::Char(char::from_u32(x).ok_or(Bail)?),
            }
        }
        tag::U64 | tag::S64 | tag::F64 | tag::FLAGS => {
            if p.len() != 8 {
                return Err(Bail);
            }
            let x = u64_at(p);
            match kind {
                tag::U64 => Value::U64(x),
                tag::S64 => Value::S64(x as i64),
                tag::F64 => Value::F64(f64::from_bits(x)),
                _ => Value::Flags(x),
            }
        }
        tag::STRING => {
            let n = u32_at(p, 0)? as usize;
            if p.len() - 4 != n {
                return Err(Bail);
            }
            Value::String(Str::from(utf8(&p[4..]).ok_or(Bail)?))
        }
        tag::ARRAY => array(p, max_seq)?,
        _ => return Err(Bail),
    })
}

impl<'a> Fast<'a, '_> {
    /// Takes the `k` children named by `idx` off the stack (they must be its top `k` entries,
    /// in order) and returns the height of the new node.
    #[inline(always)]
    fn take_kids(&mut self, idx: &[u8], k: usize, i: u32) -> R<(usize, u32)> {
        let n = self.done.len();
        if k > n {
            return Err(Bail);
        }
        let base = n - k;
        let mut height = 0;
        for (j, d) in self.done[base..].iter().enumerate() {
            if u32_at(idx, 4 * j)? != d.id {
                return Err(Bail);
            }
            height = height.max(d.height);
        }
        self.done.truncate(base);
        self.done.push(Done {
            id: i,
            height: height + 1,
        });
        Ok((base, height + 1))
    }

    fn container(&mut self, kind: u8, p: &'a [u8], i: u32) -> R<()> {
        let mut c = P { p, at: 0 };
        let v = match kind {
            tag::VARIANT => {
                let type_name = self.names.get(&mut c)?;
                let case_name = self.names.get(&mut c)?;
                let tg = c.u32()?;
                let k = c.u32()?;
                let idx = c.kids(u64::from(k))?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                let payload: SmallVec<[Value; 2]> = match k {
                    0 => SmallVec::new(),
                    1 => {
                        let mut s = SmallVec::new();
                        s.extend(self.values.pop());
                        s
                    }
                    2 => match (self.values.pop(), self.values.pop()) {
                        (Some(b), Some(a)) => SmallVec::from_buf([a, b]),
                        _ => return Err(Bail),
                    },
                    _ => self.values.drain(base..).collect(),
                };
                Value::Variant(Box::new(Variant {
                    type_name,
                    case_name,
                    tag: u64::from(tg),
                    payload,
                }))
            }
            tag::TUPLE => {
                let k = c.u32()?;
                if u64::from(k) > self.max_seq {
                    return Err(Bail);
                }
                let idx = c.kids(u64::from(k))?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                Value::Tuple(Seq(self.values.drain(base..).collect::<ThinVec<Value>>()))
            }
            tag::LIST => {
                let d = c.desc(self.v3)?;
                if d.len() == 1
                    && Kind::from_wire_tag(d[0])
                        .and_then(Kind::fixed_width)
                        .is_some()
                {
                    return Err(Bail);
                }
                let k = c.u32()?;
                let idx = c.kids(u64::from(k))?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                Value::List(Box::new(List {
                    elem_type: Type::from_checked(d),
                    items: self.values.drain(base..).collect(),
                }))
            }
            tag::RECORD => {
                let type_name = self.names.get(&mut c)?;
                let k = c.u32()?;
                // Each name takes at least 4 bytes: cap the reservation by what remains.
                let mut names = Vec::with_capacity((k as usize).min((p.len() - c.at) / 4));
                for _ in 0..k {
                    names.push(self.names.get(&mut c)?);
                }
                let idx = c.kids(u64::from(k))?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                Value::Record(Box::new(Record {
                    type_name,
                    names,
                    values: self.values.drain(base..).collect(),
                }))
            }
            tag::OPTION => {
                let d = c.desc(self.v3)?;
                let present = *c.take(1)?.first().ok_or(Bail)? == 1;
                let idx = c.kids(u64::from(present))?;
                self.take_kids(idx, present as usize, i)?;
                let value = if present {
                    Some(self.values.pop().ok_or(Bail)?)
                } else {
                    None
                };
                Value::Option(Box::new(OptionValue {
                    inner_type: Type::from_checked(d),
                    value,
                }))
            }
            tag::RESULT => {
                let ok = c.desc(self.v3)?;
                let err = c.desc(self.v3)?;
                let tg = c.u32()?;
                if c.take(1)? != [1] {
                    return Err(Bail);
                }
                let idx = c.kids(1)?;
                self.take_kids(idx, 1, i)?;
                Value::Result(Box::new(ResultValue {
                    ok_type: Type::from_checked(ok),
                    err_type: Type::from_checked(err),
                    is_err: tg != 0,
                    value: self.values.pop().ok_or(Bail)?,
                }))
            }
            tag::MAP => {
                let kt = c.desc(true)?;
                let vt = c.desc(true)?;
                let k = u64::from(c.u32()?)
                    .saturating_mul(2)
                    .min(u64::from(u32::MAX));
                let idx = c.kids(k)?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                let items: Vec<Value> = self.values.drain(base..).collect();
                if first_unordered(&items, 2).is_some() {
                    return Err(Bail);
                }
                Value::Map(Box::new(Map {
                    key_type: Type::from_checked(kt),
                    value_type: Type::from_checked(vt),
                    items,
                }))
            }
            tag::SET => {
                let d = c.desc(true)?;
                let k = c.u32()?;
                let idx = c.kids(u64::from(k))?;
                let (base, _) = self.take_kids(idx, k as usize, i)?;
                let items: Vec<Value> = self.values.drain(base..).collect();
                if first_unordered(&items, 1).is_some() {
                    return Err(Bail);
                }
                Value::Set(Box::new(Set {
                    elem_type: Type::from_checked(d),
                    items,
                }))
            }
            _ => return Err(Bail),
        };
        self.values.push(v);
        Ok(())
    }
}

/// An Array node: a fixed-width element tag, a count, and the packed items.
pub(super) fn array(p: &[u8], max_seq: u64) -> R<Value> {
    let (&t, rest) = p.split_first().ok_or(Bail)?;
    let kind = Kind::from_wire_tag(t).ok_or(Bail)?;
    let w = kind.fixed_width().ok_or(Bail)?;
    let k = u32_at(rest, 0)?;
    if u64::from(k) > max_seq || (rest.len() - 4) as u64 != u64::from(k) * w as u64 {
        return Err(Bail);
    }
    let data = &rest[4..];
    let packed: Box<[u8]> = match kind {
        // Any non-zero byte is true (as upstream); keep the canonical 0/1.
        Kind::Bool => data.iter().map(|&x| u8::from(x != 0)).collect(),
        Kind::Char => {
            for ch in data.chunks_exact(4) {
                char::from_u32(u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]])).ok_or(Bail)?;
            }
            data.into()
        }
        _ => data.into(),
    };
    let items = Items::packed(kind, packed);
    Ok(Value::List(Box::new(List {
        elem_type: Type::from_checked(&p[..1]),
        items,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::decode::decode_three_phase;
    use crate::value::{Type, encode};

    fn fast(b: &[u8]) -> Option<Value> {
        let l = Limits::default();
        decode_fast(b, &l, l.max_payload(), l.max_sequence())
    }

    fn samples() -> Vec<Value> {
        let mut tree = Value::S64(0);
        for i in 0..6 {
            tree = Value::variant("t", "n", i, vec![tree.clone(), Value::string("leaf")]);
        }
        vec![
            Value::Bool(true),
            Value::Char('é'),
            Value::string(""),
            Value::unit(),
            Value::list(Type::u8(), (0..300).map(|i| Value::U8(i as u8)).collect()),
            Value::list(Type::bool(), vec![Value::Bool(true), Value::Bool(false)]),
            Value::list(Type::char(), vec![Value::Char('x')]),
            Value::list(Type::string(), vec![Value::string("a"), Value::string("b")]),
            Value::option(Type::s32(), None),
            Value::option(Type::s32(), Some(Value::S32(-4))),
            Value::result(Type::s32(), Type::string(), true, Value::string("e")),
            Value::record("r", vec![("a", Value::U16(1)), ("b", Value::F64(0.5))]),
            Value::map(
                Type::string(),
                Type::u8(),
                vec![Value::string("k"), Value::U8(1)],
            ),
            Value::set(Type::s8(), vec![Value::S8(-1), Value::S8(2)]),
            tree,
        ]
    }

    #[test]
    fn fast_path_takes_post_order_trees_and_agrees_with_the_full_decoder() {
        for v in samples() {
            let b = encode(&v).unwrap();
            let f = fast(&b).unwrap_or_else(|| panic!("fast path declined {v:?}"));
            let s = decode_three_phase(&b, &Limits::default()).unwrap();
            assert!(f.same(&s) && f.same(&v), "{v:?}");
            assert_eq!(encode(&f).unwrap(), b);
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_handle() {
        // A shared child (node 0 used twice): valid, but not a post-order tree.
        let mut b = b"CGRF\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00".to_vec();
        b.extend_from_slice(&[tag::S64, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&[tag::TUPLE, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(fast(&b).is_none());
        let v = crate::value::decode(&b).unwrap();
        assert!(v.same(&Value::tuple(vec![Value::S64(7), Value::S64(7)])));
        // Every single-byte change of a valid buffer: the fast path only ever accepts what the
        // full decoder accepts, with the same value.
        for v in samples() {
            let good = encode(&v).unwrap();
            for i in 0..good.len() {
                for x in [0u8, 1, 2, 0x7f, 0xff] {
                    let mut m = good.clone();
                    m[i] = x;
                    if let Some(f) = fast(&m) {
                        let s = decode_three_phase(&m, &Limits::default())
                            .unwrap_or_else(|e| panic!("fast accepted, full rejected: {e}"));
                        assert!(f.same(&s));
                    }
                }
            }
        }
    }
}
