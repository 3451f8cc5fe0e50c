//! `cur_doubler`: typed exports under packr-guest 0.24.1, so that primitives,
//! strings, lists, first-class maps/sets, options and results cross the wire.
#![no_std]
extern crate alloc;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use packr_guest::export;

packr_guest::setup_guest!();

/// One typed parameter: accepts the bare `S64(n)` OR a 1-tuple
/// `Tuple([S64(n)])` (0.24 unwraps a 1-tuple first). Output `S64(n*2)`.
#[export]
fn double(n: i64) -> i64 {
    n.wrapping_mul(2)
}

/// Two typed parameters: input must be `Tuple([S64 a, S64 b])`.
#[export]
fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// String in, String out: `shout("hi") = "HI!"` (ASCII upper-casing).
#[export]
fn shout(s: String) -> String {
    let mut out = s.to_ascii_uppercase();
    out.push('!');
    out
}

/// `Map{key_type: String, value_type: S64, entries}` of whitespace-separated
/// word counts, entries in key order.
#[export]
fn count_words(s: String) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for w in s.split_whitespace() {
        *m.entry(String::from(w)).or_insert(0i64) += 1;
    }
    m
}

/// `List<S64>` in, `Set{elem_type: S64, items}` (sorted, deduplicated) out.
#[export]
fn uniq(v: Vec<i64>) -> BTreeSet<i64> {
    v.into_iter().collect()
}

/// A map as a PARAMETER (TryFrom<Value> for BTreeMap needs `Value::Map`):
/// sum of the values (wrapping).
#[export]
fn sum_values(m: BTreeMap<String, i64>) -> i64 {
    m.values().fold(0i64, |acc, v| acc.wrapping_add(*v))
}

/// A set as a PARAMETER (needs `Value::Set`): number of elements as `U32`.
#[export]
fn set_len(s: BTreeSet<i64>) -> u32 {
    s.len() as u32
}

/// `Option{inner_type: S64, value}`: the first even element, or none.
#[export]
fn first_even(v: Vec<i64>) -> Option<i64> {
    v.into_iter().find(|x| x % 2 == 0)
}

/// `Result{ok_type: S64, err_type: String, value}` with status 0 in BOTH
/// cases (a Result return is not an error path): `Err("division by zero")`
/// for b == 0, `Err("overflow")` for i64::MIN / -1.
#[export]
fn checked_div(a: i64, b: i64) -> Result<i64, String> {
    if b == 0 {
        return Err(String::from("division by zero"));
    }
    a.checked_div(b).ok_or_else(|| String::from("overflow"))
}

packr_guest::pack_types! {
    exports {
        double: func(n: s64) -> s64,
        add: func(a: s64, b: s64) -> s64,
        shout: func(s: string) -> string,
        count_words: func(s: string) -> map<string, s64>,
        uniq: func(v: list<s64>) -> set<s64>,
        sum_values: func(m: map<string, s64>) -> s64,
        set_len: func(s: set<s64>) -> u32,
        first_even: func(v: list<s64>) -> option<s64>,
        checked_div: func(a: s64, b: s64) -> result<s64, string>,
    }
}
