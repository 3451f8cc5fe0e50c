//! Collecting packages, wires, host functions and limits, and building a composition.

use super::composition::{
    CallLimits, Composition, PackageInfo, Provider, Shared, StoreData, import_handler,
};
use super::engine::{EngineKey, ModuleRef, TickerGuard, engine, root_cause};
use super::error::{Error, ErrorKind, Result};
use super::generation::{self, Detection, Generation};
use super::host::HostFn;
use super::metadata::{FuncSig, Metadata};
use super::pool::Pool;
use crate::value::Limits;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};
use wasmtime::{ExternType, FuncType, Linker, Module, ValType};

struct Wire {
    target: String,
    module: String,
    name: String,
    source: String,
    export: String,
    /// Compare the two sides' declared signatures at build (see [`Builder::wire`]).
    checked: bool,
}

/// Collects everything a composition needs. Not thread-safe (one owner at a time).
#[derive(Default)]
pub struct Builder {
    packages: Vec<(String, ModuleRef)>,
    wires: Vec<Wire>,
    hosts: Vec<(String, String, Arc<dyn HostFn>)>,
    limits: CallLimits,
    value_limits: Limits,
}

fn is_packr_fn(t: &FuncType, params: usize) -> bool {
    t.params().len() == params && t.params().all(|p| matches!(p, ValType::I32)) && {
        let r: Vec<ValType> = t.results().collect();
        r.len() == 1 && matches!(r[0], ValType::I32)
    }
}

fn describe(t: &FuncType) -> String {
    let p: Vec<String> = t.params().map(|v| v.to_string()).collect();
    let r: Vec<String> = t.results().map(|v| v.to_string()).collect();
    format!("({}) -> ({})", p.join(", "), r.join(", "))
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a package. The bytes are compiled now (once per distinct module, process-wide), so
    /// invalid wasm fails here with `Compile`.
    pub fn add_package(&mut self, name: &str, wasm: &[u8]) -> Result<()> {
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "a package name must not be empty",
            ));
        }
        let m = ModuleRef::load(wasm)
            .map_err(|e| Error::new(e.kind, format!("package {name}: {}", e.message)))?;
        self.packages.push((name.to_string(), m));
        Ok(())
    }

    /// Adds a package from an artifact written by [`precompile`](super::precompile), without
    /// compiling. The artifact is checked now (`Compile` naming what is wrong); the package
    /// then behaves exactly like one added from its wasm bytes. A composition whose
    /// configuration (fuel limit or not) the artifact has no code for fails at `build`.
    pub fn add_package_precompiled(&mut self, name: &str, artifact: &[u8]) -> Result<()> {
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "a package name must not be empty",
            ));
        }
        let m = ModuleRef::load_precompiled(artifact)
            .map_err(|e| Error::new(e.kind, format!("package {name}: {}", e.message)))?;
        self.packages.push((name.to_string(), m));
        Ok(())
    }

    /// When `target` calls its import `module.name`, run `source`'s export `export`.
    ///
    /// Typed wiring: when both packages carry `__pack_types` metadata that describes the
    /// import and the export, [`build`](Builder::build) fails with `Link` unless the two
    /// declared signatures match ([`FuncSig::matches`](super::metadata::FuncSig::matches)).
    pub fn wire(&mut self, target: &str, module: &str, name: &str, source: &str, export: &str) {
        self.push_wire(target, module, name, source, export, true);
    }

    /// Like [`wire`](Builder::wire), without comparing the declared signatures.
    pub fn wire_unchecked(
        &mut self,
        target: &str,
        module: &str,
        name: &str,
        source: &str,
        export: &str,
    ) {
        self.push_wire(target, module, name, source, export, false);
    }

    fn push_wire(
        &mut self,
        target: &str,
        module: &str,
        name: &str,
        source: &str,
        export: &str,
        checked: bool,
    ) {
        self.wires.push(Wire {
            target: target.into(),
            module: module.into(),
            name: name.into(),
            source: source.into(),
            export: export.into(),
            checked,
        });
    }

    /// Provides `module.name` to every package that imports it and has no wire for it.
    pub fn add_host_function(&mut self, module: &str, name: &str, f: Arc<dyn HostFn>) {
        self.hosts.push((module.into(), name.into(), f));
    }

    pub fn set_fuel(&mut self, fuel: u64) {
        self.limits.fuel = fuel;
    }
    pub fn set_timeout_ms(&mut self, ms: u64) {
        self.limits.timeout_ms = ms;
    }
    pub fn set_memory_limit(&mut self, bytes: u64) {
        self.limits.memory_bytes = bytes;
    }
    pub fn set_value_limits(&mut self, limits: Limits) {
        self.value_limits = limits;
    }

    /// Checks the wiring and instantiates every package once.
    pub fn build(self) -> Result<Composition> {
        let mut by_name = HashMap::new();
        for (i, (n, _)) in self.packages.iter().enumerate() {
            if by_name.insert(n.clone(), i).is_some() {
                return Err(Error::link(format!(
                    "two packages are named {n:?}; package names must be unique"
                )));
            }
        }
        let mut hosts: HashMap<(String, String), Arc<dyn HostFn>> = HashMap::new();
        for (m, n, f) in &self.hosts {
            if hosts.insert((m.clone(), n.clone()), f.clone()).is_some() {
                return Err(Error::link(format!(
                    "host function {m}.{n} is registered twice"
                )));
            }
        }
        let key = EngineKey {
            fuel: self.limits.fuel > 0,
        };
        let engine = engine(key)?;
        let modules: Vec<Module> = self
            .packages
            .iter()
            .map(|(n, m)| {
                m.module(key)
                    .map_err(|e| Error::new(e.kind, format!("package {n}: {}", e.message)))
            })
            .collect::<Result<_>>()?;

        // Exports: the memory, and the functions with the packr signature.
        let mut infos = Vec::with_capacity(modules.len());
        let mut to_probe = Vec::new();
        for ((name, mref), m) in self.packages.iter().zip(&modules) {
            let mut exports = Vec::new();
            let mut has_memory = false;
            for e in m.exports() {
                match e.ty() {
                    ExternType::Memory(mt) if e.name() == "memory" => {
                        has_memory = true;
                        let start = mt.minimum().saturating_mul(65536);
                        let limit = self.limits.memory_bytes;
                        if limit > 0 && start > limit {
                            return Err(Error::new(
                                ErrorKind::Limit,
                                format!(
                                    "package {name}: its memory starts at {start} bytes, above the composition's memory limit of {limit} bytes"
                                ),
                            ));
                        }
                    }
                    ExternType::Func(t)
                        if is_packr_fn(&t, 4) && !e.name().starts_with("__pack_") =>
                    {
                        exports.push(e.name().to_string())
                    }
                    ExternType::Func(t) if e.name() == "__pack_alloc" && !is_packr_fn(&t, 1) => {
                        return Err(Error::link(format!(
                            "package {name}: __pack_alloc has signature {}, expected (i32) -> (i32)",
                            describe(&t)
                        )));
                    }
                    _ => {}
                }
            }
            if !has_memory {
                return Err(Error::link(format!(
                    "package {name} does not export its linear memory as `memory`"
                )));
            }
            let detection = mref.detection().or_else(|| {
                let d = generation::from_module(mref.bytes(), m);
                if let Some(d) = d {
                    mref.set_detection(d);
                }
                d
            });
            if let Some(d) = detection {
                check_generation_exports(name, m, d)?;
            }
            let export_index = exports
                .iter()
                .enumerate()
                .map(|(i, e)| (e.clone(), i))
                .collect();
            if detection.is_none() {
                to_probe.push(infos.len());
            }
            infos.push(PackageInfo {
                name: name.clone(),
                detection: detection.unwrap_or(Detection {
                    generation: Generation::V0_5,
                    evidence: c"not probed",
                }),
                exports,
                export_index,
                types: mref.types().map_or_else(OnceLock::new, OnceLock::from),
            });
        }

        // Wires: every name must exist, and each import is wired at most once.
        let mut wired: HashMap<(usize, String, String), Provider> = HashMap::new();
        let mut wire_names: HashMap<(usize, String, String), String> = HashMap::new();
        for w in &self.wires {
            let t = *by_name.get(&w.target).ok_or_else(|| {
                Error::link(format!(
                    "wire {}:{}.{}: there is no package {:?}",
                    w.target, w.module, w.name, w.target
                ))
            })?;
            let s = *by_name.get(&w.source).ok_or_else(|| {
                Error::link(format!(
                    "wire to {}.{}: there is no source package {:?}",
                    w.source, w.export, w.source
                ))
            })?;
            let e = *infos[s].export_index.get(&w.export).ok_or_else(|| {
                Error::link(format!(
                    "wire {}:{}.{} -> {}.{}: package {} has no export {:?} (its exports: {})",
                    w.target,
                    w.module,
                    w.name,
                    w.source,
                    w.export,
                    w.source,
                    w.export,
                    infos[s].exports.join(", ")
                ))
            })?;
            let imports: Vec<String> = modules[t]
                .imports()
                .map(|i| format!("{}.{}", i.module(), i.name()))
                .collect();
            if !modules[t]
                .imports()
                .any(|i| i.module() == w.module && i.name() == w.name)
            {
                return Err(Error::link(format!(
                    "wire {}:{}.{}: package {} does not import {}.{} (its imports: {})",
                    w.target,
                    w.module,
                    w.name,
                    w.target,
                    w.module,
                    w.name,
                    if imports.is_empty() {
                        "none".into()
                    } else {
                        imports.join(", ")
                    }
                )));
            }
            let k = (t, w.module.clone(), w.name.clone());
            if wired
                .insert(
                    k.clone(),
                    Provider::Wire {
                        source: s,
                        export: e,
                    },
                )
                .is_some()
            {
                return Err(Error::link(format!(
                    "import {}.{} of package {} is wired twice",
                    w.module, w.name, w.target
                )));
            }
            wire_names.insert(k, format!("{}.{}", w.source, w.export));
        }

        // Imports: each one needs a provider, with the packr signature.
        let mut pres = Vec::with_capacity(modules.len());
        for (t, m) in modules.iter().enumerate() {
            let pname = &infos[t].name;
            let mut linker: Linker<StoreData> = Linker::new(&engine);
            let mut seen = HashSet::new();
            for imp in m.imports() {
                let what = format!("{}.{}", imp.module(), imp.name());
                let ExternType::Func(ft) = imp.ty() else {
                    return Err(Error::link(format!(
                        "package {pname} imports {what}, which is not a function; packr packages may only import functions"
                    )));
                };
                if !is_packr_fn(&ft, 4) {
                    return Err(Error::link(format!(
                        "package {pname} imports {what} with signature {}; packr imports must be (i32, i32, i32, i32) -> (i32)",
                        describe(&ft)
                    )));
                }
                if !seen.insert(what.clone()) {
                    continue;
                }
                let k = (t, imp.module().to_string(), imp.name().to_string());
                let (provider, provider_name) = match wired.get(&k) {
                    Some(p) => (p.clone(), wire_names.get(&k).cloned().unwrap_or_default()),
                    None => match hosts.get(&(k.1.clone(), k.2.clone())) {
                        Some(f) => (Provider::Host(f.clone()), format!("host function {what}")),
                        None => {
                            return Err(Error::link(format!(
                                "package {pname} imports {what}, which nothing provides: wire it to a package export with packr_builder_wire or register a host function"
                            )));
                        }
                    },
                };
                linker
                    .func_wrap(
                        imp.module(),
                        imp.name(),
                        import_handler(t, what.clone(), provider, provider_name),
                    )
                    .map_err(|e| {
                        Error::link(format!(
                            "package {pname}: defining {what}: {}",
                            root_cause(&e)
                        ))
                    })?;
            }
            let pre = linker
                .instantiate_pre(m)
                .map_err(|e| Error::link(format!("package {pname}: {}", root_cause(&e))))?;
            pres.push(pre);
        }

        let mut shared = Shared {
            engine,
            packages: infos,
            by_name,
            pres,
            limits: self.limits,
            value_limits: self.value_limits,
            interrupts: Arc::new(AtomicU64::new(0)),
            pool: Pool::new(),
            parked_wakers: Mutex::new(Vec::new()),
        };
        if !to_probe.is_empty() {
            probe(&mut shared, &to_probe, &self.packages)?;
        }
        let shared = Arc::new(shared);
        // Instantiate once now, so instantiation problems surface at build time: unless every
        // module has instantiated cleanly in this process before (a rebuild) and no fuel limit
        // applies (preparing a package runs guest code, which fuel could stop), when the first
        // call instantiates instead. Static checks above cover what else differs between
        // builds (imports, signatures, the initial memory against the memory limit).
        if self.limits.fuel == 0 && self.packages.iter().all(|(_, m)| m.proven()) {
            let comp = Composition { shared };
            check_wire_types(&comp, &self.wires, &self.packages)?;
            return Ok(comp);
        }
        let first = shared.new_set().map_err(|c| {
            let kind = if c.kind == ErrorKind::Trap {
                ErrorKind::Link
            } else {
                c.kind
            };
            Error::new(kind, c.message)
        })?;
        for (_, m) in &self.packages {
            m.set_proven();
        }
        shared.pool.put(Box::new(first));
        let comp = Composition { shared };
        check_wire_types(&comp, &self.wires, &self.packages)?;
        Ok(comp)
    }
}

/// Typed wiring: every checked wire whose two packages both carry metadata describing the
/// import and the export must connect matching signatures. Metadata that cannot be read or
/// does not decode fails the build (`Link`, naming the package), since the check it asks for
/// cannot be made; such a wire can still be made with `wire_unchecked`.
fn check_wire_types(
    comp: &Composition,
    wires: &[Wire],
    packages: &[(String, ModuleRef)],
) -> Result<()> {
    let mut cache: HashMap<usize, Option<Arc<Metadata>>> = HashMap::new();
    let mut metadata = |pkg: usize, name: &str| -> Result<Option<Arc<Metadata>>> {
        if let Some(m) = cache.get(&pkg) {
            return Ok(m.clone());
        }
        // Metadata is static data: what one instance of the module said, every one says.
        let mref = &packages[pkg].1;
        if let Some(m) = mref.metadata() {
            cache.insert(pkg, Some(m.clone()));
            return Ok(Some(m));
        }
        let m = match comp.types(pkg) {
            Ok(None) => {
                mref.set_types(None);
                None
            }
            Ok(Some(bytes)) => {
                let m = Arc::new(Metadata::parse(&bytes).map_err(|e| {
                    Error::link(format!(
                        "package {name}: its type metadata (__pack_types) does not decode, so its wires cannot be type-checked: {e} (use packr_builder_wire_unchecked to wire it anyway)"
                    ))
                })?);
                mref.set_types(Some(bytes));
                mref.set_metadata(m.clone());
                Some(m)
            }
            Err(e) => {
                return Err(Error::link(format!(
                    "package {name}: reading its type metadata to type-check its wires failed: {} (use packr_builder_wire_unchecked to wire it anyway)",
                    e.message
                )));
            }
        };
        cache.insert(pkg, m.clone());
        Ok(m)
    };
    for w in wires.iter().filter(|w| w.checked) {
        let (Some(t), Some(s)) = (
            comp.resolve_package(&w.target),
            comp.resolve_package(&w.source),
        ) else {
            continue;
        };
        let (Some(tm), Some(sm)) = (metadata(t, &w.target)?, metadata(s, &w.source)?) else {
            continue;
        };
        let Some(imp) = tm.import(&w.module, &w.name) else {
            continue;
        };
        let candidates: Vec<&FuncSig> = sm.exports_named(&w.export).collect();
        if candidates.is_empty() || candidates.iter().any(|e| imp.matches(e)) {
            continue;
        }
        // Several exports of that name in different interfaces: show the likeliest.
        let exp = candidates
            .iter()
            .find(|e| e.interface == w.module)
            .or_else(|| candidates.iter().find(|e| e.interface.is_empty()))
            .unwrap_or(&candidates[0]);
        let qualified = exp.qualified();
        return Err(Error::link(format!(
            "wire {}:{}.{} -> {}.{}: signature mismatch: package {} imports {}.{} as {}, but package {} exports {} as {} (use packr_builder_wire_unchecked to wire it anyway)",
            w.target,
            w.module,
            w.name,
            w.source,
            w.export,
            w.target,
            w.module,
            w.name,
            imp.to_text(),
            w.source,
            qualified,
            exp.to_text()
        )));
    }
    Ok(())
}

/// A current-generation package must export what its SDK's hosts rely on.
fn check_generation_exports(name: &str, m: &Module, d: Detection) -> Result<()> {
    if d.generation != Generation::V0_24 {
        return Ok(());
    }
    let missing: Vec<&str> = ["__pack_alloc", "__pack_free"]
        .into_iter()
        .filter(|n| m.get_export(n).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::link(format!(
        "package {name} is a {} package ({}), but it does not export {}, which that generation requires",
        d.generation.describe(),
        d.evidence_text(),
        missing.join(" and ")
    )))
}

/// Tells the generation of packages that carry no sign of it by calling one of their exports
/// with a CGRF v3 header holding no node (see `generation`), in a throwaway instance set that
/// may run for at most a second. The answers are remembered per module.
fn probe(shared: &mut Shared, which: &[usize], packages: &[(String, ModuleRef)]) -> Result<()> {
    let saved = shared.limits;
    shared.limits.timeout_ms = if saved.timeout_ms == 0 {
        1000
    } else {
        saved.timeout_ms.min(1000)
    };
    let answers: Vec<(usize, Detection)> = {
        let _ticker = TickerGuard::start();
        let mut answers = Vec::new();
        for &i in which {
            let Some(export) = shared.packages[i].exports.first().cloned() else {
                continue;
            };
            let d = shared.probe_one(i, &export);
            answers.push((i, d));
        }
        answers
    };
    shared.limits = saved;
    for (i, d) in answers {
        let (name, mref) = &packages[i];
        mref.set_detection(d);
        check_generation_exports(
            name,
            &mref.module(EngineKey {
                fuel: saved.fuel > 0,
            })?,
            d,
        )?;
        shared.packages[i].detection = d;
    }
    Ok(())
}
