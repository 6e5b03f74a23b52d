//! The differential oracle: a generated module runs in Mote (in each of its engines: the
//! interpreter and, on 64-bit hosts, the JIT) and in wasmi; after every call the results (or
//! trap kinds) and the exported globals, memories and tables must agree.
//!
//! Be careful when reading a divergence: resource exhaustion is *not* a divergence. Stack depth,
//! fuel and host allocation are bounded differently in the two runtimes, so the first call that
//! exhausts one of them in either runtime ends the comparison (`Outcome::Exhausted`).
//! Memory and table growth limits are set equal in both, so `memory.grow` and `table.grow` must
//! fail at the same sizes.

use arbitrary::{Result, Unstructured};
use mote::Limits;

use crate::generate::{self, Purpose};
use crate::mote_side::{FuelMode, MoteEngine, MoteRun};
use crate::outcome::Outcome;
use crate::wasmi_side::WasmiRun;

/// Memory bytes allowed to either runtime (generated memories start at most at 256 KiB).
pub const MEMORY_BYTES: u64 = 1 << 20;
/// Table elements allowed to either runtime.
pub const TABLE_ELEMENTS: u64 = 10_000;

/// What a differential run did, for tests of the harness and for statistics.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Calls whose outcomes were compared.
    pub calls: u32,
    /// Calls that returned in both runtimes.
    pub returned: u32,
    /// Calls that trapped (the same way) in both runtimes.
    pub trapped: u32,
    /// Whether the run ended early on resource exhaustion.
    pub exhausted: bool,
    /// Whether both runtimes failed to instantiate.
    pub both_failed_to_instantiate: bool,
}

/// Generates a module and a call sequence from `data` and compares Mote with wasmi.
///
/// # Errors
/// When `data` is too short to generate anything.
///
/// # Panics
/// On any divergence, with the module's bytes in hex so that it can be reproduced.
pub fn differential(data: &[u8]) -> Result<Report> {
    let mut u = Unstructured::new(data);
    let fuel = match u.int_in_range(0..=2)? {
        0 => FuelMode::Off,
        1 => FuelMode::Plenty,
        _ => FuelMode::Slices(u.int_in_range(1..=64)?),
    };
    let (config, wasm) = generate::module(&mut u, Purpose::Differential)?;
    let calls = u.int_in_range(1..=12)?;
    let mut arg_seed = Vec::new();
    for _ in 0..calls {
        arg_seed.push((u.arbitrary::<u16>()?, u.bytes(64.min(u.len()))?.to_vec()));
    }
    Ok(run_pair(
        &wasm,
        generate::features_for(&config),
        fuel,
        &arg_seed,
    ))
}

/// Runs `wasm` in both runtimes; each entry of `calls` picks an export (by index modulo their
/// number) and the bytes its arguments are drawn from.
///
/// # Panics
/// On any divergence.
pub fn run_pair(
    wasm: &[u8],
    features: mote::Features,
    fuel: FuelMode,
    calls: &[(u16, Vec<u8>)],
) -> Report {
    let limits = Limits {
        memory_bytes: MEMORY_BYTES,
        table_elements: TABLE_ELEMENTS,
        ..Limits::HOST
    };
    let mut report = Report::default();
    let wasmi = WasmiRun::new(wasm, MEMORY_BYTES, TABLE_ELEMENTS);
    let motes: Vec<(MoteEngine, Result<MoteRun, Outcome>)> = MoteEngine::ALL
        .iter()
        .map(|&kind| {
            (
                kind,
                MoteRun::with_engine(kind, wasm, features, limits, fuel),
            )
        })
        .collect();
    if matches!(wasmi, Err(Outcome::Exhausted(_)))
        || motes
            .iter()
            .any(|(_, m)| matches!(m, Err(Outcome::Exhausted(_))))
    {
        report.exhausted = true;
        return report;
    }
    let mut wasmi = match wasmi {
        Ok(w) => w,
        Err(b) => {
            if let Some((kind, _)) = motes.iter().find(|(_, m)| m.is_ok()) {
                panic!(
                    "wasmi fails to instantiate ({b}), Mote ({kind:?}) instantiates\n{}",
                    hex(wasm)
                );
            }
            // All refuse it (a trap in a segment or in the start function): the reasons are
            // worded differently and not compared.
            report.both_failed_to_instantiate = true;
            return report;
        }
    };
    let mut runs = Vec::with_capacity(motes.len());
    for (kind, mote) in motes {
        match mote {
            Ok(m) => runs.push((kind, m)),
            Err(a) => panic!(
                "Mote ({kind:?}) fails to instantiate ({a}), wasmi instantiates\n{}",
                hex(wasm)
            ),
        }
    }
    for (kind, mote) in &runs {
        check_state(*kind, mote, &wasmi, "after instantiation", wasm);
    }
    let funcs = runs[0].1.exported_funcs();
    if funcs.is_empty() {
        return report;
    }
    for (pick, arg_bytes) in calls {
        let (name, params, results) = &funcs[usize::from(*pick) % funcs.len()];
        let mut u = Unstructured::new(arg_bytes);
        let args: Vec<mote::Val> = params
            .iter()
            .map(|ty| generate::arg(&mut u, *ty).unwrap_or(mote::Val::default_for(*ty)))
            .collect();
        let outcomes: Vec<Outcome> = runs.iter_mut().map(|(_, m)| m.call(name, &args)).collect();
        let w = wasmi.call(name, &args, results);
        report.calls += 1;
        if matches!(w, Outcome::Exhausted(_))
            || outcomes.iter().any(|m| matches!(m, Outcome::Exhausted(_)))
        {
            report.exhausted = true;
            return report;
        }
        // Mote's engines must agree with each other before either is compared with wasmi.
        for ((kind, mote), m) in runs.iter().zip(&outcomes).skip(1) {
            assert!(
                m.agrees_with(&outcomes[0]),
                "call {name:?}({args:?}) with fuel {fuel:?}: mote ({kind:?}) {m}, mote ({:?}) {}\n{}",
                runs[0].0,
                outcomes[0],
                hex(wasm)
            );
            if let Some(diff) = runs[0].1.snapshot().difference(&mote.snapshot()) {
                panic!(
                    "exported state differs after {name:?}({args:?}): mote ({:?}) vs mote \
                     ({kind:?}): {diff}\n{}",
                    runs[0].0,
                    hex(wasm)
                );
            }
        }
        for ((kind, _), m) in runs.iter().zip(&outcomes) {
            assert!(
                m.agrees_with(&w),
                "call {name:?}({args:?}) with fuel {fuel:?}: mote ({kind:?}) {m}, wasmi {w}\n{}",
                hex(wasm)
            );
        }
        match outcomes[0] {
            Outcome::Returned(_) => report.returned += 1,
            Outcome::Trapped(_) => report.trapped += 1,
            _ => {}
        }
        for (kind, mote) in &runs {
            check_state(
                *kind,
                mote,
                &wasmi,
                &format!("after {name:?}({args:?})"),
                wasm,
            );
        }
    }
    report
}

fn check_state(kind: MoteEngine, mote: &MoteRun, wasmi: &WasmiRun, when: &str, wasm: &[u8]) {
    if let Some(diff) = mote.snapshot().difference(&wasmi.snapshot()) {
        panic!(
            "exported state differs {when}: mote ({kind:?}) vs wasmi: {diff}\n{}",
            hex(wasm)
        );
    }
}

/// The module's bytes in hex, to paste into a regression test.
pub fn hex(wasm: &[u8]) -> String {
    let mut s = String::from("module bytes: ");
    for b in wasm {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
