//! Generators: `wasm-smith` configurations restricted to what Mote supports, Mote configurations
//! with tiny limits, and arguments for exported functions.
//!
//! Mote supports WebAssembly 2.0 without SIMD, plus custom page sizes, multi-memory, tail
//! calls and extended constant expressions.
//! Every `wasm-smith` proposal outside that set is switched off here, so a module that Mote
//! rejects is a Mote bug (or an exhausted limit), never an unsupported feature.

use arbitrary::{Result, Unstructured};
use mote::{Config, Features, Limits, Val, ValType};

/// What a generated module is for: it decides how large and how observable it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Only decoded, validated and translated: large modules with every feature.
    Translate,
    /// Run under tiny limits with dummy imports.
    Execute,
    /// Run in Mote and in wasmi: no imports, every item exported, NaNs canonicalised so that
    /// both runtimes must agree bit for bit.
    Differential,
}

/// A `wasm-smith` configuration for Mote's feature set, with the optional proposals (custom
/// page sizes, multi-memory, floats) chosen by `u`.
///
/// # Errors
/// When `u` runs out of data.
pub fn smith_config(u: &mut Unstructured<'_>, purpose: Purpose) -> Result<wasm_smith::Config> {
    let mut c = wasm_smith::Config {
        // Outside Mote's feature set.
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        shared_everything_threads_enabled: false,
        // Wasm 2.0.
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        // Optional in Mote.
        custom_page_sizes_enabled: u.arbitrary()?,
        // Wasm 3.0 proposals that Mote implements.
        tail_call_enabled: u.arbitrary()?,
        extended_const_enabled: u.arbitrary()?,
        allow_floats: u.ratio(7, 8)?,
        ..wasm_smith::Config::default()
    };
    c.max_memories = if u.ratio(1, 4)? { 3 } else { 1 };
    c.max_tables = u.int_in_range(1..=3)?;
    c.min_uleb_size = u.int_in_range(1..=2)?;
    match purpose {
        Purpose::Translate => {
            c.max_funcs = 50;
            c.max_instructions = 1000;
            c.max_nesting_depth = 50;
            c.max_table_elements = 10_000;
            c.generate_custom_sections = u.arbitrary()?;
        }
        Purpose::Execute => {
            c.max_funcs = 20;
            c.max_instructions = 200;
            c.max_memory32_bytes = 1 << 20;
            c.max_table_elements = 1000;
            c.max_imports = 10;
            c.max_data_segments = 10;
            c.max_element_segments = 10;
            c.export_everything = u.arbitrary()?;
        }
        Purpose::Differential => {
            c.max_funcs = 20;
            c.max_instructions = 200;
            c.max_memory32_bytes = 1 << 18;
            c.max_table_elements = 1000;
            c.max_imports = 0;
            c.max_data_segments = 10;
            c.max_element_segments = 10;
            c.export_everything = true;
            c.canonicalize_nans = true;
        }
    }
    Ok(c)
}

/// The Mote features that accept every module `config` can generate.
pub fn features_for(config: &wasm_smith::Config) -> Features {
    Features {
        custom_page_sizes: config.custom_page_sizes_enabled,
        multi_memory: config.max_memories > 1,
        floats: config.allow_floats,
        tail_call: config.tail_call_enabled,
        extended_const: config.extended_const_enabled,
        ..Features::default()
    }
}

/// A module from `u` for `purpose`; for running, every loop and function entry decrements an
/// injected global and traps at zero (`wasm-smith`'s `ensure_termination`), so that every call
/// ends even with fuel metering off.
///
/// # Errors
/// When `u` runs out of data.
pub fn module(u: &mut Unstructured<'_>, purpose: Purpose) -> Result<(wasm_smith::Config, Vec<u8>)> {
    let config = smith_config(u, purpose)?;
    let mut module = wasm_smith::Module::new(config.clone(), u)?;
    if purpose != Purpose::Translate {
        let fuel = u.int_in_range(1..=2000)?;
        // Fails only for modules with raw (not generated) function bodies, which we never ask for.
        module
            .ensure_termination(fuel)
            .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    }
    Ok((config, module.to_bytes()))
}

/// Small limits, each chosen from `u`, so that adversarial modules hit them quickly.
///
/// # Errors
/// When `u` runs out of data.
pub fn tiny_limits(u: &mut Unstructured<'_>) -> Result<Limits> {
    Ok(Limits {
        value_stack_slots: u.int_in_range(0..=2048)?,
        call_depth: u.int_in_range(0..=128)?,
        nested_calls: u.int_in_range(0..=4)?,
        memory_bytes: u.int_in_range(0..=4 * 65536)?,
        table_elements: u.int_in_range(0..=2000)?,
        instances: u.int_in_range(0..=4)?,
        memories: u.int_in_range(0..=4)?,
        tables: u.int_in_range(0..=4)?,
        code_bytes: u.int_in_range(0..=256 * 1024)?,
    })
}

/// A Mote configuration with `features`, `limits` and fuel metering as given.
pub fn mote_config(features: Features, limits: Limits, fuel: bool) -> Config {
    let mut config = Config::new();
    config.features(features).limits(limits).consume_fuel(fuel);
    config
}

/// An argument of type `ty`: interesting integers and floats (NaNs included) more often than
/// uniform ones; references are null (a host cannot forge a reference into a fresh instance).
///
/// # Errors
/// When `u` runs out of data.
pub fn arg(u: &mut Unstructured<'_>, ty: ValType) -> Result<Val> {
    const I32S: [i32; 7] = [0, 1, -1, i32::MIN, i32::MAX, 65536, 7];
    const I64S: [i64; 8] = [0, 1, -1, i64::MIN, i64::MAX, 0x8000_0000, 65536, 7];
    const F64S: [u64; 6] = [
        0,
        0x8000_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0x3ff0_0000_0000_0000,
        0x7ff4_0000_0000_0001,
    ];
    const F32S: [u32; 6] = [
        0,
        0x8000_0000,
        0x7fc0_0000,
        0x7f80_0000,
        0x3f80_0000,
        0x7fa0_0001,
    ];
    let special = u.ratio(1, 2)?;
    Ok(match ty {
        ValType::I32 if special => Val::I32(I32S[u.choose_index(I32S.len())?]),
        ValType::I32 => Val::I32(u.arbitrary()?),
        ValType::I64 if special => Val::I64(I64S[u.choose_index(I64S.len())?]),
        ValType::I64 => Val::I64(u.arbitrary()?),
        ValType::F32 if special => Val::F32(F32S[u.choose_index(F32S.len())?]),
        ValType::F32 => Val::F32(u.arbitrary()?),
        ValType::F64 if special => Val::F64(F64S[u.choose_index(F64S.len())?]),
        ValType::F64 => Val::F64(u.arbitrary()?),
        ValType::FuncRef | ValType::ExternRef => Val::default_for(ty),
    })
}

/// Arguments for a function with parameter types `params`.
///
/// # Errors
/// When `u` runs out of data.
pub fn args(u: &mut Unstructured<'_>, params: &[ValType]) -> Result<Vec<Val>> {
    params.iter().map(|ty| arg(u, *ty)).collect()
}
