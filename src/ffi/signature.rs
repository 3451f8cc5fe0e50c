//! Text signatures from a package's `__pack_types` metadata (both guest generations).

use super::boundary::{Fail, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::composition::{comp_ref, packr_composition, runtime_fail};
use super::error::packr_error;
use super::result::packr_result;
use crate::runtime::metadata::{FuncSig, Metadata, column};
use std::ffi::c_char;

/// Which side of a package `packr_composition_signature` looks at.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum packr_signature_kind {
    /// A function the package imports (its interface is the wasm import module).
    Import = 1,
    /// A function the package exports (its interface is `""` unless the package declared one).
    Export = 2,
}

/// The parsed metadata of `package`, or the failure to report.
fn load(c: *const packr_composition, package: *const c_char) -> Result<Metadata, Fail> {
    let comp = comp_ref(c)?;
    let p = arg_str(package, "package")?;
    let idx = comp
        .resolve_package(p)
        .ok_or_else(|| Fail::new(packr_result::NotFound, format!("no package named {p:?}")))?;
    let bytes = comp.types(idx).map_err(runtime_fail)?.ok_or_else(|| {
        Fail::new(
            packr_result::NotFound,
            format!("package {p} has no embedded type metadata (no __pack_types export)"),
        )
    })?;
    Metadata::parse(&bytes).map_err(|e| {
        Fail::new(
            packr_result::Decode,
            format!("package {p}: its type metadata (__pack_types) does not decode: {e}"),
        )
    })
}

/// The declared signature of one function of package `package`, as text: for example
/// `func(n: s64) -> s64`, `func(s: string)` (no result), `func(m: map<string, s64>) -> s64`,
/// `func(p: record pair{first: s64, second: string}) -> s64`,
/// `func(e: variant expr{sym(string), num(s64)}) -> result<s64, string>`, `func(v: s) -> s`
/// (a generic type parameter by its name). Types use the type text of `packr_type_to_text`
/// where it has one; records and variants are written with their type name and structure;
/// `value` is the dynamic type; a self-reference is written `value`, as the package's metadata
/// says. docs/generations.md ("Typed wiring") has the full form.
///
/// `kind` is a `packr_signature_kind` (`PACKR_SIGNATURE_KIND_IMPORT` or
/// `PACKR_SIGNATURE_KIND_EXPORT`). `interface` (NUL-terminated UTF-8, borrowed) is the import
/// module for an import and `""` for a plain export; NULL means any interface: the first
/// function of that kind named `name`, or whose `interface.name` is `name` (the wasm export
/// name of a function declared in an interface, such as `store.put`). `package` and `name` are NUL-terminated UTF-8,
/// borrowed; neither may be NULL.
///
/// On success `*text_out` is a new `packr_bytes` holding UTF-8 text (NUL-terminated as every
/// `packr_bytes`; free it with `packr_bytes_free`). Failures: `PACKR_RESULT_NOT_FOUND` for an
/// unknown package, a package without metadata, or a function the metadata does not describe
/// (the message lists what it describes); `PACKR_RESULT_DECODE` when the metadata does not
/// decode (the message names the package and the part); the codes of
/// `packr_composition_types` when reading the metadata fails; `PACKR_RESULT_INVALID_ARGUMENT`
/// for NULL `c`, `package`, `name` or `text_out`, bad UTF-8, or an unknown `kind`. Works for
/// packr-guest 0.5.4 (CGRF v2 metadata) and 0.24 (v3, including `map`, `set`, `ref` and
/// `type-params`) packages alike. The metadata is read once per composition and cached.
/// Threading: any thread, concurrently.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_signature(
    c: *const packr_composition,
    package: *const c_char,
    kind: u32,
    interface: *const c_char,
    name: *const c_char,
    text_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let import = match kind {
            k if k == packr_signature_kind::Import as u32 => true,
            k if k == packr_signature_kind::Export as u32 => false,
            k => {
                return Err(Fail::arg(format!(
                    "kind {k} is not a packr_signature_kind (1 = import, 2 = export)"
                )));
            }
        };
        let iface = if interface.is_null() {
            None
        } else {
            Some(arg_str(interface, "interface")?)
        };
        let n = arg_str(name, "name")?;
        arg_out(text_out, "text_out")?;
        let m = load(c, package)?;
        let sigs = if import { &m.imports } else { &m.exports };
        let found = sigs.iter().find(|s| match iface {
            Some(i) => s.interface == i && s.name == n,
            None => s.name == n || s.qualified() == n,
        });
        let Some(sig) = found else {
            let what = if import { "import" } else { "export" };
            let listed: Vec<String> = sigs.iter().map(FuncSig::qualified).collect();
            let wanted = match iface {
                Some(i) if !i.is_empty() => format!("{i}.{n}"),
                _ => n.to_string(),
            };
            return Err(Fail::new(
                packr_result::NotFound,
                format!(
                    "the metadata of package {} describes no {what} {wanted} (its {what}s: {})",
                    arg_str(package, "package")?,
                    if listed.is_empty() {
                        "none".to_string()
                    } else {
                        listed.join(", ")
                    }
                ),
            ));
        };
        put(text_out, packr_bytes::from_vec(sig.to_text().into_bytes()));
        Ok(())
    })
}

/// Every signature in package `package`'s metadata, as UTF-8 text with one line per item,
/// four columns separated by a tab, each line ending in `\n`:
///
/// ```text
/// import<TAB>INTERFACE<TAB>NAME<TAB>SIGNATURE
/// export<TAB>INTERFACE<TAB>NAME<TAB>SIGNATURE
/// type-param<TAB><TAB>NAME<TAB>CONSTRAINT
/// ```
///
/// Imports come first, then exports, each in the metadata's order, then the interface type
/// parameters of a packr-guest 0.24 package (`type s: serializable`; an empty CONSTRAINT means
/// none). SIGNATURE is what `packr_composition_signature` returns. INTERFACE is empty for
/// plain exports. In the INTERFACE, NAME and CONSTRAINT columns a backslash, tab, newline or
/// other control character is escaped (`\\`, `\t`, `\n`, `\u{1b}`), so a line always has
/// exactly four columns.
///
/// `package` is NUL-terminated UTF-8, borrowed. On success `*text_out` is a new `packr_bytes`
/// (free it with `packr_bytes_free`); a package whose metadata describes nothing gives an
/// empty text. Failures: as `packr_composition_signature` (`PACKR_RESULT_NOT_FOUND` for an
/// unknown package or one without metadata, `PACKR_RESULT_DECODE` for metadata that does not
/// decode). Threading: any thread, concurrently.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_signatures(
    c: *const packr_composition,
    package: *const c_char,
    text_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        arg_out(text_out, "text_out")?;
        let m = load(c, package)?;
        let mut out = String::new();
        for (what, sigs) in [("import", &m.imports), ("export", &m.exports)] {
            for s in sigs {
                out.push_str(what);
                out.push('\t');
                out.push_str(&column(&s.interface));
                out.push('\t');
                out.push_str(&column(&s.name));
                out.push('\t');
                out.push_str(&s.to_text());
                out.push('\n');
            }
        }
        for (n, constraint) in &m.type_params {
            out.push_str("type-param\t\t");
            out.push_str(&column(n));
            out.push('\t');
            out.push_str(&column(constraint));
            out.push('\n');
        }
        put(text_out, packr_bytes::from_vec(out.into_bytes()));
        Ok(())
    })
}
