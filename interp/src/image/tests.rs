//! Images: round trips through both loaders, the instruction encoding, and rejection of
//! corrupted, truncated and mismatched bytes.

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use mote_core::{Config, Engine, ErrorKind, Instance, Module, Store, Val};

use super::{
    ABI_VERSION, ImageHeader, compile, encode_op, load_copy, load_static, read_op, reseal,
};
use crate::Interpreter;
use crate::code::CompiledModule;

const APP: &str = r#"
(module
  (type $binary (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 40))
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)
  (data (i32.const 16) "hello, image")
  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "count") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 2)))
    (global.get $counter))
  (func (export "byte") (param i32) (result i32)
    (i32.load8_u offset=16 (local.get 0)))
  (func (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call 5 (i64.sub (local.get 0) (i64.const 1)))
                     (call 5 (i64.sub (local.get 0) (i64.const 2))))))))
"#;

fn engine() -> Engine {
    Engine::new(&Config::default(), Interpreter::new())
}

fn image() -> Vec<u8> {
    let wasm = wat::parse_str(APP).expect("valid text");
    compile(&engine(), &wasm).expect("compiles")
}

fn leak_aligned(bytes: &[u8]) -> &'static [u8] {
    let buffer: &'static mut [u8] = Vec::leak(vec![0; bytes.len() + 3]);
    let skip = buffer.as_ptr().align_offset(4).min(3);
    let aligned = &mut buffer[skip..skip + bytes.len()];
    aligned.copy_from_slice(bytes);
    aligned
}

/// Runs the app's exports and returns what they said.
fn exercise(module: &Module) -> Vec<i64> {
    let mut store = Store::new(module.engine(), ());
    let instance = Instance::new(&mut store, module, &[]).expect("instantiates");
    let apply = instance
        .get_typed_func::<(i32, i32, i32), i32>(&store, "apply")
        .expect("apply");
    let count = instance
        .get_typed_func::<(), i32>(&store, "count")
        .expect("count");
    let byte = instance
        .get_typed_func::<i32, i32>(&store, "byte")
        .expect("byte");
    let fib = instance
        .get_typed_func::<i64, i64>(&store, "fib")
        .expect("fib");
    vec![
        i64::from(apply.call(&mut store, (0, 30, 12)).expect("add")),
        i64::from(apply.call(&mut store, (1, 30, 12)).expect("sub")),
        i64::from(count.call(&mut store, ()).expect("count")),
        i64::from(count.call(&mut store, ()).expect("count")),
        i64::from(byte.call(&mut store, 7).expect("byte")),
        fib.call(&mut store, 20).expect("fib"),
    ]
}

const EXPECTED: [i64; 6] = [42, 18, 42, 44, b'i' as i64, 6765];

#[test]
fn both_loaders_run_the_same_code_as_the_translator() {
    let wasm = wat::parse_str(APP).expect("valid text");
    let translated = Module::new(&engine(), &wasm).expect("compiles");
    assert_eq!(exercise(&translated), EXPECTED);

    let image = image();
    let copied = load_copy(&engine(), &image).expect("loads");
    assert_eq!(exercise(&copied), EXPECTED);
    let in_place = Module::from_image(&engine(), leak_aligned(&image)).expect("loads");
    assert_eq!(exercise(&in_place), EXPECTED);
    assert_eq!(
        crate::disassemble(&translated),
        crate::disassemble(&in_place),
        "the loaded code is the translated code"
    );
}

#[test]
fn in_place_loading_borrows_the_image() {
    let bytes = leak_aligned(&image());
    let module = load_static(&engine(), bytes).expect("loads");
    let code = module
        .code()
        .clone()
        .downcast::<CompiledModule>()
        .expect("interpreter code");
    let image_range = bytes.as_ptr_range();
    let code_ptr = code.code.as_ptr().cast::<u8>();
    assert!(image_range.contains(&code_ptr), "code runs from the image");
    let data = &module.info().datas[0].bytes;
    assert!(
        image_range.contains(&data.as_ptr()),
        "data stays in the image"
    );
}

#[test]
fn the_header_says_what_the_image_is() {
    let image = image();
    let header = ImageHeader::parse(&image).expect("valid");
    assert_eq!(header.abi_version, ABI_VERSION);
    assert!(!header.fuel);
    assert_eq!(header.len as usize, image.len());
    use sha2::Digest;
    let wasm = wat::parse_str(APP).expect("valid text");
    let hash: [u8; 32] = sha2::Sha256::digest(&wasm).into();
    assert_eq!(header.source_sha256, hash);
}

#[test]
fn instructions_round_trip_through_their_records() {
    let wasm = wat::parse_str(APP).expect("valid text");
    let module = Module::new(&engine(), &wasm).expect("compiles");
    let code = module
        .code()
        .clone()
        .downcast::<CompiledModule>()
        .expect("interpreter code");
    for op in code.code.iter() {
        let mut record = [0; 12];
        encode_op(op, &mut record);
        assert_eq!(read_op(&record), *op);
    }
}

fn load_error(bytes: &[u8]) -> mote_core::Error {
    load_copy(&engine(), bytes).expect_err("rejected")
}

#[test]
fn corruption_truncation_and_foreign_bytes_are_rejected() {
    let image = image();
    let err = load_error(&image[..image.len() - 4]);
    assert!(err.to_string().contains("truncated"), "{err}");
    let err = load_error(b"\0asm\x01\0\0\0");
    assert!(err.to_string().contains("not a Mote image"), "{err}");
    // Every single-byte change is caught (the checksum, or the length and magic it covers).
    for at in 0..image.len() {
        let mut bad = image.clone();
        bad[at] ^= 0x40;
        let err = load_error(&bad);
        assert!(
            matches!(err.kind(), ErrorKind::BadImage { .. }),
            "byte {at}: {err}"
        );
    }
    let mut other_version = image.clone();
    other_version[8] = other_version[8].wrapping_add(1);
    reseal(&mut other_version);
    let err = load_error(&other_version);
    assert!(err.to_string().contains("recompile"), "{err}");
}

#[test]
fn the_checksum_is_crc32() {
    // The standard check value of CRC-32/ISO-HDLC, with the checksum field (bytes 20..24)
    // outside the input.
    assert_eq!(super::image_crc(b"123456789"), 0xCBF4_3926);
}

#[test]
fn misaligned_in_place_images_are_rejected() {
    let image = image();
    let padded = leak_aligned(&[&[0u8][..], &image].concat());
    let err = load_static(&engine(), &padded[1..]).expect_err("misaligned");
    assert!(err.to_string().contains("aligned"), "{err}");
}

#[test]
fn the_engine_configuration_must_match() {
    let image = image();
    let mut config = Config::default();
    config.consume_fuel(true);
    let fuel_engine = Engine::new(&config, Interpreter::new());
    let err = load_copy(&fuel_engine, &image).expect_err("fuel differs");
    assert!(err.to_string().contains("fuel"), "{err}");
}

#[test]
fn the_interpreter_without_images_runs_wasm_and_refuses_images() {
    let engine = Engine::new(
        &Config::default(),
        crate::InterpreterWithoutImages::default(),
    );
    let wasm = wat::parse_str(APP).expect("valid text");
    let module = Module::new(&engine, &wasm).expect("translates");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let fib = instance
        .get_typed_func::<i64, i64>(&store, "fib")
        .expect("fib");
    assert_eq!(fib.call(&mut store, 20).expect("runs"), 6765);
    let image = leak_aligned(&image());
    for err in [
        Module::from_image(&engine, image).expect_err("no loader"),
        Module::from_image_bytes(&engine, image).expect_err("no loader"),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Unsupported { .. }), "{err}");
    }
}

/// A small deterministic generator (no dependencies in unit tests).
struct Lcg(u64);

impl Lcg {
    /// The next 31 random bits.
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        u32::try_from(self.0 >> 33).unwrap_or(0)
    }
}

#[test]
fn resealed_mutations_are_rejected_or_run_safely() {
    // Mutations that keep a valid checksum reach the structural checks: each image is either
    // rejected with an error or runs (with fuel, so nothing hangs) without a panic.
    let mut config = Config::default();
    config.consume_fuel(true);
    let engine = Engine::new(&config, Interpreter::new());
    let wasm = wat::parse_str(APP).expect("valid text");
    let image = compile(&engine, &wasm).expect("compiles");
    let mut rng = Lcg(7);
    let mut loaded = 0;
    for _ in 0..300 {
        let mut bad = image.clone();
        for _ in 0..=rng.next() % 3 {
            let at = (rng.next() as usize) % bad.len();
            bad[at] = match rng.next() % 4 {
                0 => 0,
                1 => 0xff,
                2 => bad[at] ^ (1 << (rng.next() % 8)),
                _ => rng.next().to_le_bytes()[0],
            };
        }
        reseal(&mut bad);
        let Ok(module) = load_copy(&engine, &bad) else {
            continue;
        };
        loaded += 1;
        let mut store = Store::new(&engine, ());
        store.set_fuel(10_000).expect("fuel is on");
        let Ok(instance) = Instance::new(&mut store, &module, &[]) else {
            continue;
        };
        for name in ["apply", "count", "byte", "fib"] {
            if let Some(func) = instance.get_func(&store, name) {
                let ty = func.ty(&store);
                let args: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
                let mut results = vec![Val::I32(0); ty.results().len()];
                let _ = func.call(&mut store, &args, &mut results);
            }
        }
    }
    assert!(loaded > 0, "some mutations (immediates, names) still load");
}

#[test]
fn the_instruction_set_fingerprint_matches_the_abi_version() {
    // Any change to `Op` changes what images mean: the fingerprint of its variant list (comments
    // and blank lines stripped) is pinned to the ABI version here.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for line in crate::op::op_list_source().lines().map(str::trim) {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        for byte in line.bytes().chain([b'\n']) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    // Version 2: the fused forms (`…Idx` loads and stores, rotations by a constant,
    // `I32AddShlImm`, `Copy2`), the list in `for_each_op!`. Version 3 changed the module
    // information (names and function type indices in place, exports by name, no function
    // offsets), not `Op`. Version 4: `CheckEpoch` (epoch interruption) and the epoch flag.
    // Version 5: the `…Scaled` loads and stores, `I32ShrUAndImm`, `I32AddImm2` and
    // `I32AddImmBrNe`. Version 6: the `I32AddBr…` forms (an add fused with the unsigned
    // compare-and-branch on its sum, the target in the `Br` after them), `I32XorRotlImm`,
    // `I32XorShrUImm`, `I32AddAndImm`, `I32SubAndImm`, `F64AddMul`, `BrLoad8UIdxNez`,
    // `BrLoad8UIdxEqz` and `I32AddStore32`.
    let pinned: [(u32, u64); 4] = [
        (3, 0x800a_cb86_6203_846f),
        (4, 0x3639_1345_92dc_7e84),
        (5, 0xfb40_e268_349e_712c),
        (6, 0xec4e_0e31_85ad_a965),
    ];
    let expected = pinned
        .iter()
        .find(|(version, _)| *version == ABI_VERSION)
        .map(|(_, fingerprint)| *fingerprint);
    assert_eq!(
        expected,
        Some(hash),
        "Op changed (fingerprint {hash:#x}): bump image::ABI_VERSION and pin the new fingerprint here"
    );
}
