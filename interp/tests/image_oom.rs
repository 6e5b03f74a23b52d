//! Loading an image on a heap too small for it gives an out-of-memory error, never an abort.
//!
//! A test binary of its own, because it replaces the global allocator: allocations larger than
//! a cap fail while the cap is set, the way a microcontroller's small heap fails.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use mote_core::{Config, Engine, ErrorKind};
use mote_interp::Interpreter;
use mote_interp::image::{compile, load_copy, load_static};

/// Largest allocation that succeeds (`usize::MAX`: no cap).
static CAP: AtomicUsize = AtomicUsize::new(usize::MAX);

struct CappedHeap;

// SAFETY: every method forwards to `System` unchanged, except that `alloc` and `realloc` may
// return null, which the `GlobalAlloc` contract allows for any request.
unsafe impl GlobalAlloc for CappedHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > CAP.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's `layout` obligations are passed on to `System` unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` (through `alloc` or `realloc` above) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > CAP.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's obligations for `ptr`, `layout` and `new_size` are passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static HEAP: CappedHeap = CappedHeap;

/// The cap is process-wide: the tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A module with an element segment of `entries` functions and a function of `2 * pairs`
/// instructions.
fn module(entries: usize, pairs: usize) -> Vec<u8> {
    let entries = " $f".repeat(entries);
    let body = "(drop (i32.const 7))".repeat(pairs);
    let text = format!(
        "(module (table 20000 funcref) (elem (i32.const 0) func{entries})
           (func $f (export \"f\") {body}))"
    );
    wat::parse_str(text).expect("valid text")
}

/// `image` 4-byte aligned in a `'static` buffer, as `include_image!` embeds it.
fn leak_aligned(image: &[u8]) -> &'static [u8] {
    let words: Vec<u32> = image
        .chunks(4)
        .map(|b| {
            let mut word = [0; 4];
            word[..b.len()].copy_from_slice(b);
            u32::from_ne_bytes(word)
        })
        .collect();
    let aligned: &'static [u32] = Vec::leak(words);
    // SAFETY: `aligned` is a live `'static` allocation of `aligned.len() * 4 >= image.len()`
    // initialised bytes, and `u8` has no alignment requirement.
    unsafe { std::slice::from_raw_parts(aligned.as_ptr().cast(), image.len()) }
}

#[test]
fn a_heap_too_small_for_the_image_gives_an_out_of_memory_error() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let engine = Engine::new(&Config::default(), Interpreter::new());
    let image = compile(&engine, &module(20_000, 10_000)).expect("compiles");
    assert!(
        load_copy(&engine, &image).is_ok(),
        "loads with an unlimited heap"
    );
    // Each loader allocation that grows with the image is larger than this; the small
    // bookkeeping ones are not.
    for cap in [1 << 10, 16 << 10, 64 << 10] {
        CAP.store(cap, Ordering::Relaxed);
        let result = load_copy(&engine, &image);
        CAP.store(usize::MAX, Ordering::Relaxed);
        let error = result
            .err()
            .unwrap_or_else(|| panic!("loads with a {cap}-byte cap"));
        assert!(
            matches!(error.kind(), ErrorKind::OutOfMemory { .. }),
            "cap {cap}: {error}"
        );
    }
}

#[test]
fn loading_in_place_copies_no_code() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let engine = Engine::new(&Config::default(), Interpreter::new());
    // 2,000 instructions stay in the image: 16 KiB allocations are enough to load it (the
    // reference check needs 4 bytes per instruction while it runs).
    let image = leak_aligned(&compile(&engine, &module(1, 1_000)).expect("compiles"));
    CAP.store(16 << 10, Ordering::Relaxed);
    let result = load_static(&engine, image);
    CAP.store(usize::MAX, Ordering::Relaxed);
    let module_ = result.expect("loads in place with 16 KiB allocations at most");
    assert!(module_.exports().any(|(name, _)| name == "f"));
    // Element segments are copied (their function indices are rewritten at instantiation):
    // 20,000 entries do not fit, and that is an error.
    let image = leak_aligned(&compile(&engine, &module(20_000, 1)).expect("compiles"));
    CAP.store(16 << 10, Ordering::Relaxed);
    let result = load_static(&engine, image);
    CAP.store(usize::MAX, Ordering::Relaxed);
    let error = result.expect_err("20,000 entries do not fit in 16 KiB");
    assert!(
        matches!(error.kind(), ErrorKind::OutOfMemory { .. }),
        "{error}"
    );
    // So does checking a function of 20,000 instructions.
    let image = leak_aligned(&compile(&engine, &module(1, 10_000)).expect("compiles"));
    CAP.store(16 << 10, Ordering::Relaxed);
    let result = load_static(&engine, image);
    CAP.store(usize::MAX, Ordering::Relaxed);
    let error = result.expect_err("checking 20,000 instructions does not fit in 16 KiB");
    assert!(
        matches!(error.kind(), ErrorKind::OutOfMemory { .. }),
        "{error}"
    );
    assert_eq!(error.function().map(|(index, _)| index), Some(0), "{error}");
}
