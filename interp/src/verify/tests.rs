use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use mote_core::module::ModuleInfo;
use mote_core::{FuncType, ValType};

use super::verify;
use crate::code::CompiledFunc;
use crate::op::Op;

/// A module with one function `(i32) -> i32`.
fn module() -> ModuleInfo {
    let mut info = ModuleInfo::default();
    info.types
        .push(FuncType::new([ValType::I32], [ValType::I32]));
    info.funcs.to_mut().push(0);
    info
}

fn func(code: &[Op]) -> CompiledFunc {
    CompiledFunc {
        code_start: 0,
        code_len: u32::try_from(code.len()).expect("short"),
        frame_size: 3,
        params: 1,
        locals: 2,
        results: 1,
    }
}

fn check(code: Vec<Op>) -> Result<(), mote_core::Error> {
    verify(&module(), 0, &func(&code), &code)
}

#[test]
fn accepts_well_formed_code() {
    let code = vec![
        Op::I32AddImm {
            dst: 2,
            a: 0,
            imm: 1,
        },
        Op::BrIfEqz { cond: 2, target: 3 },
        Op::Call { func: 0, base: 2 },
        Op::Return { src: 2, count: 1 },
    ];
    assert!(check(code).is_ok());
}

#[test]
fn rejects_slots_outside_the_frame() {
    let error = check(vec![
        Op::I32Add { dst: 3, a: 0, b: 1 },
        Op::Return { src: 0, count: 1 },
    ])
    .unwrap_err();
    assert!(
        error.to_string().contains("slot outside the frame"),
        "{error}"
    );
    // A call's arguments must fit: base 3 is the frame's end.
    assert!(
        check(vec![
            Op::Call { func: 0, base: 3 },
            Op::Return { src: 0, count: 1 }
        ])
        .is_err()
    );
}

#[test]
fn rejects_jumps_outside_the_function_and_fallthrough_at_the_end() {
    assert!(check(vec![Op::Br { target: 5 }]).is_err());
    let error = check(vec![Op::I32Eqz { dst: 1, src: 0 }]).unwrap_err();
    assert!(error.to_string().contains("falls through"), "{error}");
    // `br_table` must be followed by its entries, all jumps.
    assert!(check(vec![Op::BrTable { index: 0, len: 2 }, Op::Br { target: 0 }]).is_err());
    let table = |len| {
        vec![
            Op::BrTable { index: 0, len },
            Op::Br { target: 3 },
            Op::Br { target: 3 },
            Op::Return { src: 0, count: 1 },
        ]
    };
    assert!(check(table(1)).is_ok());
    assert!(check(table(2)).is_err());
    assert!(check(table(u32::MAX)).is_err());
}

#[test]
fn a_fused_add_and_branch_needs_its_jump_and_an_instruction_after_it() {
    let fused = Op::I32AddBrGeU {
        dst: 2,
        a: 0,
        b: 1,
        c: 0,
    };
    let ret = Op::Return { src: 0, count: 1 };
    assert!(check(vec![fused, Op::Br { target: 2 }, ret]).is_ok());
    // Not followed by a jump.
    let error = check(vec![fused, ret, ret]).unwrap_err();
    assert!(
        error.to_string().contains("not followed by its jump"),
        "{error}"
    );
    // Its jump is the last instruction: skipping it would run past the end.
    let error = check(vec![fused, Op::Br { target: 0 }]).unwrap_err();
    assert!(error.to_string().contains("skips past the end"), "{error}");
    // Its slots are in the frame.
    let outside = Op::I32AddBrLtU {
        dst: 2,
        a: 0,
        b: 1,
        c: 3,
    };
    assert!(check(vec![outside, Op::Br { target: 2 }, ret]).is_err());
}

#[test]
fn fused_memory_accesses_check_their_slots_targets_and_memory() {
    let mut with_memory = module();
    with_memory
        .memories
        .push(mote_core::MemoryType::new(1, None));
    let check_in = |info: &ModuleInfo, code: Vec<Op>| verify(info, 0, &func(&code), &code);
    let ret = Op::Return { src: 0, count: 1 };
    let branch = |b, target| Op::BrLoad8UIdxEqz {
        a: 0,
        b,
        offset: 7,
        target,
    };
    let add = |value| Op::I32AddStore32 {
        addr: 0,
        value,
        offset: 4,
    };
    assert!(check_in(&with_memory, vec![branch(1, 1), ret]).is_ok());
    assert!(check_in(&with_memory, vec![add(2), ret]).is_ok());
    assert!(check_in(&with_memory, vec![branch(3, 1), ret]).is_err());
    assert!(check_in(&with_memory, vec![branch(1, 2), ret]).is_err());
    assert!(check_in(&with_memory, vec![add(3), ret]).is_err());
    // Without a memory 0.
    for code in [vec![branch(1, 1), ret], vec![add(2), ret]] {
        let error = check(code).unwrap_err();
        assert!(error.to_string().contains("memory index"), "{error}");
    }
}

#[test]
fn rejects_indices_outside_the_module() {
    let code = |op| vec![op, Op::Return { src: 0, count: 1 }];
    assert!(check(code(Op::Call { func: 1, base: 1 })).is_err());
    assert!(check(code(Op::GlobalGet { dst: 1, index: 0 })).is_err());
    assert!(
        check(code(Op::Load32U {
            dst: 1,
            addr: 0,
            offset: 0
        }))
        .is_err()
    );
    assert!(check(code(Op::TableSize { table: 0, dst: 1 })).is_err());
    assert!(check(code(Op::DataDrop { segment: 0 })).is_err());
    assert!(check(code(Op::Return { src: 0, count: 2 })).is_err());
}

mod references {
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    use mote_core::module::ModuleInfo;
    use mote_core::{FuncType, GlobalType, Mutability, RefType, TableType, ValType};

    use crate::code::{CompiledFunc, CompiledModule};
    use crate::op::Op;
    use crate::verify::{Depth, verify_module};

    /// One function `(funcref) -> funcref` with 6 slots; table 0 holds functions, table 1
    /// external references; global 0 is an immutable i32, global 1 a mutable funcref.
    fn module() -> ModuleInfo {
        let mut info = ModuleInfo::default();
        info.types
            .push(FuncType::new([ValType::FuncRef], [ValType::FuncRef]));
        info.funcs.to_mut().push(0);
        info.tables.push(TableType::new(RefType::FuncRef, 1, None));
        info.tables
            .push(TableType::new(RefType::ExternRef, 1, None));
        info.table_inits = vec![None, None];
        info.globals
            .push(GlobalType::new(ValType::I32, Mutability::Const));
        info.globals
            .push(GlobalType::new(ValType::FuncRef, Mutability::Var));
        info
    }

    fn check(code: Vec<Op>) -> Result<(), mote_core::Error> {
        let func = CompiledFunc {
            code_start: 0,
            code_len: u32::try_from(code.len()).expect("short"),
            frame_size: 6,
            params: 1,
            locals: 2,
            results: 1,
        };
        let compiled = CompiledModule {
            funcs: vec![func].into(),
            code: code.into(),
            offsets: Vec::new().into(),
        };
        verify_module(&module(), &compiled, Depth::References)
    }

    fn ret(slot: u16) -> Op {
        Op::Return {
            src: slot,
            count: 1,
        }
    }

    #[test]
    fn valid_references_pass() {
        // The parameter, ref.func, null and a value read from a funcref table are references.
        assert!(check(vec![ret(0)]).is_ok());
        assert!(check(vec![Op::RefFunc { dst: 2, func: 0 }, ret(2)]).is_ok());
        assert!(check(vec![Op::Const32 { dst: 2, value: 0 }, ret(2)]).is_ok());
        assert!(check(vec![ret(1)]).is_ok(), "a fresh local is null");
        let code = vec![
            Op::Const32 { dst: 2, value: 0 },
            Op::TableGet { table: 0, dst: 2 },
            Op::Copy { dst: 3, src: 2 },
            Op::TableSet { table: 0, base: 2 },
            ret(3),
        ];
        assert!(check(code).is_ok());
    }

    #[test]
    fn forged_references_are_rejected() {
        let error = check(vec![Op::Const32 { dst: 2, value: 5 }, ret(2)]).unwrap_err();
        assert!(
            error.to_string().contains("not a valid reference"),
            "{error}"
        );
        // A number stored into a funcref table.
        let code = vec![
            Op::Const32 { dst: 2, value: 0 },
            Op::I32AddImm {
                dst: 3,
                a: 2,
                imm: 7,
            },
            Op::TableSet { table: 0, base: 2 },
            ret(0),
        ];
        assert!(check(code).is_err());
        // An external reference where a function reference belongs.
        let code = vec![
            Op::Const32 { dst: 2, value: 0 },
            Op::TableGet { table: 1, dst: 2 },
            ret(2),
        ];
        assert!(check(code).is_err());
        // A stale operand slot: never written in this frame.
        assert!(check(vec![ret(4)]).is_err());
        // A reference overwritten by a number.
        let code = vec![Op::I32Eqz { dst: 0, src: 0 }, ret(0)];
        assert!(check(code).is_err());
        let code = vec![Op::CanonicalizeF32 { slot: 0 }, ret(0)];
        assert!(check(code).is_err());
    }

    #[test]
    fn paths_join_at_branch_targets() {
        // Slot 1 is a number on one path into pc 3 and a reference on the other.
        let code = vec![
            Op::BrIfEqz { cond: 0, target: 2 },
            Op::Const32 { dst: 1, value: 9 },
            Op::Br { target: 3 },
            ret(1),
        ];
        assert!(check(code).is_err());
        // Both paths give references: accepted.
        let code = vec![
            Op::BrIfEqz { cond: 0, target: 3 },
            Op::RefFunc { dst: 1, func: 0 },
            Op::Br { target: 3 },
            ret(1),
        ];
        assert!(check(code).is_ok());
        // A loop that turns the reference into a number on its back edge.
        let code = vec![
            Op::Copy { dst: 2, src: 0 },
            Op::BrIfEqz { cond: 5, target: 4 },
            Op::I64AddImm {
                dst: 2,
                a: 2,
                imm: 1,
            },
            Op::Br { target: 1 },
            ret(2),
        ];
        assert!(check(code).is_err());
    }

    #[test]
    fn a_fused_add_and_branch_continues_on_both_paths() {
        // When the jump is not taken it skips its `Br`: that path, to pc 2, must be checked
        // too (it returns the sum, a number, as a reference).
        let fused = Op::I32AddBrGeU {
            dst: 3,
            a: 4,
            b: 4,
            c: 4,
        };
        let code = vec![fused, Op::Br { target: 3 }, ret(3), ret(0)];
        assert!(check(code).is_err());
        // The sum is a number: it may not be used as a reference after the jump either.
        let code = vec![fused, Op::Br { target: 3 }, ret(0), ret(3)];
        assert!(check(code).is_err());
        let code = vec![fused, Op::Br { target: 3 }, ret(0), ret(0)];
        assert!(check(code).is_ok());
    }

    #[test]
    fn calls_clobber_the_frame_above_their_base() {
        // The callee's frame overwrites slots from `base` up; only its results are known.
        let code = vec![
            Op::Copy { dst: 3, src: 0 },
            Op::Copy { dst: 2, src: 0 },
            Op::Call { func: 0, base: 2 },
            ret(2),
        ];
        assert!(check(code.clone()).is_ok());
        let mut stale = code;
        stale[3] = ret(3);
        assert!(check(stale).is_err());
    }

    #[test]
    fn table_and_global_types_are_checked() {
        let code = vec![
            Op::Const32 { dst: 3, value: 0 },
            Op::CallIndirect {
                base: 2,
                ty: 0,
                table: 1,
            },
            ret(0),
        ];
        let error = check(code).unwrap_err();
        assert!(error.to_string().contains("call_indirect"), "{error}");
        let code = vec![
            Op::TableCopy {
                base: 2,
                dst_table: 0,
                src_table: 1,
            },
            ret(0),
        ];
        assert!(check(code).is_err());
        let code = vec![Op::GlobalSet { src: 2, index: 0 }, ret(0)];
        let error = check(code).unwrap_err();
        assert!(error.to_string().contains("immutable"), "{error}");
        let code = vec![Op::GlobalSet { src: 0, index: 1 }, ret(0)];
        assert!(check(code).is_ok());
        let code = vec![Op::GlobalSet { src: 4, index: 1 }, ret(0)];
        assert!(check(code).is_err());
    }

    #[test]
    fn every_slot_writer_is_modelled() {
        // The pass knows the slots each instruction writes: the `dst` of the instructions that
        // `Op::result_slot_mut` lists, and those of `MODELLED_WRITERS`. Any other variant with
        // a `dst`, `slot` or `delta` field, or a `base` that receives results, would be a
        // write the pass misses.
        let source = include_str!("../op.rs");
        let listed_start = source.find("pub fn result_slot_mut").expect("the method");
        let listed_end = listed_start + source[listed_start..].find("_ => None").expect("end");
        let listed = &source[listed_start..listed_end];
        let mut variant = "";
        let mut unmodelled = Vec::new();
        for line in crate::op::op_list_source().lines().map(str::trim) {
            if line.starts_with("//") || line.is_empty() {
                continue;
            }
            if line.chars().next().is_some_and(char::is_uppercase) {
                variant = line
                    .split(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("");
            }
            let writes = ["dst:", "dst2:", "slot:", "delta:"]
                .iter()
                .any(|field| line.contains(field));
            let in_list = listed.contains(&alloc::format!("Op::{variant} "));
            if writes && !in_list && !super::super::refs::MODELLED_WRITERS.contains(&variant) {
                unmodelled.push(variant.to_string());
            }
        }
        assert!(
            unmodelled.is_empty(),
            "instructions that write slots the reference pass does not model: {unmodelled:?}"
        );
    }
}

#[test]
fn metered_code_pays_on_entry_and_on_every_backward_jump() {
    use crate::code::CompiledModule;
    let run = |code: Vec<Op>| {
        let compiled = CompiledModule {
            funcs: vec![func(&code)].into(),
            code: code.into(),
            offsets: Vec::new().into(),
        };
        super::verify_fuel(&module(), &compiled)
    };
    let fuel = |amount| Op::ConsumeFuel { amount };
    let ret = Op::Return { src: 0, count: 1 };
    assert!(run(vec![fuel(2), Op::BrIfNez { cond: 0, target: 0 }, ret]).is_ok());
    // Free entry: a tail-call loop or recursion would not pay.
    assert!(run(vec![fuel(0), ret]).is_err());
    assert!(run(vec![Op::Copy { dst: 1, src: 0 }, ret]).is_err());
    // A loop whose back edge skips the check.
    let error = run(vec![
        fuel(2),
        Op::Copy { dst: 1, src: 0 },
        Op::Br { target: 1 },
    ])
    .unwrap_err();
    assert!(error.to_string().contains("backward jump"), "{error}");
    // Forward jumps need no check.
    assert!(run(vec![fuel(1), Op::Br { target: 2 }, Op::Unreachable, ret]).is_ok());
}

#[test]
fn interruptible_code_checks_the_epoch_on_entry_and_on_every_backward_jump() {
    use crate::code::CompiledModule;
    let run = |code: Vec<Op>| {
        let compiled = CompiledModule {
            funcs: vec![func(&code)].into(),
            code: code.into(),
            offsets: Vec::new().into(),
        };
        super::verify_epoch(&module(), &compiled)
    };
    let fuel = Op::ConsumeFuel { amount: 1 };
    let check = Op::CheckEpoch;
    let ret = Op::Return { src: 0, count: 1 };
    assert!(run(vec![check, Op::BrIfNez { cond: 0, target: 0 }, ret]).is_ok());
    // With fuel, the check follows the fuel check, and jumps back may land on either.
    assert!(run(vec![fuel, check, Op::BrIfNez { cond: 0, target: 0 }, ret]).is_ok());
    assert!(run(vec![fuel, check, Op::BrIfNez { cond: 0, target: 1 }, ret]).is_ok());
    // No check on entry: recursion would never look at the epoch.
    assert!(run(vec![ret]).is_err());
    assert!(run(vec![fuel, ret]).is_err());
    // A loop whose back edge skips the check.
    let error = run(vec![
        check,
        Op::Copy { dst: 1, src: 0 },
        Op::Br { target: 1 },
    ])
    .unwrap_err();
    assert!(error.to_string().contains("backward jump"), "{error}");
    // Forward jumps need no check.
    assert!(run(vec![check, Op::Br { target: 2 }, Op::Unreachable, ret]).is_ok());
}
