//! Type descriptors ("type tags", spec §2.5).
//!
//! A [`Type`] is stored as its canonical CGRF descriptor bytes: a pre-order serialisation in
//! which every nested descriptor follows its parent. That makes encoding a copy, equality a byte
//! comparison, and dropping or cloning a deeply nested type free of recursion. Descriptors of up to
//! 16 bytes (primitives, `list<s32>`, `variant<expr>`, ...) live inline without allocation.

use smallvec::SmallVec;
use std::fmt;

/// Wire tags shared by node kinds and type descriptors.
pub mod tag {
    pub const BOOL: u8 = 0x01;
    pub const S32: u8 = 0x02;
    pub const S64: u8 = 0x03;
    pub const F32: u8 = 0x04;
    pub const F64: u8 = 0x05;
    pub const STRING: u8 = 0x06;
    pub const LIST: u8 = 0x07;
    pub const VARIANT: u8 = 0x08;
    pub const RECORD: u8 = 0x09;
    pub const OPTION: u8 = 0x0A;
    pub const TUPLE: u8 = 0x0B;
    pub const U8: u8 = 0x0C;
    pub const U16: u8 = 0x0D;
    pub const U32: u8 = 0x0E;
    pub const U64: u8 = 0x0F;
    pub const S8: u8 = 0x10;
    pub const S16: u8 = 0x11;
    pub const CHAR: u8 = 0x12;
    pub const FLAGS: u8 = 0x13;
    pub const RESULT: u8 = 0x14;
    /// Node kind only; not a valid type descriptor.
    pub const ARRAY: u8 = 0x15;
    /// CGRF v3 only (packr-abi 0.24): a map node and its descriptor.
    pub const MAP: u8 = 0x16;
    /// CGRF v3 only (packr-abi 0.24): a set node and its descriptor.
    pub const SET: u8 = 0x17;
}

/// The 22 kinds of value (and of type descriptor): packr-abi 0.5.4's 20 in its declaration
/// order, then CGRF v3's map and set. The discriminants are the public `packr_kind` numbers.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bool = 1,
    U8 = 2,
    U16 = 3,
    U32 = 4,
    U64 = 5,
    S8 = 6,
    S16 = 7,
    S32 = 8,
    S64 = 9,
    F32 = 10,
    F64 = 11,
    Char = 12,
    String = 13,
    List = 14,
    Option = 15,
    Result = 16,
    Record = 17,
    Variant = 18,
    Tuple = 19,
    Flags = 20,
    Map = 21,
    Set = 22,
}

impl Kind {
    /// All kinds, in discriminant order.
    pub const ALL: [Kind; 22] = [
        Kind::Bool,
        Kind::U8,
        Kind::U16,
        Kind::U32,
        Kind::U64,
        Kind::S8,
        Kind::S16,
        Kind::S32,
        Kind::S64,
        Kind::F32,
        Kind::F64,
        Kind::Char,
        Kind::String,
        Kind::List,
        Kind::Option,
        Kind::Result,
        Kind::Record,
        Kind::Variant,
        Kind::Tuple,
        Kind::Flags,
        Kind::Map,
        Kind::Set,
    ];

    /// The kind with this `packr_kind` number.
    pub fn from_u32(n: u32) -> Option<Kind> {
        Kind::ALL.get((n as usize).wrapping_sub(1)).copied()
    }

    /// The CGRF wire tag of this kind.
    pub fn wire_tag(self) -> u8 {
        match self {
            Kind::Bool => tag::BOOL,
            Kind::U8 => tag::U8,
            Kind::U16 => tag::U16,
            Kind::U32 => tag::U32,
            Kind::U64 => tag::U64,
            Kind::S8 => tag::S8,
            Kind::S16 => tag::S16,
            Kind::S32 => tag::S32,
            Kind::S64 => tag::S64,
            Kind::F32 => tag::F32,
            Kind::F64 => tag::F64,
            Kind::Char => tag::CHAR,
            Kind::String => tag::STRING,
            Kind::List => tag::LIST,
            Kind::Option => tag::OPTION,
            Kind::Result => tag::RESULT,
            Kind::Record => tag::RECORD,
            Kind::Variant => tag::VARIANT,
            Kind::Tuple => tag::TUPLE,
            Kind::Flags => tag::FLAGS,
            Kind::Map => tag::MAP,
            Kind::Set => tag::SET,
        }
    }

    /// The kind of a type-descriptor wire tag (0x15, Array, is not one).
    pub fn from_wire_tag(t: u8) -> Option<Kind> {
        Some(match t {
            tag::BOOL => Kind::Bool,
            tag::S32 => Kind::S32,
            tag::S64 => Kind::S64,
            tag::F32 => Kind::F32,
            tag::F64 => Kind::F64,
            tag::STRING => Kind::String,
            tag::LIST => Kind::List,
            tag::VARIANT => Kind::Variant,
            tag::RECORD => Kind::Record,
            tag::OPTION => Kind::Option,
            tag::TUPLE => Kind::Tuple,
            tag::U8 => Kind::U8,
            tag::U16 => Kind::U16,
            tag::U32 => Kind::U32,
            tag::U64 => Kind::U64,
            tag::S8 => Kind::S8,
            tag::S16 => Kind::S16,
            tag::CHAR => Kind::Char,
            tag::FLAGS => Kind::Flags,
            tag::RESULT => Kind::Result,
            tag::MAP => Kind::Map,
            tag::SET => Kind::Set,
            _ => return None,
        })
    }

    /// Primitive kinds carry no nested descriptor or name.
    pub fn is_primitive(self) -> bool {
        !matches!(
            self,
            Kind::List
                | Kind::Option
                | Kind::Result
                | Kind::Record
                | Kind::Variant
                | Kind::Tuple
                | Kind::Map
                | Kind::Set
        )
    }

    /// Byte width inside an Array node, for the fixed-width kinds (spec §2.6).
    pub fn fixed_width(self) -> Option<usize> {
        match self {
            Kind::Bool | Kind::U8 | Kind::S8 => Some(1),
            Kind::U16 | Kind::S16 => Some(2),
            Kind::U32 | Kind::S32 | Kind::F32 | Kind::Char => Some(4),
            Kind::U64 | Kind::S64 | Kind::F64 | Kind::Flags => Some(8),
            _ => None,
        }
    }

    /// Lower-case name used by the text form and in messages (`s64`, `list`, ...).
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("?")
    }

    /// The kind's name as a C string (see [`Kind::name`]).
    pub fn c_name(self) -> &'static std::ffi::CStr {
        match self {
            Kind::Bool => c"bool",
            Kind::U8 => c"u8",
            Kind::U16 => c"u16",
            Kind::U32 => c"u32",
            Kind::U64 => c"u64",
            Kind::S8 => c"s8",
            Kind::S16 => c"s16",
            Kind::S32 => c"s32",
            Kind::S64 => c"s64",
            Kind::F32 => c"f32",
            Kind::F64 => c"f64",
            Kind::Char => c"char",
            Kind::String => c"string",
            Kind::List => c"list",
            Kind::Option => c"option",
            Kind::Result => c"result",
            Kind::Record => c"record",
            Kind::Variant => c"variant",
            Kind::Tuple => c"tuple",
            Kind::Flags => c"flags",
            Kind::Map => c"map",
            Kind::Set => c"set",
        }
    }

    /// packr-abi's `ValueType` variant name, for the Debug form.
    pub(crate) fn debug_name(self) -> &'static str {
        match self {
            Kind::Bool => "Bool",
            Kind::U8 => "U8",
            Kind::U16 => "U16",
            Kind::U32 => "U32",
            Kind::U64 => "U64",
            Kind::S8 => "S8",
            Kind::S16 => "S16",
            Kind::S32 => "S32",
            Kind::S64 => "S64",
            Kind::F32 => "F32",
            Kind::F64 => "F64",
            Kind::Char => "Char",
            Kind::String => "String",
            Kind::List => "List",
            Kind::Option => "Option",
            Kind::Result => "Result",
            Kind::Record => "Record",
            Kind::Variant => "Variant",
            Kind::Tuple => "Tuple",
            Kind::Flags => "Flags",
            Kind::Map => "Map",
            Kind::Set => "Set",
        }
    }
}

/// Why a descriptor could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DescError {
    /// Needed `need` bytes (counted from the start of the slice) but only `have` exist.
    Short { need: usize, have: usize },
    /// Unknown tag byte.
    Tag(u8),
    /// A record or variant name that is not UTF-8.
    Utf8,
}

fn read_u32(b: &[u8], at: usize) -> Result<u32, DescError> {
    match b.get(at..at + 4) {
        Some(s) => Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]])),
        None => Err(DescError::Short {
            need: at + 4,
            have: b.len(),
        }),
    }
}

/// Reads one complete descriptor starting at `b[start]`. Returns the offset just past it.
/// Iterative (no recursion), so any nesting depth is fine. Map and set descriptors are accepted
/// (CGRF v3); see [`scan_desc_in`] to reject them in a v2 buffer.
pub(crate) fn scan_desc(b: &[u8], start: usize, check_utf8: bool) -> Result<usize, DescError> {
    scan_desc_in(b, start, check_utf8, true)
}

/// [`scan_desc`], with map and set tags an unknown tag unless `v3`.
pub(crate) fn scan_desc_in(
    b: &[u8],
    start: usize,
    check_utf8: bool,
    v3: bool,
) -> Result<usize, DescError> {
    let mut at = start;
    // Number of descriptors still to read. Tuple counts come from untrusted input, so this is a
    // u64 and nothing is allocated from it.
    let mut pending: u64 = 1;
    while pending > 0 {
        pending -= 1;
        let t = *b.get(at).ok_or(DescError::Short {
            need: at + 1,
            have: b.len(),
        })?;
        at += 1;
        match t {
            tag::LIST | tag::OPTION => pending += 1,
            tag::RESULT => pending += 2,
            tag::SET if v3 => pending += 1,
            tag::MAP if v3 => pending += 2,
            tag::SET | tag::MAP => return Err(DescError::Tag(t)),
            tag::TUPLE => {
                let n = read_u32(b, at)?;
                at += 4;
                pending += u64::from(n);
            }
            tag::RECORD | tag::VARIANT => {
                let n = read_u32(b, at)? as usize;
                at += 4;
                let end = at.checked_add(n).ok_or(DescError::Short {
                    need: usize::MAX,
                    have: b.len(),
                })?;
                let s = b.get(at..end).ok_or(DescError::Short {
                    need: end,
                    have: b.len(),
                })?;
                if check_utf8 && simdutf8::basic::from_utf8(s).is_err() {
                    return Err(DescError::Utf8);
                }
                at = end;
            }
            t if Kind::from_wire_tag(t).is_some() => {}
            t => return Err(DescError::Tag(t)),
        }
    }
    Ok(at)
}

/// A type descriptor (packr-abi's `ValueType`), stored as its canonical wire bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Type {
    bytes: SmallVec<[u8; 16]>,
}

impl Type {
    /// A primitive type. `None` for list, option, result, record, variant and tuple.
    pub fn primitive(kind: Kind) -> Option<Type> {
        if !kind.is_primitive() {
            return None;
        }
        let mut bytes = SmallVec::new();
        bytes.push(kind.wire_tag());
        Some(Type { bytes })
    }

    fn prim(t: u8) -> Type {
        let mut bytes = SmallVec::new();
        bytes.push(t);
        Type { bytes }
    }

    pub fn bool() -> Type {
        Type::prim(tag::BOOL)
    }
    pub fn u8() -> Type {
        Type::prim(tag::U8)
    }
    pub fn u16() -> Type {
        Type::prim(tag::U16)
    }
    pub fn u32() -> Type {
        Type::prim(tag::U32)
    }
    pub fn u64() -> Type {
        Type::prim(tag::U64)
    }
    pub fn s8() -> Type {
        Type::prim(tag::S8)
    }
    pub fn s16() -> Type {
        Type::prim(tag::S16)
    }
    pub fn s32() -> Type {
        Type::prim(tag::S32)
    }
    pub fn s64() -> Type {
        Type::prim(tag::S64)
    }
    pub fn f32() -> Type {
        Type::prim(tag::F32)
    }
    pub fn f64() -> Type {
        Type::prim(tag::F64)
    }
    pub fn char() -> Type {
        Type::prim(tag::CHAR)
    }
    pub fn string() -> Type {
        Type::prim(tag::STRING)
    }
    pub fn flags() -> Type {
        Type::prim(tag::FLAGS)
    }

    /// `list<elem>`.
    pub fn list(elem: Type) -> Type {
        Type::wrap(tag::LIST, &[&elem])
    }

    /// `option<inner>`.
    pub fn option(inner: Type) -> Type {
        Type::wrap(tag::OPTION, &[&inner])
    }

    /// `result<ok, err>`.
    pub fn result(ok: Type, err: Type) -> Type {
        Type::wrap(tag::RESULT, &[&ok, &err])
    }

    /// `map<key, value>` (CGRF v3).
    pub fn map(key: Type, value: Type) -> Type {
        Type::wrap(tag::MAP, &[&key, &value])
    }

    /// `set<elem>` (CGRF v3).
    pub fn set(elem: Type) -> Type {
        Type::wrap(tag::SET, &[&elem])
    }

    /// True if this descriptor mentions a map or a set anywhere (only CGRF v3 can carry it).
    pub fn has_v3_parts(&self) -> bool {
        scan_desc_in(&self.bytes, 0, false, false).is_err()
    }

    /// `tuple<items...>`. Panics never; more than u32::MAX items cannot occur in practice
    /// (the count is truncated like every other CGRF count would be).
    pub fn tuple(items: &[Type]) -> Type {
        let mut bytes = SmallVec::new();
        bytes.push(tag::TUPLE);
        bytes.extend_from_slice(&(items.len() as u32).to_le_bytes());
        for t in items {
            bytes.extend_from_slice(&t.bytes);
        }
        Type { bytes }
    }

    /// `record<name>` (only the type name travels on the wire).
    pub fn record(name: &str) -> Type {
        Type::named(tag::RECORD, name)
    }

    /// `variant<name>`.
    pub fn variant(name: &str) -> Type {
        Type::named(tag::VARIANT, name)
    }

    fn named(t: u8, name: &str) -> Type {
        let mut bytes = SmallVec::with_capacity(5 + name.len());
        bytes.push(t);
        bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
        bytes.extend_from_slice(name.as_bytes());
        Type { bytes }
    }

    fn wrap(t: u8, inner: &[&Type]) -> Type {
        let mut bytes =
            SmallVec::with_capacity(1 + inner.iter().map(|i| i.bytes.len()).sum::<usize>());
        bytes.push(t);
        for i in inner {
            bytes.extend_from_slice(&i.bytes);
        }
        Type { bytes }
    }

    /// Builds a type from its wire bytes, which must hold exactly one valid descriptor.
    pub fn from_wire(b: &[u8]) -> Option<Type> {
        match scan_desc(b, 0, true) {
            Ok(end) if end == b.len() => Some(Type {
                bytes: SmallVec::from_slice(b),
            }),
            _ => None,
        }
    }

    /// Builds a type from bytes already checked by `scan_desc`.
    pub(crate) fn from_checked(b: &[u8]) -> Type {
        Type {
            bytes: SmallVec::from_slice(b),
        }
    }

    /// The canonical wire bytes of this descriptor.
    pub fn wire_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The kind this descriptor describes.
    pub fn kind(&self) -> Kind {
        // Every constructor guarantees a valid first byte.
        self.bytes
            .first()
            .and_then(|t| Kind::from_wire_tag(*t))
            .unwrap_or(Kind::Bool)
    }

    /// Byte width in an Array node, if this is a fixed-width primitive.
    pub fn fixed_width(&self) -> Option<usize> {
        if self.bytes.len() == 1 {
            self.kind().fixed_width()
        } else {
            None
        }
    }

    /// The name of a record or variant type.
    pub fn name(&self) -> Option<&str> {
        match self.kind() {
            Kind::Record | Kind::Variant => {
                let s = self.bytes.get(5..)?;
                std::str::from_utf8(s).ok()
            }
            _ => None,
        }
    }

    /// Nested descriptors: the element of a list or set, the inner type of an option, ok and
    /// err of a result, key and value of a map, the items of a tuple. Empty for the other kinds.
    pub fn children(&self) -> Vec<Type> {
        let b = &self.bytes[..];
        let (mut at, n) = match self.kind() {
            Kind::List | Kind::Option | Kind::Set => (1, 1),
            Kind::Result | Kind::Map => (1, 2),
            Kind::Tuple => match read_u32(b, 1) {
                Ok(n) => (5, n as usize),
                Err(_) => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        let mut out = Vec::with_capacity(n.min(b.len()));
        for _ in 0..n {
            match scan_desc(b, at, false) {
                Ok(end) => {
                    out.push(Type::from_checked(&b[at..end]));
                    at = end;
                }
                Err(_) => break,
            }
        }
        out
    }

    /// Number of nested descriptors (see [`Type::children`]).
    pub fn child_count(&self) -> usize {
        match self.kind() {
            Kind::List | Kind::Option | Kind::Set => 1,
            Kind::Result | Kind::Map => 2,
            Kind::Tuple => read_u32(&self.bytes, 1).map(|n| n as usize).unwrap_or(0),
            _ => 0,
        }
    }
}

/// Writes a descriptor in packr-abi's Debug form (`List(S32)`, `Tuple([String, U8])`,
/// `Result { ok: S32, err: String }`, `Record("point")`). Iterative.
pub(crate) fn write_desc_debug(b: &[u8], out: &mut String) {
    // Stack of suffixes to emit once the pending descriptors of a level are written.
    enum Step {
        Desc,
        Text(&'static str),
    }
    let mut at = 0usize;
    let mut stack: Vec<Step> = vec![Step::Desc];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(s) => out.push_str(s),
            Step::Desc => {
                let Some(&t) = b.get(at) else { return };
                at += 1;
                let Some(kind) = Kind::from_wire_tag(t) else {
                    return;
                };
                match kind {
                    Kind::List | Kind::Option | Kind::Set => {
                        out.push_str(kind.debug_name());
                        out.push('(');
                        stack.push(Step::Text(")"));
                        stack.push(Step::Desc);
                    }
                    Kind::Result => {
                        out.push_str("Result { ok: ");
                        stack.push(Step::Text(" }"));
                        stack.push(Step::Desc);
                        stack.push(Step::Text(", err: "));
                        stack.push(Step::Desc);
                    }
                    Kind::Map => {
                        out.push_str("Map { key: ");
                        stack.push(Step::Text(" }"));
                        stack.push(Step::Desc);
                        stack.push(Step::Text(", value: "));
                        stack.push(Step::Desc);
                    }
                    Kind::Tuple => {
                        let n = read_u32(b, at).unwrap_or(0);
                        at += 4;
                        out.push_str("Tuple([");
                        stack.push(Step::Text("])"));
                        for i in 0..n {
                            stack.push(Step::Desc);
                            if i + 1 < n {
                                stack.push(Step::Text(", "));
                            }
                        }
                    }
                    Kind::Record | Kind::Variant => {
                        let n = read_u32(b, at).unwrap_or(0) as usize;
                        at += 4;
                        let name = b
                            .get(at..at + n)
                            .and_then(|s| std::str::from_utf8(s).ok())
                            .unwrap_or("");
                        at += n;
                        out.push_str(kind.debug_name());
                        out.push('(');
                        out.push_str(&format!("{name:?}"));
                        out.push(')');
                    }
                    _ => out.push_str(kind.debug_name()),
                }
            }
        }
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_desc_debug(&self.bytes, &mut s);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_forms() {
        assert_eq!(format!("{:?}", Type::list(Type::s32())), "List(S32)");
        assert_eq!(
            format!("{:?}", Type::tuple(&[Type::string(), Type::u8()])),
            "Tuple([String, U8])"
        );
        assert_eq!(
            format!("{:?}", Type::result(Type::s32(), Type::string())),
            "Result { ok: S32, err: String }"
        );
        assert_eq!(format!("{:?}", Type::variant("expr")), "Variant(\"expr\")");
        assert_eq!(format!("{:?}", Type::tuple(&[])), "Tuple([])");
    }

    #[test]
    fn deep_descriptor_is_scanned_without_recursion() {
        let mut b = vec![tag::LIST; 1_000_000];
        b.push(tag::STRING);
        assert_eq!(scan_desc(&b, 0, true), Ok(b.len()));
        let t = Type::from_wire(&b).unwrap();
        assert_eq!(t.kind(), Kind::List);
        assert_eq!(t.children()[0].wire_bytes().len(), 1_000_000);
    }

    #[test]
    fn huge_tuple_count_is_short_not_allocated() {
        let b = [tag::TUPLE, 0xff, 0xff, 0xff, 0xff, tag::S32];
        assert_eq!(
            scan_desc(&b, 0, true),
            Err(DescError::Short { need: 7, have: 6 })
        );
    }
}
