//! The interpreter's instruction set.
//!
//! Be careful when reading: these are *register* instructions over the slots of a call frame,
//! not WebAssembly's stack instructions. A frame is `params | locals | operand slots`; the
//! translator knows the operand-stack height at every instruction, so every operand has a fixed
//! slot and each instruction names its slots explicitly.
//!
//! ## Naming grammar
//! `<type><Operation>` as in WebAssembly (`I32Add`, `F64Sqrt`), with operands named by role:
//! - `dst`: slot written; `src`, `a`, `b`, `cond`, `addr`, `value`: slots read;
//! - `base`: first of several consecutive slots (arguments of calls and bulk operations);
//! - `offset`: the static memory offset of a load or store; `target`: an absolute code index;
//! - `imm`: an immediate operand; the `…Imm` suffix marks the form of a binary operation whose
//!   right operand is that constant instead of a slot (`I32AddImm`).
//!
//! Loads and stores are typed only by width and extension, since slots are untyped 64-bit
//! words: `Load32U` serves `i32.load`, `f32.load` and `i64.load32_u` alike.
//!
//! Every operand is at most 32 bits, so an instruction is 12 bytes (see the size test). This
//! keeps translated code small in RAM and flash while each instruction still does a whole
//! WebAssembly operation.

/// A frame slot: index of a 64-bit word relative to the frame base.
pub type Slot = u16;

/// Calls macro `$m` with the list of every instruction, in tag order: for each, its doc
/// comment and its name, with its typed operands in braces unless it has none. This list is the
/// one definition of the instruction set: [`Op`] is generated from it, and so are the
/// executor's dispatch (`exec/dispatch.rs`, and `exec/threaded.rs` behind the
/// `threaded-dispatch` feature), whose handlers are named after the instructions.
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            // ---- control ----
            /// Trap with `unreachable`.
            Unreachable,
            /// Charge `amount` fuel for the straight-line code that follows; suspend if there is less.
            ConsumeFuel { amount: u32 },
            /// Trap with `interrupt` if the engine's epoch has reached the store's deadline (with
            /// `Config::epoch_interruption`: at function entry and loop headers).
            CheckEpoch,
            /// Jump to `target`.
            Br { target: u32 },
            /// Jump to `target` if slot `cond` (i32) is not zero.
            BrIfNez { cond: Slot, target: u32 },
            /// Jump to `target` if slot `cond` (i32) is zero.
            BrIfEqz { cond: Slot, target: u32 },
            /// Jump to `target` if the byte at `a + b + offset` of memory 0 is not zero (an
            /// `i32.load8_u` at `a + b`, whose value only the branch reads, fused with it:
            /// `if !flags[i]`). Traps like the load.
            BrLoad8UIdxNez { a: Slot, b: Slot, offset: u16, target: u32 },
            /// Jump to `target` if the byte at `a + b + offset` of memory 0 is zero.
            BrLoad8UIdxEqz { a: Slot, b: Slot, offset: u16, target: u32 },
            /// Jump to the `min(index, len)`-th of the `len + 1` `Br` instructions that follow.
            BrTable { index: Slot, len: u32 },
            /// Return `count` results starting at slot `src` to the caller.
            Return { src: Slot, count: u16 },
            /// Call function `func` (module index); its frame starts at slot `base`, where the arguments
            /// are and where the results will be.
            Call { func: u32, base: Slot },
            /// Call through table `table` a function of module type `ty`; arguments at `base`, the table
            /// index right after them.
            CallIndirect { base: Slot, ty: u32, table: u32 },
            /// Tail call (`return_call`) of function `func`: its arguments at `base` replace the current
            /// frame. A host function is called like `Call`, and the `Return` that the translator puts
            /// next returns its results.
            ReturnCall { func: u32, base: Slot },
            /// Tail call through a table (`return_call_indirect`); operands as in `CallIndirect`.
            ReturnCallIndirect { base: Slot, ty: u32, table: u32 },
            /// `dst = if cond != 0 { a } else { b }`.
            Select {
                dst: Slot,
                cond: Slot,
                a: Slot,
                b: Slot,
            },

            // ---- compare and branch (a comparison fused with the `br_if` or `if` that uses it) ----
            /// Jump to `target` if `i32.eq` of slots `a` and `b` holds.
            BrI32Eq { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.ne` of slots `a` and `b` holds.
            BrI32Ne { a: Slot, b: Slot, target: u32 },
            /// `a += imm` (wrapping `i32`), then jump to `target` if `a != b`: a loop counter's
            /// increment fused with the latch test after it (`i += 1; br_if (i != n)`).
            I32AddImmBrNe { a: Slot, imm: i16, b: Slot, target: u32 },
            // The `I32AddBr…` forms are an `i32.add` fused with the unsigned comparison and
            // branch that use its sum (`i32.add; local.tee; i32.ge_u; br_if`: Rust's slice
            // bounds checks; `j + i <= n` loop tests): `dst = a + b` (wrapping), then a jump to
            // the target of the `Br` that always follows (so that forward targets are patched
            // there as for any jump) when the comparison of `dst` with `c` holds; otherwise the
            // `Br` is skipped.
            /// `dst = a + b`; jump to the next `Br`'s target if `dst >= c` (unsigned), else skip it.
            I32AddBrGeU { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = a + b`; jump to the next `Br`'s target if `dst < c` (unsigned), else skip it.
            I32AddBrLtU { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = a + b`; jump to the next `Br`'s target if `dst <= c` (unsigned), else skip it.
            I32AddBrLeU { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `dst = a + b`; jump to the next `Br`'s target if `dst > c` (unsigned), else skip it.
            I32AddBrGtU { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// Jump to `target` if `i32.lt_s` of slots `a` and `b` holds.
            BrI32LtS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.lt_u` of slots `a` and `b` holds.
            BrI32LtU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.gt_s` of slots `a` and `b` holds.
            BrI32GtS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.gt_u` of slots `a` and `b` holds.
            BrI32GtU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.le_s` of slots `a` and `b` holds.
            BrI32LeS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.le_u` of slots `a` and `b` holds.
            BrI32LeU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.ge_s` of slots `a` and `b` holds.
            BrI32GeS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.ge_u` of slots `a` and `b` holds.
            BrI32GeU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.eq` of slots `a` and `b` holds.
            BrI64Eq { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.ne` of slots `a` and `b` holds.
            BrI64Ne { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.lt_s` of slots `a` and `b` holds.
            BrI64LtS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.lt_u` of slots `a` and `b` holds.
            BrI64LtU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.gt_s` of slots `a` and `b` holds.
            BrI64GtS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.gt_u` of slots `a` and `b` holds.
            BrI64GtU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.le_s` of slots `a` and `b` holds.
            BrI64LeS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.le_u` of slots `a` and `b` holds.
            BrI64LeU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.ge_s` of slots `a` and `b` holds.
            BrI64GeS { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i64.ge_u` of slots `a` and `b` holds.
            BrI64GeU { a: Slot, b: Slot, target: u32 },
            /// Jump to `target` if `i32.eq` of slot `a` and the constant `imm` holds.
            BrI32EqImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.ne` of slot `a` and the constant `imm` holds.
            BrI32NeImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.lt_s` of slot `a` and the constant `imm` holds.
            BrI32LtSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.lt_u` of slot `a` and the constant `imm` holds.
            BrI32LtUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.gt_s` of slot `a` and the constant `imm` holds.
            BrI32GtSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.gt_u` of slot `a` and the constant `imm` holds.
            BrI32GtUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.le_s` of slot `a` and the constant `imm` holds.
            BrI32LeSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.le_u` of slot `a` and the constant `imm` holds.
            BrI32LeUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.ge_s` of slot `a` and the constant `imm` holds.
            BrI32GeSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i32.ge_u` of slot `a` and the constant `imm` holds.
            BrI32GeUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.eq` of slot `a` and the constant `imm` holds.
            BrI64EqImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.ne` of slot `a` and the constant `imm` holds.
            BrI64NeImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.lt_s` of slot `a` and the constant `imm` holds.
            BrI64LtSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.lt_u` of slot `a` and the constant `imm` holds.
            BrI64LtUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.gt_s` of slot `a` and the constant `imm` holds.
            BrI64GtSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.gt_u` of slot `a` and the constant `imm` holds.
            BrI64GtUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.le_s` of slot `a` and the constant `imm` holds.
            BrI64LeSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.le_u` of slot `a` and the constant `imm` holds.
            BrI64LeUImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.ge_s` of slot `a` and the constant `imm` holds.
            BrI64GeSImm { a: Slot, imm: i16, target: u32 },
            /// Jump to `target` if `i64.ge_u` of slot `a` and the constant `imm` holds.
            BrI64GeUImm { a: Slot, imm: i16, target: u32 },

            // ---- slots, constants, globals ----
            /// `dst = src`.
            Copy { dst: Slot, src: Slot },
            /// `dst = src`, then `dst2 = src2` (two consecutive copies, as at the end of a loop).
            Copy2 {
                dst: Slot,
                src: Slot,
                dst2: Slot,
                src2: Slot,
            },
            /// If slot `slot` holds an `f32` NaN, make it the canonical NaN (`Config::canonicalize_nans`).
            CanonicalizeF32 { slot: Slot },
            /// If slot `slot` holds an `f64` NaN, make it the canonical NaN.
            CanonicalizeF64 { slot: Slot },
            /// `dst = value` (zero-extended: i32, f32 bits, null references).
            Const32 { dst: Slot, value: u32 },
            /// `dst = hi << 32 | lo` (i64, f64 bits).
            Const64 { dst: Slot, lo: u32, hi: u32 },
            /// `dst = global[index]`.
            GlobalGet { dst: Slot, index: u32 },
            /// `global[index] = src`.
            GlobalSet { src: Slot, index: u32 },

            // ---- memory (memory 0) ----
            /// Load one byte, zero-extended.
            Load8U { dst: Slot, addr: Slot, offset: u32 },
            /// Load one byte, sign-extended to 32 bits.
            Load8S32 { dst: Slot, addr: Slot, offset: u32 },
            /// Load one byte, sign-extended to 64 bits.
            Load8S64 { dst: Slot, addr: Slot, offset: u32 },
            /// Load two bytes, zero-extended.
            Load16U { dst: Slot, addr: Slot, offset: u32 },
            /// Load two bytes, sign-extended to 32 bits.
            Load16S32 { dst: Slot, addr: Slot, offset: u32 },
            /// Load two bytes, sign-extended to 64 bits.
            Load16S64 { dst: Slot, addr: Slot, offset: u32 },
            /// Load four bytes, zero-extended.
            Load32U { dst: Slot, addr: Slot, offset: u32 },
            /// Load four bytes, sign-extended to 64 bits.
            Load32S64 { dst: Slot, addr: Slot, offset: u32 },
            /// Load eight bytes.
            Load64 { dst: Slot, addr: Slot, offset: u32 },
            /// Store the low byte of `value`.
            Store8 {
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            /// Store the low two bytes of `value`.
            Store16 {
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            /// Store the low four bytes of `value`.
            Store32 {
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            /// Store eight bytes.
            Store64 {
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            // The `…Idx` forms take the address as the sum of two slots: an `i32.add` fused
            // into the load or store that uses it (`addr = a + b`, wrapping, then `+ offset`).
            /// `Load8U` at `a + b`.
            Load8UIdx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            /// `Load8S32` at `a + b`.
            Load8S32Idx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            /// `Load16U` at `a + b`.
            Load16UIdx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            /// `Load16S32` at `a + b`.
            Load16S32Idx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            /// `Load32U` at `a + b`.
            Load32UIdx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            /// `Load64` at `a + b`.
            Load64Idx { dst: Slot, a: Slot, b: Slot, offset: u32 },
            // The `…Scaled` forms take the address as `a + (b << shift)` (array indexing: an
            // `i32.shl` by a constant and the `i32.add` that uses it, both wrapping, fused into
            // the access), then `+ offset`, which has 16 bits here to keep 12 bytes.
            /// `Load16U` at `a + (b << shift)`.
            Load16UScaled { dst: Slot, a: Slot, b: Slot, shift: u16, offset: u16 },
            /// `Load32U` at `a + (b << shift)`.
            Load32UScaled { dst: Slot, a: Slot, b: Slot, shift: u16, offset: u16 },
            /// `Load64` at `a + (b << shift)`.
            Load64Scaled { dst: Slot, a: Slot, b: Slot, shift: u16, offset: u16 },
            /// `Store32` at `a + (b << shift)`.
            Store32Scaled { a: Slot, b: Slot, value: Slot, shift: u16, offset: u16 },
            /// `Store64` at `a + (b << shift)`.
            Store64Scaled { a: Slot, b: Slot, value: Slot, shift: u16, offset: u16 },
            /// `Store8` at `a + b`.
            Store8Idx { a: Slot, b: Slot, value: Slot, offset: u32 },
            /// `Store16` at `a + b`.
            Store16Idx { a: Slot, b: Slot, value: Slot, offset: u32 },
            /// `Store32` at `a + b`.
            Store32Idx { a: Slot, b: Slot, value: Slot, offset: u32 },
            /// `Store64` at `a + b`.
            Store64Idx { a: Slot, b: Slot, value: Slot, offset: u32 },
            /// The 32-bit word at `addr + offset` of memory 0 += `value` (wrapping): an
            /// `i32.load`, the `i32.add` of its value and the `i32.store` back to the same
            /// address fused (`c[j] += x`). Traps, writing nothing, where the load would.
            I32AddStore32 {
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            /// `dst = memory.size` in pages.
            MemorySize { dst: Slot },
            /// Grow by the pages in slot `delta`; write the old size or -1 to the same slot.
            MemoryGrow { delta: Slot },
            /// `memory.copy` with destination, source and length in `base`, `base+1`, `base+2`.
            MemoryCopy { base: Slot },
            /// `memory.fill` with destination, byte and length in `base`, `base+1`, `base+2`.
            MemoryFill { base: Slot },
            /// `memory.init` of data segment `segment`; destination, source, length at `base..`.
            MemoryInit { segment: u32, base: Slot },
            /// `data.drop`.
            DataDrop { segment: u32 },
            /// A load from memory `memory` other than 0 (multi-memory): the width and extension are
            /// `kind`, as in the `Load*` instructions. (The memory index is 8 bits to keep the
            /// instruction at 12 bytes; the translator refuses more than 256 memories.)
            LoadMem {
                /// A [`LoadKind`] code ([`LoadKind::code`]).
                kind: u8,
                memory: u8,
                dst: Slot,
                addr: Slot,
                offset: u32,
            },
            /// A store to memory `memory` other than 0.
            StoreMem {
                /// A [`StoreKind`] code ([`StoreKind::code`]).
                kind: u8,
                memory: u8,
                addr: Slot,
                value: Slot,
                offset: u32,
            },
            /// `memory.size` of memory `memory`.
            MemorySizeN { dst: Slot, memory: u32 },
            /// `memory.grow` of memory `memory`.
            MemoryGrowN { delta: Slot, memory: u32 },
            /// `memory.copy` between any two memories.
            MemoryCopyN {
                base: Slot,
                dst_memory: u32,
                src_memory: u32,
            },
            /// `memory.fill` of memory `memory`.
            MemoryFillN { base: Slot, memory: u32 },
            /// `memory.init` of memory `memory`.
            MemoryInitN {
                base: Slot,
                memory: u16,
                segment: u32,
            },

            // ---- tables and references ----
            /// `dst = table[table][index]` where `dst` holds the index first.
            TableGet { table: u32, dst: Slot },
            /// `table[table][slot base] = slot base+1`.
            TableSet { table: u32, base: Slot },
            /// `dst = table.size`.
            TableSize { table: u32, dst: Slot },
            /// `table.grow` with init value at `base`, delta at `base+1`; result to `base`.
            TableGrow { table: u32, base: Slot },
            /// `table.fill` with index, value, length at `base..`.
            TableFill { table: u32, base: Slot },
            /// `table.copy` from `src_table` to `dst_table`; destination, source, length at `base..`.
            TableCopy {
                base: Slot,
                dst_table: u32,
                src_table: u32,
            },
            /// `table.init` of element segment `segment`; destination, source, length at `base..`.
            TableInit {
                base: Slot,
                table: u32,
                segment: u32,
            },
            /// `elem.drop`.
            ElemDrop { segment: u32 },
            /// `dst = ref.func func` (module function index).
            RefFunc { dst: Slot, func: u32 },

            // ---- i32 ----
            /// `i32.eqz`
            I32Eqz { dst: Slot, src: Slot },
            /// `i32.eq`
            I32Eq { dst: Slot, a: Slot, b: Slot },
            /// `i32.ne`
            I32Ne { dst: Slot, a: Slot, b: Slot },
            /// `i32.lt_s`
            I32LtS { dst: Slot, a: Slot, b: Slot },
            /// `i32.lt_u`
            I32LtU { dst: Slot, a: Slot, b: Slot },
            /// `i32.gt_s`
            I32GtS { dst: Slot, a: Slot, b: Slot },
            /// `i32.gt_u`
            I32GtU { dst: Slot, a: Slot, b: Slot },
            /// `i32.le_s`
            I32LeS { dst: Slot, a: Slot, b: Slot },
            /// `i32.le_u`
            I32LeU { dst: Slot, a: Slot, b: Slot },
            /// `i32.ge_s`
            I32GeS { dst: Slot, a: Slot, b: Slot },
            /// `i32.ge_u`
            I32GeU { dst: Slot, a: Slot, b: Slot },
            /// `i32.clz`
            I32Clz { dst: Slot, src: Slot },
            /// `i32.ctz`
            I32Ctz { dst: Slot, src: Slot },
            /// `i32.popcnt`
            I32Popcnt { dst: Slot, src: Slot },
            /// `i32.add`
            I32Add { dst: Slot, a: Slot, b: Slot },
            /// `i32.sub`
            I32Sub { dst: Slot, a: Slot, b: Slot },
            /// `i32.mul`
            I32Mul { dst: Slot, a: Slot, b: Slot },
            /// `i32.div_s`
            I32DivS { dst: Slot, a: Slot, b: Slot },
            /// `i32.div_u`
            I32DivU { dst: Slot, a: Slot, b: Slot },
            /// `i32.rem_s`
            I32RemS { dst: Slot, a: Slot, b: Slot },
            /// `i32.rem_u`
            I32RemU { dst: Slot, a: Slot, b: Slot },
            /// `i32.and`
            I32And { dst: Slot, a: Slot, b: Slot },
            /// `i32.or`
            I32Or { dst: Slot, a: Slot, b: Slot },
            /// `i32.xor`
            I32Xor { dst: Slot, a: Slot, b: Slot },
            /// `i32.shl`
            I32Shl { dst: Slot, a: Slot, b: Slot },
            /// `i32.shr_s`
            I32ShrS { dst: Slot, a: Slot, b: Slot },
            /// `i32.shr_u`
            I32ShrU { dst: Slot, a: Slot, b: Slot },
            /// `i32.rotl`
            I32Rotl { dst: Slot, a: Slot, b: Slot },
            /// `i32.rotr`
            I32Rotr { dst: Slot, a: Slot, b: Slot },

            // ---- i64 ----
            /// `i64.eqz` (also `ref.is_null`: null is 0)
            I64Eqz { dst: Slot, src: Slot },
            /// `i64.eq`
            I64Eq { dst: Slot, a: Slot, b: Slot },
            /// `i64.ne`
            I64Ne { dst: Slot, a: Slot, b: Slot },
            /// `i64.lt_s`
            I64LtS { dst: Slot, a: Slot, b: Slot },
            /// `i64.lt_u`
            I64LtU { dst: Slot, a: Slot, b: Slot },
            /// `i64.gt_s`
            I64GtS { dst: Slot, a: Slot, b: Slot },
            /// `i64.gt_u`
            I64GtU { dst: Slot, a: Slot, b: Slot },
            /// `i64.le_s`
            I64LeS { dst: Slot, a: Slot, b: Slot },
            /// `i64.le_u`
            I64LeU { dst: Slot, a: Slot, b: Slot },
            /// `i64.ge_s`
            I64GeS { dst: Slot, a: Slot, b: Slot },
            /// `i64.ge_u`
            I64GeU { dst: Slot, a: Slot, b: Slot },
            /// `i64.clz`
            I64Clz { dst: Slot, src: Slot },
            /// `i64.ctz`
            I64Ctz { dst: Slot, src: Slot },
            /// `i64.popcnt`
            I64Popcnt { dst: Slot, src: Slot },
            /// `i64.add`
            I64Add { dst: Slot, a: Slot, b: Slot },
            /// `i64.sub`
            I64Sub { dst: Slot, a: Slot, b: Slot },
            /// `i64.mul`
            I64Mul { dst: Slot, a: Slot, b: Slot },
            /// `i64.div_s`
            I64DivS { dst: Slot, a: Slot, b: Slot },
            /// `i64.div_u`
            I64DivU { dst: Slot, a: Slot, b: Slot },
            /// `i64.rem_s`
            I64RemS { dst: Slot, a: Slot, b: Slot },
            /// `i64.rem_u`
            I64RemU { dst: Slot, a: Slot, b: Slot },
            /// `i64.and`
            I64And { dst: Slot, a: Slot, b: Slot },
            /// `i64.or`
            I64Or { dst: Slot, a: Slot, b: Slot },
            /// `i64.xor`
            I64Xor { dst: Slot, a: Slot, b: Slot },
            /// `i64.shl`
            I64Shl { dst: Slot, a: Slot, b: Slot },
            /// `i64.shr_s`
            I64ShrS { dst: Slot, a: Slot, b: Slot },
            /// `i64.shr_u`
            I64ShrU { dst: Slot, a: Slot, b: Slot },
            /// `i64.rotl`
            I64Rotl { dst: Slot, a: Slot, b: Slot },
            /// `i64.rotr`
            I64Rotr { dst: Slot, a: Slot, b: Slot },

            // ---- binary operations with an immediate right operand ----
            /// `i32.add` with a constant right operand.
            I32AddImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.mul` with a constant right operand.
            I32MulImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.and` with a constant right operand.
            I32AndImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.or` with a constant right operand.
            I32OrImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.xor` with a constant right operand.
            I32XorImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.shl` with a constant right operand.
            I32ShlImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.shr_s` with a constant right operand.
            I32ShrSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.shr_u` with a constant right operand.
            I32ShrUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.eq` with a constant right operand.
            I32EqImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.ne` with a constant right operand.
            I32NeImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.lt_s` with a constant right operand.
            I32LtSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.lt_u` with a constant right operand.
            I32LtUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.gt_s` with a constant right operand.
            I32GtSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.gt_u` with a constant right operand.
            I32GtUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.le_s` with a constant right operand.
            I32LeSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.le_u` with a constant right operand.
            I32LeUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.ge_s` with a constant right operand.
            I32GeSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.ge_u` with a constant right operand.
            I32GeUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.add` with a constant right operand (sign-extended to 64 bits).
            I64AddImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.mul` with a constant right operand (sign-extended to 64 bits).
            I64MulImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.and` with a constant right operand (sign-extended to 64 bits).
            I64AndImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.or` with a constant right operand (sign-extended to 64 bits).
            I64OrImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.xor` with a constant right operand (sign-extended to 64 bits).
            I64XorImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.shl` with a constant right operand (sign-extended to 64 bits).
            I64ShlImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.shr_s` with a constant right operand (sign-extended to 64 bits).
            I64ShrSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.shr_u` with a constant right operand (sign-extended to 64 bits).
            I64ShrUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.eq` with a constant right operand (sign-extended to 64 bits).
            I64EqImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.ne` with a constant right operand (sign-extended to 64 bits).
            I64NeImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.lt_s` with a constant right operand (sign-extended to 64 bits).
            I64LtSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.lt_u` with a constant right operand (sign-extended to 64 bits).
            I64LtUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.gt_s` with a constant right operand (sign-extended to 64 bits).
            I64GtSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.gt_u` with a constant right operand (sign-extended to 64 bits).
            I64GtUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.le_s` with a constant right operand (sign-extended to 64 bits).
            I64LeSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.le_u` with a constant right operand (sign-extended to 64 bits).
            I64LeUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.ge_s` with a constant right operand (sign-extended to 64 bits).
            I64GeSImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.ge_u` with a constant right operand (sign-extended to 64 bits).
            I64GeUImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.rotl` by a constant.
            I32RotlImm { dst: Slot, a: Slot, imm: i32 },
            /// `i32.rotr` by a constant.
            I32RotrImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.rotl` by a constant.
            I64RotlImm { dst: Slot, a: Slot, imm: i32 },
            /// `i64.rotr` by a constant.
            I64RotrImm { dst: Slot, a: Slot, imm: i32 },
            /// `dst = a + (b << imm)`: an `i32.shl` by a constant fused into the `i32.add` that
            /// uses it (array indexing).
            I32AddShlImm { dst: Slot, a: Slot, b: Slot, imm: i32 },
            /// `dst = a ^ rotl(b, imm)`: an `i32.rotl` by a constant fused into the `i32.xor`
            /// that uses it (SHA-2's Σ and σ functions).
            I32XorRotlImm { dst: Slot, a: Slot, b: Slot, imm: i32 },
            /// `dst = a ^ (b >> imm)` (unsigned shift): an `i32.shr_u` by a constant fused into
            /// the `i32.xor` that uses it (SHA-2's σ functions, hash mixing).
            I32XorShrUImm { dst: Slot, a: Slot, b: Slot, imm: i32 },
            /// `dst = (a >> shift) & mask` (unsigned shift): an `i32.shr_u` by a constant fused
            /// into the `i32.and` with a constant that uses it (bit-field extraction).
            I32ShrUAndImm { dst: Slot, a: Slot, shift: u16, mask: u32 },
            /// `dst = (a + b) & mask` (wrapping add): an `i32.add` fused into the `i32.and` with
            /// a constant that uses it (ring-buffer indices).
            I32AddAndImm { dst: Slot, a: Slot, b: Slot, mask: u32 },
            /// `dst = (a - b) & mask` (wrapping subtraction): an `i32.sub` fused into the
            /// `i32.and` with a constant that uses it (deflate's window distances).
            I32SubAndImm { dst: Slot, a: Slot, b: Slot, mask: u32 },
            /// `a += imm_a; b += imm_b` (wrapping `i32` additions, in this order): two
            /// increments of locals by constants in a row (pointer and counter bumps in loops).
            I32AddImm2 { a: Slot, imm_a: i16, b: Slot, imm_b: i16 },

            // ---- f32 ----
            /// `f32.eq`
            F32Eq { dst: Slot, a: Slot, b: Slot },
            /// `f32.ne`
            F32Ne { dst: Slot, a: Slot, b: Slot },
            /// `f32.lt`
            F32Lt { dst: Slot, a: Slot, b: Slot },
            /// `f32.gt`
            F32Gt { dst: Slot, a: Slot, b: Slot },
            /// `f32.le`
            F32Le { dst: Slot, a: Slot, b: Slot },
            /// `f32.ge`
            F32Ge { dst: Slot, a: Slot, b: Slot },
            /// `f32.abs`
            F32Abs { dst: Slot, src: Slot },
            /// `f32.neg`
            F32Neg { dst: Slot, src: Slot },
            /// `f32.ceil`
            F32Ceil { dst: Slot, src: Slot },
            /// `f32.floor`
            F32Floor { dst: Slot, src: Slot },
            /// `f32.trunc`
            F32Trunc { dst: Slot, src: Slot },
            /// `f32.nearest`
            F32Nearest { dst: Slot, src: Slot },
            /// `f32.sqrt`
            F32Sqrt { dst: Slot, src: Slot },
            /// `f32.add`
            F32Add { dst: Slot, a: Slot, b: Slot },
            /// `f32.sub`
            F32Sub { dst: Slot, a: Slot, b: Slot },
            /// `f32.mul`
            F32Mul { dst: Slot, a: Slot, b: Slot },
            /// `f32.div`
            F32Div { dst: Slot, a: Slot, b: Slot },
            /// `f32.min`
            F32Min { dst: Slot, a: Slot, b: Slot },
            /// `f32.max`
            F32Max { dst: Slot, a: Slot, b: Slot },
            /// `f32.copysign`
            F32Copysign { dst: Slot, a: Slot, b: Slot },

            // ---- f64 ----
            /// `f64.eq`
            F64Eq { dst: Slot, a: Slot, b: Slot },
            /// `f64.ne`
            F64Ne { dst: Slot, a: Slot, b: Slot },
            /// `f64.lt`
            F64Lt { dst: Slot, a: Slot, b: Slot },
            /// `f64.gt`
            F64Gt { dst: Slot, a: Slot, b: Slot },
            /// `f64.le`
            F64Le { dst: Slot, a: Slot, b: Slot },
            /// `f64.ge`
            F64Ge { dst: Slot, a: Slot, b: Slot },
            /// `f64.abs`
            F64Abs { dst: Slot, src: Slot },
            /// `f64.neg`
            F64Neg { dst: Slot, src: Slot },
            /// `f64.ceil`
            F64Ceil { dst: Slot, src: Slot },
            /// `f64.floor`
            F64Floor { dst: Slot, src: Slot },
            /// `f64.trunc`
            F64Trunc { dst: Slot, src: Slot },
            /// `f64.nearest`
            F64Nearest { dst: Slot, src: Slot },
            /// `f64.sqrt`
            F64Sqrt { dst: Slot, src: Slot },
            /// `f64.add`
            F64Add { dst: Slot, a: Slot, b: Slot },
            /// `f64.sub`
            F64Sub { dst: Slot, a: Slot, b: Slot },
            /// `f64.mul`
            F64Mul { dst: Slot, a: Slot, b: Slot },
            /// `f64.div`
            F64Div { dst: Slot, a: Slot, b: Slot },
            /// `f64.min`
            F64Min { dst: Slot, a: Slot, b: Slot },
            /// `f64.max`
            F64Max { dst: Slot, a: Slot, b: Slot },
            /// `f64.copysign`
            F64Copysign { dst: Slot, a: Slot, b: Slot },
            /// `dst = a + b * c`: an `f64.mul` fused into the `f64.add` that uses it as its right
            /// operand, rounded after each operation as they are (not a fused multiply-add).
            F64AddMul { dst: Slot, a: Slot, b: Slot, c: Slot },

            // ---- conversions ----
            /// `i32.wrap_i64`
            I32WrapI64 { dst: Slot, src: Slot },
            /// `i32.trunc_f32_s`
            I32TruncF32S { dst: Slot, src: Slot },
            /// `i32.trunc_f32_u`
            I32TruncF32U { dst: Slot, src: Slot },
            /// `i32.trunc_f64_s`
            I32TruncF64S { dst: Slot, src: Slot },
            /// `i32.trunc_f64_u`
            I32TruncF64U { dst: Slot, src: Slot },
            /// `i64.extend_i32_s`
            I64ExtendI32S { dst: Slot, src: Slot },
            /// `i64.extend_i32_u`
            I64ExtendI32U { dst: Slot, src: Slot },
            /// `i64.trunc_f32_s`
            I64TruncF32S { dst: Slot, src: Slot },
            /// `i64.trunc_f32_u`
            I64TruncF32U { dst: Slot, src: Slot },
            /// `i64.trunc_f64_s`
            I64TruncF64S { dst: Slot, src: Slot },
            /// `i64.trunc_f64_u`
            I64TruncF64U { dst: Slot, src: Slot },
            /// `f32.convert_i32_s`
            F32ConvertI32S { dst: Slot, src: Slot },
            /// `f32.convert_i32_u`
            F32ConvertI32U { dst: Slot, src: Slot },
            /// `f32.convert_i64_s`
            F32ConvertI64S { dst: Slot, src: Slot },
            /// `f32.convert_i64_u`
            F32ConvertI64U { dst: Slot, src: Slot },
            /// `f32.demote_f64`
            F32DemoteF64 { dst: Slot, src: Slot },
            /// `f64.convert_i32_s`
            F64ConvertI32S { dst: Slot, src: Slot },
            /// `f64.convert_i32_u`
            F64ConvertI32U { dst: Slot, src: Slot },
            /// `f64.convert_i64_s`
            F64ConvertI64S { dst: Slot, src: Slot },
            /// `f64.convert_i64_u`
            F64ConvertI64U { dst: Slot, src: Slot },
            /// `f64.promote_f32`
            F64PromoteF32 { dst: Slot, src: Slot },
            /// `i32.extend8_s`
            I32Extend8S { dst: Slot, src: Slot },
            /// `i32.extend16_s`
            I32Extend16S { dst: Slot, src: Slot },
            /// `i64.extend8_s`
            I64Extend8S { dst: Slot, src: Slot },
            /// `i64.extend16_s`
            I64Extend16S { dst: Slot, src: Slot },
            /// `i64.extend32_s`
            I64Extend32S { dst: Slot, src: Slot },
            /// `i32.trunc_sat_f32_s`
            I32TruncSatF32S { dst: Slot, src: Slot },
            /// `i32.trunc_sat_f32_u`
            I32TruncSatF32U { dst: Slot, src: Slot },
            /// `i32.trunc_sat_f64_s`
            I32TruncSatF64S { dst: Slot, src: Slot },
            /// `i32.trunc_sat_f64_u`
            I32TruncSatF64U { dst: Slot, src: Slot },
            /// `i64.trunc_sat_f32_s`
            I64TruncSatF32S { dst: Slot, src: Slot },
            /// `i64.trunc_sat_f32_u`
            I64TruncSatF32U { dst: Slot, src: Slot },
            /// `i64.trunc_sat_f64_s`
            I64TruncSatF64S { dst: Slot, src: Slot },
            /// `i64.trunc_sat_f64_u`
            I64TruncSatF64U { dst: Slot, src: Slot },
        }
    };
}
pub(crate) use for_each_op;

/// Defines [`Op`] from the list of [`for_each_op`].
macro_rules! define_op {
    ($(
        $(#[$attr:meta])*
        $name:ident $({ $( $(#[$field_attr:meta])* $field:ident : $ty:ty ),* $(,)? })?
    ),* $(,)?) => {
        /// One interpreter instruction.
        ///
        /// The layout is fixed (`repr(u16)`: a 16-bit tag, then the variant's fields in declaration
        /// order, as a C struct), because compiled images store instructions in exactly this form and
        /// the executor runs them in place from flash. Two rules keep that sound and small:
        /// - every field is a plain integer (`u8`, `u16`, `i16`, `u32`, `i32`), so any bytes with a
        ///   valid tag are a valid instruction (see [`Op::tag_of_bytes`]);
        /// - 16-bit fields come before 32-bit ones, so every instruction stays 12 bytes.
        ///
        /// Changing this enum changes the image format: bump [`crate::image::ABI_VERSION`] (a test
        /// compares a fingerprint of the variant list and fails until you do).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u16)]
        #[allow(
            missing_docs,
            reason = "operand roles follow the naming grammar in the module docs"
        )]
        pub enum Op {
            $(
                $(#[$attr])*
                $name $({ $( $(#[$field_attr])* $field: $ty ),* })?,
            )*
        }
    };
}
for_each_op!(define_op);

/// Calls `$f` on field `$field` when its type in the list is `Slot`.
macro_rules! visit_slot_field {
    (Slot, $field:ident, $f:ident) => {
        $f($field)
    };
    ($other:ident, $field:ident, $f:ident) => {
        let _ = $field;
    };
}

/// Generates [`Op::slots_mut`] from the list: every field typed `Slot`.
macro_rules! define_slots_mut {
    ($(
        $(#[$attr:meta])*
        $name:ident $({ $( $(#[$field_attr:meta])* $field:ident : $ty:ident ),* $(,)? })?
    ),* $(,)?) => {
        impl Op {
            /// Calls `f` on every slot operand of the instruction (for `base` operands: the
            /// first slot of the range).
            pub fn slots_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            $($( visit_slot_field!($ty, $field, f); )*)?
                        }
                    )*
                }
            }
        }
    };
}
for_each_op!(define_slots_mut);

impl Op {
    /// The jump target of a branch instruction (not `BrTable`, whose targets are the `Br`s that
    /// follow it).
    pub fn target_mut(&mut self) -> Option<&mut u32> {
        match self {
            Op::Br { target }
            | Op::BrIfEqz { target, .. }
            | Op::BrIfNez { target, .. }
            | Op::BrLoad8UIdxNez { target, .. }
            | Op::BrLoad8UIdxEqz { target, .. }
            | Op::BrI32Eq { target, .. }
            | Op::BrI32EqImm { target, .. }
            | Op::BrI32Ne { target, .. }
            | Op::BrI32NeImm { target, .. }
            | Op::I32AddImmBrNe { target, .. }
            | Op::BrI32LtS { target, .. }
            | Op::BrI32LtSImm { target, .. }
            | Op::BrI32LtU { target, .. }
            | Op::BrI32LtUImm { target, .. }
            | Op::BrI32GtS { target, .. }
            | Op::BrI32GtSImm { target, .. }
            | Op::BrI32GtU { target, .. }
            | Op::BrI32GtUImm { target, .. }
            | Op::BrI32LeS { target, .. }
            | Op::BrI32LeSImm { target, .. }
            | Op::BrI32LeU { target, .. }
            | Op::BrI32LeUImm { target, .. }
            | Op::BrI32GeS { target, .. }
            | Op::BrI32GeSImm { target, .. }
            | Op::BrI32GeU { target, .. }
            | Op::BrI32GeUImm { target, .. }
            | Op::BrI64Eq { target, .. }
            | Op::BrI64EqImm { target, .. }
            | Op::BrI64Ne { target, .. }
            | Op::BrI64NeImm { target, .. }
            | Op::BrI64LtS { target, .. }
            | Op::BrI64LtSImm { target, .. }
            | Op::BrI64LtU { target, .. }
            | Op::BrI64LtUImm { target, .. }
            | Op::BrI64GtS { target, .. }
            | Op::BrI64GtSImm { target, .. }
            | Op::BrI64GtU { target, .. }
            | Op::BrI64GtUImm { target, .. }
            | Op::BrI64LeS { target, .. }
            | Op::BrI64LeSImm { target, .. }
            | Op::BrI64LeU { target, .. }
            | Op::BrI64LeUImm { target, .. }
            | Op::BrI64GeS { target, .. }
            | Op::BrI64GeSImm { target, .. }
            | Op::BrI64GeU { target, .. }
            | Op::BrI64GeUImm { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The slot this instruction writes its single result to, for instructions that read
    /// nothing from that slot first (so the translator may redirect the result elsewhere).
    /// `TableGet` reads its index from its result slot, so it is not listed.
    pub fn result_slot_mut(&mut self) -> Option<&mut Slot> {
        match self {
            Op::Select { dst, .. }
            | Op::I32AddBrGeU { dst, .. }
            | Op::I32AddBrLtU { dst, .. }
            | Op::I32AddBrLeU { dst, .. }
            | Op::I32AddBrGtU { dst, .. }
            | Op::Copy { dst, .. }
            | Op::Const32 { dst, .. }
            | Op::Const64 { dst, .. }
            | Op::GlobalGet { dst, .. }
            | Op::Load8U { dst, .. }
            | Op::Load8S32 { dst, .. }
            | Op::Load8S64 { dst, .. }
            | Op::Load16U { dst, .. }
            | Op::Load16S32 { dst, .. }
            | Op::Load16S64 { dst, .. }
            | Op::Load32U { dst, .. }
            | Op::Load32S64 { dst, .. }
            | Op::Load64 { dst, .. }
            | Op::Load8UIdx { dst, .. }
            | Op::Load8S32Idx { dst, .. }
            | Op::Load16UIdx { dst, .. }
            | Op::Load16S32Idx { dst, .. }
            | Op::Load32UIdx { dst, .. }
            | Op::Load64Idx { dst, .. }
            | Op::Load16UScaled { dst, .. }
            | Op::Load32UScaled { dst, .. }
            | Op::Load64Scaled { dst, .. }
            | Op::MemorySize { dst, .. }
            | Op::LoadMem { dst, .. }
            | Op::MemorySizeN { dst, .. }
            | Op::TableSize { dst, .. }
            | Op::RefFunc { dst, .. }
            | Op::I32Eqz { dst, .. }
            | Op::I32Eq { dst, .. }
            | Op::I32Ne { dst, .. }
            | Op::I32LtS { dst, .. }
            | Op::I32LtU { dst, .. }
            | Op::I32GtS { dst, .. }
            | Op::I32GtU { dst, .. }
            | Op::I32LeS { dst, .. }
            | Op::I32LeU { dst, .. }
            | Op::I32GeS { dst, .. }
            | Op::I32GeU { dst, .. }
            | Op::I32Clz { dst, .. }
            | Op::I32Ctz { dst, .. }
            | Op::I32Popcnt { dst, .. }
            | Op::I32Add { dst, .. }
            | Op::I32Sub { dst, .. }
            | Op::I32Mul { dst, .. }
            | Op::I32DivS { dst, .. }
            | Op::I32DivU { dst, .. }
            | Op::I32RemS { dst, .. }
            | Op::I32RemU { dst, .. }
            | Op::I32And { dst, .. }
            | Op::I32Or { dst, .. }
            | Op::I32Xor { dst, .. }
            | Op::I32Shl { dst, .. }
            | Op::I32ShrS { dst, .. }
            | Op::I32ShrU { dst, .. }
            | Op::I32Rotl { dst, .. }
            | Op::I32Rotr { dst, .. }
            | Op::I64Eqz { dst, .. }
            | Op::I64Eq { dst, .. }
            | Op::I64Ne { dst, .. }
            | Op::I64LtS { dst, .. }
            | Op::I64LtU { dst, .. }
            | Op::I64GtS { dst, .. }
            | Op::I64GtU { dst, .. }
            | Op::I64LeS { dst, .. }
            | Op::I64LeU { dst, .. }
            | Op::I64GeS { dst, .. }
            | Op::I64GeU { dst, .. }
            | Op::I64Clz { dst, .. }
            | Op::I64Ctz { dst, .. }
            | Op::I64Popcnt { dst, .. }
            | Op::I64Add { dst, .. }
            | Op::I64Sub { dst, .. }
            | Op::I64Mul { dst, .. }
            | Op::I64DivS { dst, .. }
            | Op::I64DivU { dst, .. }
            | Op::I64RemS { dst, .. }
            | Op::I64RemU { dst, .. }
            | Op::I64And { dst, .. }
            | Op::I64Or { dst, .. }
            | Op::I64Xor { dst, .. }
            | Op::I64Shl { dst, .. }
            | Op::I64ShrS { dst, .. }
            | Op::I64ShrU { dst, .. }
            | Op::I64Rotl { dst, .. }
            | Op::I64Rotr { dst, .. }
            | Op::I32AddImm { dst, .. }
            | Op::I32MulImm { dst, .. }
            | Op::I32AndImm { dst, .. }
            | Op::I32OrImm { dst, .. }
            | Op::I32XorImm { dst, .. }
            | Op::I32ShlImm { dst, .. }
            | Op::I32ShrSImm { dst, .. }
            | Op::I32ShrUImm { dst, .. }
            | Op::I32EqImm { dst, .. }
            | Op::I32NeImm { dst, .. }
            | Op::I32LtSImm { dst, .. }
            | Op::I32LtUImm { dst, .. }
            | Op::I32GtSImm { dst, .. }
            | Op::I32GtUImm { dst, .. }
            | Op::I32LeSImm { dst, .. }
            | Op::I32LeUImm { dst, .. }
            | Op::I32GeSImm { dst, .. }
            | Op::I32GeUImm { dst, .. }
            | Op::I64AddImm { dst, .. }
            | Op::I64MulImm { dst, .. }
            | Op::I64AndImm { dst, .. }
            | Op::I64OrImm { dst, .. }
            | Op::I64XorImm { dst, .. }
            | Op::I64ShlImm { dst, .. }
            | Op::I64ShrSImm { dst, .. }
            | Op::I64ShrUImm { dst, .. }
            | Op::I64EqImm { dst, .. }
            | Op::I64NeImm { dst, .. }
            | Op::I64LtSImm { dst, .. }
            | Op::I64LtUImm { dst, .. }
            | Op::I64GtSImm { dst, .. }
            | Op::I64GtUImm { dst, .. }
            | Op::I64LeSImm { dst, .. }
            | Op::I64LeUImm { dst, .. }
            | Op::I64GeSImm { dst, .. }
            | Op::I64GeUImm { dst, .. }
            | Op::I32RotlImm { dst, .. }
            | Op::I32RotrImm { dst, .. }
            | Op::I64RotlImm { dst, .. }
            | Op::I64RotrImm { dst, .. }
            | Op::I32AddShlImm { dst, .. }
            | Op::I32XorRotlImm { dst, .. }
            | Op::I32XorShrUImm { dst, .. }
            | Op::I32ShrUAndImm { dst, .. }
            | Op::I32AddAndImm { dst, .. }
            | Op::I32SubAndImm { dst, .. }
            | Op::F64AddMul { dst, .. }
            | Op::F32Eq { dst, .. }
            | Op::F32Ne { dst, .. }
            | Op::F32Lt { dst, .. }
            | Op::F32Gt { dst, .. }
            | Op::F32Le { dst, .. }
            | Op::F32Ge { dst, .. }
            | Op::F32Abs { dst, .. }
            | Op::F32Neg { dst, .. }
            | Op::F32Ceil { dst, .. }
            | Op::F32Floor { dst, .. }
            | Op::F32Trunc { dst, .. }
            | Op::F32Nearest { dst, .. }
            | Op::F32Sqrt { dst, .. }
            | Op::F32Add { dst, .. }
            | Op::F32Sub { dst, .. }
            | Op::F32Mul { dst, .. }
            | Op::F32Div { dst, .. }
            | Op::F32Min { dst, .. }
            | Op::F32Max { dst, .. }
            | Op::F32Copysign { dst, .. }
            | Op::F64Eq { dst, .. }
            | Op::F64Ne { dst, .. }
            | Op::F64Lt { dst, .. }
            | Op::F64Gt { dst, .. }
            | Op::F64Le { dst, .. }
            | Op::F64Ge { dst, .. }
            | Op::F64Abs { dst, .. }
            | Op::F64Neg { dst, .. }
            | Op::F64Ceil { dst, .. }
            | Op::F64Floor { dst, .. }
            | Op::F64Trunc { dst, .. }
            | Op::F64Nearest { dst, .. }
            | Op::F64Sqrt { dst, .. }
            | Op::F64Add { dst, .. }
            | Op::F64Sub { dst, .. }
            | Op::F64Mul { dst, .. }
            | Op::F64Div { dst, .. }
            | Op::F64Min { dst, .. }
            | Op::F64Max { dst, .. }
            | Op::F64Copysign { dst, .. }
            | Op::I32WrapI64 { dst, .. }
            | Op::I32TruncF32S { dst, .. }
            | Op::I32TruncF32U { dst, .. }
            | Op::I32TruncF64S { dst, .. }
            | Op::I32TruncF64U { dst, .. }
            | Op::I64ExtendI32S { dst, .. }
            | Op::I64ExtendI32U { dst, .. }
            | Op::I64TruncF32S { dst, .. }
            | Op::I64TruncF32U { dst, .. }
            | Op::I64TruncF64S { dst, .. }
            | Op::I64TruncF64U { dst, .. }
            | Op::F32ConvertI32S { dst, .. }
            | Op::F32ConvertI32U { dst, .. }
            | Op::F32ConvertI64S { dst, .. }
            | Op::F32ConvertI64U { dst, .. }
            | Op::F32DemoteF64 { dst, .. }
            | Op::F64ConvertI32S { dst, .. }
            | Op::F64ConvertI32U { dst, .. }
            | Op::F64ConvertI64S { dst, .. }
            | Op::F64ConvertI64U { dst, .. }
            | Op::F64PromoteF32 { dst, .. }
            | Op::I32Extend8S { dst, .. }
            | Op::I32Extend16S { dst, .. }
            | Op::I64Extend8S { dst, .. }
            | Op::I64Extend16S { dst, .. }
            | Op::I64Extend32S { dst, .. }
            | Op::I32TruncSatF32S { dst, .. }
            | Op::I32TruncSatF32U { dst, .. }
            | Op::I32TruncSatF64S { dst, .. }
            | Op::I32TruncSatF64U { dst, .. }
            | Op::I64TruncSatF32S { dst, .. }
            | Op::I64TruncSatF32U { dst, .. }
            | Op::I64TruncSatF64S { dst, .. }
            | Op::I64TruncSatF64U { dst, .. } => Some(dst),
            _ => None,
        }
    }
}

/// Width and extension of a load (for [`Op::LoadMem`], which stores it as [`LoadKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs, reason = "named like the `Load*` instructions")]
pub enum LoadKind {
    L8U,
    L8S32,
    L8S64,
    L16U,
    L16S32,
    L16S64,
    L32U,
    L32S64,
    L64,
}

/// Width of a store (for [`Op::StoreMem`], which stores it as [`StoreKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs, reason = "named like the `Store*` instructions")]
pub enum StoreKind {
    S8,
    S16,
    S32,
    S64,
}

impl LoadKind {
    const ALL: [LoadKind; 9] = [
        LoadKind::L8U,
        LoadKind::L8S32,
        LoadKind::L8S64,
        LoadKind::L16U,
        LoadKind::L16S32,
        LoadKind::L16S64,
        LoadKind::L32U,
        LoadKind::L32S64,
        LoadKind::L64,
    ];

    /// The byte that encodes this kind in [`Op::LoadMem`].
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The kind that `code` encodes, if any.
    pub fn from_code(code: u8) -> Option<LoadKind> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

impl StoreKind {
    const ALL: [StoreKind; 4] = [
        StoreKind::S8,
        StoreKind::S16,
        StoreKind::S32,
        StoreKind::S64,
    ];

    /// The byte that encodes this kind in [`Op::StoreMem`].
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The kind that `code` encodes, if any.
    pub fn from_code(code: u8) -> Option<StoreKind> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

// Translated code is RAM (or flash) on the device: keep every instruction at 12 bytes, aligned
// to 4 (images rely on both).
const _: () = assert!(size_of::<Op>() == 12 && align_of::<Op>() == 4);

/// Number of instruction tags: tags `0..OP_TAGS` are valid. The last variant of [`Op`] must be
/// named here; `tests::last_variant_is_named` checks that against the source.
pub const OP_TAGS: u16 = Op::I64TruncSatF64U { dst: 0, src: 0 }.tag() + 1;

impl Op {
    /// The instruction's tag: its variant's index in declaration order.
    pub const fn tag(&self) -> u16 {
        // SAFETY: `Op` is `repr(u16)`, so every value starts with its `u16` tag (the primitive
        // representation of enums with fields), and `self` is a valid reference to one.
        unsafe { *core::ptr::from_ref(self).cast::<u16>() }
    }

    /// The tag of a 12-byte little-endian instruction record, if it names an instruction. Any
    /// record with a valid tag is a valid `Op` on a little-endian machine, because every field
    /// of every variant is a plain integer.
    pub fn tag_of_bytes(record: &[u8; 12]) -> Option<u16> {
        let tag = u16::from_le_bytes([record[0], record[1]]);
        (tag < OP_TAGS).then_some(tag)
    }
}

/// The text of the instruction list in [`for_each_op`] (between its braces), for tests that
/// check other tables against it.
#[cfg(test)]
pub(crate) fn op_list_source() -> &'static str {
    let source = include_str!("op.rs");
    let start = source
        .find("macro_rules! for_each_op {")
        .and_then(|at| source[at..].find("$m! {").map(|i| at + i + "$m! {".len()))
        .unwrap_or(0);
    let end = source[start..]
        .find("\n        }\n    };\n}")
        .map_or(source.len(), |i| start + i);
    &source[start..end]
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn op_is_twelve_bytes() {
        assert_eq!(size_of::<Op>(), 12);
    }

    #[test]
    fn last_variant_is_named() {
        // `OP_TAGS` names the last variant; a variant added after it would be rejected in images
        // (or worse, accepted with a wrong count). Compare against the enum's source text.
        let last = super::op_list_source()
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with("//") && !line.starts_with('}'))
            .expect("a variant");
        assert!(
            last.starts_with("I64TruncSatF64U "),
            "the last variant of Op is now `{last}`: name it in OP_TAGS"
        );
    }

    #[test]
    fn tags_follow_declaration_order() {
        assert_eq!(Op::Unreachable.tag(), 0);
        assert_eq!(Op::ConsumeFuel { amount: 7 }.tag(), 1);
        assert_eq!(Op::CheckEpoch.tag(), 2);
        let bytes = encode(&Op::Br { target: 9 });
        assert_eq!(Op::tag_of_bytes(&bytes), Some(3));
        assert_eq!(Op::tag_of_bytes(&[0xff; 12]), None);
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for code in 0..=u8::MAX {
            if let Some(kind) = super::LoadKind::from_code(code) {
                assert_eq!(kind.code(), code);
            }
            if let Some(kind) = super::StoreKind::from_code(code) {
                assert_eq!(kind.code(), code);
            }
        }
        assert_eq!(super::LoadKind::from_code(8), Some(super::LoadKind::L64));
        assert_eq!(super::LoadKind::from_code(9), None);
        assert_eq!(super::StoreKind::from_code(4), None);
    }

    /// The bytes of `op` as the image writer stores them.
    fn encode(op: &Op) -> [u8; 12] {
        let mut out = [0; 12];
        crate::image::encode_op(op, &mut out);
        out
    }
}
