//! Under an address-space limit (`ulimit -v`) too small for a guarded memory's reservation,
//! creating the memory fails with an error that names it, and the JIT with guard pages off
//! still runs the module. A test binary of its own: the limit applies to the whole process.

use mote_core::{Config, Engine, ErrorKind, Instance, Memory, MemoryType, Module, Store};

/// The process's current virtual size in bytes (`/proc/self/statm`, in pages).
fn virtual_size() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux");
    let pages: u64 = statm.split_whitespace().next().unwrap().parse().unwrap();
    // SAFETY: `sysconf` has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap();
    pages * page
}

#[test]
fn a_reservation_that_cannot_be_had_is_an_error_naming_the_memory() {
    let wat = r#"(module (memory 1)
      (func (export "f") (result i32) (i32.store (i32.const 8) (i32.const 5))
        (i32.load (i32.const 8))))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let jit = || mote_jit::Jit::new().expect("a JIT host");
    let guarded = Engine::new(&Config::new(), jit());
    let checked = Engine::new(&Config::new(), jit().guard_pages(false));
    // Compile first: compilation threads reserve stacks.
    let guarded_module = Module::new(&guarded, &wasm).unwrap();
    let checked_module = Module::new(&checked, &wasm).unwrap();

    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: reads the limit into a local.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_AS, &raw mut old) };
    assert_eq!(rc, 0);
    // 1 GiB more than now: room for the calls' coroutine stacks, not for 4 GiB reservations.
    let limit = libc::rlimit {
        rlim_cur: virtual_size() + (1 << 30),
        rlim_max: old.rlim_max,
    };
    // SAFETY: lowers the soft limit of this process (restored below).
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &raw const limit) };
    assert_eq!(rc, 0);

    let mut store = Store::new(&guarded, ());
    let err = Instance::new(&mut store, &guarded_module, &[]).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err.kind(), ErrorKind::Unsupported { .. }),
        "{text}"
    );
    assert!(text.contains("memory 0"), "{text}");
    assert!(text.contains("guard_pages(false)"), "{text}");
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(err.to_string().contains("a new memory"), "{err}");

    let mut store = Store::new(&checked, ());
    let instance = Instance::new(&mut store, &checked_module, &[]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    let result = f.call(&mut store, ());

    // SAFETY: restores the limit read above.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &raw const old) };
    assert_eq!(rc, 0);
    assert_eq!(result.unwrap(), 5);
}
