//! A tiny stack-based bytecode VM: the interpreter-in-an-interpreter workload.
//!
//! Instructions are one opcode byte, some with a one-byte operand. Values are `i64`, with
//! eight registers and an operand stack of sixteen.

const PUSH: u8 = 0; // PUSH imm8: push the (unsigned) operand
const LOAD: u8 = 1; // LOAD r: push register r
const STORE: u8 = 2; // STORE r: pop into register r
const ADD: u8 = 3;
const MUL: u8 = 4;
const XOR: u8 = 5;
const LT: u8 = 6; // pop b, pop a, push (a < b) as 0 or 1
const JZ: u8 = 7; // JZ target: pop; jump when it is 0
const JMP: u8 = 8; // JMP target
const HALT: u8 = 9; // stop; the result is the top of the stack

/// `r1 = 0; r0 = 0; while r0 < r2 { r1 = r1 * 31 ^ r0; r0 += 1 }; result r1`.
const PROGRAM: [u8; 30] = [
    LOAD, 0, LOAD, 2, LT, JZ, 27, // 0: while r0 < r2
    LOAD, 1, PUSH, 31, MUL, LOAD, 0, XOR, STORE, 1, // 7: r1 = r1 * 31 ^ r0
    LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 0,    // 17: r0 += 1
    HALT, // 26: (not reached)
    LOAD, 1, HALT, // 27: result r1
];

/// Runs the VM's loop for `n` iterations and returns `r1`.
pub fn vm(n: u32) -> u64 {
    run(&PROGRAM, i64::from(n)).cast_unsigned()
}

/// Runs `code` with `r2 = n`; an invalid program stops with -1.
fn run(code: &[u8], n: i64) -> i64 {
    let mut regs = [0i64; 8];
    regs[2] = n;
    let mut stack = [0i64; 16];
    let mut sp = 0usize;
    let mut pc = 0usize;
    macro_rules! pop {
        () => {{
            if sp == 0 {
                return -1;
            }
            sp -= 1;
            stack[sp]
        }};
    }
    macro_rules! push {
        ($v:expr) => {{
            let v = $v;
            if sp == stack.len() {
                return -1;
            }
            stack[sp] = v;
            sp += 1;
        }};
    }
    loop {
        let Some(&op) = code.get(pc) else { return -1 };
        let arg = code.get(pc + 1).copied().unwrap_or(0);
        pc += 1;
        match op {
            PUSH => {
                push!(i64::from(arg));
                pc += 1;
            }
            LOAD => {
                push!(regs[usize::from(arg & 7)]);
                pc += 1;
            }
            STORE => {
                regs[usize::from(arg & 7)] = pop!();
                pc += 1;
            }
            ADD => {
                let b = pop!();
                let a = pop!();
                push!(a.wrapping_add(b));
            }
            MUL => {
                let b = pop!();
                let a = pop!();
                push!(a.wrapping_mul(b));
            }
            XOR => {
                let b = pop!();
                let a = pop!();
                push!(a ^ b);
            }
            LT => {
                let b = pop!();
                let a = pop!();
                push!(i64::from(a < b));
            }
            JZ => {
                pc = if pop!() == 0 {
                    usize::from(arg)
                } else {
                    pc + 1
                };
            }
            JMP => pc = usize::from(arg),
            HALT => return pop!(),
            _ => return -1,
        }
    }
}
