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
    info.funcs.push(0);
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
