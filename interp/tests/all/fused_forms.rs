//! The fused forms compute what the instructions they replace compute: scaled-index loads
//! and stores (`a + (b << k)` wraps, the shift is taken modulo 32, the bounds check is on the
//! whole address), bit-field extraction and paired increments. Each function is checked
//! against the same arithmetic done in Rust, and the listing shows that the fused form was
//! used, so a change that stops fusing cannot leave these cases untested.

#![expect(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    reason = "the checks reinterpret bit patterns between the u32 and i32 that Wasm passes"
)]

use mote_core::TrapCode;

use crate::fixture::Fixture;

const FUSED: &str = r#"
(module
  (memory (export "memory") 1)
  (func (export "load32") (param $a i32) (param $i i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
  (func (export "load16") (param $a i32) (param $i i32) (result i32)
    (i32.load16_u (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 33)))))
  (func (export "load64") (param $a i32) (param $i i32) (result i64)
    (i64.load offset=65528 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))
  (func (export "store32") (param $a i32) (param $i i32) (param $v i32)
    (i32.store offset=2 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))) (local.get $v)))
  (func (export "store64") (param $a i32) (param $i i32)
    (i64.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))) (i64.const -2)))
  (func (export "field") (param $x i32) (param $k i32) (result i32)
    (i32.xor
      (i32.and (i32.shr_u (local.get $x) (i32.const 7)) (i32.const 0x1ff))
      (i32.and (i32.shr_u (local.get $x) (i32.const 35)) (i32.const -1))))
  (func (export "bump") (param $p i32) (param $q i32) (result i64)
    (local.set $p (i32.add (local.get $p) (i32.const 32767)))
    (local.set $q (i32.add (local.get $q) (i32.const -32768)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32))
            (i64.extend_i32_u (local.get $q))))
  ;; Zeroing a local that still holds its initial zero is elided; the others are kept.
  (func (export "zeroing") (param $n i32) (result i64)
    (local $acc i64) (local $i i32) (local $t i32)
    (local.set $acc (i64.const 0))
    (local.set $i (i32.const 0))
    (local.set $acc (i64.const 5))
    (local.set $acc (i64.const 0))
    (loop $l
      (local.set $t (i32.const 0))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.add (local.get $i) (local.get $t)))))
      (local.set $t (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $t))))
  (func (export "latch") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.ne (local.get $n) (local.get $i))))
    (local.get $s))
  ;; The same fusion on a forward branch out of a block: its target is patched later.
  (func (export "skip_to") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (local.set $i (i32.add (local.get $i) (i32.const 5)))
      (br_if $out (i32.ne (local.get $i) (local.get $n)))
      (local.set $s (i32.const 100)))
    (i32.add (local.get $s) (local.get $i)))
  ;; SHA-2's small sigma: rotations and a shift by constants, each fused into its `xor`
  ;; (on either side); the amounts are taken modulo 32.
  (func (export "sigma") (param $x i32) (param $y i32) (result i32)
    (i32.xor
      (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14)))
               (i32.shr_u (local.get $x) (i32.const 35)))
      (i32.xor (i32.rotl (local.get $x) (i32.const 32)) (local.get $y))))
  ;; A loop whose exit test is at the bottom, after the counter's increment: rotated into the
  ;; jump back, it becomes the fused latch (`I32AddImmBrNe`).
  (func (export "bottom_latch") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (loop $l
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br_if $out (i32.eq (local.get $i) (local.get $n)))
        (br $l)))
    (local.get $s))
  ;; A sum or difference masked by a constant (ring-buffer indices, window distances).
  (func (export "masked") (param $a i32) (param $b i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (i32.and (i32.sub (local.get $a) (local.get $b)) (i32.const 0xffff)))
               (i64.const 32))
      (i64.extend_i32_u (i32.and (i32.add (local.get $a) (local.get $b)) (i32.const 0x8000_7fff)))))
  ;; `acc + x * y`, rounded after the product as the unfused code is.
  (func (export "add_mul") (param $acc f64) (param $x f64) (param $y f64) (result f64)
    (f64.add (local.get $acc) (f64.mul (local.get $x) (local.get $y))))
  ;; An `i32` operation on a wrapped `i64` reads the `i64`'s low half; its result has no high
  ;; bits (the extensions show them).
  (func (export "wrapped") (param $a i32) (param $x i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.add (local.get $a) (i32.wrap_i64 (local.get $x))))
      (i64.shl (i64.extend_i32_u (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 0xff)))
               (i64.const 40))))
  (func (export "wrapped_ne") (param $a i32) (param $x i64) (result i32)
    (block $differ
      (br_if $differ (i32.ne (local.get $a) (i32.wrap_i64 (local.get $x))))
      (return (i32.const 1)))
    (i32.const 0))
  ;; Two increments with an instruction between: merged after it when it does not read the
  ;; first (`q * n` reads the old `n`), kept apart when it does (`q + p` reads the new `p`).
  (func (export "bump_across") (param $p i32) (param $q i32) (param $n i32) (result i64)
    (local.set $p (i32.add (local.get $p) (i32.const 32767)))
    (local.set $q (i32.mul (local.get $q) (local.get $n)))
    (local.set $n (i32.add (local.get $n) (i32.const -32768)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $q (i32.add (local.get $q) (local.get $p)))
    (local.set $n (i32.add (local.get $n) (i32.const 2)))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32))
            (i64.extend_i32_u (i32.xor (local.get $q) (local.get $n)))))
  ;; The same local twice: the second addition sees the first.
  (func (export "bump_same") (param $p i32) (result i32)
    (local.set $p (i32.add (local.get $p) (i32.const 3)))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (local.get $p))
)
"#;

fn fixture() -> Fixture {
    crate::fixture::fixture(
        FUSED,
        &[
            "Load32UScaled",
            "Load16UScaled",
            "Load64Scaled",
            "Store32Scaled",
            "Store64Scaled",
            "I32ShrUAndImm",
            "I32AddImm2",
            "I32AddImmBrNe",
            "I32XorRotlImm",
            "I32XorShrUImm",
            "I32AddAndImm",
            "I32SubAndImm",
            "F64AddMul",
        ],
    )
}

#[test]
fn scaled_loads_wrap_like_the_add_and_shift_they_replace() {
    let mut f = fixture();
    for (i, byte) in f.memory().iter_mut().enumerate() {
        *byte = (i * 7 + 3) as u8;
    }
    let snapshot = f.memory().to_vec();
    let le32 =
        |at: u32| u32::from_le_bytes(snapshot[at as usize..at as usize + 4].try_into().unwrap());
    let le16 =
        |at: u32| u16::from_le_bytes(snapshot[at as usize..at as usize + 2].try_into().unwrap());
    let le64 =
        |at: u32| u64::from_le_bytes(snapshot[at as usize..at as usize + 8].try_into().unwrap());
    // Plain, and with the sum wrapping around 2^32 back into the memory.
    assert_eq!(
        f.call::<(i32, i32), i32>("load32", (100, 5)),
        Ok(le32(100 + 20 + 4) as i32)
    );
    assert_eq!(
        f.call::<(i32, i32), i32>("load32", (-16, 4)),
        Ok(le32(4) as i32),
        "(-16 + 16) wraps to 0, then offset 4"
    );
    // A shift by 33 is a shift by 1.
    assert_eq!(
        f.call::<(i32, i32), i32>("load16", (10, 7)),
        Ok(i32::from(le16(24)))
    );
    // A large static offset: the last eight bytes, then one past; the offset is added
    // without wrapping (0xffff_0008 + 65528 is 2^32, out of bounds, not 0).
    assert_eq!(
        f.call::<(i32, i32), i64>("load64", (0, 0)),
        Ok(le64(65528) as i64)
    );
    assert_eq!(
        f.call::<(i32, i32), i64>("load64", (1, 0)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        f.call::<(i32, i32), i64>("load64", (-65528, 0)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    // The bounds check is on the whole access: the last byte in, then one past.
    assert_eq!(
        f.call::<(i32, i32), i32>("load32", (65536 - 12, 1)),
        Ok(le32(65532) as i32)
    );
    assert_eq!(
        f.call::<(i32, i32), i32>("load32", (65536 - 11, 1)),
        Err(TrapCode::MemoryOutOfBounds)
    );
}

#[test]
fn scaled_stores_write_where_the_unfused_code_would() {
    let mut f = fixture();
    assert_eq!(
        f.call::<(i32, i32, i32), ()>("store32", (8, 3, 0x1122_3344)),
        Ok(())
    );
    assert_eq!(&f.memory()[22..26], &0x1122_3344u32.to_le_bytes());
    assert_eq!(f.call::<(i32, i32), ()>("store64", (-8, 2)), Ok(()));
    assert_eq!(&f.memory()[8..16], &(-2i64).to_le_bytes());
    // 65530 + 4 + 2 + 4 = 65540 > 65536: traps and writes nothing.
    let before = f.memory().to_vec();
    assert_eq!(
        f.call::<(i32, i32, i32), ()>("store32", (65530, 1, -1)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(f.memory(), &before[..]);
}

#[test]
fn bit_fields_and_increments_match_rust_arithmetic() {
    let mut f = fixture();
    for x in [
        0u32,
        1,
        0x80,
        0xffff_ffff,
        0x8000_0000,
        0x1234_5678,
        0xdead_beef,
    ] {
        let expected = ((x >> 7) & 0x1ff) ^ (x >> 3);
        assert_eq!(
            f.call::<(i32, i32), i32>("field", (x as i32, 0)),
            Ok(expected as i32),
            "x = {x:#x}"
        );
    }
    for (p, q) in [(0u32, 0u32), (u32::MAX, 5), (0x7fff_0000, 0x8000_0000)] {
        let expected = (u64::from(p.wrapping_add(32767)) << 32) | u64::from(q.wrapping_sub(32768));
        assert_eq!(
            f.call::<(i32, i32), i64>("bump", (p as i32, q as i32)),
            Ok(expected as i64)
        );
    }
    assert_eq!(
        f.call::<i32, i32>("bump_same", i32::MAX - 5),
        Ok(i32::MIN + 1)
    );
}

#[test]
fn locals_set_to_zero_read_zero() {
    let mut f = fixture();
    // acc = 0 + 1 + ... + (n - 1) (t is reset to 0 in every iteration), plus the last t, 7.
    for n in [1i32, 2, 10] {
        let expected = i64::from(n) * i64::from(n - 1) / 2 + 7;
        assert_eq!(f.call::<i32, i64>("zeroing", n), Ok(expected), "n = {n}");
    }
}

#[test]
fn a_fused_latch_counts_like_the_add_and_branch() {
    let mut f = fixture();
    for n in [1i32, 2, 7, 1000] {
        assert_eq!(
            f.call::<i32, i32>("latch", n),
            Ok(n * (n - 1) / 2),
            "n = {n}"
        );
    }
}

#[test]
fn fused_xor_shifts_match_rust_arithmetic() {
    let mut f = fixture();
    for x in [0u32, 1, 0x8000_0000, 0xffff_ffff, 0x1234_5678, 0xdead_beef] {
        let y = x.rotate_left(7) ^ 0x5555_5555;
        // rotl by 32 is no rotation; shr_u by 35 is by 3.
        let expected = (x.rotate_left(25) ^ x.rotate_left(14) ^ (x >> 3)) ^ (x ^ y);
        assert_eq!(
            f.call::<(i32, i32), i32>("sigma", (x as i32, y as i32)),
            Ok(expected as i32),
            "x = {x:#x}"
        );
    }
}

#[test]
fn a_rotated_bottom_latch_counts_like_the_add_and_branch() {
    let mut f = fixture();
    // i = 3, 6, ... until i == n: s = 0 + 3 + ... + (n - 3).
    for n in [3i32, 6, 300] {
        let k = n / 3;
        assert_eq!(
            f.call::<i32, i32>("bottom_latch", n),
            Ok(3 * k * (k - 1) / 2),
            "n = {n}"
        );
    }
}

#[test]
fn masked_sums_and_products_match_rust_arithmetic() {
    let mut f = fixture();
    for (a, b) in [
        (0u32, 0u32),
        (5, 7),
        (0xffff_ffff, 1),
        (0x8000_0000, 0x8000_0000),
        (3, 0x1_0003),
    ] {
        let expected = (u64::from(a.wrapping_sub(b) & 0xffff) << 32)
            | u64::from(a.wrapping_add(b) & 0x8000_7fff);
        assert_eq!(
            f.call::<(i32, i32), i64>("masked", (a as i32, b as i32)),
            Ok(expected as i64),
            "a = {a:#x}, b = {b:#x}"
        );
    }
    // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60 rounds to 1 + 2^-29: with two roundings the sum is
    // exactly 0; a fused multiply-add would give 2^-60.
    let x = 1.0 + f64::powi(2.0, -30);
    let acc = -(1.0 + f64::powi(2.0, -29));
    let sum = f.call::<(f64, f64, f64), f64>("add_mul", (acc, x, x));
    assert_eq!(sum.map(f64::to_bits), Ok(0.0f64.to_bits()));
    assert_eq!(
        f.call::<(f64, f64, f64), f64>("add_mul", (1.5, 2.0, -0.25)),
        Ok(1.0)
    );
}

#[test]
fn i32_operations_on_wrapped_values_read_the_low_half() {
    let mut f = fixture();
    for (a, x) in [
        (1u32, 0x1_0000_0005u64),
        (0xffff_ffff, 0xffff_ffff_ffff_ffff),
        (0, 0x8000_0000_0000_00ab),
    ] {
        let low = x as u32;
        let expected = u64::from(a.wrapping_add(low)) + (u64::from(low & 0xff) << 40);
        assert_eq!(
            f.call::<(i32, i64), i64>("wrapped", (a as i32, x as i64)),
            Ok(expected as i64),
            "a = {a:#x}, x = {x:#x}"
        );
        assert_eq!(
            f.call::<(i32, i64), i32>("wrapped_ne", (low as i32, x as i64)),
            Ok(1)
        );
        assert_eq!(
            f.call::<(i32, i64), i32>("wrapped_ne", (low.wrapping_add(1) as i32, x as i64)),
            Ok(0)
        );
    }
}

#[test]
fn increments_merged_across_an_instruction_keep_their_order_with_it() {
    let mut f = fixture();
    for (p, q, n) in [
        (0u32, 0u32, 0u32),
        (u32::MAX, 3, 5),
        (0x7fff_0000, 0x1234, 0x8000_0000),
    ] {
        let p1 = p.wrapping_add(32767);
        let q1 = q.wrapping_mul(n);
        let n1 = n.wrapping_sub(32768);
        let p2 = p1.wrapping_add(1);
        let q2 = q1.wrapping_add(p2);
        let n2 = n1.wrapping_add(2);
        let expected = (u64::from(p2) << 32) | u64::from(q2 ^ n2);
        assert_eq!(
            f.call::<(i32, i32, i32), i64>("bump_across", (p as i32, q as i32, n as i32)),
            Ok(expected as i64)
        );
    }
}
