use mote_spec_bundle::command::{Expected, FloatPattern, NullKind, Value};

use super::*;

#[test]
fn arguments_parse_from_text() {
    let text = "invoke \"f\" (i32.const -1) (f32.const nan:0x200000) (ref.null extern) \
                (ref.extern 7) (ref.null func) (v128.const i32x4 0 0 0 0) (ref.host 1)";
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let invoke = wast::parser::parse::<wast::WastInvoke<'_>>(&buf).expect("parses");
    let vals: Vec<Value<'_>> = invoke.args.iter().map(arg).collect();
    assert_eq!(
        vals,
        [
            Value::I32(-1),
            Value::F32(0x7fa0_0000),
            Value::NullExternRef,
            Value::ExternRef(7),
            Value::NullFuncRef,
            Value::Unsupported("v128 value".into()),
            Value::Unsupported("ref.host 1".into()),
        ]
    );
}

#[test]
fn expected_results_parse_from_text() {
    let text = "assert_return (invoke \"f\") (f64.const nan:canonical) (f32.const -0) \
                (ref.null) (ref.null func) (ref.func) (ref.extern) (ref.extern 3) \
                (either (i32.const 1) (i64.const 2)) (ref.i31)";
    let buf = wast::parser::ParseBuffer::new(text).expect("lexes");
    let wast::WastDirective::AssertReturn { results, .. } =
        wast::parser::parse::<wast::WastDirective<'_>>(&buf).expect("parses")
    else {
        panic!("an assert_return");
    };
    let expected: Vec<Expected<'_>> = results.iter().map(expected).collect();
    assert_eq!(
        expected[..8],
        [
            Expected::F64(FloatPattern::CanonicalNan),
            Expected::F32(FloatPattern::Bits(0x8000_0000)),
            Expected::RefNull(None),
            Expected::RefNull(Some(NullKind::Func)),
            Expected::RefFunc,
            Expected::RefExtern(None),
            Expected::RefExtern(Some(3)),
            Expected::Either(vec![Expected::I32(1), Expected::I64(2)]),
        ]
    );
    assert!(matches!(expected[8], Expected::Unsupported(_)));
}
