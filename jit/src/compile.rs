//! Module compilation: each validated function body is translated to Cranelift IR
//! ([`crate::translate`]) and compiled; [`ModuleTranslator::finish`] adds one trampoline per
//! function type, lays all code out in one [`CodeMemory`] and resolves relocations.
//!
//! Trampolines are how Rust enters compiled code: `extern "C" fn(vmctx, code, values)` loads
//! the arguments from `values` (raw 8-byte slots), calls `code` with the WebAssembly signature
//! and writes the results back to `values`.

use std::sync::Arc;

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{
    self, AbiParam, ExternalName, InstBuilder, LibCall, Signature, UserFuncName, types,
};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetIsa};
use cranelift_codegen::{Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use mote_core::engine::{CompiledCode, ModuleTranslator};
use mote_core::module::ModuleInfo;
use mote_core::wasmparser::{self, FuncValidator, FunctionBody, ValidatorResources};
use mote_core::{Config, Error, FuncType};

use crate::code_memory::CodeMemory;
use crate::env::{self, FuncEnv};
use crate::libcalls;
use crate::vmctx::offsets;

/// The machine code of one module.
#[derive(Debug)]
pub(crate) struct CompiledModule {
    /// Owns the code; unmapped when the module is dropped.
    _memory: CodeMemory,
    /// Entry address of each defined function.
    pub(crate) func_code: Box<[usize]>,
    /// Code length and source locations of each defined function, for backtraces.
    pub(crate) func_info: Box<[FuncInfo]>,
    /// The interpreter's frame size, in slots, of each defined function: parameters, locals
    /// and the highest operand stack. Calls account for it as the interpreter does.
    pub(crate) frame_slots: Box<[u32]>,
    /// Trampoline address for each of the module's types.
    pub(crate) trampolines: Box<[usize]>,
    /// Imported functions of the module (defined function `i` is function `imported + i`).
    pub(crate) imported_funcs: u32,
    /// Per memory of the module: whether its accesses were compiled without bounds checks,
    /// for a [`Reservation`](crate::reservation::Reservation) (the contexts check that the
    /// store's memory is one before the code runs).
    pub(crate) guarded_memories: Box<[bool]>,
}

/// What backtraces need to know about one compiled function.
#[derive(Debug, Default)]
pub(crate) struct FuncInfo {
    /// Bytes of machine code.
    pub(crate) len: usize,
    /// `(start, end, wasm offset)` ranges of machine code offsets, sorted.
    pub(crate) srclocs: Box<[(u32, u32, u32)]>,
    /// `(code offset, raw Cranelift trap code)` of each trap instruction, sorted.
    pub(crate) traps: Box<[(u32, u8)]>,
}

impl CompiledModule {
    /// The defined function and WebAssembly byte offset of the machine instruction at `pc`,
    /// if `pc` is in one of this module's functions (not a trampoline).
    pub(crate) fn lookup(&self, pc: usize) -> Option<(u32, Option<u32>)> {
        let i = self
            .func_code
            .partition_point(|&start| start <= pc)
            .checked_sub(1)?;
        let rel = pc - self.func_code[i];
        let info = &self.func_info[i];
        if rel >= info.len {
            return None;
        }
        let rel = u32::try_from(rel).ok()?;
        let at = info.srclocs.partition_point(|&(start, _, _)| start <= rel);
        let offset = at
            .checked_sub(1)
            .map(|j| info.srclocs[j])
            .filter(|&(_, end, _)| rel < end)
            .map(|(_, _, loc)| loc);
        Some((u32::try_from(i).ok()?, offset))
    }

    /// If `pc` is a trap instruction of one of this module's functions: the function (module
    /// index space), the WebAssembly byte offset and the raw trap code. Called from the signal
    /// handler: reads only, allocates nothing.
    pub(crate) fn trap_at(&self, pc: usize) -> Option<(u32, Option<u32>, u8)> {
        let (defined, offset) = self.lookup(pc)?;
        let info = self.func_info.get(defined as usize)?;
        let rel = u32::try_from(pc - self.func_code[defined as usize]).ok()?;
        let at = info.traps.binary_search_by_key(&rel, |&(o, _)| o).ok()?;
        Some((self.imported_funcs + defined, offset, info.traps[at].1))
    }
}

/// A relocation in one function's code.
enum Fixup {
    /// An absolute 8-byte address (library calls).
    Abs8 { at: u32, target: usize },
    /// A PC-relative call of defined function `func` of the same module.
    Call {
        at: u32,
        kind: Reloc,
        func: u32,
        addend: i64,
    },
}

/// Compiled bytes of one function before layout.
struct FuncBytes {
    bytes: Vec<u8>,
    relocs: Vec<Fixup>,
    srclocs: Box<[(u32, u32, u32)]>,
    traps: Box<[(u32, u8)]>,
}

/// Translates and compiles the functions of one module.
pub(crate) struct Translator {
    isa: OwnedTargetIsa,
    config: Config,
    /// Per memory of the module: whether accesses rely on guard pages (no bounds checks).
    guarded: Vec<bool>,
    code_bytes_limit: u64,
    /// The IR of each defined function not yet handed to the compiler threads (`None` once
    /// handed over).
    pending: Vec<Option<ir::Function>>,
    /// Compiler threads that compile functions while later ones are still being translated.
    pipeline: Option<Pipeline>,
    /// The interpreter's frame size of each defined function.
    frame_slots: Vec<u32>,
    /// Per pending function, its `iconst`s of callees' frame sizes (`FuncEnv::frame_slots`).
    frame_slot_consts: Vec<Vec<(ir::Inst, u32)>>,
    /// Their machine code, after `finish` compiled it.
    funcs: Vec<FuncBytes>,
    builder_ctx: FunctionBuilderContext,
}

impl Translator {
    /// A translator for a module whose memories are `info`'s; with `guard_pages`, accesses to
    /// memories with 64 KiB pages rely on guard pages instead of bounds checks.
    pub(crate) fn new(
        config: &Config,
        isa: OwnedTargetIsa,
        info: &ModuleInfo,
        guard_pages: bool,
    ) -> Self {
        Self {
            pipeline: Pipeline::start(&isa),
            isa,
            config: config.clone(),
            guarded: info
                .memories
                .iter()
                .map(|m| guard_pages && crate::reservation::is_guarded_type(m))
                .collect(),
            code_bytes_limit: config.get_limits().code_bytes,
            pending: Vec::new(),
            frame_slots: Vec::new(),
            frame_slot_consts: Vec::new(),
            funcs: Vec::new(),
            builder_ctx: FunctionBuilderContext::new(),
        }
    }
}

/// Whether `MOTE_JIT_LISTING` is set: then every compiled function's Cranelift IR and machine
/// code go to standard error, for developers comparing code (ARCHITECTURE.md, "The JIT").
fn listing_wanted() -> bool {
    static WANTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WANTED.get_or_init(|| std::env::var_os("MOTE_JIT_LISTING").is_some())
}

/// Compiles `ctx.func` and returns its bytes.
///
/// # Errors
/// When Cranelift fails (or panics: the panic is caught, the process goes on).
fn compile_function(isa: &dyn TargetIsa, ctx: &mut Context) -> Result<FuncBytes, Error> {
    let listing = listing_wanted();
    if listing {
        ctx.set_disasm(true);
        eprintln!(
            "; {} (Cranelift IR before optimisation)\n{}",
            ctx.func.name,
            ctx.func.display()
        );
    }
    let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ctx.compile(isa, &mut ControlPlane::default())
            .map(|_| ())
            .map_err(|e| format!("{:?}", e.inner))
    }));
    match compiled {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(Error::unsupported(
                format!("code generation failed: {e}"),
                None,
            ));
        }
        Err(_) => return Err(Error::unsupported("code generation panicked", None)),
    }
    let Some(compiled) = ctx.compiled_code() else {
        return Err(Error::unsupported("code generation produced nothing", None));
    };
    // Compiled code checks the stack at function entry, after the prologue has allocated
    // the frame: a frame larger than the margin below the limit could reach the guard page.
    let frame = compiled
        .buffer
        .frame_layout()
        .map_or(0, |l| u64::from(l.frame_to_fp_offset));
    if frame > crate::exec::MAX_FRAME_BYTES {
        return Err(Error::limit(
            "stack frame bytes of one compiled function",
            frame,
            crate::exec::MAX_FRAME_BYTES,
        ));
    }
    if listing && let Some(text) = &compiled.vcode {
        eprintln!("; {} (machine code)\n{text}", ctx.func.name);
    }
    let bytes = compiled.code_buffer().to_vec();
    let srclocs = compiled
        .buffer
        .get_srclocs_sorted()
        .iter()
        .filter(|l| !l.loc.is_default())
        .map(|l| (l.start, l.end, l.loc.bits()))
        .collect();
    let mut traps: Vec<(u32, u8)> = compiled
        .buffer
        .traps()
        .iter()
        .map(|t| (t.offset, t.code.as_raw().get()))
        .collect();
    traps.sort_unstable();
    let raw: Vec<_> = compiled
        .buffer
        .relocs()
        .iter()
        .map(|r| (r.offset, r.kind, r.target.clone(), r.addend))
        .collect();
    let mut relocs = Vec::with_capacity(raw.len());
    for (at, kind, target, addend) in raw {
        let fixup = match (kind, target) {
            (Reloc::Abs8, FinalizedRelocTarget::ExternalName(ExternalName::LibCall(lc))) => {
                libcall_address(lc).map(|target| Fixup::Abs8 {
                    at,
                    target: target.wrapping_add_signed(isize::try_from(addend).unwrap_or(0)),
                })
            }
            (
                Reloc::X86CallPCRel4 | Reloc::Arm64Call,
                FinalizedRelocTarget::ExternalName(ExternalName::User(name)),
            ) => {
                let name = &ctx.func.params.user_named_funcs()[name];
                (name.namespace == 0).then_some(Fixup::Call {
                    at,
                    kind,
                    func: name.index,
                    addend,
                })
            }
            _ => None,
        };
        let Some(fixup) = fixup else {
            return Err(Error::unsupported(
                format!("relocation {kind:?} in compiled code"),
                None,
            ));
        };
        relocs.push(fixup);
    }
    ctx.clear();
    Ok(FuncBytes {
        bytes,
        relocs,
        srclocs,
        traps: traps.into_boxed_slice(),
    })
}

/// Fills in the frame-size constants of `func`'s direct calls (`FuncEnv::frame_slots`).
fn patch_frame_slots(func: &mut ir::Function, consts: &[(ir::Inst, u32)], frame_slots: &[u32]) {
    for &(inst, callee) in consts {
        let slots = frame_slots.get(callee as usize).copied().unwrap_or(0);
        func.dfg.insts[inst] = ir::InstructionData::UnaryImm {
            opcode: ir::Opcode::Iconst,
            imm: ir::immediates::Imm64::new(i64::from(slots)),
        };
    }
}

type Job = (usize, ir::Function);
type Done = (usize, Result<FuncBytes, Error>);

/// Compiler threads fed through a channel: functions are compiled while the module is still
/// being translated (validation and IR construction run in order, on the caller's thread).
struct Pipeline {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    done: std::sync::mpsc::Receiver<Done>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Pipeline {
    /// Starts up to `available_parallelism` threads of [`COMPILER_STACK`] bytes of stack;
    /// `None` when none starts (then `finish` compiles with [`compile_all`]).
    fn start(isa: &OwnedTargetIsa) -> Option<Self> {
        use std::sync::{Arc, Mutex, mpsc};
        let (jobs, receiver) = mpsc::channel::<Job>();
        let (done_tx, done) = mpsc::channel::<Done>();
        let receiver = Arc::new(Mutex::new(receiver));
        let n = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let threads: Vec<_> = (0..n)
            .filter_map(|_| {
                let receiver = Arc::clone(&receiver);
                let done = done_tx.clone();
                let isa = isa.clone();
                std::thread::Builder::new()
                    .name("mote-jit-compile".into())
                    .stack_size(COMPILER_STACK)
                    .spawn(move || {
                        let mut ctx = Context::new();
                        loop {
                            let job = match receiver.lock() {
                                Ok(r) => r.recv(),
                                Err(_) => break,
                            };
                            let Ok((index, func)) = job else { break };
                            ctx.func = func;
                            let result = compile_function(&*isa, &mut ctx);
                            if done.send((index, result)).is_err() {
                                break;
                            }
                        }
                    })
                    .ok()
            })
            .collect();
        (!threads.is_empty()).then_some(Pipeline {
            jobs: Some(jobs),
            done,
            threads,
        })
    }

    /// Hands function `index` to the threads; gives it back if they are gone.
    #[expect(
        clippy::result_large_err,
        reason = "the function comes back by value to be compiled later; a rare path"
    )]
    fn send(&self, index: usize, func: ir::Function) -> Result<(), ir::Function> {
        match &self.jobs {
            Some(jobs) => jobs.send((index, func)).map_err(|e| e.0.1),
            None => Err(func),
        }
    }

    /// Sends the remaining `funcs`, waits for all `total` results and returns them in index
    /// order.
    fn finish(mut self, funcs: Vec<Job>, total: usize) -> Result<Vec<FuncBytes>, (usize, Error)> {
        for (index, func) in funcs {
            if self.send(index, func).is_err() {
                return Err((index, Error::unsupported("a compiler thread failed", None)));
            }
        }
        self.jobs = None;
        let mut out: Vec<Option<Result<FuncBytes, Error>>> = (0..total).map(|_| None).collect();
        for _ in 0..total {
            let Ok((index, result)) = self.done.recv() else {
                break;
            };
            if let Some(slot) = out.get_mut(index) {
                *slot = Some(result);
            }
        }
        let mut compiled = Vec::with_capacity(total);
        for (index, result) in out.into_iter().enumerate() {
            match result {
                Some(Ok(bytes)) => compiled.push(bytes),
                Some(Err(e)) => return Err((index, e)),
                None => return Err((index, Error::unsupported("a compiler thread failed", None))),
            }
        }
        Ok(compiled)
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channel ends the threads once they finish their current function.
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Most slots one interpreter frame may have (`mote-interp`'s translator refuses larger).
const MAX_FRAME_SLOTS: u64 = 1 << 16;

/// Stack size of the compiler threads.
const COMPILER_STACK: usize = 8 << 20;

/// Compiles `funcs` on up to `available_parallelism` threads of [`COMPILER_STACK`] bytes of
/// stack (on the calling thread only if no thread can start). Results keep the order of
/// `funcs`.
///
/// # Errors
/// The first failure, with the index of its function.
fn compile_all(
    isa: &dyn TargetIsa,
    funcs: Vec<ir::Function>,
) -> Result<Vec<FuncBytes>, (usize, Error)> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let n = funcs.len();
    let work: Vec<Mutex<Option<ir::Function>>> =
        funcs.into_iter().map(|f| Mutex::new(Some(f))).collect();
    let results: Vec<Mutex<Option<Result<FuncBytes, Error>>>> =
        (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut ctx = Context::new();
        loop {
            // Relaxed: the index only hands out work; the mutexes order the data.
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let Some(func) = work[i].lock().ok().and_then(|mut f| f.take()) else {
                continue;
            };
            ctx.func = func;
            let result = compile_function(isa, &mut ctx);
            if let Ok(mut slot) = results[i].lock() {
                *slot = Some(result);
            }
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(n.div_ceil(4))
        .max(1);
    std::thread::scope(|scope| {
        // Cranelift needs a deep stack (its passes recurse): compile on threads with a stack
        // of known size, whatever the caller's stack is (the embedder's thread may have a
        // small one). A thread that cannot start leaves its share to the others; when none
        // starts, the caller's thread does the work.
        let started = (0..threads)
            .filter(|_| {
                std::thread::Builder::new()
                    .name("mote-jit-compile".into())
                    .stack_size(COMPILER_STACK)
                    .spawn_scoped(scope, worker)
                    .is_ok()
            })
            .count();
        if started == 0 {
            worker();
        }
    });
    let mut out = Vec::with_capacity(n);
    for (i, slot) in results.into_iter().enumerate() {
        match slot.into_inner().ok().flatten() {
            Some(Ok(bytes)) => out.push(bytes),
            Some(Err(e)) => return Err((i, e)),
            None => {
                return Err((i, Error::unsupported("a compiler thread failed", None)));
            }
        }
    }
    Ok(out)
}

impl Translator {
    /// The IR of the trampoline for functions of `ty`.
    fn trampoline(&mut self, ty: &FuncType) -> ir::Function {
        let call_conv = self.isa.default_call_conv();
        let mut sig = Signature::new(call_conv);
        sig.params.extend([AbiParam::new(types::I64); 3]);
        let mut func = ir::Function::with_name_signature(UserFuncName::user(1, 0), sig);
        {
            let mut b = FunctionBuilder::new(&mut func, &mut self.builder_ctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let params = b.block_params(entry).to_vec();
            let (vmctx, code, values) = (params[0], params[1], params[2]);
            let param_types: Vec<_> = ty.params().iter().map(|t| env::clif_type(*t)).collect();
            // The call depth and frame pointer that the runtime set up for this call.
            let flags = ir::MemFlagsData::trusted();
            let limits = b.ins().load(types::I64, flags, vmctx, offsets::LIMITS);
            let depth_left = b.ins().load(types::I64, flags, limits, offsets::DEPTH_LEFT);
            let fp = b.ins().load(types::I64, flags, limits, offsets::SLOTS_FP);
            let high = b.ins().ishl_imm_u(depth_left, 32);
            let state = b.ins().bor(high, fp);
            let mut args = vec![vmctx, state];
            args.extend(env::load_raw(&mut b, values, &param_types));
            let callee_sig = b.import_signature(env::wasm_signature(ty));
            let call = b.ins().call_indirect(callee_sig, code, &args);
            let results = b.inst_results(call).to_vec();
            env::store_raw(&mut b, values, &results);
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(self.isa.frontend_config());
        }
        func
    }
}

/// The address of a Cranelift library call that generated code may reference.
fn libcall_address(lc: LibCall) -> Option<usize> {
    let f: usize = match lc {
        LibCall::FloorF32 => libcalls::floor_f32 as *const () as usize,
        LibCall::FloorF64 => libcalls::floor_f64 as *const () as usize,
        LibCall::CeilF32 => libcalls::ceil_f32 as *const () as usize,
        LibCall::CeilF64 => libcalls::ceil_f64 as *const () as usize,
        LibCall::TruncF32 => libcalls::trunc_f32 as *const () as usize,
        LibCall::TruncF64 => libcalls::trunc_f64 as *const () as usize,
        LibCall::NearestF32 => libcalls::nearest_f32 as *const () as usize,
        LibCall::NearestF64 => libcalls::nearest_f64 as *const () as usize,
        _ => return None,
    };
    Some(f)
}

/// Patches the PC-relative call at image offset `at` to reach image offset `target`.
///
/// # Errors
/// When the distance does not fit the instruction (code beyond ±128 MiB on aarch64, ±2 GiB
/// on x86-64).
fn patch_call(
    image: &mut [u8],
    at: usize,
    target: usize,
    kind: Reloc,
    addend: i64,
) -> Result<(), Error> {
    let too_far = || {
        Error::limit(
            "distance of a call in compiled code",
            image.len() as u64,
            1 << 27,
        )
    };
    let delta = i64::try_from(target).map_err(|_| too_far())?
        - i64::try_from(at).map_err(|_| too_far())?
        + addend;
    match kind {
        Reloc::X86CallPCRel4 => {
            let rel = i32::try_from(delta).map_err(|_| too_far())?;
            image[at..at + 4].copy_from_slice(&rel.to_le_bytes());
        }
        Reloc::Arm64Call => {
            if delta % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&delta) {
                return Err(too_far());
            }
            let word = u32::from_le_bytes([image[at], image[at + 1], image[at + 2], image[at + 3]]);
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a 26-bit two's complement field, range checked above"
            )]
            let imm26 = ((delta >> 2) as u32) & 0x03ff_ffff;
            let word = (word & 0xfc00_0000) | imm26;
            image[at..at + 4].copy_from_slice(&word.to_le_bytes());
        }
        _ => return Err(too_far()),
    }
    Ok(())
}

fn invalid(e: &wasmparser::BinaryReaderError) -> Error {
    Error::invalid(e.message(), e.offset())
}

impl ModuleTranslator for Translator {
    fn translate_function(
        &mut self,
        info: &ModuleInfo,
        func_index: u32,
        body: FunctionBody<'_>,
        mut validator: FuncValidator<ValidatorResources>,
    ) -> Result<(), Error> {
        let ty = info.func_type(func_index).clone();
        let mut locals = Vec::new();
        let mut locals_reader = body.get_locals_reader().map_err(|e| invalid(&e))?;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position();
            let (count, local_ty) = locals_reader.read().map_err(|e| invalid(&e))?;
            validator
                .define_locals(offset, count, local_ty)
                .map_err(|e| invalid(&e))?;
            if locals.len() + count as usize > 50_000 {
                return Err(Error::limit(
                    "locals per function",
                    u64::from(count),
                    50_000,
                ));
            }
            let local_ty = crate::translate::val_type(local_ty)?;
            locals.extend(core::iter::repeat_n(local_ty, count as usize));
        }
        let call_conv = self.isa.default_call_conv();
        let mut func = ir::Function::with_name_signature(
            UserFuncName::user(0, func_index),
            env::wasm_signature(&ty),
        );
        let mut env = FuncEnv::new(info, func_index, call_conv, &self.config, &self.guarded);
        let max_height = {
            let builder = FunctionBuilder::new(&mut func, &mut self.builder_ctx);
            crate::translate::translate_body(
                builder,
                &mut env,
                &ty,
                &locals,
                &body,
                &mut validator,
                self.isa.frontend_config(),
            )
            .map_err(|e| e.in_function(func_index, info.func_name(func_index)))?
        };
        // The interpreter's limit on frame slots (parameters, locals, operands), so that both
        // engines accept the same functions.
        let frame_slots = (ty.params().len() + locals.len() + max_height) as u64;
        if frame_slots >= MAX_FRAME_SLOTS {
            return Err(
                Error::limit("slots per frame", frame_slots, MAX_FRAME_SLOTS - 1)
                    .in_function(func_index, info.func_name(func_index)),
            );
        }
        let consts = core::mem::take(&mut env.frame_slot_consts);
        self.frame_slots
            .push(u32::try_from(frame_slots).unwrap_or(u32::MAX));
        // A function whose direct callees are all translated (the usual case: callees come
        // first, or it calls itself) can be compiled now, while the next ones are translated.
        let index = self.pending.len();
        let ready = consts
            .iter()
            .all(|&(_, callee)| (callee as usize) < self.frame_slots.len());
        match &self.pipeline {
            Some(pipeline) if ready => {
                patch_frame_slots(&mut func, &consts, &self.frame_slots);
                if let Err(func) = pipeline.send(index, func) {
                    self.pending.push(Some(func));
                } else {
                    self.pending.push(None);
                }
            }
            _ => self.pending.push(Some(func)),
        }
        self.frame_slot_consts.push(consts);
        Ok(())
    }

    fn finish(mut self: Box<Self>, info: &ModuleInfo) -> Result<CompiledCode, Error> {
        let defined = self.pending.len();
        let pending = core::mem::take(&mut self.pending);
        let consts = core::mem::take(&mut self.frame_slot_consts);
        // Every frame size is known now: fill in the constants of the remaining direct calls.
        let mut funcs: Vec<(usize, ir::Function)> = Vec::new();
        for (index, (func, consts)) in pending.into_iter().zip(&consts).enumerate() {
            if let Some(mut func) = func {
                patch_frame_slots(&mut func, consts, &self.frame_slots);
                funcs.push((index, func));
            }
        }
        // Trampolines come after the functions: number `defined + k` for type `k`.
        for (k, ty) in info.types.iter().enumerate() {
            let trampoline = self.trampoline(ty);
            funcs.push((defined + k, trampoline));
        }
        let total = defined + info.types.len();
        let in_function =
            |(i, e): (usize, Error)| match u32::try_from(i).ok().filter(|_| i < defined) {
                Some(i) => {
                    let index = info.imported_funcs + i;
                    e.in_function(index, info.func_name(index))
                }
                None => e,
            };
        let mut compiled = match self.pipeline.take() {
            Some(pipeline) => pipeline.finish(funcs, total).map_err(in_function)?,
            None => {
                let (_, funcs): (Vec<usize>, Vec<ir::Function>) = funcs.into_iter().unzip();
                compile_all(&*self.isa, funcs).map_err(in_function)?
            }
        };
        let trampolines = compiled.split_off(defined);
        self.funcs = compiled;
        let code_bytes: u64 = self.funcs.iter().map(|f| f.bytes.len() as u64).sum();
        if code_bytes > self.code_bytes_limit {
            return Err(Error::limit(
                "translated code bytes",
                code_bytes,
                self.code_bytes_limit,
            ));
        }
        // Lay out functions then trampolines, each 16-byte aligned.
        let mut image = Vec::new();
        let place = |f: &FuncBytes, image: &mut Vec<u8>| -> usize {
            while !image.len().is_multiple_of(16) {
                image.push(0);
            }
            let start = image.len();
            image.extend_from_slice(&f.bytes);
            start
        };
        let func_offsets: Vec<usize> = self.funcs.iter().map(|f| place(f, &mut image)).collect();
        let tramp_offsets: Vec<usize> = trampolines.iter().map(|f| place(f, &mut image)).collect();
        for (f, &start) in self
            .funcs
            .iter()
            .zip(&func_offsets)
            .chain(trampolines.iter().zip(&tramp_offsets))
        {
            for fixup in &f.relocs {
                match *fixup {
                    Fixup::Abs8 { at, target } => {
                        let at = start + at as usize;
                        image[at..at + 8].copy_from_slice(&(target as u64).to_le_bytes());
                    }
                    Fixup::Call {
                        at,
                        kind,
                        func,
                        addend,
                    } => {
                        let at = start + at as usize;
                        let target = func_offsets[func as usize];
                        patch_call(&mut image, at, target, kind, addend)?;
                    }
                }
            }
        }
        let memory = CodeMemory::new(&image)?;
        let base = memory.base();
        let func_info = self
            .funcs
            .iter_mut()
            .map(|f| FuncInfo {
                len: f.bytes.len(),
                srclocs: core::mem::take(&mut f.srclocs),
                traps: core::mem::take(&mut f.traps),
            })
            .collect();
        Ok(Arc::new(CompiledModule {
            func_code: func_offsets.iter().map(|o| base + o).collect(),
            func_info,
            frame_slots: core::mem::take(&mut self.frame_slots).into_boxed_slice(),
            trampolines: tramp_offsets.iter().map(|o| base + o).collect(),
            imported_funcs: info.imported_funcs,
            guarded_memories: core::mem::take(&mut self.guarded).into_boxed_slice(),
            _memory: memory,
        }))
    }
}
