//! The ARMv6-M backend of synth (Cortex-M0, Cortex-M0+), an ISA module of
//! its own beside `synth-thumb2`, over the shared framework `synth-mach`
//! (the same output type, [`CompiledFunction`]).
//!
//! Takes: one IR [`synth_ir::Function`]. Returns: a [`CompiledFunction`].
//!
//! Stages, one module each: [`lower`] (IR → [`inst::Inst`] on virtual
//! registers: two-address and flag-setting forms, literal-pool constants,
//! byte-wise unaligned memory access) → register allocation
//! (`synth-regalloc` through [`vcode::VCode`]: r0-r7 allocatable, r4-r7
//! callee-saved) → frame (`push {r4-r7, lr}`, `sub sp`) and [`emit`]
//! (branch relaxation, literal pools, encoding with [`enc`], the ARMv6-M
//! encoder).
//!
//! What has no lowering yet is declined with the function and the operator
//! named: i64 values, f64 (i64 bit patterns), integer division, several
//! results.

#![warn(missing_docs)]

pub mod emit;
pub mod enc;
pub mod inst;
pub mod lower;
pub mod vcode;

pub use synth_mach::CompiledFunction;

/// Backend options.
#[derive(Clone, Debug, Default)]
pub struct BackendOptions {
    /// Run the register-allocation checker on every function.
    pub verify_allocation: bool,
    /// Also run the shadow allocator in measure-only mode.
    pub shadow_allocation: bool,
    /// The size of linear memory when it can never change.
    pub static_memory_bytes: Option<u32>,
}

/// A backend error: an IR construct with no ARMv6-M lowering yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    /// The function's name.
    pub func: String,
    /// What has no lowering.
    pub what: String,
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "function `{}`: no ARMv6-M lowering for {}", self.func, self.what)
    }
}

impl std::error::Error for BackendError {}

/// Compiles one IR function to ARMv6-M code.
pub fn compile_function(func: &synth_ir::Function, opts: &BackendOptions) -> Result<CompiledFunction, BackendError> {
    let err = |what: String| BackendError { func: func.name.clone(), what };
    let lowered = lower::lower(func, opts.static_memory_bytes).map_err(err)?;
    let vcode = vcode::VCode::new(&lowered);
    let alloc = synth_regalloc::allocate(
        &vcode,
        &synth_regalloc::Options { verify: opts.verify_allocation, shadow: opts.shadow_allocation },
    );
    let callee_saved = (alloc.stats.callee_saved_used.lo() & 0xF0) as u16;
    let mut lr = lowered.has_calls;
    loop {
        let frame = emit::Frame::new(callee_saved, lr, lowered.outgoing_bytes, lowered.local_bytes, alloc.num_spill_slots);
        match emit::emit(&vcode, &alloc, &lowered.layout, frame).map_err(|e| err(format!("emission: {e}")))? {
            Ok(out) => {
                let push_bytes = 4 * frame.push_mask.count_ones();
                return Ok(CompiledFunction {
                    code: out.code,
                    relocs: out.relocs,
                    data_ranges: out.data_ranges,
                    inst_count: out.inst_count,
                    frame_bytes: frame.frame_bytes,
                    stack_bytes: push_bytes + frame.frame_bytes,
                    alloc: alloc.stats,
                    cfi: out.cfi,
                    push_mask: frame.push_mask,
                    lines: out.lines,
                });
            }
            Err(emit::NeedLr) if !lr => lr = true,
            Err(emit::NeedLr) => return Err(err("emission: a long branch without lr saved".into())),
        }
    }
}
