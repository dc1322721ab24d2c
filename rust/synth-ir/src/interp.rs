//! A reference interpreter for the IR, used by tests of the lowering, the
//! runtime helpers and the init function.
//!
//! Takes: a [`Function`], argument values and a [`Machine`] (memory regions
//! per [`crate::SymbolRef`]); calls go to an [`Env`] (e.g. [`ModuleEnv`],
//! which runs other IR functions or host closures). Returns: the results, or
//! an [`Exit`] saying why execution stopped (a wasm trap, fuel exhausted, an
//! access outside every region, or IR whose behaviour is undefined).
//!
//! Values are `u64`; an i32 lives in the low 32 bits (high bits zero).
//! Semantics are exactly wasm's integer semantics as documented on the IR
//! types. Division by zero and signed overflow reaching a [`BinaryOp`] are
//! reported as [`Exit::Undefined`], not as traps: the lowering must have
//! placed the `TrapIf` checks, and the interpreter catches when it did not.
//!
//! ```
//! use synth_ir::{interp::Machine, BinaryOp, FunctionBuilder, Signature, Type, Terminator};
//! let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
//! let mut b = FunctionBuilder::new("add", sig);
//! let p = b.block_params(b.current_block()).to_vec();
//! let s = b.binary(BinaryOp::Add, p[0], p[1]);
//! b.terminate(Terminator::Return(vec![s]));
//! let f = b.finish();
//! let mut m = Machine::new();
//! assert_eq!(m.run_simple(&f, &[0xffff_ffff, 2]), Ok(vec![1]));
//! ```

mod machine;
#[cfg(test)]
mod tests;

pub use machine::{code_address, decode_code_address, Machine};

use crate::*;
use std::collections::HashMap;
use std::rc::Rc;

/// Why a run stopped without returning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A wasm trap (`TrapIf`, `Trap`, `BoundsCheck`, call depth).
    Trap(TrapCode),
    /// The fuel ([`Machine::fuel`]) ran out.
    OutOfFuel,
    /// A load or store touched bytes outside every mapped region.
    BadAccess {
        /// First byte address.
        addr: u32,
        /// Access width.
        len: u32,
    },
    /// Behaviour the IR leaves undefined (division by zero or signed
    /// overflow reaching a `Binary` op, which the lowering must guard).
    Undefined(String),
    /// The IR is malformed (use of an undefined value, wrong argument count,
    /// bad block index, ...): the verifier would have rejected it.
    Malformed(String),
    /// The environment could not perform a call (unknown function) or the
    /// machine could not allocate a region.
    Host(String),
}

impl Exit {
    /// The trap code, when this exit is a trap.
    pub fn trap(&self) -> Option<TrapCode> {
        match self {
            Exit::Trap(c) => Some(*c),
            _ => None,
        }
    }
}

/// What a call resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallTarget {
    /// Wasm function by index (direct call, or an indirect call through its
    /// [`code_address`]).
    Func(u32),
    /// A runtime function.
    Runtime(RuntimeFunc),
    /// An indirect call to an address that is no known function.
    Address(u32),
}

/// Performs the calls a running function makes.
pub trait Env {
    /// Calls `target` with `args` (masked to their types); must return one
    /// value per `sig.results`.
    fn call(&mut self, m: &mut Machine, target: CallTarget, sig: &Signature, args: &[u64]) -> Result<Vec<u64>, Exit>;
}

/// An [`Env`] that has no functions: every call fails with [`Exit::Host`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCalls;

impl Env for NoCalls {
    fn call(&mut self, _: &mut Machine, target: CallTarget, _: &Signature, _: &[u64]) -> Result<Vec<u64>, Exit> {
        Err(Exit::Host(format!("call to {target:?} but the environment has no functions")))
    }
}

/// A host function: receives the machine and the arguments.
pub type HostFn = Box<dyn FnMut(&mut Machine, &[u64]) -> Result<Vec<u64>, Exit>>;

/// An [`Env`] for running whole modules: IR for wasm functions and runtime
/// functions, host closures for imports. Calls to IR functions recurse
/// through [`Machine::call`] (depth-limited).
#[derive(Default)]
pub struct ModuleEnv {
    /// IR of wasm functions by wasm function index.
    pub funcs: HashMap<u32, Rc<Function>>,
    /// IR of runtime functions.
    pub runtime: HashMap<RuntimeFunc, Rc<Function>>,
    /// Host implementations (imports) by wasm function index; used when
    /// `funcs` has no entry.
    pub hosts: HashMap<u32, HostFn>,
    /// Every call made, in order (target and arguments), for tests.
    pub log: Vec<(CallTarget, Vec<u64>)>,
}

impl ModuleEnv {
    /// An empty environment.
    pub fn new() -> ModuleEnv {
        ModuleEnv::default()
    }

    /// Adds the IR of wasm function `index`.
    pub fn add_func(&mut self, index: u32, f: Function) {
        self.funcs.insert(index, Rc::new(f));
    }

    /// Adds the IR of runtime function `r`.
    pub fn add_runtime(&mut self, r: RuntimeFunc, f: Function) {
        self.runtime.insert(r, Rc::new(f));
    }

    /// Adds a host implementation of wasm function `index`.
    pub fn add_host(&mut self, index: u32, f: impl FnMut(&mut Machine, &[u64]) -> Result<Vec<u64>, Exit> + 'static) {
        self.hosts.insert(index, Box::new(f));
    }
}

impl Env for ModuleEnv {
    fn call(&mut self, m: &mut Machine, target: CallTarget, _sig: &Signature, args: &[u64]) -> Result<Vec<u64>, Exit> {
        self.log.push((target, args.to_vec()));
        let ir = match target {
            CallTarget::Func(i) => self.funcs.get(&i).cloned(),
            CallTarget::Runtime(r) => self.runtime.get(&r).cloned(),
            CallTarget::Address(_) => None,
        };
        if let Some(f) = ir {
            return m.call(&f, args, self);
        }
        if let CallTarget::Func(i) = target {
            if let Some(h) = self.hosts.get_mut(&i) {
                return h(m, args);
            }
        }
        Err(Exit::Host(format!("no function for call target {target:?}")))
    }
}

/// Masks `v` to the width of `ty`.
pub fn mask(ty: Type, v: u64) -> u64 {
    if ty.bytes() == 4 {
        v & 0xffff_ffff
    } else {
        v
    }
}

impl Machine {
    /// Runs `func` with `args` at call depth 0, calls going to `env`.
    pub fn run(&mut self, func: &Function, args: &[u64], env: &mut dyn Env) -> Result<Vec<u64>, Exit> {
        self.depth = 0;
        self.call(func, args, env)
    }

    /// Runs a function that makes no calls.
    pub fn run_simple(&mut self, func: &Function, args: &[u64]) -> Result<Vec<u64>, Exit> {
        self.run(func, args, &mut NoCalls)
    }

    /// Runs `func` one call level deeper than the current one (for [`Env`]
    /// implementations that call IR functions).
    pub fn call(&mut self, func: &Function, args: &[u64], env: &mut dyn Env) -> Result<Vec<u64>, Exit> {
        if self.depth >= self.max_depth {
            return Err(Exit::Trap(TrapCode::StackOverflow));
        }
        self.depth += 1;
        let r = Frame::new(func).run(self, args, env);
        self.depth -= 1;
        r
    }
}

/// What a terminator does.
enum Flow<'f> {
    Return(Vec<u64>),
    Goto(&'f BlockCall, Vec<u64>),
}

/// Execution state of one function activation.
struct Frame<'f> {
    func: &'f Function,
    values: Vec<Option<u64>>,
}

fn malformed<T>(msg: String) -> Result<T, Exit> {
    Err(Exit::Malformed(msg))
}

impl<'f> Frame<'f> {
    fn new(func: &'f Function) -> Self {
        Frame { func, values: vec![None; func.value_types.len()] }
    }

    fn get(&self, v: Value) -> Result<u64, Exit> {
        match self.values.get(v.0 as usize) {
            Some(Some(x)) => Ok(*x),
            Some(None) => malformed(format!("{}: v{} used before it is defined", self.func.name, v.0)),
            None => malformed(format!("{}: v{} does not exist", self.func.name, v.0)),
        }
    }

    fn ty(&self, v: Value) -> Result<Type, Exit> {
        match self.func.value_types.get(v.0 as usize) {
            Some(t) => Ok(*t),
            None => malformed(format!("{}: v{} does not exist", self.func.name, v.0)),
        }
    }

    fn set(&mut self, v: Value, x: u64) -> Result<(), Exit> {
        let ty = self.ty(v)?;
        self.values[v.0 as usize] = Some(mask(ty, x));
        Ok(())
    }

    fn enter(&mut self, call: &BlockCall, args: &[u64]) -> Result<Block, Exit> {
        let Some(data) = self.func.blocks.get(call.block.0 as usize) else {
            return malformed(format!("{}: jump to missing block{}", self.func.name, call.block.0));
        };
        if data.params.len() != args.len() {
            return malformed(format!(
                "{}: block{} takes {} arguments, given {}",
                self.func.name,
                call.block.0,
                data.params.len(),
                args.len()
            ));
        }
        for (p, a) in data.params.iter().zip(args) {
            self.set(*p, *a)?;
        }
        Ok(call.block)
    }

    fn run(&mut self, m: &mut Machine, args: &[u64], env: &mut dyn Env) -> Result<Vec<u64>, Exit> {
        if self.func.sig.params.len() != args.len() {
            return malformed(format!(
                "{}: takes {} arguments, given {}",
                self.func.name,
                self.func.sig.params.len(),
                args.len()
            ));
        }
        if self.func.blocks.is_empty() {
            return malformed(format!("{}: no blocks", self.func.name));
        }
        let entry_call = BlockCall { block: Function::ENTRY, args: vec![] };
        let masked: Vec<u64> = self.func.sig.params.iter().zip(args).map(|(t, a)| mask(*t, *a)).collect();
        let mut block = self.enter(&entry_call, &masked)?;
        loop {
            let data = &self.func.blocks[block.0 as usize];
            for (i, inst) in data.insts.iter().enumerate() {
                if m.fuel == 0 {
                    return Err(Exit::OutOfFuel);
                }
                m.fuel -= 1;
                // Calls take a separate small function so the Rust stack used
                // per wasm call level stays small.
                let r = match &inst.kind {
                    InstKind::Call { callee, sig, args } => self.call_inst(m, env, inst, callee, sig, args),
                    _ => self.exec(m, inst),
                };
                r.map_err(|e| match e {
                    Exit::Malformed(s) => Exit::Malformed(format!("{s} (block{} inst {i})", block.0)),
                    e => e,
                })?;
            }
            if m.fuel == 0 {
                return Err(Exit::OutOfFuel);
            }
            m.fuel -= 1;
            match self.terminator(block)? {
                Flow::Return(vals) => return Ok(vals),
                Flow::Goto(call, args) => block = self.enter(call, &args)?,
            }
        }
    }

    /// Evaluates the terminator of `block`.
    #[inline(never)]
    fn terminator(&self, block: Block) -> Result<Flow<'f>, Exit> {
        let func: &'f Function = self.func;
        let (call, args) = match &func.blocks[block.0 as usize].term {
            Terminator::Return(vals) => {
                if vals.len() != func.sig.results.len() {
                    return malformed(format!("{}: block{} returns the wrong number of values", func.name, block.0));
                }
                return Ok(Flow::Return(vals.iter().map(|v| self.get(*v)).collect::<Result<_, _>>()?));
            }
            Terminator::Trap(code) => return Err(Exit::Trap(*code)),
            Terminator::Jump(c) => (c, self.args(c)?),
            Terminator::Branch { cond, then_dest, else_dest } => {
                let c = if self.get(*cond)? != 0 { then_dest } else { else_dest };
                (c, self.args(c)?)
            }
            Terminator::BrTable { index, targets, default } => {
                let i = self.get(*index)?;
                let c = usize::try_from(i).ok().and_then(|i| targets.get(i)).unwrap_or(default);
                (c, self.args(c)?)
            }
        };
        Ok(Flow::Goto(call, args))
    }

    /// Executes a `Call` instruction.
    #[inline(never)]
    fn call_inst(
        &mut self,
        m: &mut Machine,
        env: &mut dyn Env,
        inst: &Inst,
        callee: &Callee,
        sig: &Signature,
        args: &[Value],
    ) -> Result<(), Exit> {
        let target = match callee {
            Callee::Func(i) => CallTarget::Func(*i),
            Callee::Runtime(r) => CallTarget::Runtime(*r),
            Callee::Indirect(v) => decode_code_address(self.get(*v)? as u32),
            Callee::Libcall(l) => {
                // Run-time library functions are pure: evaluated here.
                let vals: Vec<u64> = args.iter().map(|v| self.get(*v)).collect::<Result<_, _>>()?;
                if vals.len() != l.signature().params.len() || inst.results.len() != 1 {
                    return malformed(format!("{}: libcall {} does not match its signature", self.func.name, l.symbol()));
                }
                return self.result1(inst, l.eval(&vals));
            }
        };
        if args.len() != sig.params.len() || inst.results.len() != sig.results.len() {
            return malformed(format!("{}: call does not match its signature", self.func.name));
        }
        let vals: Vec<u64> =
            args.iter().zip(&sig.params).map(|(v, t)| self.get(*v).map(|x| mask(*t, x))).collect::<Result<_, _>>()?;
        let rets = env.call(m, target, sig, &vals)?;
        if rets.len() != inst.results.len() {
            return Err(Exit::Host(format!(
                "call to {target:?} returned {} values, expected {}",
                rets.len(),
                inst.results.len()
            )));
        }
        for (r, x) in inst.results.iter().zip(rets) {
            self.set(*r, x)?;
        }
        Ok(())
    }

    fn args(&self, c: &BlockCall) -> Result<Vec<u64>, Exit> {
        c.args.iter().map(|v| self.get(*v)).collect()
    }

    fn result1(&mut self, inst: &Inst, x: u64) -> Result<(), Exit> {
        match inst.results.as_slice() {
            [r] => self.set(*r, x),
            _ => malformed(format!("{}: {:?} must have exactly one result", self.func.name, inst.kind)),
        }
    }

    /// Executes any instruction but `Call`.
    #[inline(never)]
    fn exec(&mut self, m: &mut Machine, inst: &Inst) -> Result<(), Exit> {
        match &inst.kind {
            InstKind::Iconst { ty, imm } => self.result1(inst, mask(*ty, *imm as u64)),
            InstKind::SymbolAddr { sym, addend } => {
                let a = m.symbol_addr(*sym)?.wrapping_add(*addend as u32);
                self.result1(inst, a as u64)
            }
            InstKind::Unary { op, ty, arg } => {
                let x = unary(*op, *ty, self.get(*arg)?)?;
                self.result1(inst, x)
            }
            InstKind::Binary { op, ty, lhs, rhs } => {
                let x = binary(*op, *ty, self.get(*lhs)?, self.get(*rhs)?)?;
                self.result1(inst, x)
            }
            InstKind::Compare { cc, ty, lhs, rhs } => {
                let x = compare(*cc, *ty, self.get(*lhs)?, self.get(*rhs)?);
                self.result1(inst, x as u64)
            }
            InstKind::Eqz { ty, arg } => {
                let x = mask(*ty, self.get(*arg)?) == 0;
                self.result1(inst, x as u64)
            }
            InstKind::Convert { op, arg } => {
                let a = self.get(*arg)?;
                let x = match op {
                    ConvertOp::Wrap => a & 0xffff_ffff,
                    ConvertOp::ExtendS => a as u32 as i32 as i64 as u64,
                    ConvertOp::ExtendU => a & 0xffff_ffff,
                };
                self.result1(inst, x)
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                let x = if self.get(*cond)? != 0 { self.get(*if_true)? } else { self.get(*if_false)? };
                self.result1(inst, x)
            }
            InstKind::Load { ty, kind, addr, offset } => {
                let a = (self.get(*addr)? as u32).wrapping_add(*offset);
                let n = kind.bytes(*ty);
                let raw = m.read_le(a, n)?;
                let x = match kind {
                    LoadKind::S8 => raw as u8 as i8 as i64 as u64,
                    LoadKind::S16 => raw as u16 as i16 as i64 as u64,
                    LoadKind::S32 => raw as u32 as i32 as i64 as u64,
                    _ => raw,
                };
                self.result1(inst, mask(*ty, x))
            }
            InstKind::Store { kind, addr, value, offset } => {
                let a = (self.get(*addr)? as u32).wrapping_add(*offset);
                let n = kind.bytes(self.ty(*value)?);
                m.write_le(a, n, self.get(*value)?)
            }
            InstKind::BoundsCheck { addr, end } => {
                let a = self.get(*addr)? & 0xffff_ffff;
                let size = m.symbol_u32(SymbolRef::MemorySize)? as u64;
                if !matches!(a.checked_add(*end), Some(e) if e <= size) {
                    return Err(Exit::Trap(TrapCode::MemoryOutOfBounds));
                }
                Ok(())
            }
            InstKind::TrapIf { cond, code } => {
                if self.get(*cond)? != 0 {
                    return Err(Exit::Trap(*code));
                }
                Ok(())
            }
            InstKind::StackCheck => Ok(()),
            InstKind::Call { .. } => malformed("calls are executed by call_inst".into()),
            InstKind::Fconst { ty, bits } => self.result1(inst, mask(*ty, *bits)),
            InstKind::FloatUnary { op, ty, arg } => {
                let x = float::eval_unary(*op, *ty, self.get(*arg)?);
                self.result1(inst, x)
            }
            InstKind::FloatBinary { op, ty, lhs, rhs } => {
                let x = float::eval_binary(*op, *ty, self.get(*lhs)?, self.get(*rhs)?);
                self.result1(inst, x)
            }
            InstKind::FloatCompare { cc, ty, lhs, rhs } => {
                let x = float::eval_compare(*cc, *ty, self.get(*lhs)?, self.get(*rhs)?);
                self.result1(inst, x as u64)
            }
            InstKind::FloatConvert { op, to, arg } => {
                let from = self.ty(*arg)?;
                let x = float::eval_convert(*op, from, *to, self.get(*arg)?);
                self.result1(inst, x)
            }
        }
    }
}

fn bits(ty: Type) -> u32 {
    ty.bytes() * 8
}

/// Sign-extends the low `ty` bits of `x` to i64.
fn signed(ty: Type, x: u64) -> i64 {
    if ty.bytes() == 4 {
        x as u32 as i32 as i64
    } else {
        x as i64
    }
}

/// Evaluates a [`UnaryOp`] on a value of type `ty`.
pub fn unary(op: UnaryOp, ty: Type, x: u64) -> Result<u64, Exit> {
    let x = mask(ty, x);
    let r = match (op, ty.bits_type()) {
        (UnaryOp::Clz, Type::I32) => (x as u32).leading_zeros() as u64,
        (UnaryOp::Clz, Type::I64) => x.leading_zeros() as u64,
        (UnaryOp::Ctz, Type::I32) => (x as u32).trailing_zeros() as u64,
        (UnaryOp::Ctz, Type::I64) => x.trailing_zeros() as u64,
        (UnaryOp::Popcnt, _) => x.count_ones() as u64,
        (UnaryOp::Extend8S, _) => x as u8 as i8 as i64 as u64,
        (UnaryOp::Extend16S, _) => x as u16 as i16 as i64 as u64,
        (UnaryOp::Extend32S, Type::I64) => x as u32 as i32 as i64 as u64,
        (UnaryOp::Extend32S, _) => return malformed("extend32_s on an i32".into()),
        (UnaryOp::Clz | UnaryOp::Ctz, _) => return malformed("clz/ctz on a float".into()),
    };
    Ok(mask(ty, r))
}

/// Evaluates a [`BinaryOp`] on values of type `ty`.
pub fn binary(op: BinaryOp, ty: Type, a: u64, b: u64) -> Result<u64, Exit> {
    let (a, b) = (mask(ty, a), mask(ty, b));
    let w = bits(ty);
    let (sa, sb) = (signed(ty, a), signed(ty, b));
    let min = if ty.bytes() == 4 { i32::MIN as i64 } else { i64::MIN };
    if matches!(op, BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU) && b == 0 {
        return Err(Exit::Undefined(format!("{op:?}.{ty:?} by zero reached the IR without a trap check")));
    }
    let r = match op {
        BinaryOp::Add => a.wrapping_add(b),
        BinaryOp::Sub => a.wrapping_sub(b),
        BinaryOp::Mul => a.wrapping_mul(b),
        BinaryOp::DivS => {
            if sa == min && sb == -1 {
                return Err(Exit::Undefined(format!("{op:?}.{ty:?} overflow reached the IR without a trap check")));
            }
            (sa / sb) as u64
        }
        BinaryOp::DivU => a / b,
        BinaryOp::RemS => sa.wrapping_rem(sb) as u64,
        BinaryOp::RemU => a % b,
        BinaryOp::And => a & b,
        BinaryOp::Or => a | b,
        BinaryOp::Xor => a ^ b,
        BinaryOp::Shl => a << (b % w as u64),
        BinaryOp::ShrS => (sa >> (b % w as u64)) as u64,
        BinaryOp::ShrU => a >> (b % w as u64),
        BinaryOp::Rotl | BinaryOp::Rotr => {
            let n = (b % w as u64) as u32;
            let left = if op == BinaryOp::Rotl { n } else { (w - n) % w };
            if ty.bytes() == 4 {
                (a as u32).rotate_left(left) as u64
            } else {
                a.rotate_left(left)
            }
        }
    };
    Ok(mask(ty, r))
}

/// Evaluates an [`IntCC`] on values of type `ty`.
pub fn compare(cc: IntCC, ty: Type, a: u64, b: u64) -> bool {
    let (a, b) = (mask(ty, a), mask(ty, b));
    let (sa, sb) = (signed(ty, a), signed(ty, b));
    match cc {
        IntCC::Eq => a == b,
        IntCC::Ne => a != b,
        IntCC::LtS => sa < sb,
        IntCC::LtU => a < b,
        IntCC::GtS => sa > sb,
        IntCC::GtU => a > b,
        IntCC::LeS => sa <= sb,
        IntCC::LeU => a <= b,
        IntCC::GeS => sa >= sb,
        IntCC::GeU => a >= b,
    }
}
