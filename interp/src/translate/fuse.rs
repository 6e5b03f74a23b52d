//! Fusing a comparison with the conditional branch that consumes it.

use crate::op::{Op, Slot};

/// The branch that jumps to `target` when the comparison `compare` (the instruction that
/// computed the condition) is `when`, or `None` when `compare` has no fused form (not a
/// comparison, or an immediate that does not fit in 16 bits).
pub(super) fn fused_branch(compare: Op, when: bool, target: u32) -> Option<Op> {
    Some(match compare {
        // Not a comparison, but a byte that only the branch reads.
        Op::Load8UIdx { a, b, offset, .. } => {
            let offset = u16::try_from(offset).ok()?;
            if when {
                Op::BrLoad8UIdxNez {
                    a,
                    b,
                    offset,
                    target,
                }
            } else {
                Op::BrLoad8UIdxEqz {
                    a,
                    b,
                    offset,
                    target,
                }
            }
        }
        Op::I32Eqz { src, .. } => {
            if when {
                Op::BrIfEqz { cond: src, target }
            } else {
                Op::BrIfNez { cond: src, target }
            }
        }
        Op::I64Eqz { src, .. } => {
            if when {
                Op::BrI64EqImm {
                    a: src,
                    imm: 0,
                    target,
                }
            } else {
                Op::BrI64NeImm {
                    a: src,
                    imm: 0,
                    target,
                }
            }
        }
        Op::I32Eq { a, b, .. } => {
            if when {
                Op::BrI32Eq { a, b, target }
            } else {
                Op::BrI32Ne { a, b, target }
            }
        }
        Op::I32EqImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32EqImm { a, imm, target }
            } else {
                Op::BrI32NeImm { a, imm, target }
            }
        }
        Op::I32Ne { a, b, .. } => {
            if when {
                Op::BrI32Ne { a, b, target }
            } else {
                Op::BrI32Eq { a, b, target }
            }
        }
        Op::I32NeImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32NeImm { a, imm, target }
            } else {
                Op::BrI32EqImm { a, imm, target }
            }
        }
        Op::I32LtS { a, b, .. } => {
            if when {
                Op::BrI32LtS { a, b, target }
            } else {
                Op::BrI32GeS { a, b, target }
            }
        }
        Op::I32LtSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32LtSImm { a, imm, target }
            } else {
                Op::BrI32GeSImm { a, imm, target }
            }
        }
        Op::I32LtU { a, b, .. } => {
            if when {
                Op::BrI32LtU { a, b, target }
            } else {
                Op::BrI32GeU { a, b, target }
            }
        }
        Op::I32LtUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32LtUImm { a, imm, target }
            } else {
                Op::BrI32GeUImm { a, imm, target }
            }
        }
        Op::I32GtS { a, b, .. } => {
            if when {
                Op::BrI32GtS { a, b, target }
            } else {
                Op::BrI32LeS { a, b, target }
            }
        }
        Op::I32GtSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32GtSImm { a, imm, target }
            } else {
                Op::BrI32LeSImm { a, imm, target }
            }
        }
        Op::I32GtU { a, b, .. } => {
            if when {
                Op::BrI32GtU { a, b, target }
            } else {
                Op::BrI32LeU { a, b, target }
            }
        }
        Op::I32GtUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32GtUImm { a, imm, target }
            } else {
                Op::BrI32LeUImm { a, imm, target }
            }
        }
        Op::I32LeS { a, b, .. } => {
            if when {
                Op::BrI32LeS { a, b, target }
            } else {
                Op::BrI32GtS { a, b, target }
            }
        }
        Op::I32LeSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32LeSImm { a, imm, target }
            } else {
                Op::BrI32GtSImm { a, imm, target }
            }
        }
        Op::I32LeU { a, b, .. } => {
            if when {
                Op::BrI32LeU { a, b, target }
            } else {
                Op::BrI32GtU { a, b, target }
            }
        }
        Op::I32LeUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32LeUImm { a, imm, target }
            } else {
                Op::BrI32GtUImm { a, imm, target }
            }
        }
        Op::I32GeS { a, b, .. } => {
            if when {
                Op::BrI32GeS { a, b, target }
            } else {
                Op::BrI32LtS { a, b, target }
            }
        }
        Op::I32GeSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32GeSImm { a, imm, target }
            } else {
                Op::BrI32LtSImm { a, imm, target }
            }
        }
        Op::I32GeU { a, b, .. } => {
            if when {
                Op::BrI32GeU { a, b, target }
            } else {
                Op::BrI32LtU { a, b, target }
            }
        }
        Op::I32GeUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI32GeUImm { a, imm, target }
            } else {
                Op::BrI32LtUImm { a, imm, target }
            }
        }
        Op::I64Eq { a, b, .. } => {
            if when {
                Op::BrI64Eq { a, b, target }
            } else {
                Op::BrI64Ne { a, b, target }
            }
        }
        Op::I64EqImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64EqImm { a, imm, target }
            } else {
                Op::BrI64NeImm { a, imm, target }
            }
        }
        Op::I64Ne { a, b, .. } => {
            if when {
                Op::BrI64Ne { a, b, target }
            } else {
                Op::BrI64Eq { a, b, target }
            }
        }
        Op::I64NeImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64NeImm { a, imm, target }
            } else {
                Op::BrI64EqImm { a, imm, target }
            }
        }
        Op::I64LtS { a, b, .. } => {
            if when {
                Op::BrI64LtS { a, b, target }
            } else {
                Op::BrI64GeS { a, b, target }
            }
        }
        Op::I64LtSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64LtSImm { a, imm, target }
            } else {
                Op::BrI64GeSImm { a, imm, target }
            }
        }
        Op::I64LtU { a, b, .. } => {
            if when {
                Op::BrI64LtU { a, b, target }
            } else {
                Op::BrI64GeU { a, b, target }
            }
        }
        Op::I64LtUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64LtUImm { a, imm, target }
            } else {
                Op::BrI64GeUImm { a, imm, target }
            }
        }
        Op::I64GtS { a, b, .. } => {
            if when {
                Op::BrI64GtS { a, b, target }
            } else {
                Op::BrI64LeS { a, b, target }
            }
        }
        Op::I64GtSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64GtSImm { a, imm, target }
            } else {
                Op::BrI64LeSImm { a, imm, target }
            }
        }
        Op::I64GtU { a, b, .. } => {
            if when {
                Op::BrI64GtU { a, b, target }
            } else {
                Op::BrI64LeU { a, b, target }
            }
        }
        Op::I64GtUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64GtUImm { a, imm, target }
            } else {
                Op::BrI64LeUImm { a, imm, target }
            }
        }
        Op::I64LeS { a, b, .. } => {
            if when {
                Op::BrI64LeS { a, b, target }
            } else {
                Op::BrI64GtS { a, b, target }
            }
        }
        Op::I64LeSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64LeSImm { a, imm, target }
            } else {
                Op::BrI64GtSImm { a, imm, target }
            }
        }
        Op::I64LeU { a, b, .. } => {
            if when {
                Op::BrI64LeU { a, b, target }
            } else {
                Op::BrI64GtU { a, b, target }
            }
        }
        Op::I64LeUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64LeUImm { a, imm, target }
            } else {
                Op::BrI64GtUImm { a, imm, target }
            }
        }
        Op::I64GeS { a, b, .. } => {
            if when {
                Op::BrI64GeS { a, b, target }
            } else {
                Op::BrI64LtS { a, b, target }
            }
        }
        Op::I64GeSImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64GeSImm { a, imm, target }
            } else {
                Op::BrI64LtSImm { a, imm, target }
            }
        }
        Op::I64GeU { a, b, .. } => {
            if when {
                Op::BrI64GeU { a, b, target }
            } else {
                Op::BrI64LtU { a, b, target }
            }
        }
        Op::I64GeUImm { a, imm, .. } => {
            let imm = i16::try_from(imm).ok()?;
            if when {
                Op::BrI64GeUImm { a, imm, target }
            } else {
                Op::BrI64LtUImm { a, imm, target }
            }
        }
        _ => return None,
    })
}

/// The conditional branch to `target` taken exactly when `branch` is not taken (`BrI32LtU`
/// becomes `BrI32GeU`), or `None` when `branch` is not a conditional branch.
pub(super) fn inverted_branch(branch: Op, target: u32) -> Option<Op> {
    /// The pairs of compare-and-branch instructions that are each other's negation, for the
    /// two-slot and the immediate forms.
    macro_rules! negations {
        (slots: $( $x:ident <=> $y:ident ),*; imms: $( $xi:ident <=> $yi:ident ),*) => {
            match branch {
                $(
                    Op::$x { a, b, .. } => Op::$y { a, b, target },
                    Op::$y { a, b, .. } => Op::$x { a, b, target },
                )*
                $(
                    Op::$xi { a, imm, .. } => Op::$yi { a, imm, target },
                    Op::$yi { a, imm, .. } => Op::$xi { a, imm, target },
                )*
                Op::BrIfNez { cond, .. } => Op::BrIfEqz { cond, target },
                Op::BrIfEqz { cond, .. } => Op::BrIfNez { cond, target },
                Op::BrLoad8UIdxNez { a, b, offset, .. } => Op::BrLoad8UIdxEqz { a, b, offset, target },
                Op::BrLoad8UIdxEqz { a, b, offset, .. } => Op::BrLoad8UIdxNez { a, b, offset, target },
                _ => return None,
            }
        };
    }
    Some(negations! {
        slots: BrI32Eq <=> BrI32Ne, BrI32LtS <=> BrI32GeS, BrI32LtU <=> BrI32GeU,
            BrI32GtS <=> BrI32LeS, BrI32GtU <=> BrI32LeU,
            BrI64Eq <=> BrI64Ne, BrI64LtS <=> BrI64GeS, BrI64LtU <=> BrI64GeU,
            BrI64GtS <=> BrI64LeS, BrI64GtU <=> BrI64LeU;
        imms: BrI32EqImm <=> BrI32NeImm, BrI32LtSImm <=> BrI32GeSImm,
            BrI32LtUImm <=> BrI32GeUImm, BrI32GtSImm <=> BrI32LeSImm,
            BrI32GtUImm <=> BrI32LeUImm,
            BrI64EqImm <=> BrI64NeImm, BrI64LtSImm <=> BrI64GeSImm,
            BrI64LtUImm <=> BrI64GeUImm, BrI64GtSImm <=> BrI64LeSImm,
            BrI64GtUImm <=> BrI64LeUImm
    })
}

/// The `I32AddBr…` form of the unsigned compare-and-branch `branch` when one of its operands
/// is `dst`, the sum `a + b` that the instruction before it computed: `dst >= c` and
/// `c <= dst` alike become `I32AddBrGeU { dst, a, b, c }`. `None` for other branches.
pub(super) fn add_branch(branch: Op, dst: Slot, a: Slot, b: Slot) -> Option<Op> {
    // The comparison as `dst OP c`, with `OP` one of `>=`, `<`, `<=`, `>` (0 to 3).
    let (op, c) = match branch {
        Op::BrI32GeU { a: x, b: c, .. } if x == dst => (0, c),
        Op::BrI32LtU { a: x, b: c, .. } if x == dst => (1, c),
        Op::BrI32LeU { a: x, b: c, .. } if x == dst => (2, c),
        Op::BrI32GtU { a: x, b: c, .. } if x == dst => (3, c),
        // `c >= dst` is `dst <= c`, and so on.
        Op::BrI32GeU { a: c, b: y, .. } if y == dst => (2, c),
        Op::BrI32LtU { a: c, b: y, .. } if y == dst => (3, c),
        Op::BrI32LeU { a: c, b: y, .. } if y == dst => (0, c),
        Op::BrI32GtU { a: c, b: y, .. } if y == dst => (1, c),
        _ => return None,
    };
    Some(match op {
        0 => Op::I32AddBrGeU { dst, a, b, c },
        1 => Op::I32AddBrLtU { dst, a, b, c },
        2 => Op::I32AddBrLeU { dst, a, b, c },
        _ => Op::I32AddBrGtU { dst, a, b, c },
    })
}

/// The `I32AddBr…` that jumps exactly when `fused` does not (`I32AddBrGeU` becomes
/// `I32AddBrLtU`), or `None` when `fused` is not one.
pub(super) fn inverted_add_branch(fused: Op) -> Option<Op> {
    Some(match fused {
        Op::I32AddBrGeU { dst, a, b, c } => Op::I32AddBrLtU { dst, a, b, c },
        Op::I32AddBrLtU { dst, a, b, c } => Op::I32AddBrGeU { dst, a, b, c },
        Op::I32AddBrLeU { dst, a, b, c } => Op::I32AddBrGtU { dst, a, b, c },
        Op::I32AddBrGtU { dst, a, b, c } => Op::I32AddBrLeU { dst, a, b, c },
        _ => return None,
    })
}
