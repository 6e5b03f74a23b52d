//! The operator translator: validated WebAssembly operators to Cranelift IR.
//!
//! This module knows nothing about the runtime layout: memory, globals, tables, calls, traps
//! and fuel all go through [`FuncEnv`]. The operand stack is a stack of SSA values; locals are
//! Cranelift variables. Each block's continuation is a Cranelift block whose parameters are the
//! block's results; a loop's header block takes the loop's parameters.
//!
//! Be careful when changing this module: bodies are validated operator by operator *before*
//! each operator is translated, so the stack shapes below hold.

mod control;
mod memory;
mod numeric;

use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, Type, Value, types};
use cranelift_codegen::isa::TargetFrontendConfig;
use cranelift_frontend::{FunctionBuilder, Variable};
use mote_core::wasmparser::{self, FuncValidator, FunctionBody, Operator, ValidatorResources};
use mote_core::{Error, FuncType, ValType};

use crate::env::{FuncEnv, clif_type};

/// The Mote value type of a `wasmparser` value type.
///
/// # Errors
/// `Unsupported` for SIMD and typed references.
pub(crate) fn val_type(ty: wasmparser::ValType) -> Result<ValType, Error> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::Ref(r) if r.is_func_ref() => ValType::FuncRef,
        wasmparser::ValType::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
        other => {
            return Err(Error::unsupported(
                format!("value type {other} in the JIT"),
                None,
            ));
        }
    })
}

/// What kind of construct a control frame is.
#[derive(Debug)]
enum ControlKind {
    /// The function body: its continuation returns.
    Func,
    /// `block`
    Block,
    /// `loop`: branches go to the header.
    Loop { header: Block },
    /// `if`: the else block, the parameters it starts with, and whether `else` was seen.
    If {
        else_block: Block,
        params: Vec<Value>,
        has_else: bool,
    },
    /// A construct inside unreachable code: nothing is emitted for it.
    Dead,
}

/// One entered block, loop, if or the function body.
#[derive(Debug)]
struct Control {
    kind: ControlKind,
    /// Continuation after `end`; its parameters are the results.
    next: Block,
    /// Stack height below the construct's parameters.
    height: usize,
    params: Vec<Type>,
    results: Vec<Type>,
    /// Whether a branch or fallthrough reaches `next`.
    next_reached: bool,
}

/// Translation state of one function.
pub(crate) struct FuncTranslator<'a, 'm> {
    b: FunctionBuilder<'a>,
    env: &'a mut FuncEnv<'m>,
    stack: Vec<Value>,
    controls: Vec<Control>,
    reachable: bool,
    locals: Vec<Variable>,
    /// The highest operand stack, counted as the interpreter counts its frame slots.
    max_height: usize,
}

fn invalid(e: &wasmparser::BinaryReaderError) -> Error {
    Error::invalid(e.message(), e.offset())
}

/// Translates the body of a function of type `ty` with declared `locals` into `b`'s function.
/// Returns the highest operand stack, counted as the interpreter counts the operand slots of
/// its frames (so both engines refuse the same oversized functions).
///
/// # Errors
/// Validation errors; `Unsupported` for operators the JIT does not implement.
pub(crate) fn translate_body(
    b: FunctionBuilder<'_>,
    env: &mut FuncEnv<'_>,
    ty: &FuncType,
    locals: &[ValType],
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    target: TargetFrontendConfig,
) -> Result<usize, Error> {
    let mut t = FuncTranslator {
        b,
        env,
        stack: Vec::new(),
        controls: Vec::new(),
        reachable: true,
        locals: Vec::new(),
        max_height: 0,
    };
    t.start(ty, locals);
    let mut reader = body.get_operators_reader().map_err(|e| invalid(&e))?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(|e| invalid(&e))?;
        validator.op(offset, &op).map_err(|e| invalid(&e))?;
        t.env.set_offset(offset);
        if t.env.debug_info {
            let loc = u32::try_from(offset).unwrap_or(u32::MAX);
            t.b.set_srcloc(cranelift_codegen::ir::SourceLoc::new(loc));
        }
        t.translate(&op).map_err(|e| match e.offset() {
            Some(_) => e,
            None => Error::unsupported(e.to_string(), Some(offset)),
        })?;
        t.max_height = t.max_height.max(t.stack.len());
    }
    reader.finish().map_err(|e| invalid(&e))?;
    t.env.finish(&mut t.b);
    t.b.seal_all_blocks();
    t.b.finalize(target);
    Ok(t.max_height)
}

impl FuncTranslator<'_, '_> {
    fn start(&mut self, ty: &FuncType, locals: &[ValType]) {
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        // The context and the call state, then the WebAssembly parameters
        // (`env::wasm_signature`).
        self.env.set_vmctx(&mut self.b, params[0], params[1]);
        for (&value, &ty) in params[2..].iter().zip(ty.params()) {
            let var = self.b.declare_var(clif_type(ty));
            self.b.def_var(var, value);
            self.locals.push(var);
        }
        for &ty in locals {
            let cty = clif_type(ty);
            let var = self.b.declare_var(cty);
            let zero = self.zero(cty);
            self.b.def_var(var, zero);
            self.locals.push(var);
        }
        self.env.prologue(&mut self.b);
        let results: Vec<Type> = ty.results().iter().map(|t| clif_type(*t)).collect();
        let next = self.new_block(&results);
        self.controls.push(Control {
            kind: ControlKind::Func,
            next,
            height: 0,
            params: Vec::new(),
            results,
            next_reached: false,
        });
        self.env.start_fuel_segment(&mut self.b);
    }

    /// A zero of type `ty`.
    fn zero(&mut self, ty: Type) -> Value {
        match ty {
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            _ => self.b.ins().iconst(ty, 0),
        }
    }

    /// A new block with parameters of `tys`.
    fn new_block(&mut self, tys: &[Type]) -> Block {
        let block = self.b.create_block();
        for &ty in tys {
            self.b.append_block_param(block, ty);
        }
        block
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn pop(&mut self) -> Value {
        self.stack
            .pop()
            .expect("validated: operand stack not empty")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    /// The top `n` values, removed.
    fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    /// The top `n` values as block arguments, left on the stack.
    fn peek_args(&self, n: usize) -> Vec<BlockArg> {
        self.stack[self.stack.len() - n..]
            .iter()
            .map(|v| BlockArg::from(*v))
            .collect()
    }

    /// Translates one operator.
    fn translate(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        let is_control = matches!(
            op,
            Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::Else
                | Operator::End
        );
        if !self.reachable && !is_control {
            return Ok(());
        }
        if self.reachable {
            self.env.charge();
        }
        if self.control(op)? {
            return Ok(());
        }
        if self.variable(op) {
            return Ok(());
        }
        if self.memory(op)? {
            return Ok(());
        }
        if self.numeric(op)? {
            return Ok(());
        }
        Err(Error::unsupported(
            format!("operator {op:?} in the JIT"),
            None,
        ))
    }

    /// Locals, `drop`, `select` and constants.
    fn variable(&mut self, op: &Operator<'_>) -> bool {
        match *op {
            Operator::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize], v);
            }
            Operator::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[local_index as usize], v);
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop();
                let (a, b) = self.pop2();
                let v = self.b.ins().select(cond, a, b);
                self.push(v);
            }
            Operator::I32Const { value } => {
                let v = self.b.ins().iconst(types::I32, i64::from(value));
                self.push(v);
            }
            Operator::I64Const { value } => {
                let v = self.b.ins().iconst(types::I64, value);
                self.push(v);
            }
            Operator::F32Const { value } => {
                let v =
                    self.b
                        .ins()
                        .f32const(cranelift_codegen::ir::immediates::Ieee32::with_bits(
                            value.bits(),
                        ));
                self.push(v);
            }
            Operator::F64Const { value } => {
                let v =
                    self.b
                        .ins()
                        .f64const(cranelift_codegen::ir::immediates::Ieee64::with_bits(
                            value.bits(),
                        ));
                self.push(v);
            }
            _ => return false,
        }
        true
    }
}
