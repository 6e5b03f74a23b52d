//! The app runner and the heap on the host, over mote-platform's test board.
#![allow(
    unsafe_code,
    reason = "the heap's GlobalAlloc methods are unsafe to call"
)]

use core::alloc::{GlobalAlloc, Layout};

use mote_board_support::app::{self, EXIT_FAILURE};
use mote_board_support::heap::Heap;
use mote_core::{Config, Engine, Limits};
use mote_interp::Interpreter;
use mote_platform::testing::TestBoard;
use mote_platform::{Kind, Manifest};

fn config() -> Config {
    let mut config = Config::new();
    config.limits(Limits::MCU);
    config
}

/// `wat` compiled to an image with [`config`], leaked (it must live for the program, as in
/// flash) at a 4-byte aligned address, as `Module::from_image` wants it.
fn image(wat: &str) -> &'static [u8] {
    let wasm = wat::parse_str(wat).expect("valid text");
    let engine = Engine::new(&config(), Interpreter::new());
    let bytes = mote_interp::image::compile(&engine, &wasm).expect("compiles");
    let room: &'static mut [u8] = Box::leak(vec![0u8; bytes.len() + 3].into_boxed_slice());
    let at = room.as_ptr().align_offset(4);
    let image = &mut room[at..at + bytes.len()];
    image.copy_from_slice(&bytes);
    image
}

const BLINK: &str = r#"(module
  (import "mote:board" "gpio.open" (func $open (param i32 i32 i32) (result i32)))
  (import "mote:board" "gpio.toggle" (func $toggle (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "led")
  (func (export "_start")
    (drop (call $toggle (call $open (i32.const 0) (i32.const 3) (i32.const 1))))))"#;

#[test]
fn runs_an_app_and_hands_back_the_board() {
    let app = image(BLINK);
    let manifest = Manifest::new().grant("led", Kind::Gpio, 0);
    let mut seen = None;
    let status = app::run(
        TestBoard::default(),
        manifest,
        &config(),
        app,
        |board, status| {
            seen = Some((board.pins[0].0, status));
        },
    );
    assert_eq!(status, 0);
    assert_eq!(
        seen,
        Some((true, 0)),
        "the LED was toggled on before finish"
    );
}

#[test]
fn exit_statuses() {
    let exit = image(
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func (export "_start") (call $exit (i32.const 3))))"#,
    );
    assert_eq!(
        app::run(
            TestBoard::default(),
            Manifest::new(),
            &config(),
            exit,
            |_, _| {}
        ),
        3
    );
    let trap = image(r#"(module (func (export "_start") unreachable))"#);
    assert_eq!(
        app::run(
            TestBoard::default(),
            Manifest::new(),
            &config(),
            trap,
            |_, _| {}
        ),
        EXIT_FAILURE
    );
    // An import WASI-lite does not have fails to link, it does not panic.
    let unknown = image(
        r#"(module (import "mote:board" "no.such" (func)) (func (export "_start") (call 0)))"#,
    );
    assert_eq!(
        app::run(
            TestBoard::default(),
            Manifest::new(),
            &config(),
            unknown,
            |_, _| {}
        ),
        EXIT_FAILURE
    );
    // No image, and a corrupt one.
    assert_eq!(
        app::run(
            TestBoard::default(),
            Manifest::new(),
            &config(),
            &[],
            |_, _| {}
        ),
        EXIT_FAILURE
    );
    let mut bad = image(BLINK).to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    let bad: &'static [u8] = Box::leak(bad.into_boxed_slice());
    assert_eq!(
        app::run(
            TestBoard::default(),
            Manifest::new(),
            &config(),
            bad,
            |_, _| {}
        ),
        EXIT_FAILURE
    );
}

#[test]
fn the_heap_counts_and_runs_out_without_panicking() {
    static HEAP: Heap<256> = Heap::new();
    assert_eq!(HEAP.size(), 256);
    let layout = Layout::from_size_align(100, 4).expect("a layout");
    // SAFETY: `layout` has a non-zero size; the blocks are freed with the same layout.
    unsafe {
        let a = HEAP.alloc(layout);
        assert!(!a.is_null());
        let b = HEAP.alloc(layout);
        assert!(!b.is_null());
        assert_eq!((HEAP.used(), HEAP.peak()), (200, 200));
        // 256 bytes cannot hold a third block of 100.
        assert!(HEAP.alloc(layout).is_null());
        HEAP.dealloc(a, layout);
        assert_eq!((HEAP.used(), HEAP.peak()), (100, 200));
        let c = HEAP.alloc(layout);
        assert!(!c.is_null(), "the freed block is used again");
        HEAP.dealloc(b, layout);
        HEAP.dealloc(c, layout);
    }
    assert_eq!(HEAP.used(), 0);
    static EMPTY: Heap<0> = Heap::new();
    // SAFETY: as above; nothing is allocated.
    assert!(unsafe { EMPTY.alloc(layout) }.is_null());
}
