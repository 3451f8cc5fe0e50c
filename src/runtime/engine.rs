//! Process-wide wasmtime Engines (one per configuration), the content-addressed module cache,
//! and the shared epoch ticker that drives call timeouts.

use super::error::{Error, ErrorKind, Result};
use std::collections::HashMap;
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

/// A loaded package's bytes, identified by content.
#[derive(Clone)]
pub(crate) struct ModuleRef {
    hash: u128,
    bytes: Arc<[u8]>,
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
fn detections() -> &'static Mutex<HashMap<u128, super::generation::Detection>> {
    static D: OnceLock<Mutex<HashMap<u128, super::generation::Detection>>> = OnceLock::new();
    D.get_or_init(|| Mutex::new(HashMap::new()))
}

impl ModuleRef {
    /// The module's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The generation this module was found to be, if it was told before in this process.
    pub(crate) fn detection(&self) -> Option<super::generation::Detection> {
        lock(detections()).get(&self.hash).copied()
    }

    /// Remembers the generation of this module (a bounded memo: cleared when it grows large).
    pub(crate) fn set_detection(&self, d: super::generation::Detection) {
        let mut m = lock(detections());
        if m.len() >= 4 * CACHE_CAPACITY {
            m.clear();
        }
        m.insert(self.hash, d);
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
                };
                if c.get(&r, key).is_some() {
                    return Ok(r);
                }
            }
        }
        let r = ModuleRef {
            hash,
            bytes: Arc::from(bytes),
        };
        r.module(key)?;
        Ok(r)
    }

    /// The compiled module for an engine configuration, from the cache when possible.
    pub(crate) fn module(&self, key: EngineKey) -> Result<Module> {
        if let Some(m) = lock(cache()).get(self, key) {
            return Ok(m);
        }
        // Compile without holding the cache lock.
        let engine = engine(key)?;
        let m = Module::new(&engine, &self.bytes[..]).map_err(|e| {
            Error::new(
                ErrorKind::Compile,
                format!("not a valid WebAssembly module: {}", root_cause(&e)),
            )
        })?;
        lock(cache()).put(self, key, m.clone());
        Ok(m)
    }
}

/// The most specific message of an error chain.
pub(crate) fn root_cause(e: &wasmtime::Error) -> String {
    e.root_cause().to_string()
}

/// Keeps the ticker running while at least one call with a timeout is in flight.
pub(crate) struct TickerGuard(());

struct Ticker {
    /// (timed calls in flight, the ticker thread is parked on `wake`)
    active: Mutex<(usize, bool)>,
    wake: Condvar,
}

/// How often the shared ticker advances every engine's epoch while timed calls run.
pub(crate) const TICK: Duration = Duration::from_millis(2);

fn ticker() -> &'static Ticker {
    static T: OnceLock<Ticker> = OnceLock::new();
    T.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("packr-epoch".into())
            .spawn(|| {
                let t = ticker();
                loop {
                    {
                        let mut n = lock(&t.active);
                        while n.0 == 0 {
                            n.1 = true;
                            n = t.wake.wait(n).unwrap_or_else(|p| p.into_inner());
                        }
                        n.1 = false;
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
            active: Mutex::new((0, false)),
            wake: Condvar::new(),
        }
    })
}

impl TickerGuard {
    pub(crate) fn start() -> TickerGuard {
        let t = ticker();
        let mut n = lock(&t.active);
        n.0 += 1;
        // Only a parked ticker needs waking (a notify is a futex syscall even with no waiter).
        if n.1 {
            t.wake.notify_one();
        }
        TickerGuard(())
    }
}

impl Drop for TickerGuard {
    fn drop(&mut self) {
        let t = ticker();
        let mut n = lock(&t.active);
        n.0 = n.0.saturating_sub(1);
    }
}
