//! Integer and float operators, comparisons and conversions.
//!
//! Be careful when changing this module: Cranelift's `sdiv`, `udiv`, `srem`, `urem` and
//! `fcvt_to_*int` trap on bad input with a hardware fault. WebAssembly's traps must be ours
//! ([`FuncEnv::trap_if`](crate::env::FuncEnv)), so every such operation is guarded by an
//! explicit check before it, and float-to-integer conversions use the saturating forms after
//! the range check.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Type, Value, types};
use mote_core::wasmparser::Operator;
use mote_core::{Error, TrapCode};

use super::FuncTranslator;

/// Integer binary operators that map to one Cranelift instruction.
#[derive(Clone, Copy)]
enum IBin {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// Float binary operators.
#[derive(Clone, Copy)]
enum FBin {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// Float unary operators.
#[derive(Clone, Copy)]
enum FUn {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// Integer division kinds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Div {
    DivS,
    DivU,
    RemS,
    RemU,
}

impl FuncTranslator<'_, '_> {
    fn ibin(&mut self, op: IBin) {
        let (a, b) = self.pop2();
        let ins = self.b.ins();
        let v = match op {
            IBin::Add => ins.iadd(a, b),
            IBin::Sub => ins.isub(a, b),
            IBin::Mul => ins.imul(a, b),
            IBin::And => ins.band(a, b),
            IBin::Or => ins.bor(a, b),
            IBin::Xor => ins.bxor(a, b),
            IBin::Shl => ins.ishl(a, b),
            IBin::ShrS => ins.sshr(a, b),
            IBin::ShrU => ins.ushr(a, b),
            IBin::Rotl => ins.rotl(a, b),
            IBin::Rotr => ins.rotr(a, b),
        };
        self.push(v);
    }

    fn icmp(&mut self, cc: IntCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().icmp(cc, a, b);
        let v = self.b.ins().uextend(types::I32, c);
        self.push(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().fcmp(cc, a, b);
        let v = self.b.ins().uextend(types::I32, c);
        self.push(v);
    }

    fn eqz(&mut self) {
        let a = self.pop();
        let c = self.b.ins().icmp_imm_u(IntCC::Equal, a, 0);
        let v = self.b.ins().uextend(types::I32, c);
        self.push(v);
    }

    fn fbin(&mut self, op: FBin) {
        let (a, b) = self.pop2();
        let ins = self.b.ins();
        let v = match op {
            FBin::Add => ins.fadd(a, b),
            FBin::Sub => ins.fsub(a, b),
            FBin::Mul => ins.fmul(a, b),
            FBin::Div => ins.fdiv(a, b),
            FBin::Min => ins.fmin(a, b),
            FBin::Max => ins.fmax(a, b),
            FBin::Copysign => ins.fcopysign(a, b),
        };
        let v = match op {
            FBin::Copysign => v,
            _ => self.canonicalize(v),
        };
        self.push(v);
    }

    fn fun(&mut self, op: FUn) {
        let a = self.pop();
        let ins = self.b.ins();
        let v = match op {
            FUn::Abs => ins.fabs(a),
            FUn::Neg => ins.fneg(a),
            FUn::Sqrt => ins.sqrt(a),
            FUn::Ceil => ins.ceil(a),
            FUn::Floor => ins.floor(a),
            FUn::Trunc => ins.trunc(a),
            FUn::Nearest => ins.nearest(a),
        };
        let v = match op {
            FUn::Abs | FUn::Neg => v,
            _ => self.canonicalize(v),
        };
        self.push(v);
    }

    /// With `Config::canonicalize_nans`, replaces a NaN `v` with the canonical NaN (the same
    /// operators as the interpreter: arithmetic, `sqrt`, rounding, `min`/`max`, demote and
    /// promote; bit operations keep NaN bits).
    fn canonicalize(&mut self, v: Value) -> Value {
        if !self.env.canonicalize_nans {
            return v;
        }
        let canon = if self.b.func.dfg.value_type(v) == types::F32 {
            self.b.ins().f32const(Ieee32::with_bits(0x7fc0_0000))
        } else {
            self.b
                .ins()
                .f64const(Ieee64::with_bits(0x7ff8_0000_0000_0000))
        };
        let nan = self.b.ins().fcmp(FloatCC::Unordered, v, v);
        self.b.ins().select(nan, canon, v)
    }

    /// Division and remainder with WebAssembly's traps.
    fn div(&mut self, ty: Type, kind: Div) {
        let (a, b) = self.pop2();
        let zero = self.b.ins().icmp_imm_u(IntCC::Equal, b, 0);
        self.env
            .trap_if(&mut self.b, zero, TrapCode::IntegerDivisionByZero);
        let v = match kind {
            Div::DivU => self.b.ins().udiv(a, b),
            Div::RemU => self.b.ins().urem(a, b),
            Div::DivS => {
                let min = if ty == types::I32 {
                    i64::from(i32::MIN)
                } else {
                    i64::MIN
                };
                let a_min = self.b.ins().icmp_imm_s(IntCC::Equal, a, min);
                let b_neg1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let overflow = self.b.ins().band(a_min, b_neg1);
                self.env
                    .trap_if(&mut self.b, overflow, TrapCode::IntegerOverflow);
                self.b.ins().sdiv(a, b)
            }
            Div::RemS => {
                // `x rem -1` is 0; dividing by 1 instead avoids the hardware overflow fault.
                let b_neg1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let one = self.b.ins().iconst(ty, 1);
                let divisor = self.b.ins().select(b_neg1, one, b);
                self.b.ins().srem(a, divisor)
            }
        };
        self.push(v);
    }

    /// Trapping float-to-integer conversion to `to` (signed or not).
    fn trunc(&mut self, to: Type, signed: bool) {
        let x = self.pop();
        let from = self.b.func.dfg.value_type(x);
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.env
            .trap_if(&mut self.b, nan, TrapCode::BadConversionToInteger);
        // The valid range is (lo, hi), both exclusive, in the source type.
        let (lo, hi): (f64, f64) = match (to, signed) {
            (types::I32, true) => (-2_147_483_649.0, 2_147_483_648.0),
            (types::I32, false) => (-1.0, 4_294_967_296.0),
            (_, true) => (-9_223_372_036_854_777_856.0, 9_223_372_036_854_775_808.0),
            (_, false) => (-1.0, 18_446_744_073_709_551_616.0),
        };
        let (lo_v, hi_v, lo_cc) = if from == types::F32 {
            // In f32, -2^31 - 1 and -2^63 - 2048 round to the (valid) -2^31 and -2^63: compare
            // with `>=` against the exact bound instead.
            #[expect(
                clippy::cast_possible_truncation,
                reason = "bounds are exact in f32 where the comparison is inclusive"
            )]
            let (lo32, cc) = match (to, signed) {
                (types::I32, true) => (-2_147_483_648.0_f32, FloatCC::GreaterThanOrEqual),
                (_, true) => (
                    -9_223_372_036_854_775_808.0_f32,
                    FloatCC::GreaterThanOrEqual,
                ),
                _ => (lo as f32, FloatCC::GreaterThan),
            };
            #[expect(
                clippy::cast_possible_truncation,
                reason = "the upper bounds are powers of two, exact in f32"
            )]
            let hi32 = hi as f32;
            (self.b.ins().f32const(lo32), self.b.ins().f32const(hi32), cc)
        } else {
            (
                self.b.ins().f64const(lo),
                self.b.ins().f64const(hi),
                FloatCC::GreaterThan,
            )
        };
        let above = self.b.ins().fcmp(lo_cc, x, lo_v);
        let below = self.b.ins().fcmp(FloatCC::LessThan, x, hi_v);
        let ok = self.b.ins().band(above, below);
        self.env
            .trap_unless(&mut self.b, ok, TrapCode::IntegerOverflow);
        let v = if signed {
            self.b.ins().fcvt_to_sint_sat(to, x)
        } else {
            self.b.ins().fcvt_to_uint_sat(to, x)
        };
        self.push(v);
    }

    fn unary(&mut self, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop();
        let v = f(self, a);
        self.push(v);
    }

    /// Numeric operators; `false` when `op` is not one.
    #[expect(
        clippy::too_many_lines,
        reason = "one flat table of operators reads best"
    )]
    pub(super) fn numeric(&mut self, op: &Operator<'_>) -> Result<bool, Error> {
        use types::{F32, F64, I8, I16, I32, I64};
        let bits = MemFlagsData::new();
        match *op {
            Operator::I32Eqz | Operator::I64Eqz => self.eqz(),
            Operator::I32Eq | Operator::I64Eq => self.icmp(IntCC::Equal),
            Operator::I32Ne | Operator::I64Ne => self.icmp(IntCC::NotEqual),
            Operator::I32LtS | Operator::I64LtS => self.icmp(IntCC::SignedLessThan),
            Operator::I32LtU | Operator::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            Operator::I32GtS | Operator::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            Operator::I32GtU | Operator::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            Operator::I32LeS | Operator::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            Operator::I32LeU | Operator::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            Operator::I32GeS | Operator::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            Operator::I32GeU | Operator::I64GeU => {
                self.icmp(IntCC::UnsignedGreaterThanOrEqual);
            }
            Operator::F32Eq | Operator::F64Eq => self.fcmp(FloatCC::Equal),
            Operator::F32Ne | Operator::F64Ne => self.fcmp(FloatCC::NotEqual),
            Operator::F32Lt | Operator::F64Lt => self.fcmp(FloatCC::LessThan),
            Operator::F32Gt | Operator::F64Gt => self.fcmp(FloatCC::GreaterThan),
            Operator::F32Le | Operator::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            Operator::F32Ge | Operator::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            Operator::I32Clz | Operator::I64Clz => self.unary(|t, a| t.b.ins().clz(a)),
            Operator::I32Ctz | Operator::I64Ctz => self.unary(|t, a| t.b.ins().ctz(a)),
            Operator::I32Popcnt | Operator::I64Popcnt => self.unary(|t, a| t.b.ins().popcnt(a)),
            Operator::I32Add | Operator::I64Add => self.ibin(IBin::Add),
            Operator::I32Sub | Operator::I64Sub => self.ibin(IBin::Sub),
            Operator::I32Mul | Operator::I64Mul => self.ibin(IBin::Mul),
            Operator::I32DivS => self.div(I32, Div::DivS),
            Operator::I64DivS => self.div(I64, Div::DivS),
            Operator::I32DivU => self.div(I32, Div::DivU),
            Operator::I64DivU => self.div(I64, Div::DivU),
            Operator::I32RemS => self.div(I32, Div::RemS),
            Operator::I64RemS => self.div(I64, Div::RemS),
            Operator::I32RemU => self.div(I32, Div::RemU),
            Operator::I64RemU => self.div(I64, Div::RemU),
            Operator::I32And | Operator::I64And => self.ibin(IBin::And),
            Operator::I32Or | Operator::I64Or => self.ibin(IBin::Or),
            Operator::I32Xor | Operator::I64Xor => self.ibin(IBin::Xor),
            Operator::I32Shl | Operator::I64Shl => self.ibin(IBin::Shl),
            Operator::I32ShrS | Operator::I64ShrS => self.ibin(IBin::ShrS),
            Operator::I32ShrU | Operator::I64ShrU => self.ibin(IBin::ShrU),
            Operator::I32Rotl | Operator::I64Rotl => self.ibin(IBin::Rotl),
            Operator::I32Rotr | Operator::I64Rotr => self.ibin(IBin::Rotr),

            Operator::F32Abs | Operator::F64Abs => self.fun(FUn::Abs),
            Operator::F32Neg | Operator::F64Neg => self.fun(FUn::Neg),
            Operator::F32Sqrt | Operator::F64Sqrt => self.fun(FUn::Sqrt),
            Operator::F32Ceil | Operator::F64Ceil => self.fun(FUn::Ceil),
            Operator::F32Floor | Operator::F64Floor => self.fun(FUn::Floor),
            Operator::F32Trunc | Operator::F64Trunc => self.fun(FUn::Trunc),
            Operator::F32Nearest | Operator::F64Nearest => self.fun(FUn::Nearest),
            Operator::F32Add | Operator::F64Add => self.fbin(FBin::Add),
            Operator::F32Sub | Operator::F64Sub => self.fbin(FBin::Sub),
            Operator::F32Mul | Operator::F64Mul => self.fbin(FBin::Mul),
            Operator::F32Div | Operator::F64Div => self.fbin(FBin::Div),
            Operator::F32Min | Operator::F64Min => self.fbin(FBin::Min),
            Operator::F32Max | Operator::F64Max => self.fbin(FBin::Max),
            Operator::F32Copysign | Operator::F64Copysign => self.fbin(FBin::Copysign),

            Operator::I32WrapI64 => self.unary(|t, a| t.b.ins().ireduce(I32, a)),
            Operator::I64ExtendI32S => self.unary(|t, a| t.b.ins().sextend(I64, a)),
            Operator::I64ExtendI32U => self.unary(|t, a| t.b.ins().uextend(I64, a)),
            Operator::I32TruncF32S | Operator::I32TruncF64S => self.trunc(I32, true),
            Operator::I32TruncF32U | Operator::I32TruncF64U => self.trunc(I32, false),
            Operator::I64TruncF32S | Operator::I64TruncF64S => self.trunc(I64, true),
            Operator::I64TruncF32U | Operator::I64TruncF64U => self.trunc(I64, false),
            Operator::I32TruncSatF32S | Operator::I32TruncSatF64S => {
                self.unary(|t, a| t.b.ins().fcvt_to_sint_sat(I32, a));
            }
            Operator::I32TruncSatF32U | Operator::I32TruncSatF64U => {
                self.unary(|t, a| t.b.ins().fcvt_to_uint_sat(I32, a));
            }
            Operator::I64TruncSatF32S | Operator::I64TruncSatF64S => {
                self.unary(|t, a| t.b.ins().fcvt_to_sint_sat(I64, a));
            }
            Operator::I64TruncSatF32U | Operator::I64TruncSatF64U => {
                self.unary(|t, a| t.b.ins().fcvt_to_uint_sat(I64, a));
            }
            Operator::F32ConvertI32S | Operator::F32ConvertI64S => {
                self.unary(|t, a| t.b.ins().fcvt_from_sint(F32, a));
            }
            Operator::F32ConvertI32U | Operator::F32ConvertI64U => {
                self.unary(|t, a| t.b.ins().fcvt_from_uint(F32, a));
            }
            Operator::F64ConvertI32S | Operator::F64ConvertI64S => {
                self.unary(|t, a| t.b.ins().fcvt_from_sint(F64, a));
            }
            Operator::F64ConvertI32U | Operator::F64ConvertI64U => {
                self.unary(|t, a| t.b.ins().fcvt_from_uint(F64, a));
            }
            Operator::F32DemoteF64 => self.unary(|t, a| {
                let v = t.b.ins().fdemote(F32, a);
                t.canonicalize(v)
            }),
            Operator::F64PromoteF32 => self.unary(|t, a| {
                let v = t.b.ins().fpromote(F64, a);
                t.canonicalize(v)
            }),
            Operator::I32ReinterpretF32 => self.unary(|t, a| t.b.ins().bitcast(I32, bits, a)),
            Operator::I64ReinterpretF64 => self.unary(|t, a| t.b.ins().bitcast(I64, bits, a)),
            Operator::F32ReinterpretI32 => self.unary(|t, a| t.b.ins().bitcast(F32, bits, a)),
            Operator::F64ReinterpretI64 => self.unary(|t, a| t.b.ins().bitcast(F64, bits, a)),

            Operator::I32Extend8S => self.sign_extend(I32, I8),
            Operator::I32Extend16S => self.sign_extend(I32, I16),
            Operator::I64Extend8S => self.sign_extend(I64, I8),
            Operator::I64Extend16S => self.sign_extend(I64, I16),
            Operator::I64Extend32S => self.sign_extend(I64, I32),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn sign_extend(&mut self, ty: Type, from: Type) {
        self.unary(|t, a| {
            let narrow = t.b.ins().ireduce(from, a);
            t.b.ins().sextend(ty, narrow)
        });
    }
}
