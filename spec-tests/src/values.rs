//! Values in `.wast` scripts: arguments and expected results as the executor's
//! [`Value`]s and [`Expected`] patterns (matching them is `mote_spec_bundle::check`).

use mote_spec_bundle::command::{Expected, FloatPattern, NullKind, Value};
use mote_spec_bundle::format::MAX_EITHER_DEPTH;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

#[cfg(test)]
mod tests;

/// Converts a `.wast` argument; values Mote has no type for (`v128`, GC and host references)
/// become [`Value::Unsupported`], which fails the call that passes them.
pub(crate) fn arg(arg: &WastArg<'_>) -> Value<'static> {
    let WastArg::Core(core) = arg else {
        return Value::Unsupported(format!("{arg:?}").into());
    };
    match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::RefNull(heap) => match null_kind(heap) {
            Some(NullKind::Func) => Value::NullFuncRef,
            Some(NullKind::Extern) => Value::NullExternRef,
            None => Value::Unsupported(format!("ref.null {heap:?}").into()),
        },
        WastArgCore::RefExtern(n) => Value::ExternRef(*n),
        WastArgCore::V128(_) => Value::Unsupported("v128 value".into()),
        WastArgCore::RefHost(n) => Value::Unsupported(format!("ref.host {n}").into()),
    }
}

/// Which null reference a heap type stands for.
fn null_kind(heap: &HeapType<'_>) -> Option<NullKind> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
        } => Some(NullKind::Func),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
        } => Some(NullKind::Extern),
        _ => None,
    }
}

/// Converts an expected result of an `assert_return`; patterns Mote has no type for become
/// [`Expected::Unsupported`], which matches nothing.
pub(crate) fn expected(ret: &WastRet<'_>) -> Expected<'static> {
    match ret {
        WastRet::Core(core) => expected_core(core, 0),
        // Component-model values: not core Wasm.
        other => Expected::Unsupported(format!("{other:?}").into()),
    }
}

fn expected_core(ret: &WastRetCore<'_>, depth: u32) -> Expected<'static> {
    match ret {
        WastRetCore::I32(v) => Expected::I32(*v),
        WastRetCore::I64(v) => Expected::I64(*v),
        WastRetCore::F32(pattern) => Expected::F32(match pattern {
            NanPattern::CanonicalNan => FloatPattern::CanonicalNan,
            NanPattern::ArithmeticNan => FloatPattern::ArithmeticNan,
            NanPattern::Value(v) => FloatPattern::Bits(v.bits),
        }),
        WastRetCore::F64(pattern) => Expected::F64(match pattern {
            NanPattern::CanonicalNan => FloatPattern::CanonicalNan,
            NanPattern::ArithmeticNan => FloatPattern::ArithmeticNan,
            NanPattern::Value(v) => FloatPattern::Bits(v.bits),
        }),
        WastRetCore::RefNull(None) => Expected::RefNull(None),
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(kind) => Expected::RefNull(Some(kind)),
            None => Expected::Unsupported(format!("ref.null {heap:?}").into()),
        },
        // With or without an index: any non-null function reference (the index would need the
        // function index space of the exporting module).
        WastRetCore::RefFunc(_) => Expected::RefFunc,
        WastRetCore::RefExtern(n) => Expected::RefExtern(*n),
        WastRetCore::Either(options) if depth < MAX_EITHER_DEPTH => Expected::Either(
            options
                .iter()
                .map(|option| expected_core(option, depth + 1))
                .collect(),
        ),
        other => Expected::Unsupported(format!("{other:?}").into()),
    }
}
