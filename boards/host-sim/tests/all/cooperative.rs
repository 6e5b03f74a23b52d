//! Two apps on one board, time-sliced cooperatively: with `Blocking::Yield`, `delay.ms` suspends
//! the call instead of blocking, and a scheduler resumes each app at its wake-up time.

use mote_core::{CallOutcome, Config, Engine, Linker, Module, Store, SuspendedCall};
use mote_host_sim::HostSim;
use mote_platform::{Blocking, Board, Clock, Platform};

/// Toggles `label` `n` times, `ms` milliseconds apart.
fn blinker(label: &str, n: u32, ms: u32) -> String {
    format!(
        r#"(module
          (import "mote:board" "gpio.open" (func $open (param i32 i32 i32) (result i32)))
          (import "mote:board" "gpio.toggle" (func $toggle (param i32) (result i32)))
          (import "mote:board" "delay.ms" (func $delay (param i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "{label}")
          (func (export "_start") (local $pin i32) (local $i i32)
            (local.set $pin (call $open (i32.const 0) (i32.const {len}) (i32.const 1)))
            (loop $next
              (drop (call $toggle (local.get $pin)))
              (drop (call $delay (i32.const {ms})))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (i32.const {n}))))))"#,
        len = label.len()
    )
}

#[test]
fn two_apps_share_the_cpu() {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    let mut linker = Linker::new(&engine);
    mote_platform::add_to_linker(&mut linker, |p: &mut Platform<HostSim>| p).unwrap();
    // Each app has its own store and board view; both trace to one shared log.
    let (_, _, _, trace) = HostSim::captured(b"");
    let mut apps = Vec::new();
    for (label, n, ms) in [("led", 4, 10), ("gpio2", 2, 25)] {
        let module = Module::new(&engine, wat::parse_str(blinker(label, n, ms)).unwrap()).unwrap();
        let board = HostSim::with_io(
            mote_host_sim::Sink::buffer(),
            mote_host_sim::Sink::buffer(),
            mote_host_sim::Source::bytes(b""),
            Some(trace.clone()),
        );
        let platform = Platform::new(board, HostSim::manifest()).with_blocking(Blocking::Yield);
        let mut store = Store::new(&engine, platform);
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let start = instance.get_func(&store, "_start").unwrap();
        apps.push((store, start, None::<SuspendedCall>, 0u64, false));
    }
    // A virtual clock: always run the app that wakes first.
    let mut now = 0u64;
    let mut slices = 0;
    while let Some(i) = (0..apps.len())
        .filter(|&i| !apps[i].4)
        .min_by_key(|&i| apps[i].3)
    {
        let (store, start, suspended, wake, done) = &mut apps[i];
        now = now.max(*wake);
        let outcome = match suspended.take() {
            None => start.call_resumable(&mut *store, &[], &mut []),
            Some(call) => call.resume(&mut *store, &mut []),
        }
        .unwrap();
        slices += 1;
        match outcome {
            CallOutcome::Finished => *done = true,
            CallOutcome::Suspended(call) => {
                // The platform recorded when the delay ends on the board's clock; the
                // scheduler turns that into a wake-up time on its own (virtual) clock.
                let until = store.data_mut().take_wake_at().expect("a delay yielded");
                let board_now = store
                    .data_mut()
                    .board_mut()
                    .now_ns(Clock::Monotonic)
                    .unwrap();
                *wake = now + until.saturating_sub(board_now);
                *suspended = Some(call);
            }
        }
    }
    assert_eq!(
        slices,
        4 + 2 + 2,
        "one slice per delay, plus the final return of each"
    );
    // The led (10 ms) toggles twice before gpio2 (25 ms) toggles the second time.
    let log = trace.contents();
    let order: Vec<&str> = log.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        order,
        [
            "[host-sim] gpio led",
            "[host-sim] gpio gpio2",
            "[host-sim] gpio led",
            "[host-sim] gpio led",
            "[host-sim] gpio gpio2",
            "[host-sim] gpio led",
        ],
        "{log}"
    );
}
