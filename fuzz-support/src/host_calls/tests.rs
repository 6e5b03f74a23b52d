//! Hand-picked cases at the edges that the generator aims for, each checked by the same
//! oracle as the fuzz target (`run` panics on a violation), plus what the result must be.

use mote::Val;
use mote_platform::{Errno, Kind};

use super::{Case, MemoryShape, Report, handle_of, run};

fn i(values: &[i64]) -> Vec<Val> {
    values
        .iter()
        .map(|&v| Val::I32(u32::try_from(v & 0xFFFF_FFFF).unwrap_or(0).cast_signed()))
        .collect()
}

fn le(fields: &[u32]) -> Vec<u8> {
    fields.iter().flat_map(|f| f.to_le_bytes()).collect()
}

fn error(report: &Report) -> Option<Errno> {
    report.error.map(Errno)
}

const FAULT: Option<Errno> = Some(Errno::FAULT);

#[test]
fn empty_memory_allows_only_empty_buffers_at_zero() {
    let empty = MemoryShape::bytes_of(0);
    let r = run(&Case::call("random_get", empty, &i(&[0, 0])));
    assert_eq!(error(&r), None);
    for args in [[0, 1], [1, 0], [0xFFFF_FFFF, 1], [0xFFFF_FFFF, 0]] {
        let r = run(&Case::call("random_get", empty, &i(&args)));
        assert_eq!(error(&r), FAULT, "{args:?}");
    }
    // No arguments and no environment: zero pointers and zero bytes at 0 fit.
    let r = run(&Case::call("args_get", empty, &i(&[0, 0])));
    assert_eq!(error(&r), None);
    let r = run(&Case::call("args_sizes_get", empty, &i(&[0, 0])));
    assert_eq!(error(&r), FAULT);
    // The empty label opens even there.
    let r = run(&Case::call("spi.open", empty, &i(&[0, 0])));
    assert_eq!(error(&r), None);
}

#[test]
fn buffers_at_the_end_of_memory() {
    let m = MemoryShape::bytes_of(16);
    for (ptr, len, ok) in [
        (15, 1, true),
        (16, 0, true),
        (15, 2, false),
        (16, 1, false),
        (17, 0, false),
        (0, 17, false),
        (0xFFFF_FFF0, 0x10, false), // wraps to exactly 0 in 32 bits
        (1, 0xFFFF_FFFF, false),
    ] {
        let r = run(&Case::call("random_get", m, &i(&[ptr, len])));
        assert_eq!(error(&r).is_none(), ok, "random_get({ptr:#x}, {len:#x})");
    }
    // With 64 KiB pages: an 8-byte result just fits at the end, one byte later it does not.
    let page = MemoryShape {
        page_size_log2: 16,
        pages: 1,
        exported: true,
    };
    let clock = |out: i64| vec![Val::I32(1), Val::I64(0), i(&[out])[0]];
    assert_eq!(
        error(&run(&Case::call("clock_time_get", page, &clock(65528)))),
        None
    );
    assert_eq!(
        error(&run(&Case::call("clock_time_get", page, &clock(65529)))),
        FAULT
    );
}

#[test]
fn a_memory_not_exported_as_memory_is_never_touched() {
    let hidden = MemoryShape {
        exported: false,
        ..MemoryShape::bytes_of(64)
    };
    let r = run(&Case::call("random_get", hidden, &i(&[0, 0])));
    assert_eq!(error(&r), FAULT);
    let r = run(&Case::call("fd_fdstat_get", hidden, &i(&[1, 0])));
    assert_eq!(error(&r), FAULT);
}

#[test]
fn iovecs_that_wrap_or_overlap() {
    let m = MemoryShape::bytes_of(64);
    // An iovec whose end wraps to 0, after a good one.
    let iovs = le(&[32, 4, 0xFFFF_FFF0, 0x10]);
    let case = Case::call("fd_write", m, &i(&[1, 0, 2, 60])).with_write(0, &iovs);
    assert_eq!(error(&run(&case)), FAULT);
    // `fd_read` into its own iovec array, `nread` inside the buffer too.
    let mut case = Case::call("fd_read", m, &i(&[0, 0, 1, 4])).with_write(0, &le(&[0, 16]));
    case.input = b"overwrite the iovec".to_vec();
    let r = run(&case);
    assert_eq!(error(&r), None);
    assert!(r.changed > 0);
    // An iovec array that runs one byte past the end.
    let case = Case::call("fd_write", m, &i(&[1, 57, 1, 0]));
    assert_eq!(error(&run(&case)), FAULT);
}

#[test]
fn strings_and_pointers_may_overlap() {
    let m = MemoryShape::bytes_of(400);
    let mut case = Case::call("args_get", m, &i(&[0, 4]));
    case.argv = vec!["prog".into(), "x".repeat(300)];
    assert_eq!(error(&run(&case)), None);
    // One byte short for the strings.
    let mut case = Case::call("environ_get", m, &i(&[0, 400 - 300]));
    case.env = vec!["y".repeat(300)];
    assert_eq!(error(&run(&case)), FAULT);
}

#[test]
fn transactions_over_the_limits_are_refused() {
    let m = MemoryShape::bytes_of(4096);
    let spi = i64::from(handle_of(Kind::Spi));
    let i2c = i64::from(handle_of(Kind::I2c));
    // Nine one-byte reads: more operations than allowed.
    let nine: Vec<u32> = (0..9).flat_map(|k| [0, 1000 + k, 1]).collect();
    let case = Case::call("spi.transaction", m, &i(&[spi, 0, 9])).with_write(0, &le(&nine));
    assert_eq!(error(&run(&case)), Some(Errno::TOOBIG));
    // 257 bytes in two operations: more than the bounce buffer.
    let big = le(&[1, 1000, 200, 0, 2000, 57]);
    let case = Case::call("i2c.transaction", m, &i(&[i2c, 0x48, 0, 2])).with_write(0, &big);
    assert_eq!(error(&run(&case)), Some(Errno::TOOBIG));
    // A count whose byte size overflows 32 bits.
    let case = Case::call("spi.transaction", m, &i(&[spi, 0, 0x1555_5556]));
    assert_eq!(error(&run(&case)), FAULT);
    // A delay with a pointer far outside memory: the pointer is ignored.
    let case = Case::call("spi.transaction", m, &i(&[spi, 0, 1]))
        .with_write(0, &le(&[3, 0xFFFF_FFFF, 1000]));
    assert_eq!(error(&run(&case)), None);
}

#[test]
fn bus_buffers_may_overlap_each_other_and_their_descriptors() {
    let m = MemoryShape::bytes_of(64);
    let i2c = i64::from(handle_of(Kind::I2c));
    let spi = i64::from(handle_of(Kind::Spi));
    // Write the register pointer from the same byte that receives the temperature.
    let case = Case::call("i2c.write_read", m, &i(&[i2c, 0x48, 8, 1, 8, 2])).with_write(8, &[0]);
    assert_eq!(error(&run(&case)), None);
    // A transfer in place over its own descriptor, then a read over the first buffer.
    let desc = le(&[2, 0, 12, 0, 4, 8]);
    let case = Case::call("spi.transaction", m, &i(&[spi, 0, 2])).with_write(0, &desc);
    assert_eq!(error(&run(&case)), None);
    // A NACK (no device at 0x10): an error, nothing written.
    let case = Case::call("i2c.read", m, &i(&[i2c, 0x10, 0, 4]));
    assert_eq!(error(&run(&case)), Some(Errno::NXIO));
}

#[test]
fn bad_handles_are_refused_before_the_buffers() {
    let m = MemoryShape::bytes_of(64);
    for handle in [-1, 0, i64::from(handle_of(Kind::I2c)), 1000] {
        let r = run(&Case::call("uart.read", m, &i(&[handle, 0, 4])));
        assert_eq!(error(&r), Some(Errno::BADF), "handle {handle}");
    }
    // Not opened.
    let mut case = Case::call(
        "uart.write",
        m,
        &i(&[i64::from(handle_of(Kind::Uart)), 0, 4]),
    );
    case.open = false;
    assert_eq!(error(&run(&case)), Some(Errno::BADF));
}

#[test]
fn every_function_links_and_survives_zero_and_maximal_arguments() {
    for (index, f) in super::catalogue::CATALOGUE.iter().enumerate() {
        for fill in [0i64, -1] {
            let args: Vec<Val> = f
                .args
                .iter()
                .map(|a| match a {
                    super::catalogue::Arg::I64 => Val::I64(fill),
                    _ => i(&[fill])[0],
                })
                .collect();
            let mut case = Case::call(f.name, MemoryShape::bytes_of(48), &args);
            assert_eq!(case.func, index);
            case.input = b"in".to_vec();
            run(&case);
        }
    }
}

/// A relative clock subscription (`poll_oneoff`) on `clock`, due after `timeout` ns.
fn clock_sub(userdata: u64, clock: u32, timeout: u64) -> Vec<u8> {
    let mut sub = vec![0u8; 48];
    sub[0..8].copy_from_slice(&userdata.to_le_bytes());
    sub[16..20].copy_from_slice(&clock.to_le_bytes());
    sub[24..32].copy_from_slice(&timeout.to_le_bytes());
    sub
}

#[test]
fn poll_oneoff_refuses_events_over_its_subscriptions() {
    // Found by this target (minimized): event 0 (at 64) landed on subscription 1's clock id
    // (at 48 + 16) with its userdata, all ones, so the second pass found an invalid clock and
    // failed with EINVAL after writing the event. Overlapping arrays are now refused first.
    let m = MemoryShape::bytes_of(256);
    let mut subs = clock_sub(u64::MAX, 1, 0);
    subs.extend(clock_sub(0, 1, 0));
    let case = Case::call("poll_oneoff", m, &i(&[0, 64, 2, 200])).with_write(0, &subs);
    assert_eq!(error(&run(&case)), Some(Errno::INVAL));
    // The fuzzer's input: seven realtime clocks at 0 in two 64 KiB pages, events at 0x70.
    let page = MemoryShape {
        page_size_log2: 16,
        pages: 2,
        exported: true,
    };
    let subs: Vec<u8> = (0..7).flat_map(|_| clock_sub(u64::MAX, 0, 0)).collect();
    let mut case = Case::call("poll_oneoff", page, &i(&[0, 0x70, 7, 0])).with_write(0, &subs);
    case.pattern = 0x195f_5f5f;
    case.open = false;
    assert_eq!(error(&run(&case)), Some(Errno::INVAL));
    // Adjacent arrays work: both clocks are due at once.
    let case = Case::call("poll_oneoff", m, &i(&[0, 96, 2, 200])).with_write(0, &subs[..96]);
    let r = run(&case);
    assert_eq!(error(&r), None);
    assert!(r.changed > 0);
}
