//! The function environment: everything the operator translation needs to know about the
//! runtime. It owns the [`VmCtx`](crate::vmctx::VmCtx) layout, bounds checks, traps, fuel,
//! calls and the runtime calls ([`crate::libcalls`]); the translator in [`crate::translate`]
//! only maps operators to Cranelift IR and asks this type for anything that touches state.
//!
//! Be careful when changing this module: every check that keeps guest code inside its sandbox
//! is emitted here. Memory accesses zero-extend the 32-bit address and add the static offset in
//! 64 bits (no overflow: both are below 2^32). For a guarded memory (64 KiB pages, guard pages
//! on: a reservation of 4 GiB plus a guard region, `crate::reservation`) that is all when the
//! offset plus the access size fits the guard region: an access out of bounds faults in the
//! reservation. Otherwise the end is compared against the memory's current length, loaded
//! from the context (so memories of any page size, 1-byte pages included, are handled alike).
//! Those loads are tagged with the context's alias region: Cranelift reuses them between
//! calls, and reloads them after any call (a callee or the runtime may have grown or moved the
//! memory, and refreshed the context); the base of a guarded memory never changes and is
//! loaded once. A failed check is one of Cranelift's
//! trap instructions (`trapnz`, `trapz`, `trap`) with the Mote trap code as its user code:
//! no block and no register on the fast path; the `SIGILL` it raises is turned into the trap
//! by [`crate::signals`], which finds the code and the byte offset from the faulting address.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{
    self, AbiParam, Block, BlockArg, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Type, Value, condcodes::IntCC, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;
use mote_core::module::ModuleInfo;
use mote_core::{TrapCode, ValType};

use crate::libcalls;
use crate::vmctx::offsets;

/// The Cranelift type that holds values of a WebAssembly type (references are `i64`: a store
/// index plus one, or zero for null).
pub(crate) fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 | ValType::FuncRef | ValType::ExternRef => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
    }
}

/// The native signature of a WebAssembly function of `ty`: the context, the call state, then
/// the parameters; the results are returned. WebAssembly functions use Cranelift's `tail`
/// convention, so that `return_call` is a real tail call.
///
/// The call state is the interpreter's stack accounting for this frame in one `i64`: the
/// calls that may still be made (`Limits::call_depth` minus the calls in progress, below
/// 2^31) in the high 32 bits, the frame's first slot in the interpreter's value stack in the
/// low 32 (see [`FuncEnv::call`]). One value, so that it takes one argument register and one
/// load at a call.
pub(crate) fn wasm_signature(ty: &mote_core::FuncType) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.extend([AbiParam::new(types::I64); 2]);
    sig.params
        .extend(ty.params().iter().map(|t| AbiParam::new(clif_type(*t))));
    sig.returns
        .extend(ty.results().iter().map(|t| AbiParam::new(clif_type(*t))));
    sig
}

/// Memory flags for runtime data that compiled code may write (globals, fuel, the depth
/// counter, raw value buffers): no alias region, so only calls and other such stores
/// invalidate loads of it.
fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Memory flags for tables that never change while the module lives (function entry
/// addresses, store function indices).
fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// Writes `values` as raw 8-byte slots at `ptr` (32-bit values zero-extended), the layout of
/// `RawVal` arrays that the runtime calls and trampolines share.
pub(crate) fn store_raw(builder: &mut FunctionBuilder<'_>, ptr: Value, values: &[Value]) {
    for (i, &v) in values.iter().enumerate() {
        let ty = builder.func.dfg.value_type(v);
        let raw = match ty {
            types::I32 => builder.ins().uextend(types::I64, v),
            types::F32 => {
                let bits = builder.ins().bitcast(types::I32, MemFlagsData::new(), v);
                builder.ins().uextend(types::I64, bits)
            }
            types::F64 => builder.ins().bitcast(types::I64, MemFlagsData::new(), v),
            _ => v,
        };
        builder.ins().store(flags(), raw, ptr, slot_offset(i));
    }
}

/// Reads values of `tys` from raw 8-byte slots at `ptr`.
pub(crate) fn load_raw(builder: &mut FunctionBuilder<'_>, ptr: Value, tys: &[Type]) -> Vec<Value> {
    tys.iter()
        .enumerate()
        .map(|(i, &ty)| builder.ins().load(ty, flags(), ptr, slot_offset(i)))
        .collect()
}

fn slot_offset(i: usize) -> i32 {
    i32::try_from(i * 8).unwrap_or(i32::MAX)
}

/// How a call is made: for the interpreter's stack accounting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallHow {
    /// `return_call*`: the callee replaces the caller's frame.
    pub(crate) tail: bool,
    /// Where the arguments start in the caller's interpreter frame (locals plus the operand
    /// height below them).
    pub(crate) base: u32,
}

/// A pending fuel check whose amount is known only when its segment ends.
struct FuelSegment {
    /// The `iconst` that holds the amount; rewritten when the segment ends.
    amount_inst: ir::Inst,
    amount: u64,
}

/// Per-function environment.
pub(crate) struct FuncEnv<'m> {
    pub(crate) info: &'m ModuleInfo,
    /// Per memory: whether it is a guarded reservation (accesses with small static offsets
    /// need no bounds check; see [`crate::reservation`]).
    guarded: &'m [bool],
    /// Module index of the function being translated.
    pub(crate) func_index: u32,
    pub(crate) call_conv: CallConv,
    /// Whether float results are canonicalized (`Config::canonicalize_nans`).
    pub(crate) canonicalize_nans: bool,
    /// Whether traps and backtraces carry byte offsets (`Config::debug_info`).
    pub(crate) debug_info: bool,
    /// Byte offset of the operator being translated (`u32::MAX` without debug info).
    offset: u32,
    vmctx: Option<Value>,
    /// A stack slot that holds the call state (see [`wasm_signature`]) as the caller passed
    /// it: stored at entry, loaded at each call. Kept in an SSA value it would be live through
    /// the whole function and hold a register even in loops that make no call (measured with
    /// two values: 6% more instructions on sieve, matmul and the bytecode VM, from spills of
    /// the loops' own values).
    call_state: Option<ir::StackSlot>,
    /// The entry block's call state parameter, stored into `call_state` at the top of the
    /// function by [`Self::finish`] when a call needed it (leaf functions get neither the slot
    /// nor the store).
    call_state_param: Option<Value>,
    vmctx_region: Option<ir::AliasRegion>,
    heap_region: Option<ir::AliasRegion>,
    fuel: bool,
    /// Whether function entries and loops check the epoch (`Config::epoch_interruption`).
    epoch: bool,
    segment: Option<FuelSegment>,
    /// Slow paths of fuel checks: (slow block, check block, amount).
    fuel_slow: Vec<(Block, Block, Value)>,
    /// Signature of each module type, imported on first use.
    sigs: Vec<Option<ir::SigRef>>,
    /// Signatures of runtime calls.
    libcall_sigs: Vec<(usize, ir::SigRef)>,
    /// Direct-call references to defined functions, by defined index.
    func_refs: Vec<(u32, ir::FuncRef)>,
    /// `iconst`s that hold the interpreter's frame size of a defined callee, patched with the
    /// size when the module is finished (callees translated later are not known yet).
    pub(crate) frame_slot_consts: Vec<(ir::Inst, u32)>,
    /// `Limits::value_stack_slots`: the bound of the interpreter's value stack.
    max_slots: u64,
    /// Bounds already checked in the current block: `(memory, address value, end)` means
    /// `address + end <= length` held there. Memories never shrink, so the fact stays true
    /// for the rest of the block, calls and `memory.grow` included.
    checked: Vec<(u32, Value, u64)>,
    /// The block that `checked` describes.
    checked_block: Option<Block>,
}

impl<'m> FuncEnv<'m> {
    pub(crate) fn new(
        info: &'m ModuleInfo,
        func_index: u32,
        call_conv: CallConv,
        config: &mote_core::Config,
        guarded: &'m [bool],
    ) -> Self {
        Self {
            info,
            guarded,
            func_index,
            call_conv,
            canonicalize_nans: config.canonicalize_nans_enabled(),
            debug_info: config.debug_info_enabled(),
            offset: u32::MAX,
            vmctx: None,
            call_state: None,
            call_state_param: None,
            vmctx_region: None,
            heap_region: None,
            fuel: config.fuel_enabled(),
            epoch: config.epoch_interruption_enabled(),
            segment: None,
            fuel_slow: Vec::new(),
            sigs: vec![None; info.types.len()],
            libcall_sigs: Vec::new(),
            func_refs: Vec::new(),
            frame_slot_consts: Vec::new(),
            max_slots: u64::from(config.get_limits().value_stack_slots),
            checked: Vec::new(),
            checked_block: None,
        }
    }

    /// Records the context parameter of the function, and creates the alias regions.
    pub(crate) fn set_vmctx(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        vmctx: Value,
        call_state: Value,
    ) {
        self.vmctx = Some(vmctx);
        self.call_state_param = Some(call_state);
        let regions = &mut builder.func.dfg.alias_regions;
        self.vmctx_region = Some(regions.insert(ir::AliasRegionData {
            user_id: 0,
            description: "vmctx".into(),
        }));
        self.heap_region = Some(regions.insert(ir::AliasRegionData {
            user_id: 1,
            description: "linear memory".into(),
        }));
    }

    /// Flags for loads of the context and the arrays it points to. Compiled code never writes
    /// them (the runtime does, inside calls), so stores to linear memory or globals do not
    /// invalidate them: Cranelift's alias analysis reuses `mem0.base`/`len` between calls.
    fn vm(&self) -> MemFlagsData {
        MemFlagsData::trusted().with_alias_region(self.vmctx_region)
    }

    /// Flags for checked accesses to linear memory.
    fn heap(&self) -> MemFlagsData {
        MemFlagsData::new()
            .with_notrap()
            .with_alias_region(self.heap_region)
    }

    /// Flags for unchecked accesses to a guarded memory: the access may fault in a guard page,
    /// so it carries the heap trap code. Cranelift records its address as a trap site (the
    /// `SIGSEGV` handler looks it up) and neither removes nor moves it.
    fn guarded_heap(&self) -> MemFlagsData {
        MemFlagsData::new()
            .with_trap_code(Some(ir::TrapCode::HEAP_OUT_OF_BOUNDS))
            .with_alias_region(self.heap_region)
    }

    fn vmctx(&self) -> Value {
        self.vmctx.expect("the context is set at function entry")
    }

    /// Emits the function-entry checks: stack exhaustion.
    pub(crate) fn prologue(&mut self, builder: &mut FunctionBuilder<'_>) {
        let vmctx = self.vmctx();
        let sp = builder.ins().get_stack_pointer(types::I64);
        let limit = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::STACK_LIMIT);
        let low = builder.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(builder, low, TrapCode::StackOverflow);
        self.epoch_check(builder);
    }

    /// With epoch interruption on, traps with `Interrupt` when the engine's epoch has reached
    /// the store's deadline. The epoch is read with an atomic load: another thread changes it,
    /// and a plain load could be merged with an earlier one (around a loop, for ever).
    pub(crate) fn epoch_check(&mut self, builder: &mut FunctionBuilder<'_>) {
        if !self.epoch {
            return;
        }
        let vmctx = self.vmctx();
        let epoch_ptr = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::EPOCH);
        let epoch = builder
            .ins()
            .atomic_load(types::I64, MemFlagsData::trusted(), epoch_ptr);
        let deadline_ptr =
            builder
                .ins()
                .load(types::I64, self.vm(), vmctx, offsets::EPOCH_DEADLINE);
        let deadline = builder.ins().load(types::I64, flags(), deadline_ptr, 0);
        let reached = builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        self.trap_if(builder, reached, TrapCode::Interrupt);
    }

    /// Records the byte offset of the operator being translated (for trap sites).
    pub(crate) fn set_offset(&mut self, offset: u64) {
        if self.debug_info {
            self.offset = u32::try_from(offset).unwrap_or(u32::MAX);
        }
    }

    /// The [`Site`](crate::libcalls::Site) of the current operator, as an `i64` value.
    fn site(&mut self, builder: &mut FunctionBuilder<'_>) -> Value {
        let site = (u64::from(self.offset) << 32) | u64::from(self.func_index);
        builder.ins().iconst(types::I64, site.cast_signed())
    }

    /// Traps with `code` when `cond` is non-zero; continues in a new block otherwise.
    pub(crate) fn trap_if(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        cond: Value,
        code: TrapCode,
    ) {
        builder.ins().trapnz(cond, crate::signals::clif_code(code));
    }

    /// Traps with `code` when `cond` is zero.
    pub(crate) fn trap_unless(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        cond: Value,
        code: TrapCode,
    ) {
        builder.ins().trapz(cond, crate::signals::clif_code(code));
    }

    /// Traps with `code` unconditionally (the current block ends).
    pub(crate) fn trap(&mut self, builder: &mut FunctionBuilder<'_>, code: TrapCode) {
        builder.ins().trap(crate::signals::clif_code(code));
    }

    /// Emits the trap blocks and fuel slow paths. Call once, after the body.
    pub(crate) fn finish(&mut self, builder: &mut FunctionBuilder<'_>) {
        if let (Some(slot), Some(state)) = (self.call_state, self.call_state_param)
            && let Some(entry) = builder.func.layout.entry_block()
        {
            let mut pos = FuncCursor::new(builder.func).at_first_insertion_point(entry);
            pos.ins().stack_store(types::I64, state, slot, 0);
        }
        self.end_fuel_segment(builder);
        let vmctx = self.vmctx();
        for (slow, check, amount) in core::mem::take(&mut self.fuel_slow) {
            builder.switch_to_block(slow);
            self.libcall(
                builder,
                libcalls::out_of_fuel as *const () as usize,
                &[types::I64, types::I64],
                &[],
                &[vmctx, amount],
            );
            builder.ins().jump(check, &[]);
        }
    }

    /// Records this function's frame pointer in the context before a runtime call that may
    /// trap, so the backtrace can start from it.
    fn save_fp(&mut self, builder: &mut FunctionBuilder<'_>) {
        let vmctx = self.vmctx();
        let fp = builder.ins().get_frame_pointer(types::I64);
        builder.ins().store(flags(), fp, vmctx, offsets::EXIT_FP);
    }

    /// Calls the runtime function at `addr` with the host's calling convention.
    pub(crate) fn libcall(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        addr: usize,
        params: &[Type],
        returns: &[Type],
        args: &[Value],
    ) -> Vec<Value> {
        let sig = match self.libcall_sigs.iter().find(|(a, _)| *a == addr) {
            Some(&(_, sig)) => sig,
            None => {
                let mut sig = Signature::new(self.call_conv);
                sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
                sig.returns
                    .extend(returns.iter().map(|t| AbiParam::new(*t)));
                let sig = builder.import_signature(sig);
                self.libcall_sigs.push((addr, sig));
                sig
            }
        };
        let callee = builder
            .ins()
            .iconst(types::I64, i64::try_from(addr).unwrap_or(0));
        let call = builder.ins().call_indirect(sig, callee, args);
        builder.inst_results(call).to_vec()
    }

    // ----- fuel -----

    /// Starts a straight-line segment that pays fuel on entry (see `FUEL_PER_OPERATOR`).
    pub(crate) fn start_fuel_segment(&mut self, builder: &mut FunctionBuilder<'_>) {
        if !self.fuel {
            return;
        }
        self.end_fuel_segment(builder);
        let vmctx = self.vmctx();
        let amount = builder.ins().iconst(types::I64, 0);
        let amount_inst = builder
            .func
            .dfg
            .value_def(amount)
            .inst()
            .expect("iconst is an instruction");
        let check = builder.create_block();
        let slow = builder.create_block();
        let cont = builder.create_block();
        builder.set_cold_block(slow);
        builder.ins().jump(check, &[]);
        builder.switch_to_block(check);
        let fuel_ptr = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::FUEL);
        let fuel = builder.ins().load(types::I64, flags(), fuel_ptr, 0);
        let low = builder.ins().icmp(IntCC::UnsignedLessThan, fuel, amount);
        builder.ins().brif(low, slow, &[], cont, &[]);
        builder.switch_to_block(cont);
        let rest = builder.ins().isub(fuel, amount);
        builder.ins().store(flags(), rest, fuel_ptr, 0);
        self.fuel_slow.push((slow, check, amount));
        self.segment = Some(FuelSegment {
            amount_inst,
            amount: 0,
        });
    }

    /// Charges one operator to the current segment.
    pub(crate) fn charge(&mut self) {
        if let Some(seg) = &mut self.segment {
            seg.amount = seg
                .amount
                .saturating_add(u64::from(mote_core::engine::FUEL_PER_OPERATOR));
        }
    }

    fn end_fuel_segment(&mut self, builder: &mut FunctionBuilder<'_>) {
        if let Some(seg) = self.segment.take() {
            let amount = i64::try_from(seg.amount).unwrap_or(i64::MAX);
            builder.func.dfg.insts[seg.amount_inst] = ir::InstructionData::UnaryImm {
                opcode: ir::Opcode::Iconst,
                imm: ir::immediates::Imm64::new(amount),
            };
        }
    }

    // ----- memories -----

    /// The context field of memory `mem`'s slot at `field` (`SLOT_BASE` or `SLOT_LEN`).
    ///
    /// With `invariant` (the base of a guarded memory: a reservation never moves, and the
    /// context and its slot array live as long as the call), the loads are read-only and
    /// movable: Cranelift loads the base once per function and hoists it out of loops, as
    /// wasmtime does for its static memories. Otherwise they are reloaded after every call.
    fn memory_field(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        mem: u32,
        field: i32,
        invariant: bool,
    ) -> Value {
        let vmctx = self.vmctx();
        let flags = if invariant { readonly() } else { self.vm() };
        if mem == 0 {
            let at = offsets::MEM0 + field;
            return builder.ins().load(types::I64, flags, vmctx, at);
        }
        let slots = builder
            .ins()
            .load(types::I64, flags, vmctx, offsets::MEMORIES);
        let slot = builder
            .ins()
            .iadd_imm_s(slots, i64::from(mem) * offsets::MEM_SLOT_SIZE);
        builder.ins().load(types::I64, flags, slot, field)
    }

    /// Byte length of memory `mem`.
    fn memory_len(&mut self, builder: &mut FunctionBuilder<'_>, mem: u32) -> Value {
        self.memory_field(builder, mem, offsets::SLOT_LEN, false)
    }

    /// The host address of `size` bytes at guest address `addr + offset` of memory `mem`, as a
    /// pointer and an immediate offset to add to it in the access, and the flags of the
    /// access.
    ///
    /// A guarded memory (a reservation of 4 GiB plus a guard region) needs no check when
    /// `offset + size` fits the guard region: the access either lies in the memory or faults
    /// in the reservation's inaccessible pages. Other accesses are checked: compare the end
    /// with the length, `trapnz`.
    pub(crate) fn mem_addr(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        mem: u32,
        addr: Value,
        offset: u64,
        size: u32,
    ) -> (Value, i32, MemFlagsData) {
        let static_end = offset.saturating_add(u64::from(size));
        let reservation = self.guarded.get(mem as usize).copied().unwrap_or(false);
        let guarded = reservation && static_end <= crate::reservation::GUARD_BYTES as u64;
        let base = self.memory_field(builder, mem, offsets::SLOT_BASE, reservation);
        let wasm_addr = addr;
        let addr = builder.ins().uextend(types::I64, addr);
        let flags = if guarded {
            self.guarded_heap()
        } else {
            self.bounds_check(builder, mem, wasm_addr, addr, static_end);
            self.heap()
        };
        let ptr = builder.ins().iadd(base, addr);
        // The static offset goes into the access's immediate when it fits (one instruction
        // less to build and lower).
        match i32::try_from(offset) {
            Ok(imm) => (ptr, imm, flags),
            Err(_) => {
                let ptr = builder
                    .ins()
                    .iadd_imm_u(ptr, i64::try_from(offset).unwrap_or(i64::MAX));
                (ptr, 0, flags)
            }
        }
    }

    /// Traps unless `addr + static_end` is at most memory `mem`'s length (`addr` is the
    /// zero-extended `wasm_addr`), unless the block already checked as much.
    fn bounds_check(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        mem: u32,
        wasm_addr: Value,
        addr: Value,
        static_end: u64,
    ) {
        if builder.current_block() != self.checked_block {
            self.checked.clear();
            self.checked_block = builder.current_block();
        }
        let known = self
            .checked
            .iter()
            .position(|&(m, a, _)| m == mem && a == wasm_addr);
        if known.is_some_and(|i| self.checked[i].2 >= static_end) {
            return;
        }
        let len = self.memory_len(builder, mem);
        let end = builder
            .ins()
            .iadd_imm_u(addr, i64::try_from(static_end).unwrap_or(i64::MAX));
        let oob = builder.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.trap_if(builder, oob, TrapCode::MemoryOutOfBounds);
        match known {
            Some(i) => self.checked[i].2 = static_end,
            None if self.checked.len() < 16 => self.checked.push((mem, wasm_addr, static_end)),
            None => {}
        }
    }

    /// `memory.size` in pages, as `i32`.
    pub(crate) fn memory_size(&mut self, builder: &mut FunctionBuilder<'_>, mem: u32) -> Value {
        let len = self.memory_len(builder, mem);
        let log2 = self
            .info
            .memories
            .get(mem as usize)
            .map_or(16, |m| m.page_size_log2);
        let pages = builder.ins().ushr_imm_u(len, i64::from(log2));
        builder.ins().ireduce(types::I32, pages)
    }

    // ----- globals -----

    fn global_ptr(&mut self, builder: &mut FunctionBuilder<'_>, global: u32) -> Value {
        let vmctx = self.vmctx();
        let table = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::GLOBALS);
        builder
            .ins()
            .load(types::I64, self.vm(), table, slot_offset(global as usize))
    }

    /// `global.get`
    pub(crate) fn global_get(&mut self, builder: &mut FunctionBuilder<'_>, global: u32) -> Value {
        let ty = clif_type(self.info.globals[global as usize].content);
        let ptr = self.global_ptr(builder, global);
        builder.ins().load(ty, flags(), ptr, 0)
    }

    /// `global.set`
    pub(crate) fn global_set(&mut self, builder: &mut FunctionBuilder<'_>, global: u32, v: Value) {
        let ptr = self.global_ptr(builder, global);
        store_raw(builder, ptr, &[v]);
    }

    // ----- references -----

    /// `ref.func`: the store index of function `func` plus one.
    pub(crate) fn ref_func(&mut self, builder: &mut FunctionBuilder<'_>, func: u32) -> Value {
        let vmctx = self.vmctx();
        let refs = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::FUNC_REFS);
        let index = builder.ins().uload32(
            readonly(),
            refs,
            i32::try_from(u64::from(func) * 4).unwrap_or(i32::MAX),
        );
        builder.ins().iadd_imm_u(index, 1)
    }

    // ----- calls -----

    fn signature(&mut self, builder: &mut FunctionBuilder<'_>, type_index: u32) -> ir::SigRef {
        if let Some(sig) = self.sigs[type_index as usize] {
            return sig;
        }
        let sig = wasm_signature(&self.info.types[type_index as usize]);
        let sig = builder.import_signature(sig);
        self.sigs[type_index as usize] = Some(sig);
        sig
    }

    /// A slot of `count` raw values on the stack, and its address.
    fn raw_slot(builder: &mut FunctionBuilder<'_>, count: usize) -> Value {
        let size = u32::try_from(count.max(1) * 8).unwrap_or(u32::MAX);
        let slot = builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            3,
        ));
        builder.ins().stack_addr(types::I64, slot, 0)
    }

    /// This function's call state (see [`wasm_signature`]), loaded from its stack slot (see
    /// the `call_state` field).
    fn call_state(&mut self, builder: &mut FunctionBuilder<'_>) -> Value {
        let slot = *self.call_state.get_or_insert_with(|| {
            builder.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3))
        });
        builder.ins().stack_load(types::I64, types::I64, slot, 0)
    }

    /// The interpreter's frame pointer in a call state: its low 32 bits.
    fn frame_pointer(builder: &mut FunctionBuilder<'_>, state: Value) -> Value {
        let low = builder.ins().ireduce(types::I32, state);
        builder.ins().uextend(types::I64, low)
    }

    /// Stores the call depth and frame pointer in the run's
    /// [`CallLimits`](crate::vmctx::CallLimits), where the runtime reads them, before a
    /// runtime call that may call Wasm or host functions.
    fn publish_call_state(&mut self, builder: &mut FunctionBuilder<'_>) {
        let vmctx = self.vmctx();
        let state = self.call_state(builder);
        let depth_left = builder.ins().ushr_imm_u(state, 32);
        let fp = Self::frame_pointer(builder, state);
        let limits = builder
            .ins()
            .load(types::I64, self.vm(), vmctx, offsets::LIMITS);
        builder
            .ins()
            .store(flags(), depth_left, limits, offsets::DEPTH_LEFT);
        builder.ins().store(flags(), fp, limits, offsets::SLOTS_FP);
    }

    /// The interpreter's frame size (slots) of defined function `defined`, as an `i64`
    /// constant that [`crate::compile`] fills in once every function is translated.
    fn frame_slots(&mut self, builder: &mut FunctionBuilder<'_>, defined: u32) -> Value {
        let value = builder.ins().iconst(types::I64, 0);
        if let Some(inst) = builder.func.dfg.value_def(value).inst() {
            self.frame_slot_consts.push((inst, defined));
        }
        value
    }

    /// The interpreter's checks before a Wasm-to-Wasm call, at the call (so the trap names the
    /// caller, as in the interpreter): stack exhaustion unless a call depth is left (not for
    /// tail calls) and, with `callee_slots`, unless the callee's frame, `base` slots above this
    /// frame's, fits `Limits::value_stack_slots`. Returns the callee's call state, passed to
    /// it as an argument.
    ///
    /// One addition makes the callee's state: `state + base - 2^32` takes one call from the
    /// depth (high half) and moves the frame pointer (low half) by `base`; it is negative
    /// exactly when no depth was left (the low half cannot carry into the high one: the
    /// caller's frame, which holds `base`, fits the value stack, which has fewer than 2^32
    /// slots).
    fn enter_call(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        base: u32,
        callee_slots: Option<Value>,
        tail: bool,
    ) -> Value {
        let state = self.call_state(builder);
        if tail {
            // The callee replaces this frame: same frame pointer, same depth.
            if let Some(slots) = callee_slots {
                self.check_frame(builder, state, 0, slots);
            }
            return state;
        }
        let callee = builder.ins().iadd_imm_s(state, i64::from(base) - (1 << 32));
        let none = builder.ins().icmp_imm_s(IntCC::SignedLessThan, callee, 0);
        self.trap_if(builder, none, TrapCode::StackOverflow);
        if let Some(slots) = callee_slots {
            self.check_frame(builder, state, base, slots);
        }
        callee
    }

    /// Traps with stack exhaustion unless a frame of `slots` at `fp + base` fits the value
    /// stack (`Limits::value_stack_slots`, the engine's, the same for every call), where `fp`
    /// is the frame pointer of this function's call state `state`.
    ///
    /// Compares `fp` itself with `max - base - slots` (signed: a frame larger than the whole
    /// stack makes the bound negative): with direct calls the bound is a constant, so no
    /// `fp + base` stays live across a loop of calls for the check (Cranelift would hoist it
    /// into a register of its own).
    fn check_frame(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        state: Value,
        base: u32,
        slots: Value,
    ) {
        let fp = Self::frame_pointer(builder, state);
        let room = i64::try_from(self.max_slots)
            .unwrap_or(i64::MAX)
            .saturating_sub(i64::from(base));
        let room = builder.ins().iconst(types::I64, room);
        let bound = builder.ins().isub(room, slots);
        let over = builder.ins().icmp(IntCC::SignedGreaterThan, fp, bound);
        self.trap_if(builder, over, TrapCode::StackOverflow);
    }

    /// A direct (PC-relative) call reference to defined function `defined` of this module:
    /// user name `(0, defined)`, resolved when the module's code is laid out
    /// ([`crate::compile`]).
    fn func_ref(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        defined: u32,
        type_index: u32,
    ) -> ir::FuncRef {
        if let Some(&(_, r)) = self.func_refs.iter().find(|(d, _)| *d == defined) {
            return r;
        }
        let signature = self.signature(builder, type_index);
        let name = builder
            .func
            .declare_imported_user_function(ir::UserExternalName::new(0, defined));
        let r = builder.import_function(ir::ExtFuncData {
            name: ir::ExternalName::User(name),
            signature,
            colocated: true,
            patchable: false,
        });
        self.func_refs.push((defined, r));
        r
    }

    /// Calls store function `func` (an `i32` value) through the runtime, which runs host
    /// functions through the driver and Wasm functions of any instance; returns the results.
    fn call_through_runtime(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        addr: usize,
        func: Value,
        type_index: u32,
        args: &[Value],
        how: CallHow,
    ) -> Vec<Value> {
        let vmctx = self.vmctx();
        let ty = &self.info.types[type_index as usize];
        let result_types: Vec<Type> = ty.results().iter().map(|t| clif_type(*t)).collect();
        let values = Self::raw_slot(builder, ty.params().len().max(ty.results().len()));
        store_raw(builder, values, args);
        let caller = self.site(builder);
        self.save_fp(builder);
        self.publish_call_state(builder);
        let base = builder.ins().iconst(types::I32, i64::from(how.base));
        let tail = builder.ins().iconst(types::I32, i64::from(how.tail));
        self.libcall(
            builder,
            addr,
            &[
                types::I64,
                types::I32,
                types::I64,
                types::I64,
                types::I32,
                types::I32,
            ],
            &[],
            &[vmctx, func, values, caller, base, tail],
        );
        load_raw(builder, values, &result_types)
    }

    /// `call func` (or `return_call func` with `tail`) with `args`; returns the results, or
    /// nothing after a tail call (the block is then terminated).
    pub(crate) fn call(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        func: u32,
        args: &[Value],
        how: CallHow,
    ) -> Vec<Value> {
        let CallHow { tail, base } = how;
        let vmctx = self.vmctx();
        let type_index = self.info.funcs[func as usize];
        if func >= self.info.imported_funcs {
            let defined = func - self.info.imported_funcs;
            let callee = self.func_ref(builder, defined, type_index);
            let slots = self.frame_slots(builder, defined);
            let state = self.enter_call(builder, base, Some(slots), tail);
            let mut call_args = Vec::with_capacity(args.len() + 2);
            call_args.extend([vmctx, state]);
            call_args.extend_from_slice(args);
            if tail {
                builder.ins().return_call(callee, &call_args);
                return Vec::new();
            }
            let call = builder.ins().call(callee, &call_args);
            return builder.inst_results(call).to_vec();
        }
        // Imports go through the runtime: the callee may be a host function or belong to
        // another instance. A tail call of an import is a call and a return.
        let import = builder.ins().iconst(types::I32, i64::from(func));
        let results = self.call_through_runtime(
            builder,
            libcalls::call_import as *const () as usize,
            import,
            type_index,
            args,
            how,
        );
        if tail {
            builder.ins().return_(&results);
            return Vec::new();
        }
        results
    }

    /// `call_indirect type_index table` (or `return_call_indirect` with `tail`) with element
    /// `elem` and `args`; returns the results, or nothing after a tail call.
    ///
    /// The runtime resolves the element (bounds, null and signature checks); a Wasm callee is
    /// then called directly with its own context, a host function through the runtime.
    pub(crate) fn call_indirect(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        type_index: u32,
        table: u32,
        elem: Value,
        args: &[Value],
        how: CallHow,
    ) -> Vec<Value> {
        let CallHow { tail, base } = how;
        let out = Self::raw_slot(builder, 2);
        let table = builder.ins().iconst(types::I32, i64::from(table));
        let ty_arg = builder.ins().iconst(types::I32, i64::from(type_index));
        // A tail callee's frame replaces this one: it starts at the current frame pointer.
        let wasm_base = builder
            .ins()
            .iconst(types::I32, if tail { 0 } else { i64::from(base) });
        self.publish_call_state(builder);
        let is_wasm = self.runtime(
            builder,
            libcalls::resolve_indirect as *const () as usize,
            &[types::I32, types::I32, types::I32, types::I64, types::I32],
            &[types::I32],
            &[table, elem, ty_arg, out, wasm_base],
        )[0];
        let ty = &self.info.types[type_index as usize];
        let result_types: Vec<Type> = ty.results().iter().map(|t| clif_type(*t)).collect();
        let wasm = builder.create_block();
        let host = builder.create_block();
        let merge = builder.create_block();
        for &t in &result_types {
            builder.append_block_param(merge, t);
        }
        builder.ins().brif(is_wasm, wasm, &[], host, &[]);

        builder.switch_to_block(wasm);
        let code = builder.ins().load(types::I64, flags(), out, 0);
        let callee_vmctx = builder.ins().load(types::I64, flags(), out, 8);
        let sig = self.signature(builder, type_index);
        // `resolve_indirect` checked the callee's frame against the value stack.
        let state = self.enter_call(builder, base, None, tail);
        let mut call_args = Vec::with_capacity(args.len() + 2);
        call_args.extend([callee_vmctx, state]);
        call_args.extend_from_slice(args);
        if tail {
            builder.ins().return_call_indirect(sig, code, &call_args);
        } else {
            let call = builder.ins().call_indirect(sig, code, &call_args);
            let results: Vec<BlockArg> = builder
                .inst_results(call)
                .iter()
                .map(|v| BlockArg::from(*v))
                .collect();
            builder.ins().jump(merge, &results);
        }

        builder.switch_to_block(host);
        let func = builder.ins().load(types::I32, flags(), out, 0);
        let results = self.call_through_runtime(
            builder,
            libcalls::call_func as *const () as usize,
            func,
            type_index,
            args,
            how,
        );
        if tail {
            builder.ins().return_(&results);
            return Vec::new();
        }
        let results: Vec<BlockArg> = results.iter().map(|v| BlockArg::from(*v)).collect();
        builder.ins().jump(merge, &results);
        builder.switch_to_block(merge);
        builder.block_params(merge).to_vec()
    }

    /// Calls runtime function `addr` with the context and `args` (all of type `params`, the
    /// context excluded), then the [`Site`](crate::libcalls::Site) for traps.
    pub(crate) fn runtime(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        addr: usize,
        params: &[Type],
        returns: &[Type],
        args: &[Value],
    ) -> Vec<Value> {
        let vmctx = self.vmctx();
        let caller = self.site(builder);
        self.save_fp(builder);
        let mut all_params = Vec::with_capacity(params.len() + 2);
        all_params.push(types::I64);
        all_params.extend_from_slice(params);
        all_params.push(types::I64);
        let mut all_args = Vec::with_capacity(args.len() + 2);
        all_args.push(vmctx);
        all_args.extend_from_slice(args);
        all_args.push(caller);
        self.libcall(builder, addr, &all_params, returns, &all_args)
    }
}
