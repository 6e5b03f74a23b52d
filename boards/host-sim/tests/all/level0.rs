//! Level 0 (`wasi_snapshot_preview1`) on host-sim.

use mote_core::{CallOutcome, SuspendReason, Val};
use mote_platform::Blocking;

use crate::Guest;

#[test]
fn fd_write_goes_to_the_console() {
    let mut g = Guest::new(b"");
    g.poke(1000, b"hello, ");
    g.poke(1100, b"world\n");
    // Two iovecs at 100.
    let iovs: Vec<u8> = [1000u32, 7, 1100, 6]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    g.poke(100, &iovs);
    assert_eq!(g.call_i("fd_write", &[1, 100, 2, 200]), 0);
    assert_eq!(g.peek_u32(200), 13);
    assert_eq!(g.out.contents(), "hello, world\n");
    assert_eq!(g.call_i("fd_write", &[2, 100, 1, 200]), 0);
    assert_eq!(g.err.contents(), "hello, ");
    assert_eq!(g.call_i("fd_write", &[3, 100, 1, 200]), 8, "EBADF");
    assert_eq!(g.call_i("fd_write", &[0, 100, 1, 200]), 8, "EBADF");
}

#[test]
fn fd_read_reads_stdin() {
    let mut g = Guest::new(b"abc");
    g.poke(100, &[0xE8, 3, 0, 0, 10, 0, 0, 0]);
    assert_eq!(g.call_i("fd_read", &[0, 100, 1, 200]), 0);
    assert_eq!((g.peek_u32(200), g.peek(1000, 3)), (3, b"abc".to_vec()));
    assert_eq!(g.call_i("fd_read", &[0, 100, 1, 200]), 0);
    assert_eq!(g.peek_u32(200), 0, "end of input");
    assert_eq!(g.call_i("fd_read", &[1, 100, 1, 200]), 8, "EBADF");
}

#[test]
fn args_and_environment() {
    let mut g = Guest::with(b"", Blocking::Delay, &["prog", "-v"], &["A=1", "LANG=C"]);
    assert_eq!(g.call_i("args_sizes_get", &[100, 104]), 0);
    assert_eq!((g.peek_u32(100), g.peek_u32(104)), (2, 8));
    assert_eq!(g.call_i("args_get", &[200, 300]), 0);
    assert_eq!((g.peek_u32(200), g.peek_u32(204)), (300, 305));
    assert_eq!(g.peek(300, 8), b"prog\0-v\0");
    assert_eq!(g.call_i("environ_sizes_get", &[100, 104]), 0);
    assert_eq!((g.peek_u32(100), g.peek_u32(104)), (2, 11));
    assert_eq!(g.call_i("environ_get", &[200, 300]), 0);
    assert_eq!(g.peek(300, 11), b"A=1\0LANG=C\0");
}

#[test]
fn clocks_and_random() {
    let mut g = Guest::new(b"");
    let clock = |id: i32, at: i32| vec![Val::I32(id), Val::I64(1), Val::I32(at)];
    assert_eq!(g.call("clock_time_get", &clock(0, 100)), 0);
    let wall = u64::from_le_bytes(g.peek(100, 8).try_into().unwrap());
    assert!(wall > 1_577_836_800_000_000_000, "after 2020: {wall}");
    assert_eq!(g.call("clock_time_get", &clock(1, 100)), 0);
    assert_eq!(g.call_i("delay.ms", &[3]), 0);
    assert_eq!(g.call("clock_time_get", &clock(1, 108)), 0);
    let t0 = u64::from_le_bytes(g.peek(100, 8).try_into().unwrap());
    let t1 = u64::from_le_bytes(g.peek(108, 8).try_into().unwrap());
    assert!(t1 >= t0 + 3_000_000, "{t0} {t1}");
    assert_eq!(g.call("clock_time_get", &clock(9, 100)), 28, "EINVAL");
    assert_eq!(g.call_i("clock_res_get", &[1, 100]), 0);
    assert!(u64::from_le_bytes(g.peek(100, 8).try_into().unwrap()) > 0);
    assert_eq!(g.call_i("random_get", &[1000, 64]), 0);
    let a = g.peek(1000, 64);
    assert_eq!(g.call_i("random_get", &[1000, 64]), 0);
    assert_ne!(a, g.peek(1000, 64));
    assert_eq!(
        g.call_i("random_get", &[1000, 600]),
        0,
        "longer than the bounce buffer"
    );
}

#[test]
fn poll_oneoff_sleeps_on_clocks() {
    let mut g = Guest::new(b"");
    // Two relative monotonic clocks: 5 ms (userdata 7) and 2 ms (userdata 9).
    for (i, (userdata, ms)) in [(7u64, 5u64), (9, 2)].into_iter().enumerate() {
        let mut sub = [0u8; 48];
        sub[0..8].copy_from_slice(&userdata.to_le_bytes());
        sub[16] = 1;
        sub[24..32].copy_from_slice(&(ms * 1_000_000).to_le_bytes());
        g.poke(400 + 48 * i, &sub);
    }
    let before = g.store.data().board().delay.slept_ns;
    assert_eq!(g.call_i("poll_oneoff", &[400, 600, 2, 700]), 0);
    assert_eq!(g.store.data().board().delay.slept_ns - before, 2_000_000);
    assert_eq!(g.peek_u32(700), 1);
    assert_eq!(g.peek(600, 8), 9u64.to_le_bytes());
    assert_eq!(g.peek(608, 3), [0, 0, 0], "no error, clock event");
    assert_eq!(g.call_i("poll_oneoff", &[400, 600, 0, 700]), 28, "EINVAL");
}

#[test]
fn poll_oneoff_refuses_events_over_its_subscriptions() {
    // Found by the `host_calls` fuzz target: event 0 (at 464) was written over subscription
    // 1's clock id (at 448 + 16) with its userdata (all ones), making it invalid, and the call
    // then failed with EINVAL after writing to guest memory.
    let mut g = Guest::new(b"");
    for i in 0..2 {
        let mut sub = [0u8; 48];
        sub[0..8].copy_from_slice(&u64::MAX.to_le_bytes());
        sub[16] = 1;
        g.poke(400 + 48 * i, &sub);
    }
    for events in [464, 400, 400 - 32 * 2 + 1, 400 + 48 * 2 - 1] {
        let memory = g.memory();
        assert_eq!(
            g.call_i("poll_oneoff", &[400, events, 2, 700]),
            28,
            "EINVAL for events at {events}"
        );
        assert!(g.memory() == memory, "events at {events}: memory changed");
    }
    // Adjacent arrays are fine.
    for events in [400 - 32 * 2, 400 + 48 * 2] {
        assert_eq!(g.call_i("poll_oneoff", &[400, events, 2, 700]), 0);
    }
}

#[test]
fn sched_yield_suspends_a_resumable_call() {
    let mut g = Guest::new(b"");
    let func = g.instance.get_func(&g.store, "sched_yield").unwrap();
    let mut results = [Val::I32(-1)];
    match func
        .call_resumable(&mut g.store, &[], &mut results)
        .unwrap()
    {
        CallOutcome::Suspended(call) => {
            assert_eq!(call.reason(), SuspendReason::Yield);
            assert!(matches!(
                call.resume(&mut g.store, &mut results),
                Ok(CallOutcome::Finished)
            ));
        }
        CallOutcome::Finished => panic!("sched_yield did not yield"),
    }
    assert_eq!(results[0], Val::I32(0));
}

#[test]
fn proc_exit_records_the_status() {
    let mut g = Guest::new(b"");
    let func = g.instance.get_func(&g.store, "proc_exit").unwrap();
    let err = func
        .call(&mut g.store, &[Val::I32(7)], &mut [])
        .unwrap_err();
    assert!(err.to_string().contains("proc_exit(7)"), "{err}");
    assert_eq!(g.store.data().exit_code(), Some(7));
}

#[test]
fn unsupported_functions_link_and_return_enosys() {
    let mut g = Guest::new(b"");
    let args = [1, 2, 3, 4, 5].map(Val::I32);
    assert_eq!(g.call("sock_send", &args), 52);
    let mut args: Vec<Val> = [3, 0, 100, 4, 0].map(Val::I32).to_vec();
    args.extend([Val::I64(0), Val::I64(0), Val::I32(0), Val::I32(200)]);
    assert_eq!(g.call("path_open", &args), 52);
    // There are no preopened directories: wasi-libc stops enumerating at EBADF.
    assert_eq!(g.call_i("fd_prestat_get", &[3, 100]), 8);
    assert_eq!(g.call_i("fd_fdstat_get", &[1, 100]), 0);
    assert_eq!(g.peek(100, 1), [2], "a character device");
}
