//! The JIT against the interpreter: a generated module runs in both of Mote's engines, with
//! the same limits and the same fuel mode; after every call the results or trap kinds, the
//! exported globals, memories and tables, and the remaining fuel must be equal. Unlike the
//! comparison with wasmi, exhaustion must agree too: both engines count stack and fuel alike.

use arbitrary::{Result, Unstructured};
use mote::Limits;

use crate::differential::{MEMORY_BYTES, Report, TABLE_ELEMENTS, hex};
use crate::generate::{self, Purpose};
use crate::mote_side::{FuelMode, MoteEngine, MoteRun};
use crate::outcome::Outcome;

/// Generates a module and calls from `data` and runs them on the interpreter and the JIT.
///
/// # Errors
/// When `data` is too short to generate anything.
///
/// # Panics
/// On any difference, with the module's bytes in hex.
pub fn jit_vs_interp(data: &[u8]) -> Result<Report> {
    let mut u = Unstructured::new(data);
    let fuel = match u.int_in_range(0..=2)? {
        0 => FuelMode::Off,
        1 => FuelMode::Plenty,
        _ => FuelMode::Slices(u.int_in_range(1..=64)?),
    };
    let (config, wasm) = generate::module(&mut u, Purpose::Differential)?;
    let features = generate::features_for(&config);
    let limits = Limits {
        memory_bytes: MEMORY_BYTES,
        table_elements: TABLE_ELEMENTS,
        ..Limits::HOST
    };
    let mut report = Report::default();
    let interp = MoteRun::with_engine(MoteEngine::Interp, &wasm, features, limits, fuel);
    let jit = MoteRun::with_engine(MoteEngine::Jit, &wasm, features, limits, fuel);
    let (mut interp, mut jit) = match (interp, jit) {
        (Ok(i), Ok(j)) => (i, j),
        (Err(_), Err(_)) => {
            report.both_failed_to_instantiate = true;
            return Ok(report);
        }
        (i, j) => panic!(
            "instantiation: interpreter {:?}, JIT {:?}\n{}",
            i.err(),
            j.err(),
            hex(&wasm)
        ),
    };
    let funcs = interp.exported_funcs();
    if funcs.is_empty() {
        return Ok(report);
    }
    for _ in 0..u.int_in_range(1..=12)? {
        let (name, params, _) = &funcs[usize::from(u.arbitrary::<u16>()?) % funcs.len()];
        let args = generate::args(&mut u, params)?;
        let a = interp.call(name, &args);
        let b = jit.call(name, &args);
        report.calls += 1;
        let same = match (&a, &b) {
            (Outcome::Exhausted(_), Outcome::Exhausted(_)) => true,
            (Outcome::Exhausted(_), _) | (_, Outcome::Exhausted(_)) => false,
            _ => a.agrees_with(&b),
        };
        assert!(
            same,
            "{name}({args:?}), fuel {fuel:?}: interpreter {a}, JIT {b}\n{}",
            hex(&wasm)
        );
        if let Some(diff) = interp.snapshot().difference(&jit.snapshot()) {
            panic!("state after {name}({args:?}): {diff}\n{}", hex(&wasm));
        }
        let fuel_left = [&mut interp, &mut jit].map(|r| r.store_mut().get_fuel().ok());
        assert_eq!(
            fuel_left[0],
            fuel_left[1],
            "fuel left after {name}({args:?})\n{}",
            hex(&wasm)
        );
        match a {
            Outcome::Returned(_) => report.returned += 1,
            Outcome::Trapped(_) => report.trapped += 1,
            Outcome::Exhausted(_) => {
                report.exhausted = true;
                break;
            }
            Outcome::Failed(_) => {}
        }
    }
    Ok(report)
}
