//! The floor: the same guest ABI driven by hand with wasmtime 48.0.8, every handle cached.

use super::*;

// ---------------------------------------------------------------------------------------------
// The floor: hand-rolled wasmtime 48.0.8
// ---------------------------------------------------------------------------------------------

pub(crate) type ExportFn = wt::TypedFunc<(i32, i32, i32, i32), i32>;

/// Cached handles of one instance.
pub(crate) struct PkgH {
    pub(crate) memory: wt::Memory,
    pub(crate) alloc: wt::TypedFunc<i32, i32>,
    pub(crate) free: wt::TypedFunc<(i32, i32), ()>,
    /// Two result slots (8 bytes allocated with `__pack_alloc` at instantiation, like libpackr).
    pub(crate) slots: u32,
    /// With `Keep::Input`: a 4 KiB input buffer allocated once, used for every input that fits
    /// (what libpackr does), so that a call needs no `__pack_alloc` or `__pack_free` for it.
    pub(crate) kept: Option<u32>,
}

/// Whether a floor allocates and frees every input, as the ABI's plain reading goes
/// (`Keep::Nothing`), or keeps one input buffer per instance like libpackr (`Keep::Input`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Keep {
    Nothing,
    Input,
}

const KEPT: usize = 4096;

#[derive(Default)]
pub(crate) struct FloorData {
    /// Import results handed to the importing guest (it never frees them); freed after the
    /// top-level call, as libpackr does.
    pub(crate) pending: Vec<(u32, u32)>,
    pub(crate) deadline: Option<Instant>,
}

pub(crate) fn floor_engine(fuel: bool) -> wt::Engine {
    // The same configuration as libpackr's engines, so both run the same machine code.
    let mut c = wt::Config::new();
    // RUNTIME_BENCH_FLOOR_NO_EPOCH=1 (a diagnostic, not for the table): no epoch checks in the
    // floor's code, like packr 0.5.4's engine, to see what they cost.
    c.epoch_interruption(std::env::var_os("RUNTIME_BENCH_FLOOR_NO_EPOCH").is_none() || fuel);
    c.consume_fuel(fuel);
    c.cranelift_opt_level(wt::OptLevel::Speed);
    wt::Engine::new(&c).expect("engine")
}

pub(crate) fn floor_store(engine: &wt::Engine, lim: Lim) -> wt::Store<FloorData> {
    let mut store = wt::Store::new(engine, FloorData::default());
    if lim.on {
        store.epoch_deadline_callback(|cx| {
            if cx.data().deadline.is_some_and(|t| Instant::now() >= t) {
                return Err(wt::Error::msg("timeout"));
            }
            Ok(wt::UpdateDeadline::Continue(1))
        });
        store.set_epoch_deadline(1);
        store.set_fuel(FUEL).unwrap();
    } else {
        store.set_epoch_deadline(1 << 62);
    }
    store
}

pub(crate) fn floor_handles(
    store: &mut wt::Store<FloorData>,
    inst: &wt::Instance,
    keep: Keep,
) -> PkgH {
    let memory = inst.get_memory(&mut *store, "memory").expect("memory");
    let alloc = inst
        .get_typed_func::<i32, i32>(&mut *store, "__pack_alloc")
        .expect("__pack_alloc");
    let free = inst
        .get_typed_func::<(i32, i32), ()>(&mut *store, "__pack_free")
        .expect("__pack_free");
    let slots = alloc.call(&mut *store, 8).expect("alloc slots") as u32;
    assert_ne!(slots, 0);
    let kept = (keep == Keep::Input).then(|| {
        let p = alloc.call(&mut *store, KEPT as i32).expect("alloc input") as u32;
        assert_ne!(p, 0);
        p
    });
    PkgH {
        memory,
        alloc,
        free,
        slots,
        kept,
    }
}

/// The guest ABI by hand: alloc, write, call, free the input, read the slots, copy the result,
/// free it.
#[inline(always)]
pub(crate) fn floor_invoke(
    mut cx: impl wt::AsContextMut<Data = FloorData>,
    h: &PkgH,
    f: &ExportFn,
    input: &[u8],
) -> wt::Result<Vec<u8>> {
    let len = input.len();
    let (p, own) = match h.kept {
        Some(k) if len <= KEPT => (k as usize, false),
        _ => (h.alloc.call(&mut cx, len as i32)? as u32 as usize, true),
    };
    h.memory.data_mut(&mut cx)[p..p + len].copy_from_slice(input);
    let s = h.slots as usize;
    let status = f.call(&mut cx, (p as i32, len as i32, s as i32, s as i32 + 4))?;
    if own {
        h.free.call(&mut cx, (p as i32, len as i32))?;
    }
    let mem = h.memory.data(&cx);
    let op = u32::from_le_bytes(mem[s..s + 4].try_into().unwrap()) as usize;
    let ol = u32::from_le_bytes(mem[s + 4..s + 8].try_into().unwrap()) as usize;
    let out = mem[op..op + ol].to_vec();
    h.free.call(&mut cx, (op as i32, ol as i32))?;
    if status != 0 {
        return Err(wt::Error::msg(format!("status {status}")));
    }
    Ok(out)
}

/// The import side by hand: hands `out` to the importing guest through its `__pack_alloc` and
/// slots, and remembers the buffer so that it is freed after the top-level call.
#[inline(always)]
pub(crate) fn floor_reply(
    caller: &mut wt::Caller<'_, FloorData>,
    me: &PkgH,
    out: &[u8],
    out_pp: i32,
    out_lp: i32,
) -> wt::Result<i32> {
    let len = out.len();
    let p = me.alloc.call(&mut *caller, len as i32)? as u32;
    let mem = me.memory.data_mut(&mut *caller);
    mem[p as usize..p as usize + len].copy_from_slice(out);
    mem[out_pp as usize..out_pp as usize + 4].copy_from_slice(&p.to_le_bytes());
    mem[out_lp as usize..out_lp as usize + 4].copy_from_slice(&(len as u32).to_le_bytes());
    caller.data_mut().pending.push((p, len as u32));
    Ok(0)
}

/// A ready-to-call floor: the store, the called package's handles and the export.
pub(crate) struct Floor {
    pub(crate) store: wt::Store<FloorData>,
    pub(crate) me: Arc<OnceLock<PkgH>>,
    pub(crate) f: ExportFn,
    pub(crate) lim: Lim,
}

impl Floor {
    pub(crate) fn new(
        engine: &wt::Engine,
        shape: Shape,
        modules: &[(&str, &wt::Module)],
        lim: Lim,
        export: &str,
        keep: Keep,
    ) -> Floor {
        let mut store = floor_store(engine, lim);
        let mut linker: wt::Linker<FloorData> = wt::Linker::new(engine);
        let me: Arc<OnceLock<PkgH>> = Arc::new(OnceLock::new());
        let module = |n: &str| {
            modules
                .iter()
                .find(|(m, _)| *m == n)
                .map(|(_, m)| *m)
                .unwrap()
        };
        let top = match shape {
            Shape::Single => modules[0].1,
            Shape::AdderDoubler => {
                let inst = linker.instantiate(&mut store, module("doubler")).unwrap();
                let dh = floor_handles(&mut store, &inst, keep);
                let df = inst
                    .get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "double")
                    .unwrap();
                let me2 = me.clone();
                linker
                    .func_wrap(
                        "math",
                        "double",
                        move |mut caller: wt::Caller<'_, FloorData>,
                              in_ptr: i32,
                              in_len: i32,
                              out_pp: i32,
                              out_lp: i32|
                              -> wt::Result<i32> {
                            let me = me2.get().unwrap();
                            let (ip, il) = (in_ptr as u32 as usize, in_len as u32 as usize);
                            let input = me.memory.data(&caller)[ip..ip + il].to_vec();
                            let out = floor_invoke(&mut caller, &dh, &df, &input)?;
                            floor_reply(&mut caller, me, &out, out_pp, out_lp)
                        },
                    )
                    .unwrap();
                module("adder")
            }
            Shape::Greeter => {
                pub(crate) type HostF = fn(&[u8]) -> Result<Vec<u8>, String>;
                for (name, hf) in [("greet", greet as HostF), ("log", log as HostF)] {
                    let me2 = me.clone();
                    linker
                        .func_wrap(
                            "host",
                            name,
                            move |mut caller: wt::Caller<'_, FloorData>,
                                  in_ptr: i32,
                                  in_len: i32,
                                  out_pp: i32,
                                  out_lp: i32|
                                  -> wt::Result<i32> {
                                let me = me2.get().unwrap();
                                let (ip, il) = (in_ptr as u32 as usize, in_len as u32 as usize);
                                let input = me.memory.data(&caller)[ip..ip + il].to_vec();
                                let out = hf(&input).map_err(wt::Error::msg)?;
                                floor_reply(&mut caller, me, &out, out_pp, out_lp)
                            },
                        )
                        .unwrap();
                }
                modules[0].1
            }
        };
        let inst = linker.instantiate(&mut store, top).unwrap();
        let h = floor_handles(&mut store, &inst, keep);
        let f = inst
            .get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, export)
            .unwrap();
        assert!(me.set(h).is_ok());
        Floor { store, me, f, lim }
    }

    #[inline(always)]
    pub(crate) fn call(&mut self, input: &[u8]) -> Vec<u8> {
        if self.lim.on {
            self.store.set_fuel(FUEL).unwrap();
            self.store.data_mut().deadline =
                Some(Instant::now() + Duration::from_millis(TIMEOUT_MS));
            self.store.set_epoch_deadline(1);
        }
        let h = self.me.get().unwrap();
        let out = floor_invoke(&mut self.store, h, &self.f, input).expect("floor call");
        while let Some((p, l)) = self.store.data_mut().pending.pop() {
            h.free.call(&mut self.store, (p as i32, l as i32)).unwrap();
        }
        out
    }
}

/// Advances an engine's epoch every 2 ms (like libpackr's ticker) while it lives.
pub(crate) struct Ticker {
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    pub(crate) fn start(engine: &wt::Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let (s, e) = (stop.clone(), engine.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(2));
                e.increment_epoch();
            }
        });
        Ticker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
