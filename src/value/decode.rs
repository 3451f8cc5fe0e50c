//! CGRF decoder (spec §2.7–2.8) for wire versions 2 and 3.
//!
//! For a v2 buffer it accepts exactly what packr-abi 0.5.4 accepts and reports the same first
//! error (the `AbiError` inside [`DecodeError`] is identical); a v3 buffer may also hold map and
//! set nodes and descriptors (packr-abi 0.24), whose keys must be unique and in canonical order
//! (checked here, unlike packr-abi, which trusts its `BTreeMap`s). Beyond upstream it:
//! - runs in time linear in the output, at any depth: nothing recurses on the native stack;
//! - never allocates from an untrusted count before checking it against the input length;
//! - expands shared (DAG) nodes only up to the node and byte limits, and bounds nesting depth.

use super::error::{AbiError, DecodeError};
use super::items::Items;
use super::model::{List, Map, OptionValue, Record, ResultValue, Seq, Set, Str, Value, Variant};
use super::types::{DescError, Kind, Type, scan_desc_in, tag};
use super::v3::{first_unordered, order_message};
use smallvec::SmallVec;
use thin_vec::ThinVec;

/// Decoder limits. `Limits::default()` matches packr-abi 0.5.4 (16 MiB, 1,000,000 nodes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes; also bounds the bytes that shared nodes expand to.
    pub max_bytes: u64,
    /// Largest node count in the header; also bounds the nodes that shared nodes expand to.
    pub max_nodes: u64,
    /// Deepest accepted nesting (a scalar at the root has depth 1).
    pub max_depth: u64,
}

/// packr-abi 0.5.4's defaults.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const DEFAULT_MAX_NODES: u64 = 1_000_000;
pub const DEFAULT_MAX_DEPTH: u64 = 1_000_000;
const COMPAT_MAX_PAYLOAD: u64 = 8 * 1024 * 1024;
const COMPAT_MAX_SEQUENCE: u64 = 1_000_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_nodes: DEFAULT_MAX_NODES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl Limits {
    /// Limits with 0 meaning "the default for that limit".
    pub fn with_defaults(max_bytes: u64, max_nodes: u64, max_depth: u64) -> Limits {
        let d = Limits::default();
        Limits {
            max_bytes: if max_bytes == 0 {
                d.max_bytes
            } else {
                max_bytes
            },
            max_nodes: if max_nodes == 0 {
                d.max_nodes
            } else {
                max_nodes
            },
            max_depth: if max_depth == 0 {
                d.max_depth
            } else {
                max_depth
            },
        }
    }

    /// Per-node payload cap: upstream's 8 MiB, or `max_bytes` when that was raised.
    pub(super) fn max_payload(&self) -> u64 {
        if self.max_bytes > DEFAULT_MAX_BYTES {
            self.max_bytes
        } else {
            COMPAT_MAX_PAYLOAD
        }
    }

    /// Tuple and Array count cap: upstream's 1,000,000, or more when the limits were raised.
    pub(super) fn max_sequence(&self) -> u64 {
        if self.max_bytes > DEFAULT_MAX_BYTES || self.max_nodes > DEFAULT_MAX_NODES {
            self.max_bytes.max(self.max_nodes)
        } else {
            COMPAT_MAX_SEQUENCE
        }
    }
}

/// Decodes CGRF bytes with the default limits.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    decode_with_limits(bytes, &Limits::default())
}

/// Decodes CGRF bytes with explicit limits.
pub fn decode_with_limits(bytes: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    // Post-order trees (what every known writer emits) decode in one pass; anything else, and
    // every error, goes through the three phases below.
    if let Some(v) =
        super::fast::decode_fast(bytes, limits, limits.max_payload(), limits.max_sequence())
    {
        return Ok(v);
    }
    decode_three_phase(bytes, limits)
}

/// Checks CGRF bytes as [`decode_with_limits`] does, without keeping the value: Ok exactly
/// when it would decode them. A lone string or scalar (what exports and host functions often
/// return) is checked without being built.
pub fn check_with_limits(bytes: &[u8], limits: &Limits) -> Result<(), DecodeError> {
    if super::fast::is_valid_lone_leaf(bytes, limits, limits.max_payload()) {
        return Ok(());
    }
    decode_with_limits(bytes, limits).map(drop)
}

/// The full decoder alone: framing, validation, then an iterative decode from the root.
pub(super) fn decode_three_phase(bytes: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let run = || -> DResult<Value> {
        let table = frame(bytes, limits)?;
        validate(bytes, &table, limits)?;
        Decoder::new(bytes, &table, limits).run()
    };
    run().map_err(|e| *e)
}

/// Errors travel boxed inside the decoder so that the hot `Result`s stay small.
type DResult<T> = Result<T, Box<DecodeError>>;

#[derive(Clone, Copy)]
struct NodeRef {
    start: usize,
    len: u32,
    kind: u8,
}

struct Table {
    nodes: Vec<NodeRef>,
    root: u32,
    /// Wire version 3: map and set nodes and descriptors are allowed.
    v3: bool,
}

#[cold]
fn short(need: usize, have: usize, offset: usize, node: Option<u32>) -> Box<DecodeError> {
    Box::new(DecodeError::malformed(
        AbiError::BufferTooSmall { need, have },
        offset,
        node,
    ))
}

#[cold]
fn invalid(msg: String, offset: usize, node: Option<u32>) -> Box<DecodeError> {
    Box::new(DecodeError::malformed(
        AbiError::InvalidEncoding(msg),
        offset,
        node,
    ))
}

#[cold]
fn limit(msg: &str, detail: String, offset: usize, node: Option<u32>) -> Box<DecodeError> {
    Box::new(DecodeError::limit(msg, detail, offset, node))
}

#[cold]
fn bad_tag(t: u8, offset: usize, node: Option<u32>) -> Box<DecodeError> {
    Box::new(DecodeError::malformed(
        AbiError::InvalidTag(t),
        offset,
        node,
    ))
}

fn utf8(b: &[u8]) -> Option<&str> {
    if b.len() < 64 {
        std::str::from_utf8(b).ok()
    } else {
        simdutf8::basic::from_utf8(b).ok()
    }
}

/// Phase A: header and node framing (byte offsets are absolute here).
fn frame(b: &[u8], limits: &Limits) -> DResult<Table> {
    if b.len() as u64 > limits.max_bytes {
        return Err(limit(
            "Buffer too large",
            format!("{} bytes, the limit is {}", b.len(), limits.max_bytes),
            0,
            None,
        ));
    }
    let rd = |at: usize, n: usize| -> DResult<&[u8]> {
        b.get(at..at + n)
            .ok_or_else(|| short(at + n, b.len(), b.len().min(at), None))
    };
    let u32at = |at: usize| -> DResult<u32> {
        let s = rd(at, 4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    if rd(0, 4)? != b"CGRF" {
        return Err(invalid("Invalid magic".into(), 0, None));
    }
    let v = rd(4, 2)?;
    let v3 = match u16::from_le_bytes([v[0], v[1]]) {
        2 => false,
        3 => true,
        _ => return Err(invalid("Unsupported version".into(), 4, None)),
    };
    let last_kind = if v3 { tag::SET } else { tag::ARRAY };
    rd(6, 2)?; // flags, ignored
    let count = u32at(8)?;
    if u64::from(count) > limits.max_nodes {
        return Err(limit(
            "Node count exceeds limit",
            format!("{count} nodes, the limit is {}", limits.max_nodes),
            8,
            None,
        ));
    }
    let root = u32at(12)?;
    // Every node takes at least 8 bytes: never reserve more than the input can hold.
    let room = (b.len().saturating_sub(16)) / 8;
    let mut nodes = Vec::with_capacity((count as usize).min(room));
    let max_payload = limits.max_payload();
    let mut at = 16usize;
    for i in 0..count {
        let kind = rd(at, 1)?[0];
        if kind == 0 || kind > last_kind {
            return Err(bad_tag(kind, at, Some(i)));
        }
        rd(at + 1, 1)?; // node flags, ignored
        rd(at + 2, 2)?; // reserved, ignored
        let len = u32at(at + 4)?;
        if u64::from(len) > max_payload {
            return Err(limit(
                "Payload too large",
                format!("{len} bytes, the limit is {max_payload}"),
                at + 4,
                Some(i),
            ));
        }
        let start = at + 8;
        rd(start, len as usize)?;
        nodes.push(NodeRef { start, len, kind });
        at = start + len as usize;
    }
    if root >= count {
        return Err(invalid("Root index out of range".into(), 12, None));
    }
    if at != b.len() {
        return Err(invalid("Trailing bytes".into(), at, None));
    }
    Ok(Table { nodes, root, v3 })
}

/// A cursor over one node's payload; short reads report offsets relative to the payload.
struct Cur<'a> {
    p: &'a [u8],
    at: usize,
    base: usize,
    node: u32,
    v3: bool,
}

impl<'a> Cur<'a> {
    fn new(b: &'a [u8], n: &NodeRef, node: u32, v3: bool) -> Self {
        Cur {
            p: &b[n.start..n.start + n.len as usize],
            at: 0,
            base: n.start,
            node,
            v3,
        }
    }
    fn short(&self, need: usize) -> Box<DecodeError> {
        short(
            need,
            self.p.len(),
            self.base + self.at.min(self.p.len()),
            Some(self.node),
        )
    }
    fn take(&mut self, n: usize) -> DResult<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .ok_or_else(|| self.short(usize::MAX))?;
        let s = self.p.get(self.at..end).ok_or_else(|| self.short(end))?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> DResult<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> DResult<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn arr<const N: usize>(&mut self) -> DResult<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn here(&self) -> usize {
        self.base + self.at
    }
    #[cold]
    fn err(&self, msg: String) -> Box<DecodeError> {
        invalid(msg, self.here(), Some(self.node))
    }
    fn trailing(&self) -> DResult<()> {
        if self.at != self.p.len() {
            return Err(self.err(format!("Trailing payload bytes at node {}", self.node)));
        }
        Ok(())
    }
    /// Reads a type descriptor.
    fn desc(&mut self) -> DResult<&'a [u8]> {
        let start = self.at;
        match scan_desc_in(self.p, start, true, self.v3) {
            Ok(end) => {
                self.at = end;
                Ok(&self.p[start..end])
            }
            Err(DescError::Short { need, .. }) => Err(self.short(need)),
            Err(DescError::Tag(t)) => Err(bad_tag(t, self.here(), Some(self.node))),
            Err(DescError::Utf8) => Err(self.err("Invalid UTF-8 in type name".into())),
        }
    }
}

/// Phase B: per-node checks in index order, including unreachable nodes.
fn validate(b: &[u8], t: &Table, limits: &Limits) -> DResult<()> {
    let count = t.nodes.len() as u64;
    let max_seq = limits.max_sequence();
    for (i, n) in t.nodes.iter().enumerate() {
        let i = i as u32;
        let mut c = Cur::new(b, n, i, t.v3);
        match n.kind {
            tag::BOOL => {
                if c.u8()? > 1 {
                    return Err(c.err(format!("Invalid bool payload at node {i}")));
                }
            }
            tag::U8 | tag::S8 => {
                c.take(1)?;
            }
            tag::U16 | tag::S16 => {
                c.take(2)?;
            }
            tag::S32 | tag::U32 | tag::F32 => {
                c.take(4)?;
            }
            tag::S64 | tag::U64 | tag::F64 | tag::FLAGS => {
                c.take(8)?;
            }
            tag::CHAR => {
                if char::from_u32(c.u32()?).is_none() {
                    return Err(c.err(format!("Invalid char scalar at node {i}")));
                }
            }
            tag::STRING => {
                let len = c.u32()? as usize;
                if utf8(c.take(len)?).is_none() {
                    return Err(c.err(format!("Invalid UTF-8 string at node {i}")));
                }
            }
            tag::TUPLE => {
                let k = c.u32()?;
                if u64::from(k) > max_seq {
                    return Err(seq_too_large(&c, i, limits));
                }
                for _ in 0..k {
                    if u64::from(c.u32()?) >= count {
                        return Err(c.err(format!("Child index out of range at node {i}")));
                    }
                }
            }
            tag::ARRAY => {
                let d = c.desc()?;
                let w = match (d, Kind::from_wire_tag(d[0]).and_then(Kind::fixed_width)) {
                    (&[_], Some(w)) => w,
                    _ => {
                        return Err(
                            c.err(format!("Non-primitive element type in Array at node {i}"))
                        );
                    }
                };
                let k = c.u32()?;
                if u64::from(k) > max_seq {
                    return Err(seq_too_large(&c, i, limits));
                }
                c.take(k as usize * w)?;
            }
            // List, Option, Record, Variant, Result: checked while decoding (as upstream).
            _ => continue,
        }
        c.trailing()?;
    }
    Ok(())
}

#[cold]
fn seq_too_large(c: &Cur<'_>, i: u32, limits: &Limits) -> Box<DecodeError> {
    let mut e = c.err(format!("Sequence too large at node {i}"));
    e.limit = true;
    e.detail = Some(format!("the limit is {} items", limits.max_sequence()));
    e
}

/// A container being decoded: where its payload cursor is, and how many child indices remain.
struct Frame<'a> {
    cur: Cur<'a>,
    remaining: u32,
    /// Length of the value stack when this frame's children started.
    base: usize,
    shape: Shape<'a>,
}

enum Shape<'a> {
    List(&'a [u8]),
    Tuple,
    Record(Str, Vec<Str>),
    Variant(Str, Str, u32),
    Option(&'a [u8]),
    Result(&'a [u8], &'a [u8], bool),
    Map(&'a [u8], &'a [u8]),
    Set(&'a [u8]),
}

struct Decoder<'a> {
    b: &'a [u8],
    t: &'a Table,
    limits: &'a Limits,
    on_path: Vec<bool>,
    frames: Vec<Frame<'a>>,
    values: Vec<Value>,
    nodes_out: u64,
    bytes_out: u64,
    names: NameCache<'a>,
}

/// Recently seen names: trees repeat a handful of type, case and field names, so a hit saves
/// the UTF-8 check and the string construction.
struct NameCache<'a> {
    slots: [(&'a [u8], Str); 8],
    next: usize,
}

impl<'a> NameCache<'a> {
    fn new() -> Self {
        NameCache {
            slots: std::array::from_fn(|_| (&[][..], Str::const_new(""))),
            next: 0,
        }
    }

    fn get(&mut self, c: &mut Cur<'a>, what: &str) -> DResult<Str> {
        let n = c.u32()? as usize;
        let bytes = c.take(n)?;
        if let Some((_, s)) = self.slots.iter().find(|(b, _)| *b == bytes) {
            return Ok(s.clone());
        }
        let s = Str::from(utf8(bytes).ok_or_else(|| c.err(format!("Invalid UTF-8 in {what}")))?);
        self.slots[self.next] = (bytes, s.clone());
        self.next = (self.next + 1) % self.slots.len();
        Ok(s)
    }
}

impl<'a> Decoder<'a> {
    fn new(b: &'a [u8], t: &'a Table, limits: &'a Limits) -> Self {
        Decoder {
            b,
            t,
            limits,
            on_path: vec![false; t.nodes.len()],
            frames: Vec::new(),
            values: Vec::new(),
            nodes_out: 0,
            bytes_out: 0,
            names: NameCache::new(),
        }
    }

    fn run(mut self) -> DResult<Value> {
        if let Some(v) = self.start(self.t.root, 12)? {
            return Ok(v);
        }
        while let Some(top) = self.frames.last_mut() {
            if top.remaining > 0 {
                top.remaining -= 1;
                let at = top.cur.here();
                let child = top.cur.u32()?;
                if child as usize >= self.t.nodes.len() {
                    return Err(invalid(
                        format!("Node index {child} out of range"),
                        at,
                        Some(top.cur.node),
                    ));
                }
                if self.on_path[child as usize] {
                    return Err(invalid(
                        "Cycle detected in graph buffer".into(),
                        at,
                        Some(top.cur.node),
                    ));
                }
                if let Some(v) = self.start(child, at)? {
                    self.values.push(v);
                }
                continue;
            }
            let Some(f) = self.frames.pop() else { break };
            f.cur.trailing()?;
            self.on_path[f.cur.node as usize] = false;
            let v = self.finish(f)?;
            if self.frames.is_empty() {
                return Ok(v);
            }
            self.values.push(v);
        }
        Err(invalid("internal decoder error".into(), 0, None))
    }

    /// Counts a node against the limits, then decodes it (a leaf, returned) or opens its frame
    /// (pushed; returns None).
    fn start(&mut self, i: u32, ref_at: usize) -> DResult<Option<Value>> {
        let n = self.t.nodes[i as usize];
        self.nodes_out += 1;
        self.bytes_out += 8 + u64::from(n.len);
        let depth = self.frames.len() as u64 + 1;
        if self.nodes_out > self.limits.max_nodes {
            return Err(limit(
                "Decoded value too large",
                format!(
                    "more than {} nodes once shared nodes are expanded",
                    self.limits.max_nodes
                ),
                ref_at,
                Some(i),
            ));
        }
        if self.bytes_out.saturating_add(16) > self.limits.max_bytes {
            return Err(limit(
                "Decoded value too large",
                format!(
                    "more than {} bytes once shared nodes are expanded",
                    self.limits.max_bytes
                ),
                ref_at,
                Some(i),
            ));
        }
        if depth > self.limits.max_depth {
            return Err(limit(
                "Nesting too deep",
                format!("deeper than the limit of {} levels", self.limits.max_depth),
                ref_at,
                Some(i),
            ));
        }
        let mut c = Cur::new(self.b, &n, i, self.t.v3);
        let leaf = match n.kind {
            tag::BOOL => Value::Bool(c.u8()? == 1),
            tag::U8 => Value::U8(c.u8()?),
            tag::S8 => Value::S8(i8::from_le_bytes(c.arr()?)),
            tag::U16 => Value::U16(u16::from_le_bytes(c.arr()?)),
            tag::S16 => Value::S16(i16::from_le_bytes(c.arr()?)),
            tag::U32 => Value::U32(u32::from_le_bytes(c.arr()?)),
            tag::S32 => Value::S32(i32::from_le_bytes(c.arr()?)),
            tag::F32 => Value::F32(f32::from_bits(u32::from_le_bytes(c.arr()?))),
            tag::U64 => Value::U64(u64::from_le_bytes(c.arr()?)),
            tag::S64 => Value::S64(i64::from_le_bytes(c.arr()?)),
            tag::F64 => Value::F64(f64::from_bits(u64::from_le_bytes(c.arr()?))),
            tag::FLAGS => Value::Flags(u64::from_le_bytes(c.arr()?)),
            tag::CHAR => {
                let x = c.u32()?;
                Value::Char(
                    char::from_u32(x)
                        .ok_or_else(|| c.err(format!("Invalid char scalar at node {i}")))?,
                )
            }
            tag::STRING => {
                let len = c.u32()? as usize;
                let s = c.take(len)?;
                Value::String(Str::from(
                    utf8(s).ok_or_else(|| c.err("Invalid UTF-8".into()))?,
                ))
            }
            tag::ARRAY => array(&mut c)?,
            _ => {
                self.open(c, n.kind)?;
                self.on_path[i as usize] = true;
                return Ok(None);
            }
        };
        Ok(Some(leaf))
    }

    /// Reads a container's fixed part and pushes its frame.
    fn open(&mut self, mut c: Cur<'a>, kind: u8) -> DResult<()> {
        let (shape, remaining) = match kind {
            tag::LIST => {
                let d = c.desc()?;
                if d.len() == 1
                    && Kind::from_wire_tag(d[0])
                        .and_then(Kind::fixed_width)
                        .is_some()
                {
                    return Err(
                        c.err("List node with primitive elem_type; expected Array node".into())
                    );
                }
                (Shape::List(d), c.u32()?)
            }
            tag::TUPLE => (Shape::Tuple, c.u32()?),
            tag::VARIANT => {
                let tn = self.names.get(&mut c, "type name")?;
                let cn = self.names.get(&mut c, "case name")?;
                let tg = c.u32()?;
                (Shape::Variant(tn, cn, tg), c.u32()?)
            }
            tag::RECORD => {
                let tn = self.names.get(&mut c, "type name")?;
                let k = c.u32()?;
                // Each name takes at least 4 bytes: cap the reservation by what remains.
                let mut names = Vec::with_capacity((k as usize).min((c.p.len() - c.at) / 4));
                for _ in 0..k {
                    names.push(self.names.get(&mut c, "field name")?);
                }
                (Shape::Record(tn, names), k)
            }
            tag::MAP => {
                let k = c.desc()?;
                let v = c.desc()?;
                (Shape::Map(k, v), c.u32()?.saturating_mul(2))
            }
            tag::SET => {
                let d = c.desc()?;
                (Shape::Set(d), c.u32()?)
            }
            tag::OPTION => {
                let d = c.desc()?;
                let present = c.u8()? == 1;
                (Shape::Option(d), present as u32)
            }
            tag::RESULT => {
                let ok = c.desc()?;
                let err = c.desc()?;
                let tg = c.u32()?;
                if c.u8()? != 1 {
                    return Err(c.err("Result must have payload".into()));
                }
                (Shape::Result(ok, err, tg != 0), 1)
            }
            other => return Err(bad_tag(other, c.base, Some(c.node))),
        };
        self.frames.push(Frame {
            cur: c,
            remaining,
            base: self.values.len(),
            shape,
        });
        Ok(())
    }

    /// Builds the finished container from the values its children left on the stack.
    fn finish(&mut self, f: Frame<'a>) -> DResult<Value> {
        if let Shape::Variant(type_name, case_name, tg) = f.shape {
            // Small payloads skip the generic (slower) iterator collection.
            let payload = match self.values.len() - f.base {
                0 => SmallVec::new(),
                1 => {
                    let mut p = SmallVec::new();
                    p.extend(self.values.pop());
                    p
                }
                2 => match (self.values.pop(), self.values.pop()) {
                    (Some(b), Some(a)) => SmallVec::from_buf([a, b]),
                    _ => SmallVec::new(),
                },
                _ => self.values.drain(f.base..).collect(),
            };
            return Ok(Value::Variant(Box::new(Variant {
                type_name,
                case_name,
                tag: u64::from(tg),
                payload,
            })));
        }
        let mut kids = self.values.drain(f.base..);
        let v = match f.shape {
            Shape::List(d) => Value::List(Box::new(List {
                elem_type: Type::from_checked(d),
                items: kids.collect(),
            })),
            Shape::Tuple => Value::Tuple(Seq(kids.collect::<ThinVec<Value>>())),
            Shape::Variant(type_name, case_name, tg) => Value::Variant(Box::new(Variant {
                type_name,
                case_name,
                tag: u64::from(tg),
                payload: kids.collect::<SmallVec<[Value; 2]>>(),
            })),
            Shape::Record(type_name, names) => Value::Record(Box::new(Record {
                type_name,
                names,
                values: kids.collect(),
            })),
            Shape::Option(d) => Value::Option(Box::new(OptionValue {
                inner_type: Type::from_checked(d),
                value: kids.next_back(),
            })),
            Shape::Result(ok, err, is_err) => {
                let value = kids.next_back().unwrap_or_else(Value::unit);
                Value::Result(Box::new(ResultValue {
                    ok_type: Type::from_checked(ok),
                    err_type: Type::from_checked(err),
                    is_err,
                    value,
                }))
            }
            Shape::Map(k, v) => {
                let items: Vec<Value> = kids.collect();
                if let Some(i) = first_unordered(&items, 2) {
                    let msg = order_message(Kind::Map, &items, 2, i);
                    return Err(f.cur.err(format!("{msg} (map at node {})", f.cur.node)));
                }
                Value::Map(Box::new(Map {
                    key_type: Type::from_checked(k),
                    value_type: Type::from_checked(v),
                    items,
                }))
            }
            Shape::Set(d) => {
                let items: Vec<Value> = kids.collect();
                if let Some(i) = first_unordered(&items, 1) {
                    let msg = order_message(Kind::Set, &items, 1, i);
                    return Err(f.cur.err(format!("{msg} (set at node {})", f.cur.node)));
                }
                Value::Set(Box::new(Set {
                    elem_type: Type::from_checked(d),
                    items,
                }))
            }
        };
        Ok(v)
    }
}

/// Decodes an Array node (already validated in phase B) into a typed list.
fn array(c: &mut Cur<'_>) -> DResult<Value> {
    let d = c.desc()?;
    let k = c.u32()? as usize;
    let kind = Kind::from_wire_tag(d[0]).unwrap_or(Kind::U8);
    let w = kind.fixed_width().unwrap_or(1);
    let data = c.take(k * w)?;
    let packed: Box<[u8]> = match kind {
        // Any non-zero byte is true (as upstream); keep the canonical 0/1.
        Kind::Bool => data.iter().map(|&x| u8::from(x != 0)).collect(),
        Kind::Char => {
            for ch in data.chunks_exact(4) {
                let x = u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]);
                char::from_u32(x).ok_or_else(|| c.err("Invalid char in array".into()))?;
            }
            data.into()
        }
        _ => data.into(),
    };
    let items = Items::packed(kind, packed);
    c.trailing()?;
    Ok(Value::List(Box::new(List {
        elem_type: Type::from_checked(d),
        items,
    })))
}
