//! The items of a list: a vector of values, or, for a decoded fixed-width list (`list<u8>`,
//! `list<s64>`, ...), the packed little-endian item bytes straight from the Array node.
//!
//! A packed list costs its wire size in memory (a 64 KiB `list<u8>` takes 64 KiB, not 64 Ki
//! 24-byte values) and encodes with one copy. Reading it as values (`Deref` to `[Value]`, which
//! is what `Value::children` and the C API's `packr_value_get` use) builds the value vector once,
//! on first use, and keeps it: child references stay valid and stable while the list is not
//! modified. Mutable access (`DerefMut`, `as_vec_mut`) turns the list into a plain vector.

use super::model::Value;
use super::types::Kind;
use std::sync::OnceLock;

/// List items (see the module documentation). Dereferences to `[Value]`.
#[derive(Default)]
pub struct Items(Repr);

enum Repr {
    Values(Vec<Value>),
    Packed(Box<Packed>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Values(Vec::new())
    }
}

struct Packed {
    kind: Kind,
    /// Wire bytes, `len * width` of them; bools are normalised to 0 and 1, chars are valid.
    data: Box<[u8]>,
    /// The items as values, built on first read.
    values: OnceLock<Vec<Value>>,
}

impl Items {
    /// No items.
    pub const fn new() -> Items {
        Items(Repr::Values(Vec::new()))
    }

    /// Packed items of fixed-width `kind`, from checked wire bytes (bools 0 or 1, valid chars,
    /// a whole number of items).
    pub(crate) fn packed(kind: Kind, data: Box<[u8]>) -> Items {
        Items(Repr::Packed(Box::new(Packed {
            kind,
            data,
            values: OnceLock::new(),
        })))
    }

    /// The element kind and wire bytes of a packed list, if this one is packed.
    pub(crate) fn packed_bytes(&self) -> Option<(Kind, &[u8])> {
        match &self.0 {
            Repr::Packed(p) => Some((p.kind, &p.data)),
            Repr::Values(_) => None,
        }
    }

    /// A copy of a packed list's items, still packed (None for a list of values).
    pub(crate) fn packed_clone(&self) -> Option<Items> {
        self.packed_bytes()
            .map(|(kind, data)| Items::packed(kind, data.into()))
    }

    /// True if a packed list has built its value vector (tests check what does not).
    #[cfg(test)]
    fn values_built(&self) -> bool {
        matches!(&self.0, Repr::Packed(p) if p.values.get().is_some())
    }

    /// Number of items (without building values).
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Values(v) => v.len(),
            Repr::Packed(p) => p.data.len() / p.kind.fixed_width().unwrap_or(1),
        }
    }

    /// True if there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if dropping these items needs the iterative deep drop (some item has children).
    pub(crate) fn needs_deep_drop(&self) -> bool {
        match &self.0 {
            Repr::Values(v) => v.iter().any(Value::holds_values),
            Repr::Packed(_) => false,
        }
    }

    /// The items as values (built once for a packed list).
    pub fn as_slice(&self) -> &[Value] {
        match &self.0 {
            Repr::Values(v) => v,
            Repr::Packed(p) => p.values.get_or_init(|| unpack(p.kind, &p.data)),
        }
    }

    /// The items as a vector, unpacking a packed list.
    pub fn as_vec_mut(&mut self) -> &mut Vec<Value> {
        if let Repr::Packed(p) = &mut self.0 {
            let v = match p.values.take() {
                Some(v) => v,
                None => unpack(p.kind, &p.data),
            };
            self.0 = Repr::Values(v);
        }
        match &mut self.0 {
            Repr::Values(v) => v,
            Repr::Packed(_) => unreachable!("a packed list was unpacked just above"),
        }
    }

    /// The items as a vector.
    pub fn into_vec(mut self) -> Vec<Value> {
        std::mem::take(self.as_vec_mut())
    }

    /// Appends an item.
    pub fn push(&mut self, v: Value) {
        self.as_vec_mut().push(v);
    }
}

fn unpack(kind: Kind, data: &[u8]) -> Vec<Value> {
    let w = kind.fixed_width().unwrap_or(1);
    let mut items = Vec::with_capacity(data.len() / w);
    macro_rules! unpack {
        ($n:literal, |$a:ident| $e:expr) => {
            items.extend(data.chunks_exact($n).map(|ch| {
                let mut $a = [0u8; $n];
                $a.copy_from_slice(ch);
                $e
            }))
        };
    }
    match kind {
        Kind::Bool => items.extend(data.iter().map(|&x| Value::Bool(x != 0))),
        Kind::U8 => items.extend(data.iter().map(|&x| Value::U8(x))),
        Kind::S8 => items.extend(data.iter().map(|&x| Value::S8(x as i8))),
        Kind::U16 => unpack!(2, |a| Value::U16(u16::from_le_bytes(a))),
        Kind::S16 => unpack!(2, |a| Value::S16(i16::from_le_bytes(a))),
        Kind::U32 => unpack!(4, |a| Value::U32(u32::from_le_bytes(a))),
        Kind::S32 => unpack!(4, |a| Value::S32(i32::from_le_bytes(a))),
        Kind::F32 => unpack!(4, |a| Value::F32(f32::from_bits(u32::from_le_bytes(a)))),
        Kind::U64 => unpack!(8, |a| Value::U64(u64::from_le_bytes(a))),
        Kind::S64 => unpack!(8, |a| Value::S64(i64::from_le_bytes(a))),
        Kind::F64 => unpack!(8, |a| Value::F64(f64::from_bits(u64::from_le_bytes(a)))),
        Kind::Flags => unpack!(8, |a| Value::Flags(u64::from_le_bytes(a))),
        Kind::Char => unpack!(4, |a| Value::Char(
            char::from_u32(u32::from_le_bytes(a)).unwrap_or(char::REPLACEMENT_CHARACTER)
        )),
        _ => {}
    }
    items
}

impl std::ops::Deref for Items {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        self.as_slice()
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut [Value] {
        self.as_vec_mut()
    }
}

impl From<Vec<Value>> for Items {
    fn from(v: Vec<Value>) -> Items {
        Items(Repr::Values(v))
    }
}

impl FromIterator<Value> for Items {
    fn from_iter<I: IntoIterator<Item = Value>>(it: I) -> Items {
        Items(Repr::Values(it.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_items_read_write_and_stay_stable() {
        let mut it = Items::packed(Kind::U16, vec![1, 0, 2, 1].into_boxed_slice());
        assert_eq!(it.len(), 2);
        let a = it.as_slice().as_ptr();
        assert!(it[1].same(&Value::U16(258)));
        assert_eq!(a, it.as_slice().as_ptr(), "child views are stable");
        it.push(Value::U16(3));
        assert!(it.packed_bytes().is_none());
        assert_eq!(it.len(), 3);
        assert!(it[0].same(&Value::U16(1)));
    }

    #[test]
    fn clone_and_drop_leave_packed_items_packed() {
        use crate::value::{Type, decode, encode};
        let bytes = Value::list(Type::u8(), (0..=255u8).map(Value::U8).collect());
        let holder = Value::tuple(vec![bytes, Value::tuple(vec![Value::string("x")])]);
        let decoded = decode(&encode(&holder).unwrap()).unwrap();
        let packed = |v: &Value| match v {
            Value::List(l) => l.items.packed_bytes().map(|(_, d)| d.len()),
            _ => None,
        };
        let Value::Tuple(t) = &decoded else {
            panic!("not a tuple")
        };
        assert_eq!(packed(&t[0]), Some(256));
        // A deep copy copies the bytes; it does not turn them into 256 values.
        let copy = decoded.clone();
        let Value::Tuple(c) = &copy else {
            panic!("not a tuple")
        };
        assert_eq!(packed(&c[0]), Some(256), "the copy is still packed");
        let Value::List(cl) = &c[0] else {
            panic!("not a list")
        };
        assert!(!cl.items.values_built(), "no values were built to copy");
        // Deciding how to drop a container does not unpack its packed children either.
        assert!(!t[0].holds_values());
        assert!(decoded.holds_values());
        let Value::List(l) = &t[0] else {
            panic!("not a list")
        };
        assert!(!l.items.needs_deep_drop());
        assert!(!l.items.values_built(), "no values were built to decide");
        assert!(copy.same(&holder));
        drop(decoded);
        assert_eq!(encode(&copy).unwrap(), encode(&holder).unwrap());
    }
}
