//! Decoded values as a checked view of their CGRF bytes: one copy of the input, one 24-byte
//! [`Node`] per node, and nothing else for the common kinds. This is what the C API's
//! `packr_value_decode` hands out: decoding a tree costs three allocations instead of one per
//! node, and the value takes about twice its wire size in memory instead of up to 24 times.
//!
//! A `Doc` only takes what the single-pass decoder (`fast.rs`) takes, minus maps and sets
//! (whose key order needs values to check): a post-order tree, checked against the same limits
//! with the same rules. Anything else (shared nodes, maps, sets, a lone scalar) is declined and
//! the caller decodes a `Value` tree instead. Reading a node parses its payload in place;
//! [`Node::to_value`] rebuilds the `Value` of any subtree with the single-pass decoder over
//! that subtree's bytes, for operations that need one (encode, print, compare, modify).
//!
//! Packed lists (Array nodes, e.g. `list<u8>`) are kept as ready `Value`s beside the nodes, so
//! that their items can be handed out as values.

use super::decode::Limits;
use super::fast::{self, Bail, Done, P, R, is_container, u32_at, utf8};
use super::model::Value;
use super::types::{Kind, Type, tag};
use std::ptr::NonNull;

/// A decoded value: its CGRF bytes and a node table. See the module documentation.
///
/// The table lives in one heap block that never moves, so a `Doc` itself can be moved freely;
/// the nodes it hands out borrow from it.
pub struct Doc {
    inner: NonNull<Inner>,
}

/// What a [`Doc`] owns. Nodes point back at it.
struct Inner {
    bytes: Box<[u8]>,
    nodes: Vec<Node>,
    /// Element, inner, ok and err types of list, option and result nodes.
    types: Vec<Type>,
    /// Array nodes (packed fixed-width lists), as list values.
    arrays: Vec<Value>,
    v3: bool,
}

// The impls below hold because everything an Inner owns is Send and Sync; this fails to
// compile if a field ever stops being so.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Box<[u8]>>();
    send_sync::<Vec<Type>>();
    send_sync::<Vec<Value>>();
};

// SAFETY: a Doc owns its Inner (as a Box would) and is immutable once built; the raw pointers
// in its nodes point at that Inner, so sending a Doc sends nothing else.
unsafe impl Send for Doc {}
// SAFETY: as for Send: shared access only ever reads.
unsafe impl Sync for Doc {}

impl Drop for Doc {
    fn drop(&mut self) {
        // SAFETY: `inner` came from Box::into_raw in Doc::new and is freed only here.
        drop(unsafe { Box::from_raw(self.inner.as_ptr()) });
    }
}

/// One node of a [`Doc`]: where its payload starts and, for containers, where its child index
/// table starts, how many children it has, and its first type (or its packed list).
#[repr(C)]
pub struct Node {
    doc: *const Inner,
    /// Byte offset of the payload (the 8-byte node header is just before it).
    at: u32,
    /// Byte offset of the child index table.
    kids: u32,
    count: u32,
    /// Index into `types` (list, option, result) or `arrays` (Array nodes).
    aux: u32,
}

/// A child of a node: another node, or a packed list held as a value.
pub enum Child<'a> {
    Node(&'a Node),
    Value(&'a Value),
}

impl Doc {
    /// Checks `b` and builds its document. None when `b` is not a post-order tree of at least
    /// two nodes within `limits`, or holds a map or a set: then decode a `Value` instead (which
    /// also reports the error if `b` is malformed).
    pub fn new(b: &[u8], limits: &Limits) -> Option<Doc> {
        let raw = Box::into_raw(Box::new(Inner {
            bytes: Box::default(),
            nodes: Vec::new(),
            types: Vec::new(),
            arrays: Vec::new(),
            v3: false,
        }));
        // The nodes keep `raw` itself; the builder writes through a reborrow of it that ends
        // before anything reads through a node.
        // SAFETY: `raw` is a fresh, exclusive allocation.
        let ok = fast::with_stacks(|_, done| walk(unsafe { &mut *raw }, raw, b, limits, done));
        // SAFETY: as above; nothing else refers to it yet.
        let inner = unsafe { &mut *raw };
        match ok {
            Ok(()) => {
                inner.bytes = b.into();
                // SAFETY: Box::into_raw never gives NULL.
                let inner = unsafe { NonNull::new_unchecked(raw) };
                Some(Doc { inner })
            }
            Err(_) => {
                // SAFETY: from Box::into_raw above, not yet owned by a Doc.
                drop(unsafe { Box::from_raw(raw) });
                None
            }
        }
    }

    fn inner(&self) -> &Inner {
        // SAFETY: owned by this Doc until it drops; only read after Doc::new.
        unsafe { self.inner.as_ref() }
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        let nodes = &self.inner().nodes;
        // Doc::new builds documents of two or more nodes only.
        &nodes[nodes.len() - 1]
    }
}

/// Checks a name (u32 length, then UTF-8) and moves past it. Names are short and nearly always
/// ASCII, which is checked inline.
#[inline(always)]
fn check_name(c: &mut P<'_>) -> R<()> {
    let n = c.u32()? as usize;
    let bytes = c.take(n)?;
    if !bytes.is_ascii() {
        utf8(bytes).ok_or(Bail)?;
    }
    Ok(())
}

/// The indexing pass: the same checks as `fast::nodes`, recording nodes instead of values.
fn walk(
    doc: &mut Inner,
    me: *const Inner,
    b: &[u8],
    limits: &Limits,
    done: &mut Vec<Done>,
) -> R<()> {
    if b.len() as u64 > limits.max_bytes
        || b.len() < 16
        || &b[0..4] != b"CGRF"
        || u32::try_from(b.len()).is_err()
    {
        return Err(Bail);
    }
    let v3 = match u16::from_le_bytes([b[4], b[5]]) {
        2 => false,
        3 => true,
        _ => return Err(Bail),
    };
    let last_kind = if v3 { tag::SET } else { tag::ARRAY };
    let count = u32_at(b, 8)?;
    let root = u32_at(b, 12)?;
    // Every node takes at least its 8-byte header: a larger count cannot be right.
    if count < 2
        || u64::from(count) > limits.max_nodes
        || root != count - 1
        || count as usize > (b.len() - 16) / 8
    {
        return Err(Bail);
    }
    let max_payload = limits.max_payload();
    let max_seq = limits.max_sequence();
    doc.v3 = v3;
    doc.nodes.reserve_exact(count as usize);
    let mut at = 16usize;
    for i in 0..count {
        let h = b.get(at..at + 8).ok_or(Bail)?;
        let kind = h[0];
        let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
        if kind == 0 || kind > last_kind || u64::from(len) > max_payload {
            return Err(Bail);
        }
        let start = at + 8;
        let p = b.get(start..start + len as usize).ok_or(Bail)?;
        at = start + len as usize;
        let mut node = Node {
            doc: me,
            at: start as u32,
            kids: 0,
            count: 0,
            aux: 0,
        };
        if is_container(kind) {
            let mut c = P { p, at: 0 };
            let (k, aux) = container(doc, kind, &mut c, v3, max_seq)?;
            take_kids(done, c.kids(k)?, k as usize, i)?;
            node.kids = (start + c.at) as u32;
            node.count = k as u32;
            node.aux = aux;
        } else {
            if kind == tag::ARRAY {
                node.aux = doc.arrays.len() as u32;
                doc.arrays.push(fast::array(p, max_seq)?);
            } else {
                check_leaf(kind, p)?;
            }
            done.push(Done { id: i, height: 1 });
        }
        doc.nodes.push(node);
    }
    match done.as_slice() {
        [d] if at == b.len() && u64::from(d.height) <= limits.max_depth => Ok(()),
        _ => Err(Bail),
    }
}

/// Records a type for a node and returns its index. Homogeneous data repeats a few types (every
/// list in a list of lists, the columns of a table of records): a type equal to one of the last
/// four stored is shared rather than stored again.
fn push_type(types: &mut Vec<Type>, d: &[u8]) -> u32 {
    let n = types.len();
    for back in 1..=n.min(4) {
        if types[n - back].wire_bytes() == d {
            return (n - back) as u32;
        }
    }
    types.push(Type::from_checked(d));
    n as u32
}

/// Parses a container's payload up to its child index table; returns its child count and its
/// first type's index (0 for kinds without types).
fn container(doc: &mut Inner, kind: u8, c: &mut P<'_>, v3: bool, max_seq: u64) -> R<(u64, u32)> {
    let mut aux = 0;
    let k = match kind {
        tag::VARIANT => {
            check_name(c)?;
            check_name(c)?;
            c.u32()?;
            u64::from(c.u32()?)
        }
        tag::TUPLE => {
            let k = c.u32()?;
            if u64::from(k) > max_seq {
                return Err(Bail);
            }
            u64::from(k)
        }
        tag::LIST => {
            let d = c.desc(v3)?;
            if d.len() == 1
                && Kind::from_wire_tag(d[0])
                    .and_then(Kind::fixed_width)
                    .is_some()
            {
                return Err(Bail);
            }
            let k = c.u32()?;
            aux = push_type(&mut doc.types, d);
            u64::from(k)
        }
        tag::RECORD => {
            check_name(c)?;
            let k = c.u32()?;
            for _ in 0..k {
                check_name(c)?;
            }
            u64::from(k)
        }
        tag::OPTION => {
            let d = c.desc(v3)?;
            let present = *c.take(1)?.first().ok_or(Bail)? == 1;
            aux = push_type(&mut doc.types, d);
            u64::from(present)
        }
        tag::RESULT => {
            let ok = c.desc(v3)?;
            let err = c.desc(v3)?;
            c.u32()?;
            if c.take(1)? != [1] {
                return Err(Bail);
            }
            let t = &mut doc.types;
            let n = t.len();
            if n >= 2 && t[n - 2].wire_bytes() == ok && t[n - 1].wire_bytes() == err {
                aux = (n - 2) as u32;
            } else {
                aux = n as u32;
                t.push(Type::from_checked(ok));
                t.push(Type::from_checked(err));
            }
            1
        }
        // Maps and sets need their keys' order checked on values: decode a tree instead.
        _ => return Err(Bail),
    };
    Ok((k, aux))
}

/// The child check of `fast.rs`: the `k` children must be the top `k` finished subtrees, in
/// order; they are replaced by node `i`.
#[inline(always)]
fn take_kids(done: &mut Vec<Done>, idx: &[u8], k: usize, i: u32) -> R<()> {
    let n = done.len();
    if k > n {
        return Err(Bail);
    }
    let base = n - k;
    let mut height = 0;
    for (j, d) in done[base..].iter().enumerate() {
        if u32_at(idx, 4 * j)? != d.id {
            return Err(Bail);
        }
        height = height.max(d.height);
    }
    done.truncate(base);
    done.push(Done {
        id: i,
        height: height + 1,
    });
    Ok(())
}

/// The checks `fast::leaf` makes, without building the value.
#[inline(always)]
fn check_leaf(kind: u8, p: &[u8]) -> R<()> {
    let ok = match kind {
        tag::BOOL => matches!(p, [0] | [1]),
        tag::U8 | tag::S8 => p.len() == 1,
        tag::U16 | tag::S16 => p.len() == 2,
        tag::U32 | tag::S32 | tag::F32 => p.len() == 4,
        tag::CHAR => p.len() == 4 && char::from_u32(u32_at(p, 0)?).is_some(),
        tag::U64 | tag::S64 | tag::F64 | tag::FLAGS => p.len() == 8,
        tag::STRING => {
            let n = u32_at(p, 0)? as usize;
            p.len() - 4 == n && utf8(&p[4..]).is_some()
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(Bail) }
}

#[inline(always)]
fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Node {
    #[inline(always)]
    fn doc(&self) -> &Inner {
        // SAFETY: a node lives inside the Inner it points at, which stays put until its Doc
        // drops (Doc::new).
        unsafe { &*self.doc }
    }

    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        &self.doc().bytes
    }

    /// The node's wire tag (from its header).
    #[inline(always)]
    fn wire_tag(&self) -> u8 {
        self.bytes()[self.at as usize - 8]
    }

    /// The payload bytes.
    fn payload(&self) -> &[u8] {
        let len = u32_le(self.bytes(), self.at as usize - 4) as usize;
        &self.bytes()[self.at as usize..self.at as usize + len]
    }

    /// The name (u32 length, UTF-8 bytes) at byte `at`, and the offset just past it.
    fn name_at(&self, at: usize) -> (&str, usize) {
        let b = self.bytes();
        let n = u32_le(b, at) as usize;
        let s = &b[at + 4..at + 4 + n];
        // SAFETY: Doc::new checked that every name and string in the document is UTF-8, and
        // `at` is always the start of one.
        (unsafe { std::str::from_utf8_unchecked(s) }, at + 4 + n)
    }

    /// The kind of value this node holds.
    pub fn kind(&self) -> Kind {
        Kind::from_wire_tag(self.wire_tag()).unwrap_or(Kind::List)
    }

    /// Number of children (0 for leaves).
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// True for a leaf or an empty container.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Child `j`, in wire order (as `Value::children`).
    pub fn child(&self, j: usize) -> Option<Child<'_>> {
        if j >= self.count as usize {
            return None;
        }
        let doc = self.doc();
        let id = u32_le(&doc.bytes, self.kids as usize + 4 * j) as usize;
        let n = &doc.nodes[id];
        Some(if n.wire_tag() == tag::ARRAY {
            Child::Value(&doc.arrays[n.aux as usize])
        } else {
            Child::Node(n)
        })
    }

    /// The type name of a record or variant.
    pub fn type_name(&self) -> Option<&str> {
        match self.wire_tag() {
            tag::RECORD | tag::VARIANT => Some(self.name_at(self.at as usize).0),
            _ => None,
        }
    }

    /// The case name of a variant.
    pub fn case_name(&self) -> Option<&str> {
        match self.wire_tag() {
            tag::VARIANT => {
                let (_, next) = self.name_at(self.at as usize);
                Some(self.name_at(next).0)
            }
            _ => None,
        }
    }

    /// The tag of a variant.
    pub fn variant_tag(&self) -> Option<u64> {
        match self.wire_tag() {
            tag::VARIANT => Some(u64::from(u32_le(self.bytes(), self.kids as usize - 8))),
            _ => None,
        }
    }

    /// The field names of a record (None for other kinds).
    pub fn field_names(&self) -> Option<impl Iterator<Item = &str>> {
        if self.wire_tag() != tag::RECORD {
            return None;
        }
        // Past the type name and the field count.
        let mut at = self.name_at(self.at as usize).1 + 4;
        Some((0..self.count).map(move |_| {
            let (s, next) = self.name_at(at);
            at = next;
            s
        }))
    }

    /// Whether a result holds `err`.
    pub fn is_err(&self) -> Option<bool> {
        match self.wire_tag() {
            tag::RESULT => Some(u32_le(self.bytes(), self.kids as usize - 5) != 0),
            _ => None,
        }
    }

    fn ty(&self, which: usize) -> &Type {
        &self.doc().types[self.aux as usize + which]
    }

    /// The element type of a list or the inner type of an option.
    pub fn elem_type(&self) -> Option<&Type> {
        match self.wire_tag() {
            tag::LIST | tag::OPTION => Some(self.ty(0)),
            _ => None,
        }
    }

    /// The ok type of a result.
    pub fn ok_type(&self) -> Option<&Type> {
        (self.wire_tag() == tag::RESULT).then(|| self.ty(0))
    }

    /// The err type of a result.
    pub fn err_type(&self) -> Option<&Type> {
        (self.wire_tag() == tag::RESULT).then(|| self.ty(1))
    }

    /// The text of a string node, borrowed from the document.
    pub fn string(&self) -> Option<&str> {
        match self.wire_tag() {
            tag::STRING => Some(self.name_at(self.at as usize).0),
            _ => None,
        }
    }

    /// The whole document's CGRF bytes, if this node is its root.
    pub fn root_bytes(&self) -> Option<&[u8]> {
        let doc = self.doc();
        (self.id() + 1 == doc.nodes.len()).then_some(&*doc.bytes)
    }

    /// This node's position in the node table.
    fn id(&self) -> usize {
        let base = self.doc().nodes.as_ptr() as usize;
        (self as *const Node as usize - base) / size_of::<Node>()
    }

    /// The `Value` of this node's subtree (a leaf's value, or the whole subtree rebuilt).
    /// None only if the document is inconsistent, which `Doc::new` rules out.
    pub fn to_value(&self) -> Option<Value> {
        let doc = self.doc();
        // In post-order, a subtree is the run of nodes that starts at its leftmost leaf.
        let mut first = self;
        while let Some(c) = first.child(0) {
            first = match c {
                Child::Node(n) => n,
                Child::Value(_) => {
                    let id = u32_le(&doc.bytes, first.kids as usize) as usize;
                    &doc.nodes[id]
                }
            };
        }
        let end = self.at as usize + self.payload().len();
        let last_kind = if doc.v3 { tag::SET } else { tag::ARRAY };
        let all = Limits {
            max_bytes: u64::MAX,
            max_nodes: u64::MAX,
            max_depth: u64::MAX,
        };
        fast::with_stacks(|values, done| {
            fast::nodes(
                &doc.bytes,
                (first.id() as u32, first.at as usize - 8),
                (self.id() as u32 + 1, end),
                last_kind,
                doc.v3,
                &all,
                u64::MAX,
                u64::MAX,
                values,
                done,
            )
        })
        .ok()
    }
}

#[cfg(test)]
mod tests;
