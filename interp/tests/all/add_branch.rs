//! The `I32AddBr…` forms (an `i32.add` fused with the unsigned compare-and-branch on its sum),
//! branches on a loaded byte (`BrLoad8UIdx…`, which trap where the load is), `c[j] += x` in
//! memory (`I32AddStore32`) and loads and stores at `x + c` inside loops (the `…Idx` forms with `c` in a loop-constant
//! slot) compute what the instructions they replace compute: the sum wraps, the comparison is
//! unsigned, both polarities and both operand orders branch the same way, loop exits rotated
//! into jumps back still leave, and a trapping access writes nothing. The listing shows that
//! the fused forms were used, so a change that stops fusing cannot leave these cases untested.

#![expect(
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation,
    reason = "the checks reinterpret bit patterns between the u32 and i32 that Wasm passes, \
              and fill memory with the low bytes of a counter"
)]

use mote_core::TrapCode;

use crate::fixture::Fixture;

const FUSED: &str = r#"
(module
  (memory (export "memory") 1)
  ;; A slice bounds check: the sum goes to a local that the failure path reads too.
  (func (export "checked") (param $base i32) (param $i i32) (param $len i32) (result i32)
    (local $s i32)
    (block $fail
      (br_if $fail (i32.ge_u (local.tee $s (i32.add (local.get $base) (local.get $i)))
                             (local.get $len)))
      (return (local.get $s)))
    (i32.sub (i32.const 0) (local.get $s)))
  ;; The sum on the right: `len <= sum` is `sum >= len`.
  (func (export "checked_rev") (param $base i32) (param $i i32) (param $len i32) (result i32)
    (block $fail
      (br_if $fail (i32.le_u (local.get $len) (i32.add (local.get $base) (local.get $i))))
      (return (i32.const 1)))
    (i32.const 0))
  (func (export "below") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (block $yes
      (br_if $yes (i32.lt_u (i32.add (local.get $a) (local.get $b)) (local.get $c)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "above") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (block $yes
      (br_if $yes (i32.gt_u (i32.add (local.get $a) (local.get $b)) (local.get $c)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; `if` branches on the negated test (not fused: no merging while a control operator is
  ;; translated, but it must agree all the same).
  (func (export "below_if") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (if (result i32) (i32.lt_u (i32.add (local.get $a) (local.get $b)) (local.get $c))
      (then (i32.const 1))
      (else (i32.const 0))))
  ;; A loop whose exit test is at the bottom: the exit becomes the jump back (`j + step <= n`
  ;; continues, as in the sieve's inner loop), at most 1000 iterations.
  (func (export "steps") (param $n i32) (param $step i32) (result i32)
    (local $j i32) (local $c i32)
    (block $out
      (loop $l
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $out (i32.eq (local.get $c) (i32.const 1000)))
        (local.set $j (i32.add (local.get $j) (local.get $step)))
        (br_if $out (i32.gt_u (i32.add (local.get $j) (local.get $step)) (local.get $n)))
        (br $l)))
    (local.get $c))
  ;; Zero bytes among p[i0 + 3 ..][.. n - i0]: `br_if` on a byte that only the branch reads.
  (func (export "zeros") (param $p i32) (param $i i32) (param $n i32) (result i32)
    (local $c i32)
    (loop $l
      (block $skip
        (br_if $skip (i32.load8_u offset=3 (i32.add (local.get $p) (local.get $i))))
        (local.set $c (i32.add (local.get $c) (i32.const 1))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $c))
  ;; `if` on a loaded byte jumps over the then-arm when it is zero.
  (func (export "byte_if") (param $p i32) (param $i i32) (result i32)
    (if (result i32) (i32.load8_u (i32.add (local.get $p) (local.get $i)))
      (then (i32.const 10))
      (else (i32.const 20))))
  ;; `mem[p + 8] += x`, the sum on either side.
  (func (export "add_to") (param $p i32) (param $x i32)
    (i32.store offset=8 (local.get $p)
      (i32.add (local.get $x) (i32.load offset=8 (local.get $p)))))
  (func (export "add_to_rev") (param $p i32) (param $x i32)
    (i32.store offset=8 (local.get $p)
      (i32.add (i32.load offset=8 (local.get $p)) (local.get $x))))
  ;; Loads and stores at `p + c` in a loop (`c` does not fit the offset: the sum wraps).
  (func (export "load_plus") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load8_u offset=2 (i32.add (local.get $p) (i32.const 40000)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "store_plus") (param $p i32) (param $v i32) (param $n i32)
    (loop $l
      (i32.store16 offset=1 (i32.add (local.get $p) (i32.const 30000)) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
)
"#;

fn fixture() -> Fixture {
    crate::fixture::fixture(
        FUSED,
        &[
            "I32AddBrGeU",
            "I32AddBrLtU",
            "I32AddBrLeU",
            "I32AddBrGtU",
            "BrLoad8UIdxNez",
            "BrLoad8UIdxEqz",
            "I32AddStore32",
            "Load8UIdx",
            "Store16Idx",
        ],
    )
}

/// Values around the edges of unsigned comparison and of wrapping.
const EDGES: [u32; 8] = [
    0,
    1,
    2,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
    1000,
];

#[test]
fn fused_bounds_checks_compare_the_wrapped_sum_unsigned() {
    let mut f = fixture();
    for a in EDGES {
        for b in EDGES {
            for c in EDGES {
                let sum = a.wrapping_add(b);
                let args = (a as i32, b as i32, c as i32);
                let checked = if sum >= c {
                    0u32.wrapping_sub(sum)
                } else {
                    sum
                };
                assert_eq!(
                    f.call::<(i32, i32, i32), i32>("checked", args),
                    Ok(checked as i32),
                    "{a:#x} + {b:#x} vs {c:#x}"
                );
                assert_eq!(
                    f.call::<(i32, i32, i32), i32>("checked_rev", args),
                    Ok(i32::from(sum < c))
                );
                assert_eq!(
                    f.call::<(i32, i32, i32), i32>("below", args),
                    Ok(i32::from(sum < c))
                );
                assert_eq!(
                    f.call::<(i32, i32, i32), i32>("above", args),
                    Ok(i32::from(sum > c))
                );
                assert_eq!(
                    f.call::<(i32, i32, i32), i32>("below_if", args),
                    Ok(i32::from(sum < c))
                );
            }
        }
    }
}

#[test]
fn a_rotated_loop_exit_leaves_where_the_unfused_loop_would() {
    let mut f = fixture();
    for (n, step) in [
        (100u32, 7u32),
        (0, 1),
        (6, 7),
        (7, 7),
        (0xffff_fff0, 0x8000_0000),
        (u32::MAX, 0x4000_0000),
        (10, 0),
    ] {
        let (mut j, mut c) = (0u32, 0u32);
        loop {
            c += 1;
            if c == 1000 {
                break;
            }
            j = j.wrapping_add(step);
            if j.wrapping_add(step) > n {
                break;
            }
        }
        assert_eq!(
            f.call::<(i32, i32), i32>("steps", (n as i32, step as i32)),
            Ok(c as i32),
            "n = {n:#x}, step = {step:#x}"
        );
    }
}

#[test]
fn accesses_at_a_constant_distance_wrap_and_trap_like_the_add() {
    let mut f = fixture();
    for (i, byte) in f.memory().iter_mut().enumerate() {
        *byte = (i * 7 + 3) as u8;
    }
    let bytes = f.memory().to_vec();
    let sum = |from: usize, n: usize| -> u32 {
        bytes[from..from + n].iter().map(|&b| u32::from(b)).sum()
    };
    assert_eq!(
        f.call::<(i32, i32), i32>("load_plus", (100, 3)),
        Ok(sum(40102, 3) as i32)
    );
    // `p + 40000` wraps to 0, then the offset 2.
    assert_eq!(
        f.call::<(i32, i32), i32>("load_plus", (-40000, 2)),
        Ok(sum(2, 2) as i32)
    );
    // The sum is 0xffff_ffff; the offset is added without wrapping: out of bounds.
    assert_eq!(
        f.call::<(i32, i32), i32>("load_plus", (-40001, 1)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    // The last byte, then one past.
    assert_eq!(
        f.call::<(i32, i32), i32>("load_plus", (65536 - 40003, 1)),
        Ok(sum(65535, 1) as i32)
    );
    assert_eq!(
        f.call::<(i32, i32), i32>("load_plus", (65536 - 40002, 1)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        f.call::<(i32, i32, i32), ()>("store_plus", (10, 0x1234, 2)),
        Ok(())
    );
    assert_eq!(&f.memory()[30011..30015], &[0x34, 0x12, 0x34, 0x12]);
    assert_eq!(
        f.call::<(i32, i32, i32), ()>("store_plus", (-30000, 0x5678, 1)),
        Ok(())
    );
    assert_eq!(&f.memory()[1..3], &[0x78, 0x56]);
    // 65534 + 1 + 2 > 65536: traps and writes nothing.
    let before = f.memory().to_vec();
    assert_eq!(
        f.call::<(i32, i32, i32), ()>("store_plus", (65534 - 30000, -1, 1)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(f.memory(), &before[..]);
}

#[test]
fn branches_on_loaded_bytes_wrap_and_trap_where_the_load_is() {
    let mut f = fixture();
    for (i, byte) in f.memory().iter_mut().enumerate() {
        *byte = u8::from(i % 3 == 0 || i % 5 == 0) * 7;
    }
    let bytes = f.memory().to_vec();
    let zeros = |from: usize, n: usize| -> i32 {
        let count = bytes[from..from + n].iter().filter(|&&b| b == 0).count();
        i32::try_from(count).unwrap()
    };
    assert_eq!(
        f.call::<(i32, i32, i32), i32>("zeros", (100, 0, 50)),
        Ok(zeros(103, 50))
    );
    // `p + i` wraps around to 0 (then the offset 3).
    assert_eq!(
        f.call::<(i32, i32, i32), i32>("zeros", (-16, 16, 40)),
        Ok(zeros(3, 24))
    );
    for (i, expected) in [(0, 10), (1, 20), (3, 10), (4, 20), (65535, 10)] {
        assert_eq!(f.call::<(i32, i32), i32>("byte_if", (0, i)), Ok(expected));
    }
    assert_eq!(
        f.call::<(i32, i32), i32>("byte_if", (65536, 0)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    // The last byte is in bounds, the next one is not (the offset does not wrap); the trap is
    // reported at the `i32.load8_u`, not at the `br_if` it was fused with.
    assert_eq!(
        f.call::<(i32, i32, i32), i32>("zeros", (65536 - 4, 0, 1)),
        Ok(zeros(65535, 1))
    );
    let zeros_fn = f
        .instance
        .get_typed_func::<(i32, i32, i32), i32>(&f.store, "zeros")
        .expect("export");
    let error = zeros_fn
        .call(&mut f.store, (-3, 0, 1))
        .expect_err("out of bounds");
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::MemoryOutOfBounds);
    // `i32.add; i32.load8_u offset=3; br_if`
    let body = [0x6a, 0x2d, 0x00, 0x03, 0x0d];
    let at = f
        .wasm
        .windows(body.len())
        .position(|w| w == body)
        .expect("the load");
    assert_eq!(trap.offset(), Some(u32::try_from(at + 1).unwrap()));
}

#[test]
fn adding_to_memory_wraps_and_traps_without_writing() {
    let mut f = fixture();
    let word = |f: &mut Fixture, at: usize| {
        u32::from_le_bytes(f.memory()[at..at + 4].try_into().expect("four bytes"))
    };
    f.memory()[108..112].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    assert_eq!(f.call::<(i32, i32), ()>("add_to", (100, 0x20)), Ok(()));
    assert_eq!(word(&mut f, 108), 0x10, "wraps");
    assert_eq!(f.call::<(i32, i32), ()>("add_to_rev", (100, -0x11)), Ok(()));
    assert_eq!(word(&mut f, 108), 0xffff_ffff);
    // The last word of memory, then one byte past: the trap writes nothing.
    assert_eq!(f.call::<(i32, i32), ()>("add_to", (65536 - 12, 5)), Ok(()));
    assert_eq!(word(&mut f, 65532), 5);
    let before = f.memory().to_vec();
    for p in [65536 - 11, -8, -1] {
        assert_eq!(
            f.call::<(i32, i32), ()>("add_to", (p, 5)),
            Err(TrapCode::MemoryOutOfBounds),
            "p = {p}"
        );
    }
    assert_eq!(f.memory(), &before[..]);
    // The trap is reported at the `i32.load`.
    let add_to = f
        .instance
        .get_typed_func::<(i32, i32), ()>(&f.store, "add_to")
        .expect("export");
    let error = add_to
        .call(&mut f.store, (-1, 5))
        .expect_err("out of bounds");
    // `local.get 0; i32.load offset=8; i32.add`
    let body = [0x20, 0x00, 0x28, 0x02, 0x08, 0x6a];
    let at = f
        .wasm
        .windows(body.len())
        .position(|w| w == body)
        .expect("the load");
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.offset(), Some(u32::try_from(at + 2).unwrap()));
}
