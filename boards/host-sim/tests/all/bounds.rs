//! For every host function that takes a buffer: out-of-bounds and overflowing pointer/length
//! pairs return `EFAULT` and touch nothing (guest memory, console, devices, input).

use mote_core::Val;

use crate::Guest;

const FAULT: i32 = 21;
const MEM: i64 = 65536;

/// Where a function's guest buffers are among its arguments.
#[derive(Clone, Copy, Debug)]
enum Buf {
    /// `(ptr, len)` arguments; `unit` bytes per counted element.
    Span { ptr: usize, len: usize, unit: i64 },
    /// A pointer to `size` bytes.
    Fixed { ptr: usize, size: i64 },
}

/// Pointer/length pairs that are outside one 64 KiB page, for a span of `unit`-byte elements.
fn bad_spans(unit: i64) -> Vec<(i64, i64)> {
    vec![
        (MEM - 1, 2),                  // straddles the end
        (MEM, 1),                      // starts at the end
        (MEM + 1, 0),                  // empty, but starts past the end
        (0xFFFF_FFFF, 1),              // ptr + len wraps in 32 bits
        (0xFFFF_FFF0, 0x20),           // ptr + len wraps in 32 bits
        (1, 0xFFFF_FFFF),              // length overflows
        (0x8000_0000, 4),              // a "negative" pointer
        (MEM - 8 * unit, 0x2000_0001), // len * unit overflows 32 bits
    ]
}

fn bad_fixed(size: i64) -> Vec<i64> {
    vec![
        MEM - size + 1,
        MEM,
        0xFFFF_FFFF,
        0x1_0000_0000 - size,
        0x8000_0000,
    ]
}

/// An i64 holding a 32-bit pattern, as the i32 argument it stands for.
fn arg(v: i64) -> i32 {
    (v as u32) as i32
}

/// Fills memory with a pattern, keeping `[0, 4096)` (where the valid arguments live).
fn scribble(g: &mut Guest) {
    let pattern: Vec<u8> = (4096..MEM as usize).map(|i| (i * 7 % 251) as u8).collect();
    g.poke(4096, &pattern);
}

/// Calls `name` with `args` changed at each buffer to each bad pair, and checks that the call
/// fails with `EFAULT` (negated for level 1) and nothing changed; then checks that the valid
/// `args` succeed.
fn check(g: &mut Guest, name: &str, args: &[Val], bufs: &[Buf], level1: bool) {
    let fault = if level1 { -FAULT } else { FAULT };
    scribble(g);
    let mut cases: Vec<Vec<Val>> = Vec::new();
    for buf in bufs {
        match *buf {
            Buf::Span { ptr, len, unit } => {
                for (p, l) in bad_spans(unit) {
                    let mut a = args.to_vec();
                    a[ptr] = Val::I32(arg(p));
                    a[len] = Val::I32(arg(l));
                    cases.push(a);
                }
            }
            Buf::Fixed { ptr, size } => {
                for p in bad_fixed(size) {
                    let mut a = args.to_vec();
                    a[ptr] = Val::I32(arg(p));
                    cases.push(a);
                }
            }
        }
    }
    for case in cases {
        let memory = g.memory();
        let (out, err, trace) = (g.out.contents(), g.err.contents(), g.trace.contents());
        let got = g.call(name, &case);
        assert_eq!(got, fault, "{name}{case:?}");
        assert!(g.memory() == memory, "{name}{case:?} changed guest memory");
        assert_eq!(
            (g.out.contents(), g.err.contents(), g.trace.contents()),
            (out, err, trace),
            "{name}{case:?} reached a device"
        );
    }
    let got = g.call(name, args);
    assert!(
        got >= 0 && (level1 || got == 0),
        "{name}{args:?} with valid buffers: {got}"
    );
}

fn i(v: &[i32]) -> Vec<Val> {
    v.iter().map(|&x| Val::I32(x)).collect()
}

#[test]
fn level0_buffers_are_checked() {
    let mut g = Guest::with(
        b"input",
        mote_platform::Blocking::Delay,
        &["prog", "x"],
        &["A=B"],
    );
    // An iovec at 100 naming 4 bytes at 1000.
    g.poke(100, &[0xE8, 3, 0, 0, 4, 0, 0, 0]);
    let span = |ptr, len, unit| Buf::Span { ptr, len, unit };
    let fixed = |ptr, size| Buf::Fixed { ptr, size };
    check(
        &mut g,
        "fd_write",
        &i(&[1, 100, 1, 200]),
        &[span(1, 2, 8), fixed(3, 4)],
        false,
    );
    check(
        &mut g,
        "fd_read",
        &i(&[0, 100, 1, 200]),
        &[span(1, 2, 8), fixed(3, 4)],
        false,
    );
    check(
        &mut g,
        "fd_fdstat_get",
        &i(&[1, 200]),
        &[fixed(1, 24)],
        false,
    );
    let clock = |id| vec![Val::I32(id), Val::I64(1), Val::I32(200)];
    check(&mut g, "clock_time_get", &clock(1), &[fixed(2, 8)], false);
    check(
        &mut g,
        "clock_res_get",
        &i(&[1, 200]),
        &[fixed(1, 8)],
        false,
    );
    check(
        &mut g,
        "random_get",
        &i(&[1000, 16]),
        &[span(0, 1, 1)],
        false,
    );
    check(
        &mut g,
        "args_sizes_get",
        &i(&[200, 204]),
        &[fixed(0, 4), fixed(1, 4)],
        false,
    );
    // "prog\0x\0": 2 pointers, 7 bytes.
    check(
        &mut g,
        "args_get",
        &i(&[200, 300]),
        &[fixed(0, 8), fixed(1, 7)],
        false,
    );
    check(
        &mut g,
        "environ_sizes_get",
        &i(&[200, 204]),
        &[fixed(0, 4), fixed(1, 4)],
        false,
    );
    check(
        &mut g,
        "environ_get",
        &i(&[200, 300]),
        &[fixed(0, 4), fixed(1, 4)],
        false,
    );
    // One relative clock subscription of 1 ns at 400; events at 500.
    let mut sub = [0u8; 48];
    sub[24] = 1;
    sub[16] = 1;
    g.poke(400, &sub);
    check(
        &mut g,
        "poll_oneoff",
        &i(&[400, 500, 1, 600]),
        &[span(0, 2, 48), span(1, 2, 32), fixed(3, 4)],
        false,
    );
}

#[test]
fn iovecs_pointing_outside_memory_are_refused() {
    let mut g = Guest::new(b"input");
    for (ptr, len) in [(65530u32, 10u32), (0xFFFF_FFF0, 0x20), (1, 0xFFFF_FFFF)] {
        // A good iovec first, then the bad one: nothing at all may be written.
        let mut iovs = vec![0xE8, 3, 0, 0, 4, 0, 0, 0];
        iovs.extend_from_slice(&ptr.to_le_bytes());
        iovs.extend_from_slice(&len.to_le_bytes());
        g.poke(100, &iovs);
        let memory = g.memory();
        assert_eq!(g.call_i("fd_write", &[1, 100, 2, 200]), FAULT);
        assert_eq!(g.call_i("fd_read", &[0, 100, 2, 200]), FAULT);
        assert!(g.memory() == memory);
        assert_eq!(g.out.contents(), "");
    }
    // The input was not consumed.
    g.poke(100, &[0xE8, 3, 0, 0, 5, 0, 0, 0]);
    assert_eq!(g.call_i("fd_read", &[0, 100, 1, 200]), 0);
    assert_eq!(g.peek(1000, 5), b"input");
}

#[test]
fn level1_buffers_are_checked() {
    let mut g = Guest::new(b"uart input");
    let span = |ptr, len| Buf::Span { ptr, len, unit: 1 };
    g.poke(3000, b"led");
    check(&mut g, "gpio.open", &i(&[3000, 3, 1]), &[span(0, 1)], true);
    g.poke(3000, b"i2c0");
    check(&mut g, "i2c.open", &i(&[3000, 4]), &[span(0, 1)], true);
    g.poke(3000, b"spi0");
    check(&mut g, "spi.open", &i(&[3000, 4]), &[span(0, 1)], true);
    g.poke(3000, b"uart0");
    check(&mut g, "uart.open", &i(&[3000, 5]), &[span(0, 1)], true);
    g.poke(3000, b"pwm0");
    check(&mut g, "pwm.open", &i(&[3000, 4]), &[span(0, 1)], true);

    let i2c = g.open("i2c.open", "i2c0", &[]);
    let spi = g.open("spi.open", "spi0", &[]);
    let uart = g.open("uart.open", "uart0", &[]);
    check(
        &mut g,
        "i2c.read",
        &i(&[i2c, 0x48, 1000, 2]),
        &[span(2, 3)],
        true,
    );
    check(
        &mut g,
        "i2c.write",
        &i(&[i2c, 0x48, 1000, 1]),
        &[span(2, 3)],
        true,
    );
    check(
        &mut g,
        "i2c.write_read",
        &i(&[i2c, 0x48, 1000, 1, 1100, 2]),
        &[span(2, 3), span(4, 5)],
        true,
    );
    // Two descriptors at 2000: write 1 byte from 1000, read 2 bytes into 1100.
    let desc: Vec<u8> = [1u32, 1000, 1, 0, 1100, 2]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    g.poke(2000, &desc);
    check(
        &mut g,
        "i2c.transaction",
        &i(&[i2c, 0x48, 2000, 2]),
        &[Buf::Span {
            ptr: 2,
            len: 3,
            unit: 12,
        }],
        true,
    );
    check(&mut g, "spi.read", &i(&[spi, 1000, 4]), &[span(1, 2)], true);
    check(
        &mut g,
        "spi.write",
        &i(&[spi, 1000, 4]),
        &[span(1, 2)],
        true,
    );
    check(
        &mut g,
        "spi.transfer",
        &i(&[spi, 1000, 4]),
        &[span(1, 2)],
        true,
    );
    check(
        &mut g,
        "spi.transaction",
        &i(&[spi, 2000, 2]),
        &[Buf::Span {
            ptr: 1,
            len: 2,
            unit: 12,
        }],
        true,
    );
    check(
        &mut g,
        "uart.write",
        &i(&[uart, 1000, 4]),
        &[span(1, 2)],
        true,
    );
    check(
        &mut g,
        "uart.read",
        &i(&[uart, 1000, 4]),
        &[span(1, 2)],
        true,
    );
    // The bad reads consumed nothing: the valid one got the first bytes.
    assert_eq!(g.peek(1000, 4), b"uart");
}

#[test]
fn transaction_descriptors_pointing_outside_memory_are_refused() {
    let mut g = Guest::new(b"");
    let i2c = g.open("i2c.open", "i2c0", &[]);
    let spi = g.open("spi.open", "spi0", &[]);
    for (ptr, len) in [(65535u32, 2u32), (0xFFFF_FFFF, 1), (1, 0xFFFF_FFFF)] {
        let desc: Vec<u8> = [1u32, 1000, 1, 0, ptr, len]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        g.poke(2000, &desc);
        let memory = g.memory();
        assert_eq!(g.call_i("i2c.transaction", &[i2c, 0x48, 2000, 2]), -FAULT);
        assert_eq!(g.call_i("spi.transaction", &[spi, 2000, 2]), -FAULT);
        assert!(g.memory() == memory);
        assert_eq!(g.trace.contents(), "", "no bus activity");
    }
}
