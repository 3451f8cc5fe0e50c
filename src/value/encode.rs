//! CGRF encoder (spec §2.6): post-order nodes, byte-identical to packr-abi 0.5.4 (v2) and to
//! packr-abi 0.24 (v3, which adds map and set nodes).

use super::error::{AbiError, EncodeError};
use super::model::Value;
use super::types::{Kind, tag};
use super::v3::{V2, V3};

const MIXED_LIST: &str =
    "List with primitive elem_type contains non-matching items; fix the elem_type or the items";

/// Encodes `v` in the oldest wire version that carries it losslessly: CGRF v2 (what packr-abi
/// 0.5.4 writes), or v3 when the value holds a map or a set.
pub fn encode(v: &Value) -> Result<Vec<u8>, EncodeError> {
    if let Value::String(s) = v
        && let Ok(n) = u32::try_from(s.len() + 4)
    {
        // A lone string (the commonest leaf root): one exact allocation, two copies.
        let mut out = Vec::with_capacity(28 + s.len());
        // Magic, version 2, flags 0, one node, root 0; the node's kind and payload length;
        // the string's length.
        let mut head = [0u8; 28];
        head[..9].copy_from_slice(b"CGRF\x02\x00\x00\x00\x01");
        head[16] = tag::STRING;
        head[20..24].copy_from_slice(&n.to_le_bytes());
        head[24..28].copy_from_slice(&(n - 4).to_le_bytes());
        out.extend_from_slice(&head);
        out.extend_from_slice(s.as_bytes());
        return Ok(out);
    }
    let mut out = Vec::new();
    encode_into(v, &mut out)?;
    Ok(out)
}

/// Appends the encoding of `v` (as [`encode`] chooses its version) to `out`. On error `out` is
/// left at its original length.
pub fn encode_into(v: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    encode_raw(v, out, None)
}

/// Encodes `v` as CGRF `version` (2 or 3). For version 2, maps and sets are written in their v2
/// shape (see [`Value::to_v2_shape`]).
pub fn encode_version(v: &Value, version: u16) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    match version {
        V3 => encode_raw(v, &mut out, Some(V3))?,
        V2 if v.has_v3_parts() => encode_raw(&v.to_v2_shape(), &mut out, Some(V2))?,
        V2 => encode_raw(v, &mut out, Some(V2))?,
        other => {
            return Err(EncodeError {
                abi: AbiError::InvalidEncoding(format!(
                    "unknown CGRF version {other} (libpackr writes versions 2 and 3)"
                )),
                path: "root".into(),
            });
        }
    }
    Ok(out)
}

/// `fixed`: the version to write; None writes 2 and switches to 3 at the first map or set.
fn encode_raw(v: &Value, out: &mut Vec<u8>, fixed: Option<u16>) -> Result<(), EncodeError> {
    let start = out.len();
    let mut e = Encoder {
        out,
        start,
        count: 0,
        v3: fixed == Some(V3),
    };
    let r = e.run(v);
    let v3 = e.v3;
    if r.is_err() {
        out.truncate(start);
    } else if v3 && fixed != Some(V2) {
        out[start + 4] = V3 as u8;
    }
    r
}

/// Bytes to reserve up front: exact for a scalar, a string or a fixed-width list (so those
/// encode with a single allocation), a first guess for other containers.
fn size_hint(v: &Value) -> usize {
    const HEADERS: usize = 16 + 8;
    match v {
        Value::String(s) => HEADERS + 4 + s.len(),
        Value::List(l) => match l.elem_type.fixed_width() {
            Some(w) => HEADERS + 5 + w * l.items.len(),
            None => 256 + 32 * l.items.len(),
        },
        v if v.children().is_empty() => HEADERS + 8,
        _ => 256,
    }
}

/// A container being written: the value, its children (looked up once), and the next child.
struct Frame<'v> {
    v: &'v Value,
    kids: &'v [Value],
    next: usize,
}

/// `root.2.0`: the child indices leading to the value being written.
fn value_path(frames: &[Frame<'_>]) -> String {
    let mut p = String::from("root");
    for f in frames {
        p.push_str(&format!(".{}", f.next.saturating_sub(1)));
    }
    p
}

struct Encoder<'o> {
    out: &'o mut Vec<u8>,
    start: usize,
    count: u64,
    /// Set once a map, a set, or a descriptor mentioning one is written: the header says v3.
    v3: bool,
}

fn len32(n: usize, what: &str, path: impl FnOnce() -> String) -> Result<u32, EncodeError> {
    u32::try_from(n).map_err(|_| EncodeError {
        abi: AbiError::InvalidEncoding(format!("{what} of {n} does not fit CGRF's 32-bit length")),
        path: path(),
    })
}

impl Encoder<'_> {
    fn run(&mut self, root: &Value) -> Result<(), EncodeError> {
        self.out.reserve(size_hint(root));
        // Magic, version 2, flags 0; node_count and root are patched below.
        self.out
            .extend_from_slice(b"CGRF\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");

        // Frames hold a container, its children and the index of the next one; finished child
        // node indices wait on `ids` until their parent is written.
        let mut frames: Vec<Frame<'_>> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        if self.visit(root, &mut frames)?.is_some() {
            // A leaf root: node 0, nothing else to write (and nothing allocated for the walk).
            self.out[self.start + 8] = 1;
            return Ok(());
        }
        ids.reserve(16);
        frames.reserve(16);
        while let Some(f) = frames.last_mut() {
            if let Some(child) = f.kids.get(f.next) {
                f.next += 1;
                if let Some(id) = self.visit(child, &mut frames)? {
                    ids.push(id);
                }
                continue;
            }
            let (v, n) = (f.v, f.kids.len());
            let first = ids.len() - n;
            let id = self.container(v, &ids[first..], &frames)?;
            ids.truncate(first);
            frames.pop();
            ids.push(id);
        }
        let count = len32(self.count as usize, "node count", || "root".into())?;
        let root_id = count.wrapping_sub(1);
        let h = self.start + 8;
        self.out[h..h + 4].copy_from_slice(&count.to_le_bytes());
        self.out[h + 4..h + 8].copy_from_slice(&root_id.to_le_bytes());
        Ok(())
    }

    fn node_header(
        &mut self,
        kind: u8,
        len: usize,
        path: impl FnOnce() -> String,
    ) -> Result<u32, EncodeError> {
        let n = len32(len, "node payload", path)?.to_le_bytes();
        // One growth check per node: the payload's writes below never reallocate.
        self.out.reserve(8 + len);
        self.out
            .extend_from_slice(&[kind, 0, 0, 0, n[0], n[1], n[2], n[3]]);
        let id = self.count as u32;
        self.count += 1;
        Ok(id)
    }

    /// Writes a leaf (or an Array) and returns its node index, or pushes a container frame
    /// and returns None.
    fn visit<'v>(
        &mut self,
        v: &'v Value,
        frames: &mut Vec<Frame<'v>>,
    ) -> Result<Option<u32>, EncodeError> {
        let p = || value_path(frames);
        let o = &mut *self;
        let id = match v {
            Value::Bool(x) => {
                let id = o.node_header(tag::BOOL, 1, p)?;
                o.out.push(*x as u8);
                id
            }
            Value::U8(x) => o.fixed(tag::U8, &x.to_le_bytes()),
            Value::S8(x) => o.fixed(tag::S8, &x.to_le_bytes()),
            Value::U16(x) => o.fixed(tag::U16, &x.to_le_bytes()),
            Value::S16(x) => o.fixed(tag::S16, &x.to_le_bytes()),
            Value::U32(x) => o.fixed(tag::U32, &x.to_le_bytes()),
            Value::S32(x) => o.fixed(tag::S32, &x.to_le_bytes()),
            Value::U64(x) => o.fixed(tag::U64, &x.to_le_bytes()),
            Value::S64(x) => o.fixed(tag::S64, &x.to_le_bytes()),
            Value::F32(x) => o.fixed(tag::F32, &x.to_bits().to_le_bytes()),
            Value::F64(x) => o.fixed(tag::F64, &x.to_bits().to_le_bytes()),
            Value::Char(x) => o.fixed(tag::CHAR, &(*x as u32).to_le_bytes()),
            Value::Flags(x) => o.fixed(tag::FLAGS, &x.to_le_bytes()),
            Value::String(s) => {
                let n = len32(s.len(), "string length", p)?;
                let id = o.node_header(tag::STRING, 4 + s.len(), p)?;
                o.out.extend_from_slice(&n.to_le_bytes());
                o.out.extend_from_slice(s.as_bytes());
                id
            }
            Value::List(l) => match l.elem_type.fixed_width() {
                Some(w) => match l.items.packed_bytes() {
                    // Decoded packed items are already wire bytes: one copy.
                    Some((k, data)) if k == l.elem_type.kind() => {
                        let n = len32(data.len() / w, "list length", p)?;
                        let id = o.node_header(tag::ARRAY, 5 + data.len(), p)?;
                        o.out.push(k.wire_tag());
                        o.out.extend_from_slice(&n.to_le_bytes());
                        o.out.extend_from_slice(data);
                        id
                    }
                    _ => o.array(l.elem_type.kind(), w, &l.items, p)?,
                },
                None => {
                    if l.items.is_empty() {
                        o.container(v, &[], frames)?
                    } else {
                        let kids = l.items.as_slice();
                        frames.push(Frame { v, kids, next: 0 });
                        return Ok(None);
                    }
                }
            },
            other => {
                let kids = other.children();
                if kids.is_empty() {
                    o.container(v, &[], frames)?
                } else {
                    frames.push(Frame { v, kids, next: 0 });
                    return Ok(None);
                }
            }
        };
        Ok(Some(id))
    }

    /// A scalar node: header and payload in one write (a payload of at most 8 bytes cannot
    /// overflow the 32-bit length).
    #[inline(always)]
    fn fixed(&mut self, t: u8, bytes: &[u8]) -> u32 {
        let mut node = [0u8; 16];
        node[0] = t;
        node[4] = bytes.len() as u8;
        node[8..8 + bytes.len()].copy_from_slice(bytes);
        self.out.extend_from_slice(&node[..8 + bytes.len()]);
        let id = self.count as u32;
        self.count += 1;
        id
    }

    fn array(
        &mut self,
        kind: Kind,
        w: usize,
        items: &[Value],
        p: impl Fn() -> String,
    ) -> Result<u32, EncodeError> {
        let n = len32(items.len(), "list length", &p)?;
        let id = self.node_header(tag::ARRAY, 5 + w * items.len(), &p)?;
        self.out.push(kind.wire_tag());
        self.out.extend_from_slice(&n.to_le_bytes());
        // The items' bytes go straight into their place in the output (one growth, no
        // per-item length bookkeeping); on a mixed list the caller truncates the output.
        let start = self.out.len();
        self.out.resize(start + w * items.len(), 0);
        let dst = &mut self.out[start..];
        macro_rules! pack {
            ($w:literal, $variant:ident, $x:ident => $bytes:expr) => {
                for (d, it) in dst.chunks_exact_mut($w).zip(items) {
                    match it {
                        Value::$variant($x) => {
                            let b: [u8; $w] = $bytes;
                            d.copy_from_slice(&b)
                        }
                        _ => {
                            return Err(EncodeError {
                                abi: AbiError::InvalidEncoding(MIXED_LIST.into()),
                                path: p(),
                            });
                        }
                    }
                }
            };
        }
        match kind {
            Kind::Bool => pack!(1, Bool, x => [*x as u8]),
            Kind::U8 => pack!(1, U8, x => [*x]),
            Kind::S8 => pack!(1, S8, x => x.to_le_bytes()),
            Kind::U16 => pack!(2, U16, x => x.to_le_bytes()),
            Kind::S16 => pack!(2, S16, x => x.to_le_bytes()),
            Kind::U32 => pack!(4, U32, x => x.to_le_bytes()),
            Kind::S32 => pack!(4, S32, x => x.to_le_bytes()),
            Kind::F32 => pack!(4, F32, x => x.to_bits().to_le_bytes()),
            Kind::Char => pack!(4, Char, x => (*x as u32).to_le_bytes()),
            Kind::U64 => pack!(8, U64, x => x.to_le_bytes()),
            Kind::S64 => pack!(8, S64, x => x.to_le_bytes()),
            Kind::F64 => pack!(8, F64, x => x.to_bits().to_le_bytes()),
            Kind::Flags => pack!(8, Flags, x => x.to_le_bytes()),
            _ => {}
        }
        Ok(id)
    }

    /// Writes a container node whose children have node indices `kids`.
    fn container(
        &mut self,
        v: &Value,
        kids: &[u32],
        frames: &[Frame<'_>],
    ) -> Result<u32, EncodeError> {
        let p = || value_path(frames);
        let nk = len32(kids.len(), "child count", p)?;
        let id = match v {
            Value::List(l) => {
                let t = self.desc(&l.elem_type);
                let id = self.node_header(tag::LIST, t.len() + 4 + 4 * kids.len(), p)?;
                self.out.extend_from_slice(t);
                self.out.extend_from_slice(&nk.to_le_bytes());
                id
            }
            Value::Map(m) if m.items.len() % 2 != 0 => {
                return Err(EncodeError {
                    abi: AbiError::InvalidEncoding(format!(
                        "map has {} items; keys and values must come in pairs",
                        m.items.len()
                    )),
                    path: p(),
                });
            }
            Value::Map(m) => {
                self.v3 = true;
                let (k, v) = (m.key_type.wire_bytes(), m.value_type.wire_bytes());
                let len = k.len() + v.len() + 4 + 4 * kids.len();
                let id = self.node_header(tag::MAP, len, p)?;
                self.out.extend_from_slice(k);
                self.out.extend_from_slice(v);
                self.out
                    .extend_from_slice(&((kids.len() / 2) as u32).to_le_bytes());
                id
            }
            Value::Set(s) => {
                self.v3 = true;
                let t = s.elem_type.wire_bytes();
                let id = self.node_header(tag::SET, t.len() + 4 + 4 * kids.len(), p)?;
                self.out.extend_from_slice(t);
                self.out.extend_from_slice(&nk.to_le_bytes());
                id
            }
            Value::Tuple(_) => {
                let id = self.node_header(tag::TUPLE, 4 + 4 * kids.len(), p)?;
                self.out.extend_from_slice(&nk.to_le_bytes());
                id
            }
            Value::Option(o) => {
                let t = self.desc(&o.inner_type);
                let id = self.node_header(tag::OPTION, t.len() + 1 + 4 * kids.len(), p)?;
                self.out.extend_from_slice(t);
                self.out.push(if kids.is_empty() { 0 } else { 1 });
                id
            }
            Value::Result(r) => {
                let (ok, err) = (self.desc(&r.ok_type), self.desc(&r.err_type));
                let id =
                    self.node_header(tag::RESULT, ok.len() + err.len() + 5 + 4 * kids.len(), p)?;
                self.out.extend_from_slice(ok);
                self.out.extend_from_slice(err);
                self.out.extend_from_slice(&(r.is_err as u32).to_le_bytes());
                self.out.push(1);
                id
            }
            Value::Record(r) if r.names.len() != r.values.len() => {
                return Err(EncodeError {
                    abi: AbiError::InvalidEncoding(format!(
                        "record {:?} has {} field names but {} field values",
                        r.type_name.as_str(),
                        r.names.len(),
                        r.values.len()
                    )),
                    path: p(),
                });
            }
            Value::Record(r) => {
                let names: usize = r.names.iter().map(|n| 4 + n.len()).sum();
                let id = self.node_header(
                    tag::RECORD,
                    4 + r.type_name.len() + 4 + names + 4 * kids.len(),
                    p,
                )?;
                self.name(&r.type_name);
                self.out.extend_from_slice(&nk.to_le_bytes());
                for n in &r.names {
                    self.name(n);
                }
                id
            }
            Value::Variant(x) => {
                let len = 4 + x.type_name.len() + 4 + x.case_name.len() + 8 + 4 * kids.len();
                let id = self.node_header(tag::VARIANT, len, p)?;
                self.name(&x.type_name);
                self.name(&x.case_name);
                // Upstream casts the usize tag to u32 without a check (spec §2.6 rule 7).
                self.out.extend_from_slice(&(x.tag as u32).to_le_bytes());
                self.out.extend_from_slice(&nk.to_le_bytes());
                id
            }
            _ => {
                return Err(EncodeError {
                    abi: AbiError::InvalidEncoding("not a container".into()),
                    path: p(),
                });
            }
        };
        for k in kids {
            self.out.extend_from_slice(&k.to_le_bytes());
        }
        Ok(id)
    }

    /// A descriptor to copy into a node; notes when it needs v3.
    fn desc<'t>(&mut self, t: &'t super::types::Type) -> &'t [u8] {
        let b = t.wire_bytes();
        if !self.v3 && b.iter().any(|&x| x == tag::MAP || x == tag::SET) && t.has_v3_parts() {
            self.v3 = true;
        }
        b
    }

    /// A name inside a node whose total payload length has already passed `len32`, so the
    /// name's own length fits 32 bits too.
    #[inline(always)]
    fn name(&mut self, s: &str) {
        let b = s.as_bytes();
        let n = b.len();
        self.out.extend_from_slice(&(n as u32).to_le_bytes());
        let at = self.out.len();
        let spare = self.out.spare_capacity_mut();
        if (4..=16).contains(&n) && spare.len() >= n {
            // Short names (nearly all of them) as two fixed-size, possibly overlapping moves:
            // a call to memcpy per name cost more than the rest of a small node.
            if n <= 8 {
                put::<4>(&mut spare[..4], &b[..4]);
                put::<4>(&mut spare[n - 4..n], &b[n - 4..]);
            } else {
                put::<8>(&mut spare[..8], &b[..8]);
                put::<8>(&mut spare[n - 8..n], &b[n - 8..]);
            }
            // SAFETY: the n bytes after `at` were all written just above.
            unsafe { self.out.set_len(at + n) };
        } else {
            self.out.extend_from_slice(b);
        }
    }
}

/// Copies exactly `N` bytes (one move instruction for 4 or 8).
#[inline(always)]
fn put<const N: usize>(dst: &mut [std::mem::MaybeUninit<u8>], src: &[u8]) {
    let mut x = [0u8; N];
    x.copy_from_slice(src);
    dst.copy_from_slice(&x.map(std::mem::MaybeUninit::new));
}
