//! The JIT's `SIGSEGV` handler passes faults that are not its own to the handler installed
//! before it. A test binary of its own: the handler must be installed before the first `Jit`
//! (the JIT installs its handler once per process), and nothing else may run meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};

use mote_core::{Config, Engine, Instance, Module, Store, TrapCode};

/// Calls of [`previous_handler`].
static PREVIOUS_RAN: AtomicUsize = AtomicUsize::new(0);

/// The embedder's handler: counts, and returns (the signals it gets are sent with `raise`, so
/// returning is fine). Async-signal-safe: one atomic add.
extern "C" fn previous_handler(
    _signal: libc::c_int,
    _info: *mut libc::siginfo_t,
    _ctx: *mut libc::c_void,
) {
    PREVIOUS_RAN.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_segv_that_is_not_ours_reaches_the_previous_handler() {
    // SAFETY: installs a `SA_SIGINFO` handler that only does an atomic add.
    unsafe {
        let mut action: libc::sigaction = core::mem::zeroed();
        action.sa_sigaction = previous_handler as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&raw mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGSEGV, &raw const action, core::ptr::null_mut()),
            0
        );
    }
    let engine = Engine::new(&Config::new(), mote_jit::Jit::new().expect("a JIT host"));
    let wasm = wat::parse_str(
        r#"(module (memory 1)
             (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();

    // A fault in the guard region is the JIT's: a trap, and the previous handler never runs.
    let err = load.call(&mut store, 65_536).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(PREVIOUS_RAN.load(Ordering::SeqCst), 0);

    // A SIGSEGV outside compiled code, on another thread, goes to the previous handler.
    std::thread::spawn(|| {
        // SAFETY: raising a signal whose handler only counts.
        assert_eq!(unsafe { libc::raise(libc::SIGSEGV) }, 0);
    })
    .join()
    .unwrap();
    assert_eq!(PREVIOUS_RAN.load(Ordering::SeqCst), 1);

    // And on this thread too; the JIT still traps afterwards.
    // SAFETY: as above.
    assert_eq!(unsafe { libc::raise(libc::SIGSEGV) }, 0);
    assert_eq!(PREVIOUS_RAN.load(Ordering::SeqCst), 2);
    let err = load.call(&mut store, -4).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(load.call(&mut store, 0).unwrap(), 0);
    assert_eq!(PREVIOUS_RAN.load(Ordering::SeqCst), 2);
}
