//! What a `packr_value` pointer points at. C code never looks inside the handle, so its two
//! low bits (every pointee is at least 4-byte aligned) say which of four things it is:
//!
//! - `..00`: an owned [`Value`] from a constructor, `packr_value_parse` or the tree decoder (a
//!   `Box<Value>`).
//! - `..10`: an owned decoded value, a `Box<Decoded>`: a [`Doc`] (the checked CGRF bytes and a
//!   node table) until something modifies it or takes it apart, which turns it into a `Value`
//!   in place. Decoding a tree this way costs three allocations, not one per node.
//! - `..01`: a borrowed view of a node inside a decoded value's `Doc`.
//! - `..11`: a borrowed view of a `Value` inside another value (a child of a tree, an item of
//!   a packed list, a map's value).
//!
//! Views are never modified, consumed or freed, whatever the caller does with them: the tag
//! says so. Every function that reads a value goes through [`vref`]; functions that modify or
//! consume one go through [`value_mut_if`] and [`take_value`]; nothing else casts a
//! `packr_value`.

use super::boundary::Fail;
use super::value::packr_value;
use crate::value::{self as v, Child, Doc, Kind, Limits, Node, Type, Value};
use std::borrow::Cow;

const NODE_VIEW: usize = 1;
const OWNED_DOC: usize = 2;
const VALUE_VIEW: usize = 3;
const TAGS: usize = 3;
// Every pointee keeps its two low address bits free for the tag.
const _: () = assert!(
    align_of::<Value>() > TAGS && align_of::<Node>() > TAGS && align_of::<Decoded>() > TAGS
);

/// An owned decoded value (see the module documentation).
pub(crate) struct Decoded {
    state: State,
}

enum State {
    Doc(Doc),
    Tree(Value),
}

impl Decoded {
    /// Turns the document into a value tree in place (the handle stays the same).
    fn make_tree(&mut self) -> Result<&mut Value, Fail> {
        if let State::Doc(d) = &self.state {
            let v = root_value(d)?;
            self.state = State::Tree(v);
        }
        match &mut self.state {
            State::Tree(v) => Ok(v),
            State::Doc(_) => Err(Fail::internal("a decoded value did not turn into a tree")),
        }
    }

    fn into_value(self) -> Result<Value, Fail> {
        match self.state {
            State::Tree(v) => Ok(v),
            State::Doc(d) => root_value(&d),
        }
    }
}

fn root_value(d: &Doc) -> Result<Value, Fail> {
    d.root()
        .to_value()
        .ok_or_else(|| Fail::internal("a decoded value could not be rebuilt"))
}

/// A new owned handle for a value tree.
pub(crate) fn new_value(v: Value) -> *mut packr_value {
    Box::into_raw(Box::new(v)).cast()
}

/// Decodes `b` into a new owned handle: a document when the bytes are a tree of two or more
/// nodes (no maps or sets), otherwise a value tree (which also reports malformed bytes).
pub(crate) fn decode_out(b: &[u8], limits: &Limits) -> Result<*mut packr_value, v::DecodeError> {
    let several = b
        .get(8..12)
        .is_some_and(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) >= 2);
    if several && let Some(doc) = Doc::new(b, limits) {
        let d = Box::new(Decoded {
            state: State::Doc(doc),
        });
        return Ok(Box::into_raw(d).map_addr(|a| a | OWNED_DOC).cast());
    }
    v::decode_with_limits(b, limits).map(new_value)
}

/// A read-only view of what a handle points at.
#[derive(Clone, Copy)]
pub(crate) enum VRef<'a> {
    Tree(&'a Value),
    Node(&'a Node),
}

fn null(name: &str) -> Fail {
    Fail::arg(format!("{name} is NULL"))
}

fn untagged<T>(p: *const packr_value) -> *const T {
    p.map_addr(|a| a & !TAGS).cast()
}

/// Reads a handle (owned or borrowed, tree or document).
pub(crate) fn vref<'a>(p: *const packr_value, name: &str) -> Result<VRef<'a>, Fail> {
    if p.is_null() {
        return Err(null(name));
    }
    let raw = untagged::<u8>(p);
    // SAFETY: a non-NULL handle came from new_value, decode_out, value_ptr or node_ptr (the
    // tag says which) and is alive, as the API contract requires.
    Ok(match p.addr() & TAGS {
        NODE_VIEW => VRef::Node(unsafe { &*raw.cast::<Node>() }),
        VALUE_VIEW => VRef::Tree(unsafe { &*raw.cast::<Value>() }),
        OWNED_DOC => match unsafe { &(*raw.cast::<Decoded>()).state } {
            State::Tree(v) => VRef::Tree(v),
            State::Doc(d) => VRef::Node(d.root()),
        },
        _ => VRef::Tree(unsafe { &*raw.cast::<Value>() }),
    })
}

fn view_refused(name: &str, what: &str) -> Fail {
    Fail::arg(format!(
        "{name} is a borrowed view (from packr_value_get or packr_value_map_find) and cannot be {what}; pass an owned value (packr_value_clone makes one)"
    ))
}

fn is_view(p: *const packr_value) -> bool {
    matches!(p.addr() & TAGS, NODE_VIEW | VALUE_VIEW)
}

/// Mutably borrows an owned handle whose kind `accepts`. A view, or a value of another kind
/// (`refuse` says why), is refused before anything changes: a decoded value only becomes a
/// tree when the modification will go ahead, so a failed call leaves views of it valid.
pub(crate) fn value_mut_if<'a>(
    p: *mut packr_value,
    name: &str,
    accepts: impl FnOnce(Kind) -> bool,
    refuse: impl FnOnce(Kind) -> Fail,
) -> Result<&'a mut Value, Fail> {
    if !is_view(p) {
        let k = vref(p, name)?.kind();
        if !accepts(k) {
            return Err(refuse(k));
        }
    }
    value_mut(p, name)
}

/// Mutably borrows an owned handle (a decoded value becomes a tree first).
fn value_mut<'a>(p: *mut packr_value, name: &str) -> Result<&'a mut Value, Fail> {
    if p.is_null() {
        return Err(null(name));
    }
    let raw = p.map_addr(|a| a & !TAGS);
    match p.addr() & TAGS {
        NODE_VIEW | VALUE_VIEW => Err(view_refused(name, "modified")),
        // SAFETY: an owned decoded value, with exclusive access for the call (API contract).
        OWNED_DOC => unsafe { &mut *raw.cast::<Decoded>() }.make_tree(),
        // SAFETY: as for vref, plus the caller's exclusive access for the call.
        _ => Ok(unsafe { &mut *raw.cast::<Value>() }),
    }
}

/// Takes ownership of a value argument that the function consumes.
pub(crate) fn take_value(p: *mut packr_value, name: &str) -> Result<Value, Fail> {
    if p.is_null() {
        return Err(null(name));
    }
    let raw = p.map_addr(|a| a & !TAGS);
    match p.addr() & TAGS {
        NODE_VIEW | VALUE_VIEW => Err(view_refused(name, "consumed")),
        // SAFETY: an owned handle from decode_out, consumed exactly once.
        OWNED_DOC => unsafe { Box::from_raw(raw.cast::<Decoded>()) }.into_value(),
        // SAFETY: an owned handle from new_value, consumed exactly once.
        _ => Ok(*unsafe { Box::from_raw(raw.cast::<Value>()) }),
    }
}

/// Frees an owned handle; NULL and views are ignored.
pub(crate) fn free_value(p: *mut packr_value) {
    let raw = p.map_addr(|a| a & !TAGS);
    match p.addr() & TAGS {
        _ if p.is_null() => {}
        NODE_VIEW | VALUE_VIEW => {}
        // SAFETY: an owned handle, freed exactly once (API contract).
        OWNED_DOC => drop(unsafe { Box::from_raw(raw.cast::<Decoded>()) }),
        _ => drop(unsafe { Box::from_raw(raw.cast::<Value>()) }),
    }
}

fn node_ptr(n: &Node) -> *const packr_value {
    (n as *const Node)
        .map_addr(|a| a | NODE_VIEW)
        .cast::<packr_value>()
}

/// A borrowed view of a value inside another value.
pub(crate) fn value_ptr(v: &Value) -> *const packr_value {
    (v as *const Value)
        .map_addr(|a| a | VALUE_VIEW)
        .cast::<packr_value>()
}

impl<'a> VRef<'a> {
    pub(crate) fn kind(self) -> Kind {
        match self {
            VRef::Tree(v) => v.kind(),
            VRef::Node(n) => n.kind(),
        }
    }

    /// "the value is a list, not a record", for a value of the wrong kind.
    pub(crate) fn wrong_kind(self, want: &str) -> Fail {
        Fail::arg(format!(
            "the value is a {}, not a {want}",
            self.kind().name()
        ))
    }

    pub(crate) fn len(self) -> usize {
        match self {
            VRef::Tree(v) => v.children().len(),
            VRef::Node(n) => n.len(),
        }
    }

    /// A borrowed handle for child `i`, or NULL.
    pub(crate) fn get(self, i: usize) -> *const packr_value {
        match self {
            VRef::Tree(v) => v.children().get(i).map_or(std::ptr::null(), value_ptr),
            VRef::Node(n) => match n.child(i) {
                Some(Child::Node(c)) => node_ptr(c),
                Some(Child::Value(c)) => value_ptr(c),
                None => std::ptr::null(),
            },
        }
    }

    /// The value as a tree: borrowed for a tree, rebuilt for a node of a document.
    pub(crate) fn value(self) -> Result<Cow<'a, Value>, Fail> {
        match self {
            VRef::Tree(v) => Ok(Cow::Borrowed(v)),
            VRef::Node(n) => n
                .to_value()
                .map(Cow::Owned)
                .ok_or_else(|| Fail::internal("a decoded value could not be rebuilt")),
        }
    }

    /// A scalar or string as a value (cheap for a node: leaves only); containers give the
    /// usual wrong-kind error naming `want`.
    pub(crate) fn leaf(self, want: &str) -> Result<Cow<'a, Value>, Fail> {
        match self {
            VRef::Node(n) if !n.kind().is_primitive() => Err(self.wrong_kind(want)),
            _ => self.value(),
        }
    }

    /// A new owned handle holding a copy. A decoded value's root copies its document.
    pub(crate) fn clone_out(self) -> Result<*mut packr_value, Fail> {
        if let VRef::Node(n) = self
            && let Some(bytes) = n.root_bytes()
        {
            let all = Limits::with_defaults(u64::MAX, u64::MAX, u64::MAX);
            return decode_out(bytes, &all)
                .map_err(|e| Fail::internal(format!("copying a decoded value: {e}")));
        }
        Ok(new_value(self.value()?.into_owned()))
    }

    pub(crate) fn type_name(self) -> Option<&'a str> {
        match self {
            VRef::Tree(Value::Record(r)) => Some(&r.type_name),
            VRef::Tree(Value::Variant(x)) => Some(&x.type_name),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.type_name(),
        }
    }

    pub(crate) fn case_name(self) -> Option<&'a str> {
        match self {
            VRef::Tree(Value::Variant(x)) => Some(&x.case_name),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.case_name(),
        }
    }

    pub(crate) fn variant_tag(self) -> Option<u64> {
        match self {
            VRef::Tree(Value::Variant(x)) => Some(x.tag),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.variant_tag(),
        }
    }

    /// Field `i`'s name of a record: None for other kinds, Some(Err(count)) when out of range.
    pub(crate) fn field_name(self, i: usize) -> Option<Result<&'a str, usize>> {
        match self {
            VRef::Tree(Value::Record(r)) => {
                Some(r.names.get(i).map(|s| s.as_str()).ok_or(r.names.len()))
            }
            VRef::Tree(_) => None,
            VRef::Node(n) => n.field_names().map(|mut it| it.nth(i).ok_or(n.len())),
        }
    }

    pub(crate) fn is_err(self) -> Option<bool> {
        match self {
            VRef::Tree(Value::Result(r)) => Some(r.is_err),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.is_err(),
        }
    }

    /// The element type of a list or set, or the inner type of an option.
    pub(crate) fn elem_type(self) -> Option<&'a Type> {
        match self {
            VRef::Tree(Value::List(l)) => Some(&l.elem_type),
            VRef::Tree(Value::Option(o)) => Some(&o.inner_type),
            VRef::Tree(Value::Set(s)) => Some(&s.elem_type),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.elem_type(),
        }
    }

    pub(crate) fn ok_type(self) -> Option<&'a Type> {
        match self {
            VRef::Tree(Value::Result(r)) => Some(&r.ok_type),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.ok_type(),
        }
    }

    pub(crate) fn err_type(self) -> Option<&'a Type> {
        match self {
            VRef::Tree(Value::Result(r)) => Some(&r.err_type),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.err_type(),
        }
    }

    /// The text of a string, borrowed from the value.
    pub(crate) fn string(self) -> Option<&'a str> {
        match self {
            VRef::Tree(Value::String(s)) => Some(s),
            VRef::Tree(_) => None,
            VRef::Node(n) => n.string(),
        }
    }

    /// The tree behind this view, if it is one (maps and sets are always trees).
    pub(crate) fn tree(self) -> Option<&'a Value> {
        match self {
            VRef::Tree(v) => Some(v),
            VRef::Node(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(v: &Value) -> *mut packr_value {
        let b = v::encode(v).unwrap_or_default();
        decode_out(&b, &Limits::default()).unwrap_or(std::ptr::null_mut())
    }

    fn message<T>(r: Result<T, Fail>) -> String {
        r.err().map(|f| f.message).unwrap_or_default()
    }

    #[test]
    fn handles_say_what_they_point_at() {
        let v = Value::tuple(vec![Value::string("a"), Value::S64(2)]);
        let d = decoded(&v);
        assert_eq!(d.addr() & TAGS, OWNED_DOC);
        let root = vref(d, "v").ok();
        assert!(matches!(root, Some(VRef::Node(_))));
        let child = root.map_or(std::ptr::null(), |r| r.get(0));
        assert_eq!(child.addr() & TAGS, NODE_VIEW);
        assert_eq!(vref(child, "c").ok().and_then(VRef::string), Some("a"));
        // A view can be neither modified nor consumed, and freeing it does nothing.
        let m = message(value_mut(child.cast_mut(), "container"));
        assert!(m.contains("container is a borrowed view"), "{m}");
        let m = message(take_value(child.cast_mut(), "item"));
        assert!(m.contains("cannot be consumed"), "{m}");
        free_value(child.cast_mut());
        // Modifying the owned handle turns it into a tree in place.
        assert!(value_mut(d, "v").is_ok_and(|t| t.same(&v)));
        assert!(matches!(vref(d, "v"), Ok(VRef::Tree(t)) if t.same(&v)));
        // A copy of a decoded root is a document again.
        let d2 = decoded(&v);
        let c = vref(d2, "v").and_then(VRef::clone_out);
        let c = c.unwrap_or(std::ptr::null_mut());
        assert_eq!(c.addr() & TAGS, OWNED_DOC);
        assert!(take_value(c, "c").is_ok_and(|t| t.same(&v)));
        free_value(d2);
        free_value(d);
        // Children of trees, and items of a decoded packed list, are value views: readable,
        // refused by functions that modify or consume, ignored by free.
        let t = new_value(Value::tuple(vec![Value::tuple(vec![])]));
        let child = vref(t, "t").map_or(std::ptr::null(), |r| r.get(0));
        assert_eq!(child.addr() & TAGS, VALUE_VIEW);
        assert!(matches!(vref(child, "c").map(VRef::kind), Ok(Kind::Tuple)));
        let accept_all = |_| true;
        let m = message(value_mut_if(child.cast_mut(), "c", accept_all, |_| {
            Fail::arg("")
        }));
        assert!(m.contains("c is a borrowed view"), "{m}");
        free_value(child.cast_mut());
        free_value(t);
        let bytes = Value::list(Type::u8(), vec![Value::U8(1), Value::U8(2)]);
        let d3 = decoded(&Value::tuple(vec![bytes.clone(), Value::unit()]));
        let packed = vref(d3, "v").map_or(std::ptr::null(), |r| r.get(0));
        assert_eq!(packed.addr() & TAGS, VALUE_VIEW);
        assert!(matches!(vref(packed, "p"), Ok(VRef::Tree(v)) if v.same(&bytes)));
        let item = vref(packed, "p").map_or(std::ptr::null(), |r| r.get(1));
        assert_eq!(item.addr() & TAGS, VALUE_VIEW);
        assert!(message(take_value(item.cast_mut(), "i")).contains("cannot be consumed"));
        // A call of the wrong kind leaves a decoded value a document.
        let m = message(value_mut_if(
            d3,
            "v",
            |k| k == Kind::Map,
            |_| Fail::arg("no"),
        ));
        assert_eq!(m, "no");
        assert!(matches!(vref(d3, "v"), Ok(VRef::Node(_))));
        free_value(d3);
        // Lone scalars, maps and sets decode as trees.
        let s = decoded(&Value::S64(1));
        assert!(!s.is_null() && s.addr() & TAGS == 0);
        free_value(s);
        assert_eq!(message(vref(std::ptr::null(), "v")), "v is NULL");
    }
}
