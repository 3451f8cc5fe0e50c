//! Package type metadata (`__pack_types`): reading the `package-metadata` record of both guest
//! generations (CGRF v2 from packr-guest 0.5.4, v3 from 0.24.1), printing signatures as text,
//! upstream's Merkle hashes, and the structural match that typed wiring uses.
//!
//! Formats: packr-abi 0.5.4 spec §3.8 and the 0.24.1 notes §5 (`ref`, `map`, `set`,
//! `type-params`). Hashes are byte-identical to packr-abi's `hash.rs` (golden `hash/*`
//! vectors): SHA-256 Merkle trees in which type names and parameter names are left out, and
//! field, case and function names are kept.
//!
//! Everything here recurses over type descriptors, so [`Metadata::parse`] refuses descriptors
//! nested deeper than [`MAX_TYPE_DEPTH`].

use crate::value::{self, Value};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Deepest type descriptor [`Metadata::parse`] accepts (a primitive has depth 1).
pub const MAX_TYPE_DEPTH: usize = 200;

/// A 32-byte type, function or interface hash.
pub type Hash = [u8; 32];

/// `value`, generic `ref`s and self-references hash as this (packr-abi `HASH_SELF_REF`).
pub const HASH_SELF_REF: Hash = {
    let mut h = [0u8; 32];
    h[0] = 0xff;
    h[1] = 0xff;
    h
};

/// Names of the primitive type-desc tags 0..=13, in tag order.
const PRIMS: [&str; 14] = [
    "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string",
    "flags",
];

/// A type descriptor of the metadata (`type-desc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeDesc {
    /// Tags 0..=13: bool, u8, u16, u32, u64, s8, s16, s32, s64, f32, f64, char, string, flags.
    Prim(u8),
    List(Box<TypeDesc>),
    Option(Box<TypeDesc>),
    Result(Box<TypeDesc>, Box<TypeDesc>),
    /// A record: its type name, and its fields in declaration order.
    Record {
        name: String,
        fields: Vec<(String, TypeDesc)>,
    },
    /// A variant (or an enum: every payload `None`): its type name and its cases.
    Variant {
        name: String,
        cases: Vec<(String, Option<TypeDesc>)>,
    },
    Tuple(Vec<TypeDesc>),
    /// The dynamic `value` type; guests also write it for self-references and unknown names.
    Value,
    /// Tag 21, written only by upstream's host encoder.
    Unit,
    /// packr-guest 0.24: a reference to an interface type parameter (`type s: serializable`).
    Ref(String),
    /// packr-guest 0.24: `map<K, V>`.
    Map(Box<TypeDesc>, Box<TypeDesc>),
    /// packr-guest 0.24: `set<T>`.
    Set(Box<TypeDesc>),
}

/// One function of the metadata (`function-sig`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncSig {
    /// The interface: the wasm import module for imports; `""` or the declared interface for
    /// exports.
    pub interface: String,
    pub name: String,
    pub params: Vec<(String, TypeDesc)>,
    pub results: Vec<TypeDesc>,
}

/// A package's `package-metadata` record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub imports: Vec<FuncSig>,
    pub exports: Vec<FuncSig>,
    /// One hash per import interface, as the guest embedded it.
    pub import_hashes: Vec<(String, Hash)>,
    /// One hash per export interface, as the guest embedded it.
    pub export_hashes: Vec<(String, Hash)>,
    /// packr-guest 0.24: interface type parameters, `(name, constraint)`; `""` = unconstrained.
    pub type_params: Vec<(String, String)>,
}

// =============================================================================================
// Reading

fn kind_text(v: &Value) -> String {
    match v {
        Value::Record(r) => format!("record {:?}", r.type_name.as_str()),
        Value::Variant(x) => format!("variant {:?}", x.type_name.as_str()),
        other => other.kind().name().to_string(),
    }
}

fn field<'a>(v: &'a Value, name: &str, at: &str) -> Result<&'a Value, String> {
    opt_field(v, name, at)?.ok_or_else(|| format!("{at}: the record has no field {name:?}"))
}

fn opt_field<'a>(v: &'a Value, name: &str, at: &str) -> Result<Option<&'a Value>, String> {
    match v {
        Value::Record(r) => Ok(r
            .names
            .iter()
            .position(|n| n == name)
            .and_then(|i| r.values.get(i))),
        other => Err(format!(
            "{at}: expected a record, found {}",
            kind_text(other)
        )),
    }
}

fn string(v: &Value, at: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => Err(format!(
            "{at}: expected a string, found {}",
            kind_text(other)
        )),
    }
}

fn items<'a>(v: &'a Value, at: &str) -> Result<&'a [Value], String> {
    match v {
        Value::List(l) => Ok(&l.items),
        Value::Tuple(t) => Ok(t),
        other => Err(format!("{at}: expected a list, found {}", kind_text(other))),
    }
}

fn parse_hash(v: &Value, at: &str) -> Result<(String, Hash), String> {
    let name = string(field(v, "name", at)?, &format!("{at}.name"))?;
    let hat = format!("{at}.hash");
    let Value::Tuple(parts) = field(v, "hash", at)? else {
        return Err(format!("{hat}: expected a tuple of 4 u64"));
    };
    if parts.len() != 4 {
        return Err(format!("{hat}: expected a tuple of 4 u64"));
    }
    let mut h = [0u8; 32];
    for (i, p) in parts.iter().enumerate() {
        let Value::U64(x) = p else {
            return Err(format!("{hat}: expected a tuple of 4 u64"));
        };
        h[i * 8..i * 8 + 8].copy_from_slice(&x.to_le_bytes());
    }
    Ok((name, h))
}

fn parse_sig(v: &Value, at: &str) -> Result<FuncSig, String> {
    let interface = string(field(v, "interface", at)?, &format!("{at}.interface"))?;
    let name = string(field(v, "name", at)?, &format!("{at}.name"))?;
    let mut params = Vec::new();
    for (i, p) in items(field(v, "params", at)?, &format!("{at}.params"))?
        .iter()
        .enumerate()
    {
        let pat = format!("{at}.params[{i}]");
        let pname = string(field(p, "name", &pat)?, &format!("{pat}.name"))?;
        let t = parse_type(field(p, "type", &pat)?, &format!("{pat}.type"), 1)?;
        params.push((pname, t));
    }
    let mut results = Vec::new();
    for (i, r) in items(field(v, "results", at)?, &format!("{at}.results"))?
        .iter()
        .enumerate()
    {
        results.push(parse_type(r, &format!("{at}.results[{i}]"), 1)?);
    }
    Ok(FuncSig {
        interface,
        name,
        params,
        results,
    })
}

fn parse_type(v: &Value, at: &str, depth: usize) -> Result<TypeDesc, String> {
    if depth > MAX_TYPE_DEPTH {
        return Err(format!(
            "{at}: type descriptor nested deeper than {MAX_TYPE_DEPTH} levels"
        ));
    }
    let Value::Variant(x) = v else {
        return Err(format!(
            "{at}: expected a type-desc variant, found {}",
            kind_text(v)
        ));
    };
    let arg = |i: usize| -> Result<&Value, String> {
        x.payload.get(i).ok_or_else(|| {
            format!(
                "{at}: type-desc case {} (tag {}) lacks its payload",
                x.case_name, x.tag
            )
        })
    };
    let sub = |v: &Value, what: &str| parse_type(v, &format!("{at}.{what}"), depth + 1);
    let boxed = |v: &Value, what: &str| sub(v, what).map(Box::new);
    Ok(match x.tag {
        t @ 0..=13 => TypeDesc::Prim(t as u8),
        14 => TypeDesc::List(boxed(arg(0)?, "list")?),
        15 => TypeDesc::Option(boxed(arg(0)?, "option")?),
        16 => {
            let r = arg(0)?;
            TypeDesc::Result(
                boxed(field(r, "ok", at)?, "ok")?,
                boxed(field(r, "err", at)?, "err")?,
            )
        }
        17 => {
            let r = arg(0)?;
            let name = string(field(r, "name", at)?, &format!("{at}.name"))?;
            let mut fields = Vec::new();
            for (i, f) in items(field(r, "fields", at)?, &format!("{at}.fields"))?
                .iter()
                .enumerate()
            {
                let fat = format!("{at}.fields[{i}]");
                let fname = string(field(f, "name", &fat)?, &format!("{fat}.name"))?;
                let t = parse_type(field(f, "type", &fat)?, &format!("{fat}.type"), depth + 1)?;
                fields.push((fname, t));
            }
            TypeDesc::Record { name, fields }
        }
        18 => {
            let r = arg(0)?;
            let name = string(field(r, "name", at)?, &format!("{at}.name"))?;
            let cases_v = opt_field(r, "cases", at)?;
            match cases_v {
                // 0.24's `ref` case: payload record `TypeRef{name}` (no cases).
                None => TypeDesc::Ref(name),
                Some(_) if x.case_name == "ref" => TypeDesc::Ref(name),
                Some(cs) => {
                    let mut cases = Vec::new();
                    for (i, c) in items(cs, &format!("{at}.cases"))?.iter().enumerate() {
                        let cat = format!("{at}.cases[{i}]");
                        let cname = string(field(c, "name", &cat)?, &format!("{cat}.name"))?;
                        let payload = match field(c, "payload", &cat)? {
                            Value::Option(o) => match &o.value {
                                Some(p) => {
                                    Some(parse_type(p, &format!("{cat}.payload"), depth + 1)?)
                                }
                                None => None,
                            },
                            other => {
                                return Err(format!(
                                    "{cat}.payload: expected an option, found {}",
                                    kind_text(other)
                                ));
                            }
                        };
                        cases.push((cname, payload));
                    }
                    TypeDesc::Variant { name, cases }
                }
            }
        }
        19 => {
            let mut ts = Vec::new();
            for (i, t) in items(arg(0)?, at)?.iter().enumerate() {
                ts.push(sub(t, &format!("tuple[{i}]"))?);
            }
            TypeDesc::Tuple(ts)
        }
        20 => TypeDesc::Value,
        21 => TypeDesc::Unit,
        22 => {
            let r = arg(0)?;
            TypeDesc::Map(
                boxed(field(r, "key", at)?, "key")?,
                boxed(field(r, "value", at)?, "value")?,
            )
        }
        23 => TypeDesc::Set(boxed(arg(0)?, "set")?),
        t => {
            return Err(format!(
                "{at}: unknown type-desc tag {t} (case {:?})",
                x.case_name.as_str()
            ));
        }
    })
}

impl Metadata {
    /// Reads CGRF bytes (version 2 or 3) holding a `package-metadata` record. The error names
    /// the first part that is not what the format says, as a path such as
    /// `exports[1].params[0].type`.
    pub fn parse(bytes: &[u8]) -> Result<Metadata, String> {
        let v = value::decode(bytes).map_err(|e| format!("not valid CGRF: {e}"))?;
        Metadata::from_value(&v)
    }

    /// Reads a decoded `package-metadata` record.
    pub fn from_value(v: &Value) -> Result<Metadata, String> {
        let top = "package-metadata";
        let mut m = Metadata::default();
        for (i, s) in items(field(v, "imports", top)?, "imports")?
            .iter()
            .enumerate()
        {
            m.imports.push(parse_sig(s, &format!("imports[{i}]"))?);
        }
        for (i, s) in items(field(v, "exports", top)?, "exports")?
            .iter()
            .enumerate()
        {
            m.exports.push(parse_sig(s, &format!("exports[{i}]"))?);
        }
        for (key, out) in [
            ("import-hashes", &mut m.import_hashes),
            ("export-hashes", &mut m.export_hashes),
        ] {
            if let Some(l) = opt_field(v, key, top)? {
                for (i, h) in items(l, key)?.iter().enumerate() {
                    out.push(parse_hash(h, &format!("{key}[{i}]"))?);
                }
            }
        }
        if let Some(l) = opt_field(v, "type-params", top)? {
            for (i, p) in items(l, "type-params")?.iter().enumerate() {
                let at = format!("type-params[{i}]");
                let name = string(field(p, "name", &at)?, &format!("{at}.name"))?;
                let constraint = match opt_field(p, "constraint", &at)? {
                    Some(c) => string(c, &format!("{at}.constraint"))?,
                    None => String::new(),
                };
                m.type_params.push((name, constraint));
            }
        }
        Ok(m)
    }

    /// The import `interface`.`name`, if the metadata describes it.
    pub fn import(&self, interface: &str, name: &str) -> Option<&FuncSig> {
        self.imports
            .iter()
            .find(|s| s.interface == interface && s.name == name)
    }

    /// The exports that the wasm export `export` may be: those named `export` in any
    /// interface, and those whose [`qualified`](FuncSig::qualified) name is `export` (packr-guest
    /// exports a function declared in interface `store` as `store.put`).
    pub fn exports_named<'a>(&'a self, export: &'a str) -> impl Iterator<Item = &'a FuncSig> {
        self.exports
            .iter()
            .filter(move |s| s.name == export || s.qualified() == export)
    }

    /// Upstream's interface hashes of the imports (or exports), recomputed from the signatures:
    /// one per interface, sorted by interface name, as the guest macro embeds them.
    pub fn interface_hashes(sigs: &[FuncSig]) -> Vec<(String, Hash)> {
        let mut names: Vec<&str> = sigs.iter().map(|s| s.interface.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|n| {
                let fs: Vec<&FuncSig> = sigs.iter().filter(|s| s.interface == n).collect();
                (n.to_string(), hash_interface(n, &fs))
            })
            .collect()
    }
}

// =============================================================================================
// Hashing (packr-abi hash.rs)

mod tagbyte {
    pub const LIST: u8 = 0x10;
    pub const OPTION: u8 = 0x11;
    pub const RESULT: u8 = 0x12;
    pub const TUPLE: u8 = 0x13;
    pub const RECORD: u8 = 0x14;
    pub const VARIANT: u8 = 0x15;
    pub const FUNCTION: u8 = 0x16;
    pub const INTERFACE: u8 = 0x17;
    pub const MAP: u8 = 0x18;
    pub const SET: u8 = 0x19;
}

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u32).to_le_bytes());
    h.update(s.as_bytes());
}

fn put_count(h: &mut Sha256, n: usize) {
    h.update((n as u32).to_le_bytes());
}

fn hash_of(tag: u8, parts: &[Hash]) -> Hash {
    let mut h = Sha256::new();
    h.update([tag]);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// The constant hash of primitive tag `t` (0 = bool ... 13 = flags).
pub fn hash_primitive(t: u8) -> Hash {
    let mut h = [0u8; 32];
    h[1] = t.wrapping_add(1);
    h
}

/// packr-abi's hash of a type: type names are left out, record fields and variant cases are
/// sorted by name (bytewise). `value` and `ref` hash as [`HASH_SELF_REF`]; the host-only unit
/// type (tag 21) as the empty tuple.
pub fn hash_type(t: &TypeDesc) -> Hash {
    match t {
        TypeDesc::Prim(p) => hash_primitive(*p),
        TypeDesc::Value | TypeDesc::Ref(_) => HASH_SELF_REF,
        TypeDesc::List(e) => hash_of(tagbyte::LIST, &[hash_type(e)]),
        TypeDesc::Option(e) => hash_of(tagbyte::OPTION, &[hash_type(e)]),
        TypeDesc::Set(e) => hash_of(tagbyte::SET, &[hash_type(e)]),
        TypeDesc::Result(o, e) => hash_of(tagbyte::RESULT, &[hash_type(o), hash_type(e)]),
        TypeDesc::Map(k, v) => hash_of(tagbyte::MAP, &[hash_type(k), hash_type(v)]),
        TypeDesc::Unit => hash_tuple(&[]),
        TypeDesc::Tuple(ts) => hash_tuple(ts),
        TypeDesc::Record { fields, .. } => {
            let mut fs: Vec<&(String, TypeDesc)> = fields.iter().collect();
            fs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut h = Sha256::new();
            h.update([tagbyte::RECORD]);
            put_count(&mut h, fs.len());
            for (n, t) in fs {
                put_str(&mut h, n);
                h.update(hash_type(t));
            }
            h.finalize().into()
        }
        TypeDesc::Variant { cases, .. } => {
            let mut cs: Vec<&(String, Option<TypeDesc>)> = cases.iter().collect();
            cs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut h = Sha256::new();
            h.update([tagbyte::VARIANT]);
            put_count(&mut h, cs.len());
            for (n, p) in cs {
                put_str(&mut h, n);
                match p {
                    None => h.update([0]),
                    Some(t) => {
                        h.update([1]);
                        h.update(hash_type(t));
                    }
                }
            }
            h.finalize().into()
        }
    }
}

fn hash_tuple(ts: &[TypeDesc]) -> Hash {
    let mut h = Sha256::new();
    h.update([tagbyte::TUPLE]);
    put_count(&mut h, ts.len());
    for t in ts {
        h.update(hash_type(t));
    }
    h.finalize().into()
}

/// packr-abi's hash of a function: parameter types then result types (names left out).
pub fn hash_function(params: &[&TypeDesc], results: &[&TypeDesc]) -> Hash {
    let mut h = Sha256::new();
    h.update([tagbyte::FUNCTION]);
    put_count(&mut h, params.len());
    for p in params {
        h.update(hash_type(p));
    }
    put_count(&mut h, results.len());
    for r in results {
        h.update(hash_type(r));
    }
    h.finalize().into()
}

/// packr-abi's interface hash: its name, no types, and its functions sorted by name.
pub fn hash_interface(name: &str, funcs: &[&FuncSig]) -> Hash {
    let mut fs: Vec<&&FuncSig> = funcs.iter().collect();
    fs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let mut h = Sha256::new();
    h.update([tagbyte::INTERFACE]);
    put_str(&mut h, name);
    put_count(&mut h, 0);
    put_count(&mut h, fs.len());
    for f in fs {
        put_str(&mut h, &f.name);
        h.update(f.hash());
    }
    h.finalize().into()
}

impl FuncSig {
    /// `interface.name`, or just `name` when the interface is `""`.
    pub fn qualified(&self) -> String {
        if self.interface.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.interface, self.name)
        }
    }

    /// packr-abi's hash of this function's type.
    pub fn hash(&self) -> Hash {
        let ps: Vec<&TypeDesc> = self.params.iter().map(|p| &p.1).collect();
        let rs: Vec<&TypeDesc> = self.results.iter().collect();
        hash_function(&ps, &rs)
    }

    /// Whether a call through an import declared as `self` can be served by an export declared
    /// as `other` (the relation is symmetric). True when their upstream hashes are equal, and
    /// also when they differ only where either side says `value` or a generic `ref`: those are
    /// the dynamic escape hatch and match any type. Parameter names and type names never
    /// matter; field, case and arity do.
    pub fn matches(&self, other: &FuncSig) -> bool {
        self.hash() == other.hash()
            || (self.params.len() == other.params.len()
                && self.results.len() == other.results.len()
                && self
                    .params
                    .iter()
                    .zip(&other.params)
                    .all(|(a, b)| compatible(&a.1, &b.1))
                && self
                    .results
                    .iter()
                    .zip(&other.results)
                    .all(|(a, b)| compatible(a, b)))
    }

    /// The signature as text: `func(n: s64) -> s64`, `func(s: string)`,
    /// `func() -> (s64, string)`.
    pub fn to_text(&self) -> String {
        let mut out = String::from("func(");
        for (i, (n, t)) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_name(n, &mut out);
            out.push_str(": ");
            t.write_text(&mut out);
        }
        out.push(')');
        match self.results.as_slice() {
            [] => {}
            [r] => {
                out.push_str(" -> ");
                r.write_text(&mut out);
            }
            rs => {
                out.push_str(" -> (");
                for (i, r) in rs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    r.write_text(&mut out);
                }
                out.push(')');
            }
        }
        out
    }
}

fn by_name<T>(v: &[(String, T)]) -> Vec<&(String, T)> {
    let mut s: Vec<&(String, T)> = v.iter().collect();
    s.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    s
}

/// Structural equality as upstream's hash sees it, with `value` and `ref` matching anything.
fn compatible(a: &TypeDesc, b: &TypeDesc) -> bool {
    use TypeDesc as T;
    match (a, b) {
        (T::Value | T::Ref(_), _) | (_, T::Value | T::Ref(_)) => true,
        (T::Prim(x), T::Prim(y)) => x == y,
        (T::List(x), T::List(y)) | (T::Option(x), T::Option(y)) | (T::Set(x), T::Set(y)) => {
            compatible(x, y)
        }
        (T::Result(a1, a2), T::Result(b1, b2)) | (T::Map(a1, a2), T::Map(b1, b2)) => {
            compatible(a1, b1) && compatible(a2, b2)
        }
        (T::Unit, T::Unit) => true,
        (T::Unit, T::Tuple(t)) | (T::Tuple(t), T::Unit) => t.is_empty(),
        (T::Tuple(x), T::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| compatible(a, b))
        }
        (T::Record { fields: x, .. }, T::Record { fields: y, .. }) => {
            x.len() == y.len()
                && by_name(x)
                    .iter()
                    .zip(by_name(y))
                    .all(|(a, b)| a.0 == b.0 && compatible(&a.1, &b.1))
        }
        (T::Variant { cases: x, .. }, T::Variant { cases: y, .. }) => {
            x.len() == y.len()
                && by_name(x).iter().zip(by_name(y)).all(|(a, b)| {
                    a.0 == b.0
                        && match (&a.1, &b.1) {
                            (None, None) => true,
                            (Some(p), Some(q)) => compatible(p, q),
                            _ => false,
                        }
                })
        }
        _ => false,
    }
}

// =============================================================================================
// Text

/// Writes a name as is when it is a plain identifier (letters, digits, `_`, `-`, not starting
/// with a digit or `-`), otherwise quoted with Rust-style escapes.
fn write_name(s: &str, out: &mut String) {
    let plain = s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        out.push_str(s);
    } else {
        let _ = write!(out, "{s:?}");
    }
}

/// Escapes a name for one tab-separated column: `\\`, `\t`, `\n` and other control characters
/// as in Rust string literals; everything else as is.
pub(crate) fn column(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\\' || c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

impl TypeDesc {
    /// The text form: libpackr's type text where it has one (`s64`, `list<string>`,
    /// `result<s64, string>`, `tuple<s64, string>`, `map<string, s64>`, `set<s64>`), `value`,
    /// `tuple<>` for the unit type, records and variants by name with their structure
    /// (`record point{x: s32, y: s32}`, `variant expr{sym(string), num(s64)}`, an enum as
    /// `variant color{red, green}`), and a generic parameter by its name (`s`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) {
        let wrap = |out: &mut String, name: &str, parts: &[&TypeDesc]| {
            out.push_str(name);
            out.push('<');
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                p.write_text(out);
            }
            out.push('>');
        };
        match self {
            TypeDesc::Prim(p) => out.push_str(PRIMS.get(*p as usize).copied().unwrap_or("?")),
            TypeDesc::List(e) => wrap(out, "list", &[e]),
            TypeDesc::Option(e) => wrap(out, "option", &[e]),
            TypeDesc::Set(e) => wrap(out, "set", &[e]),
            TypeDesc::Result(o, e) => wrap(out, "result", &[o, e]),
            TypeDesc::Map(k, v) => wrap(out, "map", &[k, v]),
            TypeDesc::Tuple(ts) => {
                let parts: Vec<&TypeDesc> = ts.iter().collect();
                wrap(out, "tuple", &parts)
            }
            TypeDesc::Unit => out.push_str("tuple<>"),
            TypeDesc::Value => out.push_str("value"),
            TypeDesc::Ref(n) => write_name(n, out),
            TypeDesc::Record { name, fields } => {
                out.push_str("record ");
                write_name(name, out);
                out.push('{');
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_name(n, out);
                    out.push_str(": ");
                    t.write_text(out);
                }
                out.push('}');
            }
            TypeDesc::Variant { name, cases } => {
                out.push_str("variant ");
                write_name(name, out);
                out.push('{');
                for (i, (n, p)) in cases.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_name(n, out);
                    if let Some(t) = p {
                        out.push('(');
                        t.write_text(out);
                        out.push(')');
                    }
                }
                out.push('}');
            }
        }
    }
}
