use mote_core::{Config, Engine, Store, Val};
use wast::core::{NanPattern, WastRetCore};
use wast::token::{F32, F64};

use super::*;

fn store() -> Store<()> {
    let engine = Engine::new(&Config::default(), mote_interp::Interpreter::new());
    Store::new(&engine, ())
}

#[test]
fn f32_nan_patterns() {
    assert!(is_canonical_nan_f32(0x7fc0_0000));
    assert!(is_canonical_nan_f32(0xffc0_0000));
    assert!(!is_canonical_nan_f32(0x7fc0_0001));
    assert!(!is_canonical_nan_f32(0x7f80_0000), "infinity is not NaN");
    assert!(is_arithmetic_nan_f32(0x7fc0_0000));
    assert!(is_arithmetic_nan_f32(0xffc0_0001));
    assert!(is_arithmetic_nan_f32(0x7fff_ffff));
    assert!(!is_arithmetic_nan_f32(0x7fa0_0000), "signalling NaN");
    assert!(!is_arithmetic_nan_f32(0x3fc0_0000), "a number");
}

#[test]
fn f64_nan_patterns() {
    assert!(is_canonical_nan_f64(0x7ff8_0000_0000_0000));
    assert!(is_canonical_nan_f64(0xfff8_0000_0000_0000));
    assert!(!is_canonical_nan_f64(0x7ff8_0000_0000_0001));
    assert!(
        !is_canonical_nan_f64(0x7ff0_0000_0000_0000),
        "infinity is not NaN"
    );
    assert!(is_arithmetic_nan_f64(0x7ff8_0000_0000_0001));
    assert!(is_arithmetic_nan_f64(0xffff_ffff_ffff_ffff));
    assert!(
        !is_arithmetic_nan_f64(0x7ff4_0000_0000_0000),
        "signalling NaN"
    );
}

#[test]
fn floats_compare_as_bits() {
    let store = store();
    let zero = WastRetCore::F32(NanPattern::Value(F32 { bits: 0 }));
    assert!(matches(&store, &zero, &Val::F32(0)));
    assert!(
        !matches(&store, &zero, &Val::F32(0x8000_0000)),
        "-0 is not +0"
    );
    let one = WastRetCore::F64(NanPattern::Value(F64 {
        bits: 1.0_f64.to_bits(),
    }));
    assert!(matches(&store, &one, &Val::from(1.0_f64)));
    assert!(!matches(&store, &one, &Val::from(1.0_f32)), "wrong type");
    let canonical = WastRetCore::F32(NanPattern::CanonicalNan);
    assert!(matches(&store, &canonical, &Val::F32(0xffc0_0000)));
    assert!(!matches(&store, &canonical, &Val::F32(0x7fc0_0001)));
}

#[test]
fn references() {
    let mut store = store();
    let mut refs = ExternRefs::default();
    let one = refs.get(&mut store, 1);
    assert_eq!(
        one,
        refs.get(&mut store, 1),
        "the same N gives the same handle"
    );
    let two = refs.get(&mut store, 2);
    assert_ne!(one, two);

    let expect_one = WastRetCore::RefExtern(Some(1));
    assert!(matches(&store, &expect_one, &Val::ExternRef(Some(one))));
    assert!(!matches(&store, &expect_one, &Val::ExternRef(Some(two))));
    assert!(!matches(&store, &expect_one, &Val::ExternRef(None)));
    assert!(matches(
        &store,
        &WastRetCore::RefExtern(None),
        &Val::ExternRef(Some(two))
    ));

    let any_null = WastRetCore::RefNull(None);
    assert!(matches(&store, &any_null, &Val::FuncRef(None)));
    assert!(matches(&store, &any_null, &Val::ExternRef(None)));
    assert!(!matches(&store, &any_null, &Val::ExternRef(Some(one))));
    assert!(!matches(
        &store,
        &WastRetCore::RefFunc(None),
        &Val::FuncRef(None)
    ));
}

#[test]
fn arguments_and_expected_results_parse_from_text() {
    let text =
        "invoke \"f\" (i32.const -1) (f32.const nan:0x200000) (ref.null extern) (ref.extern 7)";
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let invoke = wast::parser::parse::<wast::WastInvoke<'_>>(&buf).expect("parses");
    let mut store = store();
    let mut refs = ExternRefs::default();
    let vals: Vec<Val> = invoke
        .args
        .iter()
        .map(|a| match a {
            wast::WastArg::Core(core) => arg(core, &mut store, &mut refs).expect("supported"),
            other => panic!("unexpected argument {other:?}"),
        })
        .collect();
    assert_eq!(vals[0], Val::I32(-1));
    assert_eq!(vals[1], Val::F32(0x7fa0_0000));
    assert_eq!(vals[2], Val::ExternRef(None));
    assert_eq!(show_val(&store, &vals[3]), "ref.extern 7");
}
