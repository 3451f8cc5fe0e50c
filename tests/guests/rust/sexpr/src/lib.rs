//! `sexpr`: a recursive s-expression evaluator over the `expr` variant shape
//! used by packr's tests (`Value::sym` / `Value::num` / `Value::lst`):
//!
//! | case  | tag | payload                                        |
//! |-------|-----|------------------------------------------------|
//! | `sym` | 0   | `[String]`                                     |
//! | `num` | 1   | `[S64]`                                        |
//! | `lst` | 4   | `[List { elem_type: Variant("expr"), items }]` |
//!
//! Tags 2 (`flt`) and 3 (`str`) are declared in the metadata only so that
//! `lst` really is case index 4; the evaluator rejects them.
//!
//! The conversions are hand-written because packr-guest-macros 0.5.4's
//! `wit!` codegen does not compile against packr-abi 0.5.4.
//!
//! Supported forms: `(+ a ...)`, `(- a)`, `(- a b ...)`, `(* a ...)`,
//! `(max a ...)`, `(min a ...)`, nested arbitrarily; all arithmetic is
//! checked i64 (overflow is an error).
#![no_std]
extern crate alloc;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use packr_guest::{export, Value, ValueType};

packr_guest::setup_guest!();

const TAG_SYM: usize = 0;
const TAG_NUM: usize = 1;
const TAG_FLT: usize = 2;
const TAG_STR: usize = 3;
const TAG_LST: usize = 4;

/// The expression tree, converted by hand from/to `packr_abi::Value`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Sym(String),
    Num(i64),
    Lst(Vec<Expr>),
}

impl TryFrom<Value> for Expr {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        let (type_name, case_name, tag, mut payload) = match v {
            Value::Variant {
                type_name,
                case_name,
                tag,
                payload,
            } => (type_name, case_name, tag, payload),
            other => return Err(format!("bad shape: expected variant expr, got {}", kind(&other))),
        };
        if type_name != "expr" {
            return Err(format!("bad shape: expected variant type expr, got {:?}", type_name));
        }
        let expected_case = match tag {
            TAG_SYM => "sym",
            TAG_NUM => "num",
            TAG_FLT => "flt",
            TAG_STR => "str",
            TAG_LST => "lst",
            _ => return Err(format!("bad shape: unknown expr tag {}", tag)),
        };
        if case_name != expected_case {
            return Err(format!(
                "bad shape: tag {} is case {} but case_name is {:?}",
                tag, expected_case, case_name
            ));
        }
        if payload.len() != 1 {
            return Err(format!(
                "bad shape: case {} needs 1 payload value, got {}",
                expected_case,
                payload.len()
            ));
        }
        let inner = payload.pop().unwrap();
        match (tag, inner) {
            (TAG_SYM, Value::String(s)) => Ok(Expr::Sym(s)),
            (TAG_NUM, Value::S64(n)) => Ok(Expr::Num(n)),
            (TAG_LST, Value::List { items, .. }) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(Expr::try_from(item)?);
                }
                Ok(Expr::Lst(out))
            }
            (TAG_FLT, _) | (TAG_STR, _) => {
                Err(format!("bad shape: case {} is not supported", expected_case))
            }
            (_, other) => Err(format!(
                "bad shape: case {} has a {} payload",
                expected_case,
                kind(&other)
            )),
        }
    }
}

impl From<Expr> for Value {
    fn from(e: Expr) -> Value {
        match e {
            Expr::Sym(s) => Value::Variant {
                type_name: "expr".to_string(),
                case_name: "sym".to_string(),
                tag: TAG_SYM,
                payload: alloc::vec![Value::String(s)],
            },
            Expr::Num(n) => Value::Variant {
                type_name: "expr".to_string(),
                case_name: "num".to_string(),
                tag: TAG_NUM,
                payload: alloc::vec![Value::S64(n)],
            },
            Expr::Lst(items) => Value::Variant {
                type_name: "expr".to_string(),
                case_name: "lst".to_string(),
                tag: TAG_LST,
                payload: alloc::vec![Value::List {
                    elem_type: ValueType::Variant("expr".to_string()),
                    items: items.into_iter().map(Value::from).collect(),
                }],
            },
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::U8(_) => "u8",
        Value::U16(_) => "u16",
        Value::U32(_) => "u32",
        Value::U64(_) => "u64",
        Value::S8(_) => "s8",
        Value::S16(_) => "s16",
        Value::S32(_) => "s32",
        Value::S64(_) => "s64",
        Value::F32(_) => "f32",
        Value::F64(_) => "f64",
        Value::Char(_) => "char",
        Value::String(_) => "string",
        Value::List { .. } => "list",
        Value::Option { .. } => "option",
        Value::Result { .. } => "result",
        Value::Record { .. } => "record",
        Value::Variant { .. } => "variant",
        Value::Tuple(_) => "tuple",
        Value::Flags(_) => "flags",
    }
}

fn overflow() -> String {
    "integer overflow".to_string()
}

/// Evaluates an expression to an i64. Errors are plain messages (no prefix).
pub fn eval_expr(e: &Expr) -> Result<i64, String> {
    match e {
        Expr::Num(n) => Ok(*n),
        Expr::Sym(s) => Err(format!("unbound symbol: {}", s)),
        Expr::Lst(items) => {
            let (head, args) = match items.split_first() {
                Some(x) => x,
                None => return Err("cannot evaluate empty list".to_string()),
            };
            let op = match head {
                Expr::Sym(s) => s.as_str(),
                _ => return Err("bad shape: head of list is not a symbol".to_string()),
            };
            // Check the operator before evaluating the arguments, so an
            // unknown operator is reported even if an argument is bad too.
            if !matches!(op, "+" | "-" | "*" | "max" | "min") {
                return Err(format!("unknown symbol: {}", op));
            }
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval_expr(a)?);
            }
            match op {
                "+" => vals
                    .iter()
                    .try_fold(0i64, |acc, v| acc.checked_add(*v))
                    .ok_or_else(overflow),
                "*" => vals
                    .iter()
                    .try_fold(1i64, |acc, v| acc.checked_mul(*v))
                    .ok_or_else(overflow),
                "-" => match vals.split_first() {
                    None => Err("- needs at least one argument".to_string()),
                    Some((first, [])) => first.checked_neg().ok_or_else(overflow),
                    Some((first, rest)) => rest
                        .iter()
                        .try_fold(*first, |acc, v| acc.checked_sub(*v))
                        .ok_or_else(overflow),
                },
                "max" => vals
                    .iter()
                    .copied()
                    .max()
                    .ok_or_else(|| "max needs at least one argument".to_string()),
                "min" => vals
                    .iter()
                    .copied()
                    .min()
                    .ok_or_else(|| "min needs at least one argument".to_string()),
                _ => unreachable_op(),
            }
        }
    }
}

#[cold]
fn unreachable_op() -> Result<i64, String> {
    Err("internal error".to_string())
}

fn count_nodes(e: &Expr) -> i64 {
    match e {
        Expr::Sym(_) | Expr::Num(_) => 1,
        Expr::Lst(items) => 1 + items.iter().map(count_nodes).sum::<i64>(),
    }
}

fn tree_depth(e: &Expr) -> i64 {
    match e {
        Expr::Sym(_) | Expr::Num(_) => 1,
        Expr::Lst(items) => 1 + items.iter().map(tree_depth).max().unwrap_or(0),
    }
}

fn parse_and_eval(e: Value) -> Result<i64, String> {
    let expr = Expr::try_from(e)?;
    eval_expr(&expr)
}

/// Value mode. Success: `num(result)`. Failure: `sym("error: <message>")`
/// with status 0, because a packr-guest 0.5.4 `#[export]` cannot return
/// status -1 with a message of its own (see `eval_strict` for that).
#[export]
fn eval(e: Value) -> Value {
    match parse_and_eval(e) {
        Ok(n) => Expr::Num(n).into(),
        Err(msg) => Expr::Sym(format!("error: {}", msg)).into(),
    }
}

/// Value mode. `Result{ok_type: S64, err_type: String, Ok(S64)}` on success,
/// `Result{ok_type: S32, err_type: String, Err(String(msg))}` on failure
/// (0.5.4's `From<Result<T, E>>` picks S32 as ok_type for an Err).
#[export]
fn try_eval(e: Value) -> Result<i64, String> {
    parse_and_eval(e)
}

/// Number of expr nodes in the tree (sym/num = 1, lst = 1 + children),
/// or -1 if the input is not a well-formed expr.
#[export]
fn count(e: Value) -> i64 {
    match Expr::try_from(e) {
        Ok(x) => count_nodes(&x),
        Err(_) => -1,
    }
}

/// Depth of the tree (sym/num = 1, lst = 1 + max child depth, `()` = 1),
/// or -1 if the input is not a well-formed expr.
#[export]
fn depth(e: Value) -> i64 {
    match Expr::try_from(e) {
        Ok(x) => tree_depth(&x),
        Err(_) => -1,
    }
}

// ---------------------------------------------------------------------------
// `eval_strict`: a hand-written export using the raw ABI, to get a real Rust
// guest that returns status -1 with a dynamic UTF-8 message. It mirrors
// packr_guest::__export_impl (which only allows `&'static str` errors and is
// unreachable from `#[export]` bodies anyway).
// ---------------------------------------------------------------------------

/// Hands `bytes` to the host through the result slots. The buffer is a boxed
/// slice, so its allocation is exactly (len, align 1), which is what
/// `__pack_free(ptr, len)` deallocates.
fn write_out(bytes: Vec<u8>, out_ptr_ptr: i32, out_len_ptr: i32) {
    let boxed: Box<[u8]> = bytes.into_boxed_slice();
    let len = boxed.len() as i32;
    let ptr = Box::into_raw(boxed) as *mut u8 as i32;
    unsafe {
        core::ptr::write(out_ptr_ptr as *mut i32, ptr);
        core::ptr::write(out_len_ptr as *mut i32, len);
    }
}

/// Raw export `eval_strict(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> i32`.
/// Input: same as `eval` (Value mode: a 1-tuple is unwrapped).
/// Status 0: CGRF `num(result)`. Status -1: UTF-8 `eval error: <message>`,
/// or `decode error: <AbiError:?>` / `encode error: <AbiError:?>`.
#[no_mangle]
pub extern "C" fn eval_strict(in_ptr: i32, in_len: i32, out_ptr_ptr: i32, out_len_ptr: i32) -> i32 {
    let input: &[u8] = if in_len <= 0 {
        &[]
    } else {
        unsafe { core::slice::from_raw_parts(in_ptr as *const u8, in_len as usize) }
    };
    let value = match packr_guest::decode(input) {
        Ok(Value::Tuple(mut items)) if items.len() == 1 => items.pop().unwrap(),
        Ok(v) => v,
        Err(e) => {
            write_out(format!("decode error: {:?}", e).into_bytes(), out_ptr_ptr, out_len_ptr);
            return -1;
        }
    };
    match parse_and_eval(value) {
        Ok(n) => match packr_guest::encode(&Value::from(Expr::Num(n))) {
            Ok(bytes) => {
                write_out(bytes, out_ptr_ptr, out_len_ptr);
                0
            }
            Err(e) => {
                write_out(format!("encode error: {:?}", e).into_bytes(), out_ptr_ptr, out_len_ptr);
                -1
            }
        },
        Err(msg) => {
            write_out(format!("eval error: {}", msg).into_bytes(), out_ptr_ptr, out_len_ptr);
            -1
        }
    }
}

// NOTE: the recursive case must say `list<self>`. Writing `list<expr>`
// makes packr-guest-macros 0.5.4 recurse forever while expanding
// `pack_types!` (no cycle detection for named types): rustc overflows its
// stack and dies with SIGSEGV. `self` is encoded as type-desc `value`.
packr_guest::pack_types! {
    variant expr {
        sym(string),
        num(s64),
        flt(f64),
        str(string),
        lst(list<self>),
    }
    exports {
        eval: func(e: expr) -> expr,
        try_eval: func(e: expr) -> result<s64, string>,
        eval_strict: func(e: expr) -> expr,
        count: func(e: expr) -> s64,
        depth: func(e: expr) -> s64,
    }
}
