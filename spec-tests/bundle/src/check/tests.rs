use mote_core::{Config, Engine, Store, Val};

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
    let zero = Expected::F32(FloatPattern::Bits(0));
    assert!(matches(&store, &zero, &Val::F32(0)));
    assert!(
        !matches(&store, &zero, &Val::F32(0x8000_0000)),
        "-0 is not +0"
    );
    let one = Expected::F64(FloatPattern::Bits(1.0_f64.to_bits()));
    assert!(matches(&store, &one, &Val::from(1.0_f64)));
    assert!(!matches(&store, &one, &Val::from(1.0_f32)), "wrong type");
    let canonical = Expected::F32(FloatPattern::CanonicalNan);
    assert!(matches(&store, &canonical, &Val::F32(0xffc0_0000)));
    assert!(!matches(&store, &canonical, &Val::F32(0x7fc0_0001)));
}

#[test]
fn references() {
    let mut store = store();
    let one = store.new_extern_ref(1_u32);
    let two = store.new_extern_ref(2_u32);

    let expect_one = Expected::RefExtern(Some(1));
    assert!(matches(&store, &expect_one, &Val::ExternRef(Some(one))));
    assert!(!matches(&store, &expect_one, &Val::ExternRef(Some(two))));
    assert!(!matches(&store, &expect_one, &Val::ExternRef(None)));
    assert!(matches(
        &store,
        &Expected::RefExtern(None),
        &Val::ExternRef(Some(two))
    ));

    let any_null = Expected::RefNull(None);
    assert!(matches(&store, &any_null, &Val::FuncRef(None)));
    assert!(matches(&store, &any_null, &Val::ExternRef(None)));
    assert!(!matches(&store, &any_null, &Val::ExternRef(Some(one))));
    assert!(!matches(
        &store,
        &Expected::RefNull(Some(NullKind::Func)),
        &Val::ExternRef(None)
    ));
    assert!(!matches(&store, &Expected::RefFunc, &Val::FuncRef(None)));
    assert_eq!(show_val(&store, &Val::ExternRef(Some(two))), "ref.extern 2");
}

#[test]
fn unsupported_patterns_match_nothing() {
    let store = store();
    let pattern = Expected::Unsupported("v128".into());
    assert!(!matches(&store, &pattern, &Val::I32(0)));
    let either = Expected::Either(alloc::vec![pattern, Expected::I32(3)]);
    assert!(matches(&store, &either, &Val::I32(3)));
    assert_eq!(show_expected(&either), "either(v128 | i32:3)");
    assert_eq!(
        match_results(&store, &[Expected::I32(2)], &[Val::I32(1)]),
        Err("expected [i32:2], got [i32:1]".into())
    );
}

#[test]
fn trap_messages_match_loosely() {
    assert!(trap_messages_match("unreachable", "unreachable"));
    assert!(trap_messages_match(
        "out of bounds",
        "out of bounds memory access"
    ));
    assert!(trap_messages_match(
        "integer divide by zero (extra)",
        "integer divide by zero"
    ));
    assert!(!trap_messages_match(
        "undefined element",
        "uninitialized element"
    ));
}
