//! A generated module of more than 1 MB for the compile-time comparison: deterministic (a fixed
//! linear congruential generator), so every run and every engine compiles the same bytes.
//!
//! Each function takes two `i32`s and returns one; its body is a loop of straight-line
//! statements over four locals (integer arithmetic, loads and stores at masked addresses,
//! `if`s, calls of earlier functions), the mix a compiler sees in real programs. The functions
//! are never run for timing; the module only has to validate and compile.

use std::fmt::Write as _;
use std::sync::OnceLock;

/// Number of functions.
const FUNCS: u32 = 2_500;
/// Statements per function body.
const STATEMENTS: u32 = 48;

/// A small deterministic generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let high = u32::try_from(self.0 >> 33).unwrap_or(0);
        high % below.max(1)
    }
}

/// One statement: leaves the operand stack as it found it.
fn statement(out: &mut String, rng: &mut Lcg, func: u32) {
    const BINOPS: [&str; 8] = [
        "i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.rotl",
    ];
    let a = rng.next(4);
    let b = rng.next(4);
    let dst = rng.next(4);
    let c = rng.next(1 << 16);
    let op = BINOPS[rng.next(8) as usize];
    match rng.next(6) {
        0 | 1 => {
            let _ = write!(
                out,
                "(local.set {dst} ({op} (local.get {a}) ({op} (local.get {b}) (i32.const {c}))))"
            );
        }
        2 => {
            let offset = rng.next(256) * 4;
            let _ = write!(
                out,
                "(i32.store offset={offset} (i32.and (local.get {a}) (i32.const 0xfffc)) \
                 ({op} (local.get {b}) (i32.const {c})))"
            );
        }
        3 => {
            let offset = rng.next(256) * 4;
            let _ = write!(
                out,
                "(local.set {dst} ({op} (local.get {b}) (i32.load offset={offset} \
                 (i32.and (local.get {a}) (i32.const 0xfffc)))))"
            );
        }
        4 => {
            let _ = write!(
                out,
                "(if (i32.lt_u (local.get {a}) (i32.const {c})) (then (local.set {dst} \
                 ({op} (local.get {b}) (i32.const 7)))) (else (local.set {dst} \
                 (i32.add (local.get {dst}) (i32.const 1)))))"
            );
        }
        _ if func > 0 => {
            let callee = rng.next(func);
            let _ = write!(
                out,
                "(local.set {dst} (call {callee} (local.get {a}) (local.get {b})))"
            );
        }
        _ => {
            let _ = write!(out, "(local.set {dst} (i32.popcnt (local.get {a})))");
        }
    }
}

/// The module's text.
fn text() -> String {
    let mut rng = Lcg(0x6d6f_7465);
    let mut out = String::from("(module (memory 1)\n");
    for func in 0..FUNCS {
        out += "(func (param i32 i32) (result i32) (local i32 i32)\n(block (loop\n";
        for _ in 0..STATEMENTS {
            statement(&mut out, &mut rng, func);
            out.push('\n');
        }
        // The loop runs while local 2 is odd and then clears its low bit (it ends).
        out += "(br_if 0 (i32.and (local.tee 2 (i32.shr_u (local.get 2) (i32.const 1))) \
                (i32.const 1)))))\n(i32.xor (local.get 2) (local.get 3)))\n";
    }
    out += "(export \"f0\" (func 0)))\n";
    out
}

/// The module's bytes (generated on first use).
///
/// # Panics
/// When the generator's text does not assemble (a bug in this file, caught by its test).
pub fn wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| wat::parse_str(text()).expect("the generated module assembles"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_module_is_over_a_megabyte_and_the_same_every_time() {
        let wasm = super::wasm();
        assert!(wasm.len() >= 1 << 20, "{} bytes", wasm.len());
        assert_eq!(wat::parse_str(super::text()).unwrap(), wasm);
    }
}
