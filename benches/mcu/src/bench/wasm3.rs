//! wasm3 0.4.7 (C, from the `wasm3-sys` crate's sources), the apps as `.wasm`: parsed and
//! loaded, each function compiled on its first call (wasm3's only mode; `m3_FindFunction`
//! compiles the export itself, so that compile falls in `load`).
//!
//! wasm3 allocates through `calloc`, `realloc` and `free`, which are defined here over the
//! firmware's counting heap, so its peak is measured the same way as the Rust engines'.

use core::alloc::Layout;
use core::ffi::{CStr, c_char, c_void};

use super::{App, Sample, ticks};

pub const NAME: &str = "wasm3";

/// wasm3's stack for the interpreter's slots, in bytes (the `wasm3` crate's examples use 64 KiB;
/// fib(20) and CoreMark fit in far less, this is an allocation).
const STACK_BYTES: u32 = 16 * 1024;

type M3Result = *const c_char;
type Opaque = *mut c_void;

unsafe extern "C" {
    fn m3_NewEnvironment() -> Opaque;
    fn m3_FreeEnvironment(env: Opaque);
    fn m3_NewRuntime(env: Opaque, stack_bytes: u32, unused: *mut c_void) -> Opaque;
    fn m3_FreeRuntime(runtime: Opaque);
    fn m3_ParseModule(env: Opaque, module: *mut Opaque, wasm: *const u8, len: u32) -> M3Result;
    fn m3_LoadModule(runtime: Opaque, module: Opaque) -> M3Result;
    fn m3_FindFunction(function: *mut Opaque, runtime: Opaque, name: *const c_char) -> M3Result;
    fn m3_CallWithArgs(function: Opaque, argc: u32, argv: *const *const c_char) -> M3Result;
    fn m3_GetMemory(runtime: Opaque, size: *mut u32, index: u32) -> *mut u8;
    /// `wasm3_shim.c`: the first slot of the runtime's stack (the result of the last call).
    fn mote_wasm3_result(function: Opaque) -> u64;
}

/// `0`-terminated decimal of `n`, for `m3_CallWithArgs` (which parses its arguments).
fn decimal(mut n: u32, buf: &mut [u8; 12]) -> &CStr {
    let mut at = buf.len() - 1;
    buf[at] = 0;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    CStr::from_bytes_with_nul(&buf[at..]).unwrap_or(c"0")
}

/// wasm3's error: `M3Result` is null or one of wasm3's static C strings, which becomes the
/// error (the step that failed, `what`, is printed before it).
fn check(result: M3Result, what: &'static str) -> Result<(), &'static str> {
    if result.is_null() {
        return Ok(());
    }
    // SAFETY: a non-null `M3Result` is one of wasm3's error constants (`d_m3ErrorConst`):
    // static, NUL-terminated, never freed.
    let message: &'static CStr = unsafe { CStr::from_ptr(result) };
    cortex_m_semihosting::hprintln!("wasm3: {} failed", what);
    Err(message.to_str().unwrap_or(what))
}

/// Not inlined: the benchmark measures the stack below its caller's frame.
#[inline(never)]
pub fn run(app: &App) -> Result<Sample, &'static str> {
    // SAFETY: the calls follow wasm3.h's contracts: the environment outlives the runtime, the
    // module's bytes are a `'static` slice (wasm3 requires them to outlive the module), a loaded
    // module belongs to the runtime (it is not freed here), names are NUL-terminated, and the
    // runtime and environment are freed once, last.
    unsafe {
        let env = m3_NewEnvironment();
        if env.is_null() {
            return Err("m3_NewEnvironment");
        }
        let runtime = m3_NewRuntime(env, STACK_BYTES, core::ptr::null_mut());
        if runtime.is_null() {
            m3_FreeEnvironment(env);
            return Err("m3_NewRuntime");
        }
        let outcome = run_in(runtime, env, app);
        m3_FreeRuntime(runtime);
        m3_FreeEnvironment(env);
        outcome
    }
}

/// The app on a fresh runtime.
///
/// # Safety
///
/// `env` and `runtime` are live and the runtime belongs to the environment.
unsafe fn run_in(runtime: Opaque, env: Opaque, app: &App) -> Result<Sample, &'static str> {
    let mut name = [0u8; 32];
    let export = app.export.as_bytes();
    if export.len() >= name.len() {
        return Err("export name too long");
    }
    name[..export.len()].copy_from_slice(export);
    let len = u32::try_from(app.wasm.len()).map_err(|_| "module too large")?;
    let start = ticks();
    let mut module = core::ptr::null_mut();
    let mut function = core::ptr::null_mut();
    // SAFETY: the caller guarantees `env` and `runtime`; see `run` for the rest.
    unsafe {
        check(
            m3_ParseModule(env, &mut module, app.wasm.as_ptr(), len),
            "m3_ParseModule",
        )?;
        check(m3_LoadModule(runtime, module), "m3_LoadModule")?;
        check(
            m3_FindFunction(&mut function, runtime, name.as_ptr().cast()),
            "m3_FindFunction",
        )?;
    }
    let loaded = ticks();
    let mut buf = [0u8; 12];
    let arg = decimal(app.arg.cast_unsigned(), &mut buf);
    let argv = [arg.as_ptr()];
    let start_run = ticks();
    // SAFETY: `function` was found in `runtime`; `argv` holds one NUL-terminated string.
    unsafe { check(m3_CallWithArgs(function, 1, argv.as_ptr()), "call")? };
    // SAFETY: the call succeeded, so the runtime's first stack slot holds the result.
    let raw = unsafe { mote_wasm3_result(function) };
    let run_ticks = ticks() - start_run;
    let result = if app.returns_i64 {
        raw
    } else {
        raw & 0xffff_ffff
    };
    let heap_live = crate::heap::used();
    let mut memory = 0u32;
    // SAFETY: `runtime` is live; only the size is written.
    unsafe { m3_GetMemory(runtime, &mut memory, 0) };
    Ok(Sample {
        load_ticks: loaded - start,
        run_ticks,
        result,
        memory: memory as usize,
        heap_live,
        heap_phases: None,
    })
}

/// Bytes before each C allocation that remember its size (and keep 8-byte alignment).
const HEADER: usize = 8;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, 8).ok()
}

/// C's `malloc` over the global allocator.
#[unsafe(no_mangle)]
pub extern "C" fn malloc(size: usize) -> *mut c_void {
    let Some(layout) = layout(size) else {
        return core::ptr::null_mut();
    };
    // SAFETY: the layout's size is at least `HEADER`, not zero.
    let base = unsafe { alloc::alloc::alloc(layout) };
    if base.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `base` is 8-aligned with room for the header, and the user part follows it.
    unsafe {
        base.cast::<usize>().write(size);
        base.add(HEADER).cast()
    }
}

/// C's `calloc`.
#[unsafe(no_mangle)]
pub extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(total) = count.checked_mul(size) else {
        return core::ptr::null_mut();
    };
    let ptr = malloc(total);
    if !ptr.is_null() {
        // SAFETY: `ptr` has `total` writable bytes.
        unsafe { core::ptr::write_bytes(ptr.cast::<u8>(), 0, total) };
    }
    ptr
}

/// C's `free`.
///
/// # Safety
///
/// `ptr` is null or came from this `malloc`/`calloc`/`realloc` and is not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn free(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: per the contract, the header precedes `ptr` and records the size it was made with.
    unsafe {
        let base = ptr.cast::<u8>().sub(HEADER);
        let size = base.cast::<usize>().read();
        if let Some(layout) = layout(size) {
            alloc::alloc::dealloc(base, layout);
        }
    }
}

/// C's `realloc`.
///
/// # Safety
///
/// As [`free`] for `ptr`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    if ptr.is_null() {
        return malloc(size);
    }
    let Some(new_layout) = layout(size) else {
        return core::ptr::null_mut();
    };
    // SAFETY: per the contract, the header precedes `ptr`; `realloc` gets the block's layout.
    unsafe {
        let base = ptr.cast::<u8>().sub(HEADER);
        let old = base.cast::<usize>().read();
        let Some(old_layout) = layout(old) else {
            return core::ptr::null_mut();
        };
        let new = alloc::alloc::realloc(base, old_layout, new_layout.size());
        if new.is_null() {
            return core::ptr::null_mut();
        }
        new.cast::<usize>().write(size);
        new.add(HEADER).cast()
    }
}
