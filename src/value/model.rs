//! The value model: the 20 value kinds of packr 0.5.4 (spec §1.1), plus CGRF v3's map and set
//! (packr-abi 0.24).
//!
//! Everything that walks a value (drop, clone, equality, Debug, encode, text) is iterative, so a
//! value nested a million levels deep is as safe as a flat one.

use super::items::Items;
use super::types::{Kind, Type, tag};
use smallvec::SmallVec;
use std::fmt;
use std::mem;
use thin_vec::ThinVec;

/// Names and strings: UTF-8, stored inline up to 24 bytes.
pub type Str = compact_str::CompactString;

/// A packr value (packr-abi's `Value`).
pub enum Value {
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    S8(i8),
    S16(i16),
    S32(i32),
    S64(i64),
    F32(f32),
    F64(f64),
    Char(char),
    String(Str),
    List(Box<List>),
    Option(Box<OptionValue>),
    Result(Box<ResultValue>),
    Record(Box<Record>),
    Variant(Box<Variant>),
    Tuple(Seq),
    Flags(u64),
    /// CGRF v3 only: entries in canonical (strictly increasing) key order.
    Map(Box<Map>),
    /// CGRF v3 only: items in canonical (strictly increasing) order.
    Set(Box<Set>),
}

/// A typed map (packr-abi 0.24's `Value::Map`). `items` holds keys and values interleaved
/// (`k0, v0, k1, v1, ...`), which is also the order of the node's child indices on the wire.
/// packr-abi builds maps from `BTreeMap`, so keys are unique and in canonical order
/// ([`canonical_cmp`]); libpackr checks that on decode, in the text form and in the C API.
pub struct Map {
    pub key_type: Type,
    pub value_type: Type,
    pub items: Vec<Value>,
}

/// A typed set (packr-abi 0.24's `Value::Set`): unique items in canonical order.
pub struct Set {
    pub elem_type: Type,
    pub items: Vec<Value>,
}

/// A typed list. `elem_type` is advisory except for fixed-width element types, where every item
/// must have exactly that type for the list to encode (spec §2.6).
pub struct List {
    pub elem_type: Type,
    pub items: Items,
}

/// A typed option; `inner_type` is not checked against the payload.
pub struct OptionValue {
    pub inner_type: Type,
    pub value: Option<Value>,
}

/// A typed result; neither type is checked against the payload.
pub struct ResultValue {
    pub ok_type: Type,
    pub err_type: Type,
    pub is_err: bool,
    pub value: Value,
}

/// A record. `names[i]` is the name of field `values[i]`; order is significant and duplicates
/// are allowed. The two vectors always have the same length.
pub struct Record {
    pub type_name: Str,
    pub names: Vec<Str>,
    pub values: Vec<Value>,
}

/// A variant case with 0..n payload values. `tag` and `case_name` are independent; the wire
/// carries the tag as u32, so tags above u32::MAX are truncated by the encoder (as upstream).
pub struct Variant {
    pub type_name: Str,
    pub case_name: Str,
    pub tag: u64,
    pub payload: SmallVec<[Value; 2]>,
}

/// The items of a tuple (a thin vector: one pointer wide, so a `Value` is 24 bytes).
#[derive(Default)]
pub struct Seq(pub ThinVec<Value>);

impl std::ops::Deref for Seq {
    type Target = ThinVec<Value>;
    fn deref(&self) -> &ThinVec<Value> {
        &self.0
    }
}
impl std::ops::DerefMut for Seq {
    fn deref_mut(&mut self) -> &mut ThinVec<Value> {
        &mut self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Iterative drop. A container whose children hold values takes them apart on one explicit
// stack instead of letting the compiler-generated drop recurse. Only children that hold values
// move (each replaced by a placeholder); leaves stay where they are and drop with their parent.

fn needs_deep_drop(children: &[Value]) -> bool {
    children.iter().any(Value::holds_values)
}

/// The explicit stack of the iterative drop. It lives on the machine stack until a value is
/// wider or deeper than 32 pending children: a heap stack freed at the end of every drop made
/// glibc merge all the nodes just freed (its free of a chunk bordering the top does that),
/// which cost more than the drop itself.
type DropStack = SmallVec<[Value; 32]>;

/// Takes apart every child in `kids` that holds values, leaving placeholders, so that the
/// container then drops only leaves.
fn drop_all(kids: &mut [Value]) {
    let mut stack = DropStack::new();
    keep_nested(kids, &mut stack);
    while let Some(mut v) = stack.pop() {
        keep_nested(v.children_mut(), &mut stack);
        // `v` now holds only leaves and drops in O(1) stack.
    }
}

/// Moves the children that hold values onto the stack (a placeholder takes their place).
#[inline(always)]
fn keep_nested(kids: &mut [Value], stack: &mut DropStack) {
    for c in kids {
        if c.holds_values() {
            stack.push(mem::replace(c, Value::Bool(false)));
        }
    }
}

impl Drop for List {
    fn drop(&mut self) {
        if self.items.needs_deep_drop() {
            drop_all(self.items.as_vec_mut());
        }
    }
}
impl Drop for Seq {
    fn drop(&mut self) {
        if needs_deep_drop(&self.0) {
            drop_all(&mut self.0);
        }
    }
}
impl Drop for Map {
    fn drop(&mut self) {
        if needs_deep_drop(&self.items) {
            drop_all(&mut self.items);
        }
    }
}
impl Drop for Set {
    fn drop(&mut self) {
        if needs_deep_drop(&self.items) {
            drop_all(&mut self.items);
        }
    }
}
impl Drop for Record {
    fn drop(&mut self) {
        if needs_deep_drop(&self.values) {
            drop_all(&mut self.values);
        }
    }
}
impl Drop for Variant {
    fn drop(&mut self) {
        if needs_deep_drop(&self.payload) {
            drop_all(&mut self.payload);
        }
    }
}
impl Drop for OptionValue {
    fn drop(&mut self) {
        if needs_deep_drop(self.value.as_slice()) {
            drop_all(self.value.as_mut_slice());
        }
    }
}
impl Drop for ResultValue {
    fn drop(&mut self) {
        if self.value.holds_values() {
            drop_all(std::slice::from_mut(&mut self.value));
        }
    }
}

impl Value {
    /// The kind of this value.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Bool(_) => Kind::Bool,
            Value::U8(_) => Kind::U8,
            Value::U16(_) => Kind::U16,
            Value::U32(_) => Kind::U32,
            Value::U64(_) => Kind::U64,
            Value::S8(_) => Kind::S8,
            Value::S16(_) => Kind::S16,
            Value::S32(_) => Kind::S32,
            Value::S64(_) => Kind::S64,
            Value::F32(_) => Kind::F32,
            Value::F64(_) => Kind::F64,
            Value::Char(_) => Kind::Char,
            Value::String(_) => Kind::String,
            Value::List(_) => Kind::List,
            Value::Option(_) => Kind::Option,
            Value::Result(_) => Kind::Result,
            Value::Record(_) => Kind::Record,
            Value::Variant(_) => Kind::Variant,
            Value::Tuple(_) => Kind::Tuple,
            Value::Flags(_) => Kind::Flags,
            Value::Map(_) => Kind::Map,
            Value::Set(_) => Kind::Set,
        }
    }

    /// The child values, in wire order: list items, the option payload (0 or 1), the result
    /// payload, record field values, variant payload, tuple items, map keys and values
    /// interleaved, set items.
    pub fn children(&self) -> &[Value] {
        match self {
            Value::List(l) => l.items.as_slice(),
            Value::Map(m) => &m.items,
            Value::Set(x) => &x.items,
            Value::Option(o) => o.value.as_slice(),
            Value::Result(r) => std::slice::from_ref(&r.value),
            Value::Record(r) => &r.values,
            Value::Variant(v) => &v.payload,
            Value::Tuple(t) => &t.0,
            _ => &[],
        }
    }

    /// Mutable access to the children (see [`Value::children`]).
    pub fn children_mut(&mut self) -> &mut [Value] {
        match self {
            Value::List(l) => l.items.as_vec_mut(),
            Value::Map(m) => &mut m.items,
            Value::Set(x) => &mut x.items,
            Value::Option(o) => o.value.as_mut_slice(),
            Value::Result(r) => std::slice::from_mut(&mut r.value),
            Value::Record(r) => &mut r.values,
            Value::Variant(v) => &mut v.payload,
            Value::Tuple(t) => &mut t.0,
            _ => &mut [],
        }
    }

    /// True if this value holds child values. Unlike `children()`, this never turns a packed
    /// list's bytes into values: packed items are scalars and need no taking apart.
    pub(crate) fn holds_values(&self) -> bool {
        match self {
            Value::List(l) => l.items.packed_bytes().is_none() && !l.items.is_empty(),
            _ => !self.children().is_empty(),
        }
    }

    /// The unit value `Tuple([])`.
    pub fn unit() -> Value {
        Value::Tuple(Seq(ThinVec::new()))
    }

    /// A tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Seq(ThinVec::from(items)))
    }

    /// A list with the given element type.
    pub fn list(elem_type: Type, items: Vec<Value>) -> Value {
        Value::List(Box::new(List {
            elem_type,
            items: items.into(),
        }))
    }

    /// `Some(value)` or `None` of the given inner type.
    pub fn option(inner_type: Type, value: Option<Value>) -> Value {
        Value::Option(Box::new(OptionValue { inner_type, value }))
    }

    /// `Ok(value)` (is_err false) or `Err(value)`.
    pub fn result(ok_type: Type, err_type: Type, is_err: bool, value: Value) -> Value {
        Value::Result(Box::new(ResultValue {
            ok_type,
            err_type,
            is_err,
            value,
        }))
    }

    /// A record from (name, value) pairs.
    pub fn record(type_name: &str, fields: Vec<(&str, Value)>) -> Value {
        let mut names = Vec::with_capacity(fields.len());
        let mut values = Vec::with_capacity(fields.len());
        for (n, v) in fields {
            names.push(Str::from(n));
            values.push(v);
        }
        Value::Record(Box::new(Record {
            type_name: Str::from(type_name),
            names,
            values,
        }))
    }

    /// A variant case.
    pub fn variant(type_name: &str, case_name: &str, tag: u64, payload: Vec<Value>) -> Value {
        Value::Variant(Box::new(Variant {
            type_name: Str::from(type_name),
            case_name: Str::from(case_name),
            tag,
            payload: SmallVec::from_vec(payload),
        }))
    }

    /// A map from interleaved keys and values (not checked: see [`Value::check_canonical`]).
    pub fn map(key_type: Type, value_type: Type, items: Vec<Value>) -> Value {
        Value::Map(Box::new(Map {
            key_type,
            value_type,
            items,
        }))
    }

    /// A set (not checked: see [`Value::check_canonical`]).
    pub fn set(elem_type: Type, items: Vec<Value>) -> Value {
        Value::Set(Box::new(Set { elem_type, items }))
    }

    /// A string value.
    pub fn string(s: &str) -> Value {
        Value::String(Str::from(s))
    }

    /// Appends the wire bytes of this value's inferred type (packr-abi's `infer_type`) to `out`.
    /// Stops and returns false once more than `limit` bytes would be written.
    pub(crate) fn write_inferred_type(&self, out: &mut Vec<u8>, limit: usize) -> bool {
        let mut stack: Vec<&Value> = vec![self];
        while let Some(v) = stack.pop() {
            match v {
                Value::List(l) => {
                    out.push(tag::LIST);
                    out.extend_from_slice(l.elem_type.wire_bytes());
                }
                Value::Option(o) => {
                    out.push(tag::OPTION);
                    out.extend_from_slice(o.inner_type.wire_bytes());
                }
                Value::Result(r) => {
                    out.push(tag::RESULT);
                    out.extend_from_slice(r.ok_type.wire_bytes());
                    out.extend_from_slice(r.err_type.wire_bytes());
                }
                Value::Map(m) => {
                    out.push(tag::MAP);
                    out.extend_from_slice(m.key_type.wire_bytes());
                    out.extend_from_slice(m.value_type.wire_bytes());
                }
                Value::Set(x) => {
                    out.push(tag::SET);
                    out.extend_from_slice(x.elem_type.wire_bytes());
                }
                Value::Record(r) => push_named(out, tag::RECORD, &r.type_name),
                Value::Variant(x) => push_named(out, tag::VARIANT, &x.type_name),
                Value::Tuple(t) => {
                    out.push(tag::TUPLE);
                    out.extend_from_slice(&(t.len() as u32).to_le_bytes());
                    stack.extend(t.iter().rev());
                }
                other => out.push(other.kind().wire_tag()),
            }
            if out.len() > limit {
                return false;
            }
        }
        true
    }

    /// packr-abi's `infer_type()`.
    pub fn infer_type(&self) -> Type {
        let mut b = Vec::new();
        self.write_inferred_type(&mut b, usize::MAX);
        Type::from_checked(&b)
    }

    /// True if `infer_type()` equals `ty`, without building more than `ty`'s length.
    pub fn has_type(&self, ty: &Type) -> bool {
        let want = ty.wire_bytes();
        let mut b = Vec::with_capacity(want.len() + 1);
        self.write_inferred_type(&mut b, want.len()) && b == want
    }

    /// Bit-exact structural equality (floats compare by their bits, so NaN equals the same NaN).
    pub fn same(&self, other: &Value) -> bool {
        let mut stack: Vec<(&Value, &Value)> = vec![(self, other)];
        while let Some((a, b)) = stack.pop() {
            let shallow = match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::U8(x), Value::U8(y)) => x == y,
                (Value::U16(x), Value::U16(y)) => x == y,
                (Value::U32(x), Value::U32(y)) => x == y,
                (Value::U64(x), Value::U64(y)) => x == y,
                (Value::S8(x), Value::S8(y)) => x == y,
                (Value::S16(x), Value::S16(y)) => x == y,
                (Value::S32(x), Value::S32(y)) => x == y,
                (Value::S64(x), Value::S64(y)) => x == y,
                (Value::F32(x), Value::F32(y)) => x.to_bits() == y.to_bits(),
                (Value::F64(x), Value::F64(y)) => x.to_bits() == y.to_bits(),
                (Value::Char(x), Value::Char(y)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                (Value::Flags(x), Value::Flags(y)) => x == y,
                (Value::List(x), Value::List(y)) => x.elem_type == y.elem_type,
                (Value::Option(x), Value::Option(y)) => x.inner_type == y.inner_type,
                (Value::Result(x), Value::Result(y)) => {
                    x.ok_type == y.ok_type && x.err_type == y.err_type && x.is_err == y.is_err
                }
                (Value::Record(x), Value::Record(y)) => {
                    x.type_name == y.type_name && x.names == y.names
                }
                (Value::Variant(x), Value::Variant(y)) => {
                    x.type_name == y.type_name && x.case_name == y.case_name && x.tag == y.tag
                }
                (Value::Tuple(_), Value::Tuple(_)) => true,
                (Value::Map(x), Value::Map(y)) => {
                    x.key_type == y.key_type && x.value_type == y.value_type
                }
                (Value::Set(x), Value::Set(y)) => x.elem_type == y.elem_type,
                _ => false,
            };
            let (ca, cb) = (a.children(), b.children());
            if !shallow || ca.len() != cb.len() {
                return false;
            }
            stack.extend(ca.iter().zip(cb.iter()));
        }
        true
    }

    /// A copy of this value with no children (containers come back empty).
    pub(super) fn shallow_clone(&self) -> Value {
        match self {
            Value::Bool(x) => Value::Bool(*x),
            Value::U8(x) => Value::U8(*x),
            Value::U16(x) => Value::U16(*x),
            Value::U32(x) => Value::U32(*x),
            Value::U64(x) => Value::U64(*x),
            Value::S8(x) => Value::S8(*x),
            Value::S16(x) => Value::S16(*x),
            Value::S32(x) => Value::S32(*x),
            Value::S64(x) => Value::S64(*x),
            Value::F32(x) => Value::F32(*x),
            Value::F64(x) => Value::F64(*x),
            Value::Char(x) => Value::Char(*x),
            Value::String(x) => Value::String(x.clone()),
            Value::Flags(x) => Value::Flags(*x),
            Value::List(l) => Value::List(Box::new(List {
                elem_type: l.elem_type.clone(),
                // A packed list is a leaf to the walks: its copy is its bytes.
                items: l.items.packed_clone().unwrap_or_default(),
            })),
            Value::Option(o) => Value::option(o.inner_type.clone(), None),
            Value::Result(r) => Value::result(
                r.ok_type.clone(),
                r.err_type.clone(),
                r.is_err,
                Value::unit(),
            ),
            Value::Record(r) => Value::Record(Box::new(Record {
                type_name: r.type_name.clone(),
                names: r.names.clone(),
                values: Vec::new(),
            })),
            Value::Variant(v) => Value::Variant(Box::new(Variant {
                type_name: v.type_name.clone(),
                case_name: v.case_name.clone(),
                tag: v.tag,
                payload: SmallVec::new(),
            })),
            Value::Tuple(_) => Value::unit(),
            Value::Map(m) => Value::map(m.key_type.clone(), m.value_type.clone(), Vec::new()),
            Value::Set(x) => Value::set(x.elem_type.clone(), Vec::new()),
        }
    }

    /// Puts `kids` (the complete child list, in order) into a childless container.
    pub(super) fn set_children(&mut self, kids: Vec<Value>) {
        match self {
            Value::List(l) => l.items = kids.into(),
            Value::Map(m) => m.items = kids,
            Value::Set(x) => x.items = kids,
            Value::Option(o) => o.value = kids.into_iter().next(),
            Value::Result(r) => {
                if let Some(k) = kids.into_iter().next() {
                    r.value = k;
                }
            }
            Value::Record(r) => r.values = kids,
            Value::Variant(v) => v.payload = SmallVec::from_vec(kids),
            Value::Tuple(t) => t.0 = ThinVec::from(kids),
            _ => {}
        }
    }
}

fn push_named(out: &mut Vec<u8>, t: u8, name: &str) {
    out.push(t);
    out.extend_from_slice(&(name.len() as u32).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
}

impl Clone for Value {
    /// Deep copy, iterative.
    fn clone(&self) -> Value {
        if !self.holds_values() {
            return self.shallow_clone();
        }
        // Post-order: (source, next child index) frames; finished copies wait on `done`.
        let mut frames: Vec<(&Value, Value, usize)> = vec![(self, self.shallow_clone(), 0)];
        let mut done: Vec<Value> = Vec::new();
        while let Some(top) = frames.last_mut() {
            let (src, _, next) = top;
            let kids = src.children();
            if *next < kids.len() {
                let child = &kids[*next];
                *next += 1;
                if !child.holds_values() {
                    done.push(child.shallow_clone());
                } else {
                    frames.push((child, child.shallow_clone(), 0));
                }
                continue;
            }
            let n = kids.len();
            let Some((_, mut copy, _)) = frames.pop() else {
                break;
            };
            let kids = done.split_off(done.len() - n);
            copy.set_children(kids);
            if frames.is_empty() {
                return copy;
            }
            done.push(copy);
        }
        Value::unit()
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.same(other)
    }
}

/// packr-abi's `Debug` form, written iteratively. Used by the golden-vector tests and messages.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&debug_string(self))
    }
}

/// Returns packr-abi's Debug form of `v`.
pub fn debug_string(v: &Value) -> String {
    enum Step<'a> {
        Val(&'a Value),
        Text(&'static str),
        Name(&'a str),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Val(v)];
    while let Some(step) = stack.pop() {
        let v = match step {
            Step::Text(s) => {
                out.push_str(s);
                continue;
            }
            Step::Name(s) => {
                out.push_str(&format!("{s:?}"));
                continue;
            }
            Step::Val(v) => v,
        };
        match v {
            Value::Bool(x) => out.push_str(&format!("Bool({x:?})")),
            Value::U8(x) => out.push_str(&format!("U8({x:?})")),
            Value::U16(x) => out.push_str(&format!("U16({x:?})")),
            Value::U32(x) => out.push_str(&format!("U32({x:?})")),
            Value::U64(x) => out.push_str(&format!("U64({x:?})")),
            Value::S8(x) => out.push_str(&format!("S8({x:?})")),
            Value::S16(x) => out.push_str(&format!("S16({x:?})")),
            Value::S32(x) => out.push_str(&format!("S32({x:?})")),
            Value::S64(x) => out.push_str(&format!("S64({x:?})")),
            Value::F32(x) => out.push_str(&format!("F32({x:?})")),
            Value::F64(x) => out.push_str(&format!("F64({x:?})")),
            Value::Char(x) => out.push_str(&format!("Char({x:?})")),
            Value::String(x) => out.push_str(&format!("String({:?})", x.as_str())),
            Value::Flags(x) => out.push_str(&format!("Flags({x:?})")),
            Value::Tuple(t) => {
                out.push_str("Tuple([");
                stack.push(Step::Text("])"));
                push_seq(&mut stack, t, Step::Val);
            }
            Value::List(l) => {
                out.push_str("List { elem_type: ");
                out.push_str(&format!("{:?}", l.elem_type));
                out.push_str(", items: [");
                stack.push(Step::Text("] }"));
                push_seq(&mut stack, &l.items, Step::Val);
            }
            Value::Map(m) => {
                out.push_str(&format!(
                    "Map {{ key_type: {:?}, value_type: {:?}, entries: [",
                    m.key_type, m.value_type
                ));
                stack.push(Step::Text("] }"));
                let n = m.items.len() / 2;
                for i in (0..n).rev() {
                    stack.push(Step::Text(")"));
                    stack.push(Step::Val(&m.items[2 * i + 1]));
                    stack.push(Step::Text(", "));
                    stack.push(Step::Val(&m.items[2 * i]));
                    stack.push(Step::Text("("));
                    if i > 0 {
                        stack.push(Step::Text(", "));
                    }
                }
            }
            Value::Set(x) => {
                out.push_str(&format!("Set {{ elem_type: {:?}, items: [", x.elem_type));
                stack.push(Step::Text("] }"));
                push_seq(&mut stack, &x.items, Step::Val);
            }
            Value::Option(o) => {
                out.push_str(&format!(
                    "Option {{ inner_type: {:?}, value: ",
                    o.inner_type
                ));
                match &o.value {
                    None => out.push_str("None }"),
                    Some(x) => {
                        out.push_str("Some(");
                        stack.push(Step::Text(") }"));
                        stack.push(Step::Val(x));
                    }
                }
            }
            Value::Result(r) => {
                out.push_str(&format!(
                    "Result {{ ok_type: {:?}, err_type: {:?}, value: {}(",
                    r.ok_type,
                    r.err_type,
                    if r.is_err { "Err" } else { "Ok" }
                ));
                stack.push(Step::Text(") }"));
                stack.push(Step::Val(&r.value));
            }
            Value::Record(r) => {
                out.push_str(&format!(
                    "Record {{ type_name: {:?}, fields: [",
                    r.type_name.as_str()
                ));
                stack.push(Step::Text("] }"));
                let n = r.values.len();
                for i in (0..n).rev() {
                    stack.push(Step::Text(")"));
                    stack.push(Step::Val(&r.values[i]));
                    stack.push(Step::Text(", "));
                    stack.push(Step::Name(
                        r.names.get(i).map_or("<missing name>", |n| n.as_str()),
                    ));
                    stack.push(Step::Text("("));
                    if i > 0 {
                        stack.push(Step::Text(", "));
                    }
                }
            }
            Value::Variant(x) => {
                out.push_str(&format!(
                    "Variant {{ type_name: {:?}, case_name: {:?}, tag: {}, payload: [",
                    x.type_name.as_str(),
                    x.case_name.as_str(),
                    x.tag
                ));
                stack.push(Step::Text("] }"));
                push_seq(&mut stack, &x.payload, Step::Val);
            }
        }
    }
    return out;

    fn push_seq<'a>(
        stack: &mut Vec<Step<'a>>,
        kids: &'a [Value],
        f: impl Fn(&'a Value) -> Step<'a>,
    ) {
        for (i, k) in kids.iter().enumerate().rev() {
            stack.push(f(k));
            if i > 0 {
                stack.push(Step::Text(", "));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep_tuple(depth: usize) -> Value {
        let mut v = Value::S64(0);
        for _ in 0..depth {
            v = Value::tuple(vec![v]);
        }
        v
    }

    #[test]
    fn deep_values_drop_clone_compare_without_overflow() {
        // Run on a small stack to prove nothing recurses per level.
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let v = deep_tuple(1_000_000);
                let w = v.clone();
                assert!(v.same(&w));
                let mut o = Value::S64(1);
                for _ in 0..200_000 {
                    o = Value::option(Type::s32(), Some(o));
                    o = Value::variant("t", "c", 1, vec![o]);
                    o = Value::result(Type::s32(), Type::string(), true, o);
                    o = Value::record("r", vec![("f", o)]);
                    o = Value::list(Type::record("r"), vec![o]);
                }
                drop(o);
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn debug_matches_packr_abi() {
        let v = Value::record("point", vec![("x", Value::S32(1)), ("y", Value::S32(2))]);
        assert_eq!(
            format!("{v:?}"),
            r#"Record { type_name: "point", fields: [("x", S32(1)), ("y", S32(2))] }"#
        );
        let o = Value::option(Type::s32(), Some(Value::S32(7)));
        assert_eq!(
            format!("{o:?}"),
            "Option { inner_type: S32, value: Some(S32(7)) }"
        );
        let r = Value::result(Type::s32(), Type::string(), true, Value::string("bad"));
        assert_eq!(
            format!("{r:?}"),
            r#"Result { ok_type: S32, err_type: String, value: Err(String("bad")) }"#
        );
    }

    #[test]
    fn value_is_three_words_and_variant_fits_a_fastbin() {
        assert_eq!(mem::size_of::<Value>(), 24);
        assert!(mem::size_of::<Variant>() <= 120);
    }

    #[test]
    fn inferred_types() {
        let t = Value::tuple(vec![Value::string("k"), Value::U8(1)]);
        assert_eq!(t.infer_type(), Type::tuple(&[Type::string(), Type::u8()]));
        assert!(t.has_type(&Type::tuple(&[Type::string(), Type::u8()])));
        assert!(!t.has_type(&Type::tuple(&[Type::string()])));
    }
}
