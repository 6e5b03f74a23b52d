//! Every workload on Mote at a tiny size, checked against native code.

use crate::engines::{Mote, Runtime};
use crate::workloads::{EXECUTE, Guest, HOST_CALLS};

#[test]
fn every_workload_on_mote_matches_native_code() {
    check_every_workload(&Mote::new());
}

#[cfg(target_pointer_width = "64")]
#[test]
fn every_workload_on_the_jit_matches_native_code() {
    check_every_workload(&Mote::jit().unwrap());
}

fn check_every_workload(mote: &Mote) {
    // The generated module has no workloads (compile time only; a debug build of the JIT
    // takes a minute on it).
    for guest in Guest::ALL.into_iter().filter(|g| *g != Guest::Large) {
        let module = mote.compile(guest.wasm()).unwrap();
        let mut instance = mote.instantiate(&module).unwrap();
        for workload in EXECUTE
            .iter()
            .chain([&HOST_CALLS])
            .filter(|w| w.guest == guest)
        {
            // Twice: the guests reset their heap on entry, so a second call must agree too.
            for _ in 0..2 {
                let got = mote
                    .call(&mut instance, workload.export, workload.test_size)
                    .unwrap();
                assert_eq!(
                    got,
                    workload.expected(workload.test_size),
                    "{}",
                    workload.name
                );
            }
        }
    }
}

#[test]
fn the_report_has_every_row() {
    use crate::report::{EngineTimes, header, tables};
    use std::time::Duration;
    let ms = Duration::from_millis(1);
    let engine = EngineTimes {
        name: "mote",
        compile: vec![Ok(ms); Guest::ALL.len()],
        instantiate: vec![Ok(ms); Guest::ALL.len()],
        execute: vec![Ok(ms); EXECUTE.len()],
        host_calls: Ok(ms),
    };
    let mut failing = engine.clone();
    failing.name = "other";
    failing.execute[1] = Err("unsupported opcode".into());
    let text = tables(&vec![ms; EXECUTE.len() + 1], &[engine, failing]);
    for workload in EXECUTE {
        assert!(text.contains(workload.name), "{text}");
    }
    assert!(text.contains("**geomean vs native**"), "{text}");
    assert!(
        text.contains("fails (1)") && text.contains("1. unsupported opcode"),
        "{text}"
    );
    assert!(text.contains("(7 of 8)"), "{text}");
    assert!(header(&["mote"]).contains("- date: "));
}
