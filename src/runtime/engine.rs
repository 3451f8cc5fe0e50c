//! Process-wide wasmtime Engines (one per configuration), the content-addressed module cache,
//! and the shared epoch ticker that drives call timeouts.

use super::artifact::{self, SectionOut, SectionRef, compat_hash};
use super::error::{Error, ErrorKind, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;
use wasmtime::{Config, Engine, Module, OptLevel};

/// The engine configurations in use. Only fuel changes the generated code; epoch checks are
/// always compiled in (cheap), so interrupts and timeouts work without a special engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct EngineKey {
    pub fuel: bool,
}

fn engines() -> &'static Mutex<HashMap<EngineKey, Engine>> {
    static ENGINES: OnceLock<Mutex<HashMap<EngineKey, Engine>>> = OnceLock::new();
    ENGINES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind; keep going.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The shared Engine for `key`, created on first use.
pub(crate) fn engine(key: EngineKey) -> Result<Engine> {
    let mut map = lock(engines());
    if let Some(e) = map.get(&key) {
        return Ok(e.clone());
    }
    let mut c = Config::new();
    c.epoch_interruption(true);
    c.consume_fuel(key.fuel);
    c.cranelift_opt_level(OptLevel::Speed);
    let e = Engine::new(&c).map_err(|e| {
        Error::new(
            ErrorKind::Compile,
            format!("cannot create the wasm engine: {e}"),
        )
    })?;
    map.insert(key, e.clone());
    Ok(e)
}

fn all_engines() -> Vec<Engine> {
    lock(engines()).values().cloned().collect()
}

/// A loaded package's bytes, identified by content: a wasm module, or a precompiled artifact
/// (then `sections` says where each configuration's code is in `bytes`). Both kinds share the
/// module cache: its key is the xxh3-128 of the wasm, or the artifact's checksum, and a hit
/// needs equal bytes, so the same artifact loaded twice is deserialized once per configuration.
#[derive(Clone)]
pub(crate) struct ModuleRef {
    hash: u128,
    bytes: Arc<[u8]>,
    sections: Option<Arc<[SectionRef]>>,
}

struct CacheEntry {
    bytes: Arc<[u8]>,
    modules: HashMap<EngineKey, Module>,
    last_used: u64,
}

#[derive(Default)]
struct Cache {
    map: HashMap<u128, CacheEntry>,
    clock: u64,
}

/// How many distinct modules stay compiled. Older ones are recompiled if they come back.
const CACHE_CAPACITY: usize = 256;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Cache::default()))
}

impl Cache {
    fn get(&mut self, r: &ModuleRef, key: EngineKey) -> Option<Module> {
        self.clock += 1;
        let clock = self.clock;
        let e = self.map.get_mut(&r.hash)?;
        // The hash is not cryptographic: equal bytes, not an equal hash, make a hit.
        if !Arc::ptr_eq(&e.bytes, &r.bytes) && e.bytes[..] != r.bytes[..] {
            return None;
        }
        e.last_used = clock;
        e.modules.get(&key).cloned()
    }

    fn put(&mut self, r: &ModuleRef, key: EngineKey, m: Module) {
        self.clock += 1;
        let clock = self.clock;
        let e = self.map.entry(r.hash).or_insert_with(|| CacheEntry {
            bytes: r.bytes.clone(),
            modules: HashMap::new(),
            last_used: clock,
        });
        if e.bytes[..] != r.bytes[..] {
            // A hash collision between different modules: the newcomer takes the slot.
            e.bytes = r.bytes.clone();
            e.modules.clear();
        }
        e.modules.insert(key, m);
        e.last_used = clock;
        if self.map.len() > CACHE_CAPACITY
            && let Some(oldest) = self
                .map
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(h, _)| *h)
        {
            self.map.remove(&oldest);
        }
    }
}

/// Generations told so far, per module content (see `generation`).
/// What this process has learnt about a module (by content): its generation, and whether it
/// has instantiated and prepared cleanly before, and its `__pack_types` metadata (static data,
/// so the same for every instance): the bytes (None inside: it has none) and their parse.
#[derive(Clone, Default)]
struct Memo {
    detection: Option<super::generation::Detection>,
    proven: bool,
    types: Option<Option<Vec<u8>>>,
    metadata: Option<Arc<super::metadata::Metadata>>,
}

fn memos() -> &'static Mutex<HashMap<u128, Memo>> {
    static D: OnceLock<Mutex<HashMap<u128, Memo>>> = OnceLock::new();
    D.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Updates the memo of `hash` (a bounded memo: cleared when it grows large).
fn memo(hash: u128, f: impl FnOnce(&mut Memo)) {
    let mut m = lock(memos());
    if m.len() >= 4 * CACHE_CAPACITY && !m.contains_key(&hash) {
        m.clear();
    }
    f(m.entry(hash).or_default());
}

impl ModuleRef {
    /// The module's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The generation this module was found to be, if it was told before in this process.
    /// The module's `__pack_types` bytes, if read before in this process.
    pub(crate) fn types(&self) -> Option<Option<Vec<u8>>> {
        lock(memos()).get(&self.hash).and_then(|m| m.types.clone())
    }

    /// Remembers the module's `__pack_types` bytes.
    pub(crate) fn set_types(&self, t: Option<Vec<u8>>) {
        memo(self.hash, |m| m.types = Some(t));
    }

    /// The module's parsed metadata, if parsed before in this process.
    pub(crate) fn metadata(&self) -> Option<Arc<super::metadata::Metadata>> {
        lock(memos())
            .get(&self.hash)
            .and_then(|m| m.metadata.clone())
    }

    /// Remembers the module's parsed metadata.
    pub(crate) fn set_metadata(&self, md: Arc<super::metadata::Metadata>) {
        memo(self.hash, |m| m.metadata = Some(md));
    }

    pub(crate) fn detection(&self) -> Option<super::generation::Detection> {
        lock(memos()).get(&self.hash).and_then(|m| m.detection)
    }

    /// Remembers the generation of this module.
    pub(crate) fn set_detection(&self, d: super::generation::Detection) {
        memo(self.hash, |m| m.detection = Some(d));
    }

    /// True once this module has been instantiated and prepared without trouble in this process.
    pub(crate) fn proven(&self) -> bool {
        lock(memos()).get(&self.hash).is_some_and(|m| m.proven)
    }

    /// Records that this module instantiated and prepared without trouble.
    pub(crate) fn set_proven(&self) {
        memo(self.hash, |m| m.proven = true);
    }

    /// Loads (and, the first time, compiles) a module; invalid bytes fail here.
    pub(crate) fn load(bytes: &[u8]) -> Result<ModuleRef> {
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        let key = EngineKey { fuel: false };
        {
            let mut c = lock(cache());
            if let Some(e) = c.map.get(&hash)
                && e.bytes[..] == *bytes
            {
                let r = ModuleRef {
                    hash,
                    bytes: e.bytes.clone(),
                    sections: None,
                };
                if c.get(&r, key).is_some() {
                    return Ok(r);
                }
            }
        }
        let r = ModuleRef {
            hash,
            bytes: Arc::from(bytes),
            sections: None,
        };
        r.module(key)?;
        Ok(r)
    }

    /// Loads a precompiled artifact (see `artifact.rs`) without compiling: checks its header,
    /// length and checksum, then deserializes the code of one configuration now (plain if
    /// present) and the other when a composition needs it, each after checking that its engine
    /// compatibility hash is ours. Every problem is a `Compile` error naming what is wrong.
    pub(crate) fn load_precompiled(data: &[u8]) -> Result<ModuleRef> {
        let parsed = artifact::parse(data)?;
        let bytes = {
            let c = lock(cache());
            match c.map.get(&parsed.checksum) {
                Some(e) if e.bytes[..] == *data => e.bytes.clone(),
                _ => Arc::from(data),
            }
        };
        let first = parsed
            .sections
            .iter()
            .map(|s| s.key)
            .min_by_key(|k| k.fuel)
            .unwrap_or(EngineKey { fuel: false });
        let r = ModuleRef {
            hash: parsed.checksum,
            bytes,
            sections: Some(parsed.sections.into()),
        };
        r.module(first)?;
        Ok(r)
    }

    /// The module's code for `key`, from the artifact (no compilation). Only called after
    /// `load_precompiled` checked the artifact's integrity; checks the section's engine.
    fn deserialize(&self, sections: &[SectionRef], key: EngineKey) -> Result<Module> {
        let have: Vec<&str> = sections.iter().map(|s| artifact::describe(s.key)).collect();
        let s = sections.iter().find(|s| s.key == key).ok_or_else(|| {
            Error::new(
                ErrorKind::Compile,
                format!(
                    "the precompiled package has no {} code, only {}; precompile it with that configuration (PACKR_PRECOMPILE_ALL)",
                    artifact::describe(key),
                    have.join(" and ")
                ),
            )
        })?;
        let code = self.bytes.get(s.range.clone()).unwrap_or_default();
        let engine = engine(key)?;
        // Checked per section when it is first needed (the other configuration's engine may
        // never be created in this process), always before wasmtime sees the code.
        let ours = compat_hash(&engine);
        if s.compat != ours {
            return Err(Error::new(
                ErrorKind::Compile,
                format!(
                    "not a usable precompiled package: its {} code was compiled for another CPU, target or wasmtime build (engine hash {:016x}, this process needs {ours:016x}); precompile the package again on this machine",
                    artifact::describe(key),
                    s.compat
                ),
            ));
        }
        if !matches!(
            Engine::detect_precompiled(code),
            Some(wasmtime::Precompiled::Module)
        ) {
            return Err(Error::new(
                ErrorKind::Compile,
                "not a usable precompiled package: its code section is not a compiled wasmtime module",
            ));
        }
        // SAFETY: wasmtime requires bytes produced by `Module::serialize` of a compatible
        // engine. `load_precompiled` checked that the artifact is exactly what
        // `precompile` wrote (magic, format and libpackr version, length, xxh3-128 checksum),
        // and above we checked that the section's engine compatibility hash equals this
        // engine's and that wasmtime recognizes the bytes as a compiled module. Artifacts
        // are trusted input once they pass these checks (documented in the C header): the
        // checksum detects accidents, not forgery.
        let m = unsafe { Module::deserialize(&engine, code) }.map_err(|e| {
            Error::new(
                ErrorKind::Compile,
                format!(
                    "not a usable precompiled package: wasmtime rejected its {} code: {}",
                    artifact::describe(key),
                    root_cause(&e)
                ),
            )
        })?;
        Ok(m)
    }

    /// The compiled module for an engine configuration, from the cache when possible.
    pub(crate) fn module(&self, key: EngineKey) -> Result<Module> {
        if let Some(m) = lock(cache()).get(self, key) {
            return Ok(m);
        }
        // Compile (or deserialize) without holding the cache lock.
        let m = if let Some(sections) = &self.sections {
            self.deserialize(sections, key)?
        } else {
            let engine = engine(key)?;
            Module::new(&engine, &self.bytes[..]).map_err(|e| {
                Error::new(
                    ErrorKind::Compile,
                    format!("not a valid WebAssembly module: {}", root_cause(&e)),
                )
            })?
        };
        lock(cache()).put(self, key, m.clone());
        Ok(m)
    }
}

/// Which engine configurations a precompiled artifact holds code for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrecompileConfigs {
    /// Code without fuel metering, used by compositions without a fuel limit.
    pub plain: bool,
    /// Fuel-metered code, used by compositions with a fuel limit.
    pub fuel: bool,
}

impl Default for PrecompileConfigs {
    fn default() -> Self {
        PrecompileConfigs {
            plain: true,
            fuel: true,
        }
    }
}

/// Compiles a wasm module (or takes it from the module cache) for each configuration in
/// `configs` and writes a precompiled artifact that `Builder::add_package_precompiled` loads
/// without compiling.
pub fn precompile(wasm: &[u8], configs: PrecompileConfigs) -> Result<Vec<u8>> {
    if !configs.plain && !configs.fuel {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "precompile: no engine configuration selected",
        ));
    }
    let r = ModuleRef::load(wasm)?;
    let mut sections = Vec::new();
    for (on, key) in [
        (configs.plain, EngineKey { fuel: false }),
        (configs.fuel, EngineKey { fuel: true }),
    ] {
        if !on {
            continue;
        }
        let m = r.module(key)?;
        let code = m.serialize().map_err(|e| {
            Error::new(
                ErrorKind::Compile,
                format!("cannot serialize the compiled module: {}", root_cause(&e)),
            )
        })?;
        sections.push(SectionOut {
            key,
            compat: compat_hash(&engine(key)?),
            code,
        });
    }
    Ok(artifact::write(&sections))
}

/// The most specific message of an error chain.
pub(crate) fn root_cause(e: &wasmtime::Error) -> String {
    e.root_cause().to_string()
}

/// Keeps the ticker running while at least one call with a timeout is in flight.
pub(crate) struct TickerGuard(&'static Ticker);

/// The shared epoch ticker: one thread that advances every engine's epoch each [`TICK`] while
/// timed calls run, and sleeps on a condition variable when none has run for [`IDLE_TICKS`].
struct Ticker {
    /// Timed calls in flight.
    active: AtomicUsize,
    /// True while the ticker thread sleeps (written under `lock`).
    parked: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

/// How often the shared ticker advances every engine's epoch while timed calls run.
pub(crate) const TICK: Duration = Duration::from_millis(2);

/// How many ticks without a timed call in flight the ticker waits before it sleeps: so that a
/// program making timed calls one after another does not wake the ticker thread on every call.
const IDLE_TICKS: u32 = 50;

fn ticker() -> &'static Ticker {
    static T: OnceLock<Ticker> = OnceLock::new();
    T.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("packr-epoch".into())
            .spawn(|| {
                let t = ticker();
                let mut idle = 0u32;
                loop {
                    if t.active.load(Ordering::SeqCst) > 0 {
                        idle = 0;
                    } else {
                        idle += 1;
                    }
                    if idle > IDLE_TICKS {
                        // `parked` is set before `active` is read again, and a call that starts
                        // reads `parked` after it raised `active` (both SeqCst): so either this
                        // thread sees the call, or the call sees `parked` and, taking `lock`
                        // after the wait below released it, wakes this thread.
                        let mut g = lock(&t.lock);
                        t.parked.store(true, Ordering::SeqCst);
                        while t.active.load(Ordering::SeqCst) == 0 {
                            g = t.wake.wait(g).unwrap_or_else(|p| p.into_inner());
                        }
                        t.parked.store(false, Ordering::SeqCst);
                        idle = 0;
                    }
                    std::thread::sleep(TICK);
                    for e in all_engines() {
                        e.increment_epoch();
                    }
                }
            });
        // If no thread can be spawned, timeouts cannot fire; interrupts still work.
        drop(spawned);
        Ticker {
            active: AtomicUsize::new(0),
            parked: AtomicBool::new(false),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        }
    })
}

impl TickerGuard {
    /// Two atomic operations per timed call (this and the drop); the lock only when the ticker
    /// sleeps.
    #[inline]
    pub(crate) fn start() -> TickerGuard {
        let t = ticker();
        if t.active.fetch_add(1, Ordering::SeqCst) == 0 && t.parked.load(Ordering::SeqCst) {
            let _g = lock(&t.lock);
            t.wake.notify_one();
        }
        TickerGuard(t)
    }
}

impl Drop for TickerGuard {
    #[inline]
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::Release);
    }
}
