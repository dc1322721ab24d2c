//! Memory accesses, bounds and stack checks, calls and returns.
//!
//! Loads and stores use the immediate-offset forms up to 4095 and compute
//! the address into a fresh register beyond that. Bounds checks against a
//! static memory size are a compare with `size - end` and a conditional
//! trap; against the run-time size word, a [`MachInst::BoundsCheck`]. Calls follow AAPCS
//! ([`crate::abi`]): stack arguments are stored into the outgoing area at the
//! bottom of the frame, register arguments are moved into their fixed
//! registers right before the `Call`, results are moved out of r0/r1 or
//! loaded from the sret buffer in the local area.

use super::{preg, Lower};
use crate::abi::{abi_sig, ArgLoc, RetLoc};
use crate::imm::is_addsub_imm;
use crate::inst::{CallTarget, MachInst, Rhs, StackAddr};
use crate::BackendError;
use synth_ir::float::Libcall;
use synth_ir::{Callee, InstKind, LoadKind, RuntimeFunc, Signature, StoreKind, SymbolRef, TrapCode, Type, Value};
use synth_regalloc::Reg;
use synth_thumb2_enc::{AluOp, Cond, LoadOp, Shift, ShiftOp, StoreOp};

/// Largest immediate offset of `LDR`/`STR` (T3 encodings).
const MAX_OFF: u32 = 4095;

fn align8(x: u32) -> u32 {
    (x + 7) & !7
}

impl Lower<'_> {
    pub(super) fn lower_memcall(&mut self, kind: &InstKind, results: &[Value]) -> Result<(), BackendError> {
        match kind {
            InstKind::Load { ty, kind: lk, addr, offset } => {
                let d = *results.first().ok_or_else(|| self.err("load without its result"))?;
                self.lower_load(*ty, *lk, d, *addr, *offset)
            }
            InstKind::Store { kind: sk, addr, value, offset } => self.lower_store(*sk, *addr, *value, *offset),
            InstKind::BoundsCheck { addr, end } => {
                if *end > u32::MAX as u64 {
                    self.push(MachInst::Trap { code: TrapCode::MemoryOutOfBounds });
                    return Ok(());
                }
                let end = *end as u32;
                if let Some(size) = self.static_memory_bytes {
                    // Trap when addr > size - end (always when end > size).
                    let Some(k) = size.checked_sub(end) else {
                        self.push(MachInst::Trap { code: TrapCode::MemoryOutOfBounds });
                        return Ok(());
                    };
                    if let Some(a) = self.ir_const(*addr) {
                        if a as u32 > k {
                            self.push(MachInst::Trap { code: TrapCode::MemoryOutOfBounds });
                        }
                        return Ok(());
                    }
                    // addr > k is addr >= k + 1 (k < 2^32 - 1 as end > 0).
                    let (cc, rhs) = if crate::imm::is_cmp_imm(k) {
                        (Cond::Hi, Rhs::Imm(k))
                    } else if end > 0 && crate::imm::is_cmp_imm(k + 1) {
                        (Cond::Hs, Rhs::Imm(k + 1))
                    } else if self.hoisted_limits.contains(&k) {
                        (Cond::Hi, Rhs::Reg(self.function_const(k)))
                    } else {
                        let r = self.new_vreg();
                        self.push(MachInst::MovImm { rd: r, imm: k });
                        (Cond::Hi, Rhs::Reg(r))
                    };
                    let addr = self.r(*addr);
                    self.push(MachInst::TrapIf { cc, rn: addr, rhs, code: TrapCode::MemoryOutOfBounds });
                    return Ok(());
                }
                let t = self.new_vreg();
                let t2 = if crate::imm::is_modified_imm(end) { None } else { Some(self.new_vreg()) };
                self.push(MachInst::BoundsCheck { addr: self.r(*addr), end, t, t2 });
                Ok(())
            }
            InstKind::StackCheck => {
                let t = self.new_vreg();
                self.push(MachInst::StackCheck { t });
                Ok(())
            }
            InstKind::Call { callee, sig, args } => self.lower_call(callee, sig, args, results),
            _ => Err(self.err(format!("{kind:?}"))),
        }
    }

    /// `(base', off')` with `off' + span <= 4095`, adding into a fresh
    /// register when the offset is too large.
    fn address(&mut self, base: Reg, off: u32, span: u32) -> (Reg, u32) {
        if off.checked_add(span).is_some_and(|e| e <= MAX_OFF) {
            return (base, off);
        }
        let t = self.new_vreg();
        if is_addsub_imm(off) {
            self.push(MachInst::AluImm { op: AluOp::Add, rd: t, rn: base, imm: off });
        } else {
            let c = self.new_vreg();
            self.push(MachInst::MovImm { rd: c, imm: off });
            self.push(MachInst::Alu { op: AluOp::Add, rd: t, rn: base, rm: c });
        }
        (t, 0)
    }

    /// Chooses the bounds-check limits (`size - end` with no immediate
    /// form) worth a register for the whole function: the two most used,
    /// when used at least twice. The others are materialised at each check.
    pub(super) fn plan_bounds_limits(&mut self, reach: &[bool]) {
        let Some(size) = self.static_memory_bytes else {
            return;
        };
        let mut counts: Vec<(u32, usize)> = Vec::new();
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for inst in &bd.insts {
                let InstKind::BoundsCheck { addr, end } = inst.kind else {
                    continue;
                };
                let Some(k) = u32::try_from(end).ok().and_then(|e| size.checked_sub(e)) else {
                    continue;
                };
                if self.ir_const(addr).is_some() || crate::imm::is_cmp_imm(k) || crate::imm::is_cmp_imm(k + 1) {
                    continue;
                }
                match counts.iter_mut().find(|c| c.0 == k) {
                    Some(c) => c.1 += 1,
                    None => counts.push((k, 1)),
                }
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        self.hoisted_limits = counts.iter().take(2).filter(|c| c.1 >= 2).map(|c| c.0).collect();
    }

    /// `(base, idx, shift)` of a folded `base + (idx << shift)` address
    /// (see [`super::fold`]), or `None` when `addr` is not folded.
    fn indexed(&self, addr: Value) -> Option<(Reg, Reg, u8)> {
        if !self.folded.contains(&addr) || self.add_const(addr).is_some() {
            return None;
        }
        let Some(InstKind::Binary { lhs, rhs, .. }) = self.def_kind(addr) else {
            return None;
        };
        let (mut x, mut y) = (*lhs, *rhs);
        if self.folded.contains(&x) {
            std::mem::swap(&mut x, &mut y);
        }
        if self.folded.contains(&y) {
            if let Some((z, Shift::Lsl(k))) = self.shift_by_const(y) {
                return Some((self.r(x), self.r(z), k));
            }
        }
        Some((self.r(x), self.r(y), 0))
    }

    /// The base register and offset of an access at `addr + offset`, with a
    /// folded `x + c` address (see [`super::fold`]) as `(x, offset + c)`.
    fn base_offset(&self, addr: Value, offset: u32) -> (Reg, u32) {
        if self.folded.contains(&addr) {
            if let Some((x, c)) = self.add_const(addr) {
                return (self.r(x), offset + c);
            }
        }
        (self.r(addr), offset)
    }

    fn lower_load(&mut self, ty: Type, lk: LoadKind, d: Value, addr: Value, offset: u32) -> Result<(), BackendError> {
        let ir_addr = (addr, offset);
        let (base, offset) = self.base_offset(addr, offset);
        let op = match lk {
            LoadKind::Full | LoadKind::S32 | LoadKind::U32 => LoadOp::Ldr,
            LoadKind::S8 => LoadOp::Ldrsb,
            LoadKind::U8 => LoadOp::Ldrb,
            LoadKind::S16 => LoadOp::Ldrsh,
            LoadKind::U16 => LoadOp::Ldrh,
        };
        match ty.bits_type() {
            Type::I32 | Type::F32 => {
                if matches!(lk, LoadKind::S32 | LoadKind::U32) {
                    return Err(self.err("i32 load with a 32-bit extension"));
                }
                if let Some((base, idx, shift)) = self.indexed(addr) {
                    self.push(MachInst::LoadIdx { op, rd: self.r(d), base, idx, shift });
                    return Ok(());
                }
                if lk == LoadKind::Full && self.vldr_load(d, ir_addr, base, offset) {
                    return Ok(());
                }
                let (b, off) = self.address(base, offset, 0);
                self.push(MachInst::Load { op, rd: self.r(d), base: b, off });
            }
            Type::I64 | Type::F64 => {
                let (lo, hi) = self.pair(d)?;
                if lk == LoadKind::Full {
                    let (b, off) = self.address(base, offset, 4);
                    self.push(MachInst::Load { op, rd: lo, base: b, off });
                    self.push(MachInst::Load { op, rd: hi, base: b, off: off + 4 });
                } else {
                    if let Some((base, idx, shift)) = self.indexed(addr) {
                        self.push(MachInst::LoadIdx { op, rd: lo, base, idx, shift });
                    } else {
                        let (b, off) = self.address(base, offset, 0);
                        self.push(MachInst::Load { op, rd: lo, base: b, off });
                    }
                    match lk {
                        _ if self.hi_dead.contains(&d) => {}
                        LoadKind::S8 | LoadKind::S16 | LoadKind::S32 => {
                            self.push(MachInst::ShiftImm { op: ShiftOp::Asr, rd: hi, rm: lo, amt: 31 })
                        }
                        _ => self.push(MachInst::MovImm { rd: hi, imm: 0 }),
                    }
                }
            }
        }
        Ok(())
    }

    fn lower_store(&mut self, sk: StoreKind, addr: Value, value: Value, offset: u32) -> Result<(), BackendError> {
        let ir_addr = (addr, offset);
        let (base, offset) = self.base_offset(addr, offset);
        let ty = self.func.value_type(value).bits_type();
        let op = match (sk, ty) {
            (StoreKind::B8, _) => StoreOp::Strb,
            (StoreKind::B16, _) => StoreOp::Strh,
            (StoreKind::Full, _) | (StoreKind::B32, Type::I64) => StoreOp::Str,
            (StoreKind::B32, _) => return Err(self.err("i32 store32")),
        };
        if ty == Type::I64 && sk == StoreKind::Full {
            let (lo, hi) = self.pair(value)?;
            let (b, off) = self.address(base, offset, 4);
            self.push(MachInst::Store { op, rt: lo, base: b, off });
            self.push(MachInst::Store { op, rt: hi, base: b, off: off + 4 });
        } else if let Some((base, idx, shift)) = self.indexed(addr) {
            self.push(MachInst::StoreIdx { op, rt: self.r(value), base, idx, shift });
        } else if sk == StoreKind::Full && ty == Type::I32 && self.vstr_store(value, ir_addr, base, offset) {
        } else {
            let (b, off) = self.address(base, offset, 0);
            self.push(MachInst::Store { op, rt: self.r(value), base: b, off });
        }
        Ok(())
    }

    /// Lowers a call of `callee` with `sig` on `args`, defining `results`.
    pub(super) fn lower_call(
        &mut self,
        callee: &Callee,
        sig: &Signature,
        args: &[Value],
        results: &[Value],
    ) -> Result<(), BackendError> {
        let abi = abi_sig(sig);
        if abi.params.len() != args.len() || sig.results.len() != results.len() {
            return Err(self.err("a call whose arguments or results do not match its signature"));
        }
        for (a, ty) in args.iter().zip(&sig.params) {
            if self.func.value_type(*a) != *ty {
                return Err(self.err("a call argument whose type differs from the signature"));
            }
        }
        if self.vfp_call(callee, args, results)?
            || self.vfp64_call(callee, args, results)?
            || self.vrint_call(callee, args, results)?
        {
            return Ok(());
        }
        if let Some((l, rem)) = aeabi_divmod64(callee) {
            return self.divmod64_call(l, rem, &abi, args, results);
        }
        self.frame.has_calls = true;
        self.frame.outgoing_bytes = self.frame.outgoing_bytes.max(align8(abi.stack_bytes));
        let target = match callee {
            Callee::Func(i) => CallTarget::Sym(SymbolRef::Func(*i)),
            Callee::Runtime(f) => CallTarget::Sym(SymbolRef::Runtime(*f)),
            Callee::Libcall(l) => CallTarget::Sym(SymbolRef::Libcall(*l)),
            Callee::Indirect(v) => CallTarget::Reg(self.r(*v)),
        };
        // Stack arguments first: nothing fixed is live yet.
        for (&a, &loc) in args.iter().zip(&abi.params) {
            if let ArgLoc::Stack(off) = loc {
                let (lo, hi) = self.vals[a.0 as usize];
                self.push(MachInst::StoreStack { rt: lo, addr: StackAddr::Outgoing(off) });
                if let Some(hi) = hi {
                    self.push(MachInst::StoreStack { rt: hi, addr: StackAddr::Outgoing(off + 4) });
                }
            }
        }
        let mut uses = Vec::new();
        let mut moves = Vec::new();
        let mut sret_off = None;
        if let RetLoc::Sret { size, .. } = &abi.ret {
            let off = align8(self.frame.local_bytes);
            self.frame.local_bytes = align8(off + size);
            sret_off = Some(off);
            let p = self.new_vreg();
            self.push(MachInst::LeaStack { rd: p, addr: StackAddr::Local(off) });
            moves.push(MachInst::Mov { rd: preg(0), rm: p });
            uses.push(preg(0));
        }
        self.register_args(args, &abi, &mut moves, &mut uses)?;
        for m in moves {
            self.push(m);
        }
        let defs = match abi.ret {
            RetLoc::R0 => vec![preg(0)],
            RetLoc::R0R1 => vec![preg(0), preg(1)],
            RetLoc::None | RetLoc::Sret { .. } => vec![],
        };
        self.push(MachInst::Call { target, uses, defs });
        match &abi.ret {
            RetLoc::None => {}
            RetLoc::R0 => self.push(MachInst::Mov { rd: self.r(results[0]), rm: preg(0) }),
            RetLoc::R0R1 => {
                let (lo, hi) = self.pair(results[0])?;
                self.push(MachInst::Mov { rd: lo, rm: preg(0) });
                self.push(MachInst::Mov { rd: hi, rm: preg(1) });
            }
            RetLoc::Sret { offsets, .. } => {
                let base = sret_off.unwrap_or(0);
                for (&r, &off) in results.iter().zip(offsets) {
                    let (lo, hi) = self.vals[r.0 as usize];
                    self.push(MachInst::LoadStack { rd: lo, addr: StackAddr::Local(base + off) });
                    if let Some(hi) = hi {
                        self.push(MachInst::LoadStack { rd: hi, addr: StackAddr::Local(base + off + 4) });
                    }
                }
            }
        }
        Ok(())
    }

    /// i64 division or remainder by a non-zero divisor (the IR checked it,
    /// and signed overflow) as a call of the AEABI function `l` (libgcc's
    /// `__aeabi_uldivmod`/`__aeabi_ldivmod`, as gcc calls them): dividend in
    /// r0:r1, divisor in r2:r3; quotient back in r0:r1, remainder in r2:r3.
    fn divmod64_call(
        &mut self,
        l: Libcall,
        rem: bool,
        abi: &crate::abi::AbiSig,
        args: &[Value],
        results: &[Value],
    ) -> Result<(), BackendError> {
        let &[res] = results else {
            return Err(self.err("an i64 division call without one result"));
        };
        self.frame.has_calls = true;
        let (mut moves, mut uses) = (Vec::new(), Vec::new());
        self.register_args(args, abi, &mut moves, &mut uses)?;
        for m in moves {
            self.push(m);
        }
        let defs = vec![preg(0), preg(1), preg(2), preg(3)];
        self.push(MachInst::Call { target: CallTarget::Sym(SymbolRef::Libcall(l)), uses, defs });
        let (lo, hi) = self.pair(res)?;
        let from = if rem { 2 } else { 0 };
        self.push(MachInst::Mov { rd: lo, rm: preg(from) });
        self.push(MachInst::Mov { rd: hi, rm: preg(from + 1) });
        Ok(())
    }

    /// The call that ends block `bd` when it is a tail call: the block
    /// returns exactly its results, the callee is a runtime helper or an
    /// AEABI function, every argument
    /// travels in a register and neither side returns through an sret
    /// buffer (which would live in a frame the tail call gives up).
    pub(super) fn tail_call(&self, bd: &synth_ir::BlockData) -> Option<(SymbolRef, Signature, Vec<Value>)> {
        let vals = self.returned_by(&bd.term)?;
        let last = bd.insts.last()?;
        let InstKind::Call { callee, sig, args } = &last.kind else {
            return None;
        };
        if last.results != vals || matches!(self.abi.ret, RetLoc::Sret { .. }) {
            return None;
        }
        // Only callees that never call back into wasm: a tail call between
        // wasm functions would turn runaway recursion, which must exhaust
        // the stack and trap, into an endless loop.
        if super::vfp::vfp_lowering(callee, self.fpu).is_some()
            || super::vfp64::f64_lowering(callee, self.fpu).is_some()
            || super::vrint::vrint_lowering(callee, self.fpu).is_some()
        {
            return None; // computed inline on the FPU
        }
        let sym = match (callee, aeabi_divmod64(callee)) {
            // The quotient is where the AEABI function leaves it; the remainder is not.
            (_, Some((l, false))) => SymbolRef::Libcall(l),
            (_, Some((_, true))) => return None,
            (Callee::Runtime(r), None) => SymbolRef::Runtime(*r),
            (Callee::Libcall(l), None) => SymbolRef::Libcall(*l),
            (Callee::Func(_) | Callee::Indirect(_), None) => return None,
        };
        let abi = abi_sig(sig);
        if abi.stack_bytes != 0 || matches!(abi.ret, RetLoc::Sret { .. }) || abi.params.len() != args.len() {
            return None;
        }
        Some((sym, sig.clone(), args.clone()))
    }

    /// The values a terminator returns: its own `Return`, or a `Jump` to a
    /// block that does nothing but return (its parameters replaced by the
    /// jump's arguments).
    fn returned_by(&self, term: &synth_ir::Terminator) -> Option<Vec<Value>> {
        match term {
            synth_ir::Terminator::Return(vals) => Some(vals.clone()),
            synth_ir::Terminator::Jump(call) => {
                let target = self.func.block(call.block);
                let synth_ir::Terminator::Return(vals) = &target.term else {
                    return None;
                };
                if !target.insts.is_empty() {
                    return None;
                }
                vals.iter()
                    .map(|v| match target.params.iter().position(|p| p == v) {
                        Some(k) => call.args.get(k).copied(),
                        None => Some(*v),
                    })
                    .collect()
            }
            _ => None,
        }
    }

    /// The moves of `args` into the argument registers `abi` gives them
    /// (stack arguments are stored separately), and the registers used.
    fn register_args(
        &mut self,
        args: &[Value],
        abi: &crate::abi::AbiSig,
        moves: &mut Vec<MachInst>,
        uses: &mut Vec<Reg>,
    ) -> Result<(), BackendError> {
        for (&a, &loc) in args.iter().zip(&abi.params) {
            let (lo, hi) = self.vals[a.0 as usize];
            match (loc, hi) {
                (ArgLoc::Reg(r), None) => {
                    moves.push(MachInst::Mov { rd: preg(r), rm: lo });
                    uses.push(preg(r));
                }
                (ArgLoc::RegPair(x, y), Some(hi)) => {
                    moves.push(MachInst::Mov { rd: preg(x), rm: lo });
                    moves.push(MachInst::Mov { rd: preg(y), rm: hi });
                    uses.push(preg(x));
                    uses.push(preg(y));
                }
                (ArgLoc::Stack(_), _) => {}
                _ => return Err(self.err("an argument location that does not match its type")),
            }
        }
        Ok(())
    }

    /// A tail call (see [`Self::tail_call`]): arguments into their
    /// registers, then the [`MachInst::TailCall`] terminator. It makes no
    /// frame of its own (no outgoing area, lr not needed after it).
    pub(super) fn lower_tail_call(&mut self, sym: SymbolRef, sig: &Signature, args: &[Value]) -> Result<(), BackendError> {
        let abi = abi_sig(sig);
        let (mut uses, mut moves) = (Vec::new(), Vec::new());
        if abi.stack_bytes != 0 {
            return Err(self.err("a tail call with stack arguments"));
        }
        self.register_args(args, &abi, &mut moves, &mut uses)?;
        for m in moves {
            self.push(m);
        }
        self.push(MachInst::TailCall { sym, uses });
        Ok(())
    }

    /// For a block that returns several values through the sret pointer:
    /// the values its own instructions define, with their result offsets.
    /// Each is stored as soon as it is defined rather than at the return,
    /// so it is not held (in a callee-saved register, across calls) until
    /// then. The buffer is the caller's, not linear memory, and the caller
    /// reads it only after a return, so storing early is not observable.
    pub(super) fn store_results_early(&self, bd: &synth_ir::BlockData) -> std::collections::HashMap<Value, Vec<u32>> {
        let mut out: std::collections::HashMap<Value, Vec<u32>> = std::collections::HashMap::new();
        let (synth_ir::Terminator::Return(vals), RetLoc::Sret { offsets, .. }) = (&bd.term, &self.abi.ret) else {
            return out;
        };
        let defined: std::collections::HashSet<Value> = bd.insts.iter().flat_map(|i| i.results.iter().copied()).collect();
        for (v, off) in vals.iter().zip(offsets) {
            if defined.contains(v) {
                out.entry(*v).or_default().push(*off);
            }
        }
        out
    }

    /// Stores result `v` at `offsets` of the sret buffer now (see
    /// [`Self::store_results_early`]); the return then skips it.
    pub(super) fn store_sret_result(&mut self, v: Value, offsets: &[u32]) -> Result<(), BackendError> {
        let p = self.sret_ptr.ok_or_else(|| self.err("multi-value return without sret pointer"))?;
        let (lo, hi) = self.vals[v.0 as usize];
        for &off in offsets {
            self.push(MachInst::Store { op: StoreOp::Str, rt: lo, base: p, off });
            if let Some(hi) = hi {
                self.push(MachInst::Store { op: StoreOp::Str, rt: hi, base: p, off: off + 4 });
            }
        }
        self.stored_early.insert(v);
        Ok(())
    }

    /// A `Return` terminator: results into r0/r1 or through the sret pointer.
    pub(super) fn lower_return(&mut self, vals: &[Value]) -> Result<(), BackendError> {
        if vals.len() != self.func.sig.results.len() {
            return Err(self.err("a return with the wrong number of values"));
        }
        for (v, ty) in vals.iter().zip(&self.func.sig.results) {
            if self.func.value_type(*v) != *ty {
                return Err(self.err("a returned value whose type differs from the signature"));
            }
        }
        match self.abi.ret.clone() {
            RetLoc::None => self.push(MachInst::Ret { uses: vec![] }),
            RetLoc::R0 => {
                self.push(MachInst::Mov { rd: preg(0), rm: self.r(vals[0]) });
                self.push(MachInst::Ret { uses: vec![preg(0)] });
            }
            RetLoc::R0R1 => {
                let (lo, hi) = self.pair(vals[0])?;
                self.push(MachInst::Mov { rd: preg(0), rm: lo });
                self.push(MachInst::Mov { rd: preg(1), rm: hi });
                self.push(MachInst::Ret { uses: vec![preg(0), preg(1)] });
            }
            RetLoc::Sret { offsets, .. } => {
                let p = self.sret_ptr.ok_or_else(|| self.err("multi-value return without sret pointer"))?;
                for (&v, &off) in vals.iter().zip(&offsets) {
                    if self.stored_early.contains(&v) {
                        continue;
                    }
                    let (lo, hi) = self.vals[v.0 as usize];
                    self.push(MachInst::Store { op: StoreOp::Str, rt: lo, base: p, off });
                    if let Some(hi) = hi {
                        self.push(MachInst::Store { op: StoreOp::Str, rt: hi, base: p, off: off + 4 });
                    }
                }
                self.push(MachInst::Ret { uses: vec![] });
            }
        }
        Ok(())
    }
}

/// The AEABI function that computes the i64 division runtime function
/// `callee` stands for, and whether the result is its remainder: on
/// ARMv7-M/v8-M the object calls libgcc's `__aeabi_uldivmod` /
/// `__aeabi_ldivmod` (as gcc does) instead of carrying its own helper.
pub(crate) fn aeabi_divmod64(callee: &Callee) -> Option<(Libcall, bool)> {
    match callee {
        Callee::Runtime(RuntimeFunc::I64DivU) => Some((Libcall::ULDivMod, false)),
        Callee::Runtime(RuntimeFunc::I64RemU) => Some((Libcall::ULDivMod, true)),
        Callee::Runtime(RuntimeFunc::I64DivS) => Some((Libcall::LDivMod, false)),
        Callee::Runtime(RuntimeFunc::I64RemS) => Some((Libcall::LDivMod, true)),
        _ => None,
    }
}
