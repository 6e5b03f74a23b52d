//! Values in `.wast` scripts: turning arguments into [`Val`]s, matching results against the
//! expected patterns (including `nan:canonical` and `nan:arithmetic`), and printing both.
//!
//! Be careful with floats: they are compared as bits, never as Rust floats, so `-0.0` differs
//! from `0.0` and NaN payloads matter, as in the specification's test harness.

use std::collections::HashMap;

use mote_core::{ExternRef, Store, Val};
use wast::WastRet;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};

#[cfg(test)]
mod tests;

/// The `externref` handles standing for `ref.extern N` in one store: the same `N` always gives
/// the same handle, and the store holds `N` (a `u32`) so results can be read back.
#[derive(Debug, Default)]
pub(crate) struct ExternRefs {
    handles: HashMap<u32, ExternRef>,
}

impl ExternRefs {
    /// The handle for `ref.extern n`, created in `store` on first use.
    pub(crate) fn get(&mut self, store: &mut Store<()>, n: u32) -> ExternRef {
        *self
            .handles
            .entry(n)
            .or_insert_with(|| store.new_extern_ref(n))
    }
}

/// Converts a `.wast` argument to a value.
///
/// # Errors
/// For values Mote has no type for (`v128`, GC and host references).
pub(crate) fn arg(
    arg: &WastArgCore<'_>,
    store: &mut Store<()>,
    refs: &mut ExternRefs,
) -> Result<Val, String> {
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(heap) => match null_kind(heap) {
            Some(NullKind::Func) => Val::FuncRef(None),
            Some(NullKind::Extern) => Val::ExternRef(None),
            None => return Err(format!("unsupported argument: ref.null {heap:?}")),
        },
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(refs.get(store, *n))),
        WastArgCore::V128(_) => return Err("unsupported argument: v128 value".to_string()),
        WastArgCore::RefHost(n) => return Err(format!("unsupported argument: ref.host {n}")),
    })
}

/// Which null reference a heap type stands for.
enum NullKind {
    Func,
    Extern,
}

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

/// Checks `got` against the expected results of an `assert_return`.
///
/// # Errors
/// A message showing both sides when the count or a value differs.
pub(crate) fn match_results(
    store: &Store<()>,
    expected: &[WastRet<'_>],
    got: &[Val],
) -> Result<(), String> {
    let ok = expected.len() == got.len()
        && expected.iter().zip(got).all(|(e, g)| match e {
            WastRet::Core(e) => matches(store, e, g),
            // Component-model values: not core Wasm.
            _ => false,
        });
    if ok {
        Ok(())
    } else {
        let expected: Vec<String> = expected.iter().map(show_expected).collect();
        Err(format!(
            "expected [{}], got {}",
            expected.join(", "),
            show_vals(store, got)
        ))
    }
}

/// Whether one result matches its expected pattern.
pub(crate) fn matches(store: &Store<()>, expected: &WastRetCore<'_>, got: &Val) -> bool {
    match (expected, got) {
        (WastRetCore::I32(e), Val::I32(g)) => e == g,
        (WastRetCore::I64(e), Val::I64(g)) => e == g,
        (WastRetCore::F32(pattern), Val::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => is_canonical_nan_f32(*bits),
            NanPattern::ArithmeticNan => is_arithmetic_nan_f32(*bits),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::F64(pattern), Val::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => is_canonical_nan_f64(*bits),
            NanPattern::ArithmeticNan => is_arithmetic_nan_f64(*bits),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::RefNull(None), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefNull(Some(heap)), Val::FuncRef(None)) => {
            matches!(null_kind(heap), Some(NullKind::Func))
        }
        (WastRetCore::RefNull(Some(heap)), Val::ExternRef(None)) => {
            matches!(null_kind(heap), Some(NullKind::Extern))
        }
        // `ref.func` with or without an index: any non-null function reference (the index
        // would need the function index space of the exporting module).
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
            extern_ref_value(store, *r) == Some(*n)
        }
        (WastRetCore::Either(options), got) => options.iter().any(|e| matches(store, e, got)),
        _ => false,
    }
}

/// The `u32` behind an `externref` made by [`ExternRefs`].
fn extern_ref_value(store: &Store<()>, r: ExternRef) -> Option<u32> {
    store.extern_ref_data(r)?.downcast_ref::<u32>().copied()
}

const F32_SIGN: u32 = 0x8000_0000;
const F32_QUIET_NAN: u32 = 0x7fc0_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
const F64_QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;

/// `nan:canonical` for `f32`: a NaN whose payload is exactly the quiet bit, either sign.
pub(crate) fn is_canonical_nan_f32(bits: u32) -> bool {
    bits & !F32_SIGN == F32_QUIET_NAN
}

/// `nan:arithmetic` for `f32`: a NaN with the quiet bit set, any other payload, either sign.
pub(crate) fn is_arithmetic_nan_f32(bits: u32) -> bool {
    bits & F32_QUIET_NAN == F32_QUIET_NAN
}

/// `nan:canonical` for `f64`.
pub(crate) fn is_canonical_nan_f64(bits: u64) -> bool {
    bits & !F64_SIGN == F64_QUIET_NAN
}

/// `nan:arithmetic` for `f64`.
pub(crate) fn is_arithmetic_nan_f64(bits: u64) -> bool {
    bits & F64_QUIET_NAN == F64_QUIET_NAN
}

/// Shows values as `[i32:1, f32:1.5 (0x3fc00000)]`.
pub(crate) fn show_vals(store: &Store<()>, vals: &[Val]) -> String {
    let vals: Vec<String> = vals.iter().map(|v| show_val(store, v)).collect();
    format!("[{}]", vals.join(", "))
}

/// Shows one value, with the bits of floats.
pub(crate) fn show_val(store: &Store<()>, val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32:{v}"),
        Val::I64(v) => format!("i64:{v}"),
        Val::F32(bits) => format!("f32:{} ({bits:#010x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64:{} ({bits:#018x})", f64::from_bits(*bits)),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(f)) => format!("ref.func (store function {})", f.index()),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(r)) => match extern_ref_value(store, *r) {
            Some(n) => format!("ref.extern {n}"),
            None => "ref.extern (foreign)".to_string(),
        },
    }
}

fn show_expected(ret: &WastRet<'_>) -> String {
    match ret {
        WastRet::Core(core) => show_expected_core(core),
        other => format!("{other:?}"),
    }
}

/// Shows an expected value the way the `.wast` writes it, plus float bits.
pub(crate) fn show_expected_core(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("i32:{v}"),
        WastRetCore::I64(v) => format!("i64:{v}"),
        WastRetCore::F32(NanPattern::Value(v)) => {
            format!("f32:{} ({:#010x})", f32::from_bits(v.bits), v.bits)
        }
        WastRetCore::F64(NanPattern::Value(v)) => {
            format!("f64:{} ({:#018x})", f64::from_bits(v.bits), v.bits)
        }
        WastRetCore::F32(NanPattern::CanonicalNan) => "f32:nan:canonical".to_string(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "f32:nan:arithmetic".to_string(),
        WastRetCore::F64(NanPattern::CanonicalNan) => "f64:nan:canonical".to_string(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "f64:nan:arithmetic".to_string(),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match null_kind(heap) {
            Some(NullKind::Func) => "ref.null func".to_string(),
            Some(NullKind::Extern) => "ref.null extern".to_string(),
            None => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::Either(options) => {
            let options: Vec<String> = options.iter().map(show_expected_core).collect();
            format!("either({})", options.join(" | "))
        }
        other => format!("{other:?}"),
    }
}
