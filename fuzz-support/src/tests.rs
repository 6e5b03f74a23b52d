//! Tests of the harness itself, and the smoke run of every fuzz target over a fixed seed
//! corpus (what the test command runs where `cargo fuzz` is not available).

use std::time::{Duration, Instant};

use arbitrary::Unstructured;
use mote::{Features, Limits, TrapCode, Val};

use crate::differential::{self, run_pair};
use crate::generate::{self, Purpose};
use crate::host_calls;
use crate::mote_side::{FuelMode, MoteRun};
use crate::oracles;
use crate::outcome::{Outcome, Snapshot, TrapKind, Value};
use crate::wasmi_side::WasmiRun;

/// Deterministic pseudo-random bytes (SplitMix64), so the smoke corpus is the same everywhere.
fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xdead_beef;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Runs `target` over seeds of growing size until `count` seeds or `budget` have passed, and
/// returns how many ran.
fn smoke(count: u64, budget: Duration, mut target: impl FnMut(&[u8])) -> u64 {
    let start = Instant::now();
    let mut ran = 0;
    for seed in 0..count {
        if start.elapsed() > budget {
            break;
        }
        let len = 64 + usize::try_from(seed % 32).unwrap_or(0) * 256;
        target(&seed_bytes(seed, len));
        ran += 1;
    }
    ran
}

/// As [`smoke`], with inputs of `base + (seed % 8) * step` bytes.
fn smoke_n(count: u64, base: usize, step: usize, mut target: impl FnMut(&[u8])) -> u64 {
    let start = Instant::now();
    let mut ran = 0;
    for seed in 0..count {
        if start.elapsed() > SMOKE_BUDGET {
            break;
        }
        let len = base + usize::try_from(seed % 8).unwrap_or(0) * step;
        target(&seed_bytes(seed, len));
        ran += 1;
    }
    ran
}

const SMOKE_BUDGET: Duration = Duration::from_secs(8);

#[test]
fn smoke_decode_validate() {
    // Random bytes rarely get past the header, so mutate generated modules too.
    let ran = smoke(400, SMOKE_BUDGET, |data| {
        oracles::decode_validate(data);
        let mut u = Unstructured::new(data);
        if let Ok((_, mut wasm)) = generate::module(&mut u, Purpose::Translate) {
            oracles::decode_validate(&wasm);
            for (i, b) in data.iter().take(8).enumerate() {
                if wasm.is_empty() {
                    break;
                }
                let at = (usize::from(*b) * 131 + i * 977) % wasm.len();
                wasm[at] ^= b | 1;
                oracles::decode_validate(&wasm);
            }
            wasm.truncate(wasm.len() / 2);
            oracles::decode_validate(&wasm);
        }
    });
    assert!(ran >= 20, "only {ran} seeds ran");
}

#[test]
fn smoke_translate() {
    let ran = smoke(300, SMOKE_BUDGET, |data| {
        let _ = oracles::translate(data);
    });
    assert!(ran >= 20, "only {ran} seeds ran");
}

#[test]
fn smoke_execute() {
    let mut executed = 0;
    let ran = smoke(300, SMOKE_BUDGET, |data| {
        executed += u32::from(oracles::execute(data).is_ok());
    });
    eprintln!("{ran} seeds, {executed} modules executed");
    assert!(ran >= 20, "only {ran} seeds ran");
}

#[test]
fn smoke_image() {
    let mut loaded = 0;
    let ran = smoke(300, SMOKE_BUDGET, |data| {
        loaded += u32::from(crate::image::image(data).is_ok());
    });
    eprintln!("{ran} seeds, {loaded} images generated");
    assert!(ran >= 20, "only {ran} seeds ran");
}

#[cfg(target_pointer_width = "64")]
#[test]
fn smoke_jit_vs_interp() {
    let (mut compared, mut returned, mut trapped) = (0, 0, 0);
    let ran = smoke(300, SMOKE_BUDGET, |data| {
        if let Ok(report) = crate::jit_vs_interp::jit_vs_interp(data) {
            compared += report.calls;
            returned += report.returned;
            trapped += report.trapped;
        }
    });
    eprintln!("{ran} seeds, {compared} calls compared: {returned} returned, {trapped} trapped");
    assert!(ran >= 20, "only {ran} seeds ran");
    assert!(compared > 0, "no call was compared");
}

#[test]
fn smoke_differential() {
    let (mut compared, mut returned, mut trapped, mut exhausted, mut modules) = (0, 0, 0, 0, 0);
    let ran = smoke(300, SMOKE_BUDGET, |data| {
        if let Ok(report) = differential::differential(data) {
            modules += 1;
            compared += report.calls;
            returned += report.returned;
            trapped += report.trapped;
            exhausted += u32::from(report.exhausted);
        }
    });
    eprintln!(
        "{ran} seeds, {modules} modules, {compared} calls compared: {returned} returned, \
         {trapped} trapped; {exhausted} runs ended on exhaustion"
    );
    assert!(ran >= 20, "only {ran} seeds ran");
    assert!(compared > 0, "no call was compared");
}

#[test]
fn generated_modules_are_valid_for_mote_and_wasmi() {
    for seed in 0..40 {
        let data = seed_bytes(seed, 4096);
        let mut u = Unstructured::new(&data);
        let Ok((config, wasm)) = generate::module(&mut u, Purpose::Differential) else {
            continue;
        };
        let features = generate::features_for(&config);
        let engine = mote::engine(&generate::mote_config(features, Limits::HOST, false));
        if let Err(e) = mote::Module::new(&engine, &wasm) {
            panic!("seed {seed}: {e}");
        }
        let mut config = wasmi::Config::default();
        config
            .wasm_custom_page_sizes(true)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true);
        let engine = wasmi::Engine::new(&config);
        if let Err(e) = wasmi::Module::new(&engine, &wasm) {
            panic!("seed {seed}: wasmi rejects a generated module: {e}");
        }
    }
}

#[test]
fn values_compare_nan_aware() {
    assert!(Value::F32(0x7fc0_0000).same(&Value::F32(0xffc0_0001)));
    assert!(Value::F64(0x7ff8_0000_0000_0000).same(&Value::F64(0x7ff0_0000_0000_0001)));
    assert!(
        !Value::F32(0).same(&Value::F32(0x8000_0000)),
        "-0.0 is not 0.0"
    );
    assert!(
        !Value::F32(0x7f80_0000).same(&Value::F32(0x7fc0_0000)),
        "inf is not NaN"
    );
    assert!(!Value::I32(1).same(&Value::I64(1)));
    assert!(Value::FuncRef(true).same(&Value::FuncRef(true)));
    assert!(!Value::FuncRef(true).same(&Value::FuncRef(false)));
}

#[test]
fn trap_codes_map_onto_one_set() {
    assert_eq!(
        TrapKind::from_mote(TrapCode::UndefinedElement),
        TrapKind::from_wasmi(wasmi::TrapCode::TableOutOfBounds)
    );
    assert_eq!(
        TrapKind::from_mote(TrapCode::Unreachable),
        TrapKind::from_wasmi(wasmi::TrapCode::UnreachableCodeReached)
    );
    assert_eq!(TrapKind::from_mote(TrapCode::StackOverflow), None);
    assert_eq!(TrapKind::from_wasmi(wasmi::TrapCode::StackOverflow), None);
}

#[test]
fn outcomes_agree_only_when_equal() {
    let ret = |v| Outcome::Returned(vec![Value::I32(v)]);
    assert!(ret(1).agrees_with(&ret(1)));
    assert!(!ret(1).agrees_with(&ret(2)));
    assert!(!ret(1).agrees_with(&Outcome::Trapped(TrapKind::Unreachable)));
    assert!(
        !Outcome::Trapped(TrapKind::Unreachable)
            .agrees_with(&Outcome::Trapped(TrapKind::MemoryOutOfBounds))
    );
    assert!(Outcome::Exhausted("stack".into()).agrees_with(&ret(3)));
}

#[test]
fn snapshots_report_the_first_difference() {
    let a = Snapshot {
        globals: vec![("g".into(), Value::I32(1))],
        memories: vec![("m".into(), vec![0, 1, 2])],
        tables: vec![],
    };
    assert_eq!(a.difference(&a.clone()), None);
    let mut b = a.clone();
    b.memories[0].1[2] = 9;
    let diff = a.difference(&b).expect("a difference");
    assert!(diff.contains("byte 2"), "{diff}");
    let mut c = a.clone();
    c.globals[0].1 = Value::I32(2);
    assert!(a.difference(&c).is_some());
}

/// Every kind of trap, globals, memory growth and a loop long enough to need many fuel slices.
const HANDWRITTEN: &str = r#"
(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (memory (export "mem") 1 4)
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) func $count)
  (func $count (export "count") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (global.set $g (local.get 1))
      (i32.store8 (local.get 1) (local.get 1))
      (br 0)))
    (local.get 1))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (param i32) (result i32) (i32.const 5) (local.get 0)))
  (func (export "nan") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1))))
"#;

fn arg_bytes(pick: u16, args: &[i32]) -> (u16, Vec<u8>) {
    // `generate::arg` reads a ratio byte, then the value: an odd ratio byte and four value
    // bytes give a uniform (not special) integer. Build the bytes it will read.
    let mut bytes = Vec::new();
    for a in args {
        bytes.push(0xff);
        bytes.extend_from_slice(&a.to_le_bytes());
    }
    (pick, bytes)
}

#[test]
fn handwritten_module_agrees_in_every_fuel_mode() {
    let wasm = wat::parse_str(HANDWRITTEN).unwrap();
    // Export order: g, mem, tab, count, div, load, grow, indirect, nan (functions only: 0..6).
    let calls = [
        arg_bytes(0, &[100]),
        arg_bytes(1, &[7, 0]),
        arg_bytes(1, &[i32::MIN, -1]),
        arg_bytes(1, &[-7, 2]),
        arg_bytes(2, &[65530]),
        arg_bytes(2, &[8]),
        arg_bytes(3, &[2]),
        arg_bytes(3, &[5]),
        arg_bytes(4, &[0]),
        arg_bytes(4, &[1]),
        arg_bytes(4, &[2]),
        arg_bytes(5, &[0]),
    ];
    for fuel in [
        FuelMode::Off,
        FuelMode::Plenty,
        FuelMode::Slices(1),
        FuelMode::Slices(7),
    ] {
        let report = run_pair(&wasm, Features::default(), fuel, &calls);
        assert_eq!(report.calls, 12, "{fuel:?}: {report:?}");
        assert!(!report.exhausted, "{fuel:?}: {report:?}");
        assert!(report.trapped >= 4, "{fuel:?}: {report:?}");
        assert!(report.returned >= 5, "{fuel:?}: {report:?}");
    }
}

#[test]
fn sliced_calls_resume_many_times_and_give_the_same_result() {
    let wasm = wat::parse_str(HANDWRITTEN).unwrap();
    let mut run = MoteRun::new(
        &wasm,
        Features::default(),
        Limits::HOST,
        FuelMode::Slices(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run.call("count", &[Val::I32(50)]);
    assert!(
        out.agrees_with(&Outcome::Returned(vec![Value::I32(50)])),
        "{out}"
    );
    assert!(run.resumes > 50, "only {} resumptions", run.resumes);
    let mut wasmi = WasmiRun::new(&wasm, 1 << 20, 100).unwrap_or_else(|e| panic!("{e}"));
    let w = wasmi.call("count", &[Val::I32(50)], &[mote::ValType::I32]);
    assert!(out.agrees_with(&w));
    assert_eq!(run.snapshot().difference(&wasmi.snapshot()), None);
}

#[test]
fn growth_fails_at_the_same_size_in_both() {
    let wasm = wat::parse_str(
        r#"(module (memory (export "m") 1) (table (export "t") 1 externref)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
             (func (export "tgrow") (param i32) (result i32)
               (table.grow (ref.null extern) (local.get 0))))"#,
    )
    .unwrap();
    let calls = [
        arg_bytes(0, &[10]),
        arg_bytes(0, &[10]),
        arg_bytes(0, &[1000]),
        arg_bytes(1, &[9_990]),
        arg_bytes(1, &[10]),
        arg_bytes(1, &[-1]),
    ];
    let report = run_pair(&wasm, Features::default(), FuelMode::Off, &calls);
    assert_eq!(report.returned, 6, "{report:?}");
}

/// Inputs that once hung or crashed a target (files in `regressions/`, named after the bug).
#[test]
fn image_regressions() {
    // A mutated image whose loop skipped its fuel check: it ran forever on an engine that
    // meters fuel. The loader now refuses code that can loop or recurse without paying.
    let data = include_bytes!("../regressions/image-fuel-bypass.bin");
    let start = Instant::now();
    let _ = crate::image::image(data);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the input still runs for long"
    );
}

#[test]
fn smoke_host_calls() {
    // Per function: (cases, successes).
    let mut seen: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    let ran = smoke_n(4000, 64, 32, |data| {
        if let Ok(report) = host_calls::host_calls(data) {
            let entry = seen.entry(report.name).or_default();
            entry.0 += 1;
            entry.1 += u32::from(report.error.is_none());
        }
    });
    eprintln!("{ran} cases: {seen:?}");
    assert!(ran >= 1000, "only {ran} cases ran");
    for f in host_calls::catalogue::CATALOGUE {
        let (calls, successes) = seen.get(f.name).copied().unwrap_or_default();
        assert!(calls > 0, "{} was never called", f.name);
        if f.always_fails_with().is_none() {
            assert!(successes > 0, "{} never succeeded in {calls} calls", f.name);
        }
    }
}
