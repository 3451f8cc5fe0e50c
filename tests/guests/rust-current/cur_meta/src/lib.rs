//! `cur_meta`: packr-guest 0.24.1 type machinery.
//!
//! * `pact!` (inline Pact) generates Rust types that marshal through
//!   `#[derive(GraphValue)]`: a generic record `pair<a, b>`, a recursive
//!   variant `expr` (`list<self>` => `Vec<Expr>`), a recursive record `node`
//!   (`option<self>` => `Option<Rec<Node>>`) and a record with first-class
//!   `map` / `set` fields.
//! * `pack_types!` embeds the matching `__pack_types` metadata, including an
//!   interface-level generic parameter (`type s: serializable`), a generic
//!   instantiation, `self` references, `map`/`set` type-descs and a grouped
//!   export interface (`store { put }`).
//!
//! On the wire, a GraphValue type uses its RUST name as `type_name`
//! (`Pair`, `Expr`, `Node`, `Inventory`) and, for variants, the Rust case
//! name (`Sym`, `Num`, `Lst`) with tag = case index.
#![no_std]
extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use packr_guest::{export, Value};

packr_guest::setup_guest!();

// Inline Pact (re-tokenised from `TokenStream::to_string()`; with rustc
// 1.95 kebab-case names such as `chat-state` also survive, but these
// fixtures stay snake_case so Pact and Rust names read the same).
packr_guest::pact! {
    record pair<a, b> {
        first: a,
        second: b,
    }

    variant expr {
        sym(string),
        num(s64),
        lst(list<self>),
    }

    record node {
        value: s64,
        next: option<self>,
    }

    record inventory {
        counts: map<string, u32>,
        tags: set<string>,
    }

    world cur_meta {
        export swap: func(p: pair<s64, string>) -> pair<string, s64>
        export eval: func(e: expr) -> result<s64, string>
        export list_sum: func(n: node) -> s64
        export make_inventory: func(words: list<string>) -> inventory
    }
}

/// `swap(Record Pair{first: S64 a, second: String b})`
/// = `Record Pair{first: String b, second: S64 a}`.
#[export]
fn swap(p: Pair<i64, String>) -> Pair<String, i64> {
    Pair {
        first: p.second,
        second: p.first,
    }
}

fn eval_expr(e: &Expr) -> Result<i64, String> {
    match e {
        Expr::Num(n) => Ok(*n),
        Expr::Sym(s) => Err(alloc::format!("unbound symbol: {}", s)),
        Expr::Lst(items) => {
            let (head, args) = match items.split_first() {
                Some(x) => x,
                None => return Err(String::from("cannot evaluate empty list")),
            };
            let op = match head {
                Expr::Sym(s) => s.as_str(),
                _ => return Err(String::from("head of list is not a symbol")),
            };
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval_expr(a)?);
            }
            match op {
                "+" => vals
                    .iter()
                    .try_fold(0i64, |acc, v| acc.checked_add(*v))
                    .ok_or_else(|| String::from("integer overflow")),
                "*" => vals
                    .iter()
                    .try_fold(1i64, |acc, v| acc.checked_mul(*v))
                    .ok_or_else(|| String::from("integer overflow")),
                other => Err(alloc::format!("unknown symbol: {}", other)),
            }
        }
    }
}

/// Evaluates `(+ ...)` / `(* ...)` over `Variant Expr{Sym|Num|Lst}`
/// (tags 0, 1, 2). `Result{ok_type: S64, err_type: String}`, status 0 either
/// way. Input that is not an `Expr` gives status -1
/// `failed to convert parameter`.
#[export]
fn eval(e: Expr) -> Result<i64, String> {
    eval_expr(&e)
}

/// Sum of `value` along a `Node{value, next: Option<Node>}` chain.
/// Iterative, so long chains do not recurse here (the decode still does).
#[export]
fn list_sum(n: Node) -> i64 {
    let mut total = n.value;
    let mut cur = n.next;
    while let Some(rec) = cur {
        let node = rec.into_inner();
        total = total.wrapping_add(node.value);
        cur = node.next;
    }
    total
}

/// `Inventory{counts: Map<String, U32> (word counts), tags: Set<String>
/// (the distinct words)}` from a `List<String>`.
#[export]
fn make_inventory(words: Vec<String>) -> Inventory {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for w in &words {
        *counts.entry(w.clone()).or_insert(0) += 1;
    }
    let tags = words.into_iter().collect();
    Inventory { counts, tags }
}

/// Generic `store.put: func(v: s) -> s` with `s` an interface-level type
/// parameter: Value mode, returns its input (1-tuple unwrapped once).
/// Exported under the dotted wasm name `store.put`.
#[export(name = "store.put")]
fn put(v: Value) -> Value {
    v
}

packr_guest::pack_types! {
    type s: serializable

    record pair<a, b> {
        first: a,
        second: b,
    }

    variant expr {
        sym(string),
        num(s64),
        lst(list<self>),
    }

    record node {
        value: s64,
        next: option<self>,
    }

    record inventory {
        counts: map<string, u32>,
        tags: set<string>,
    }

    exports {
        swap: func(p: pair<s64, string>) -> pair<string, s64>,
        eval: func(e: expr) -> result<s64, string>,
        list_sum: func(n: node) -> s64,
        make_inventory: func(words: list<string>) -> inventory,
        store {
            put: func(v: s) -> s,
        }
    }
}
