//! Compilation statistics: per function, code size, instruction count, frame
//! size and everything the register allocator reports; totals over the
//! module. Serialisable (`--stats-json`) and printable as a table (`--stats`).

use serde::Serialize;

/// What the shadow allocator (measure-only) did to a function; serialised
/// as the `shadow` object of the stats JSON.
pub use synth_regalloc::ShadowStats;

/// What a compiled function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKindName {
    /// A defined wasm function.
    Wasm,
    /// A generated runtime helper.
    Runtime,
    /// The init function.
    Init,
    /// The default trap entry.
    Trap,
    /// A float-ABI thunk (`--float-abi hard`): moves the arguments and
    /// result of an exported or imported function between AAPCS-VFP and the
    /// base AAPCS; no register allocation (those figures are 0, `saved`
    /// counts r4 and lr when it has a frame).
    Thunk,
}

impl FunctionKindName {
    /// Lower-case name (`wasm`, `runtime`, `init`, `trap`, `thunk`).
    pub fn name(self) -> &'static str {
        match self {
            FunctionKindName::Wasm => "wasm",
            FunctionKindName::Runtime => "runtime",
            FunctionKindName::Init => "init",
            FunctionKindName::Trap => "trap",
            FunctionKindName::Thunk => "thunk",
        }
    }
}

/// The register allocator's figures for one register class of a function
/// (`synth_regalloc::ClassStats` as reported): the integer class's are the
/// flat fields of a function in the stats JSON ([`FunctionStats::int`]),
/// the floating-point class's (S registers) its `float` object (`null` when
/// the function has no floating-point register value). The C API's
/// `synth_class_stats` and Python's `ClassStats` have the same fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassStats {
    /// Virtual registers of the class.
    pub vregs: u32,
    /// Peak register pressure of the class.
    pub peak_pressure: u32,
    /// Registers of the class the allocator could use.
    pub regs_available: u32,
    /// Spill stores (`STR`; `VSTR` for S registers).
    pub spill_stores: u32,
    /// Reloads.
    pub reloads: u32,
    /// Rematerialisations.
    pub remats: u32,
    /// Register moves left in the code.
    pub moves: u32,
    /// Spill slots of the class.
    pub spill_slots: u32,
    /// Callee-saved registers of the class the function saves.
    pub callee_saved_pushed: u32,
    /// Spill verdict of the class (`none`, `genuine`, `spurious`).
    pub verdict: &'static str,
}

impl ClassStats {
    /// The figures of `c` as the allocator reported them.
    pub fn of(c: &synth_regalloc::ClassStats) -> ClassStats {
        ClassStats {
            vregs: c.vregs,
            peak_pressure: c.peak_pressure,
            regs_available: c.regs_available,
            spill_stores: c.spill_stores,
            reloads: c.reloads,
            remats: c.remats,
            moves: c.moves,
            spill_slots: c.spill_slots,
            callee_saved_pushed: c.callee_saved_used.len(),
            verdict: c.verdict.name(),
        }
    }
}

/// Statistics of one function in the object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionStats {
    /// Display name (name section, export, or generated name).
    pub name: String,
    /// The ELF symbol of the function.
    pub symbol: String,
    /// What it is.
    pub kind: FunctionKindName,
    /// Machine code bytes.
    pub code_bytes: u32,
    /// Machine instructions.
    pub instructions: u32,
    /// Frame bytes (spill slots, outgoing arguments, padding).
    pub frame_bytes: u32,
    /// The integer register class's figures (flattened into the
    /// function's JSON object: `vregs`, `peak_pressure`, ..., `verdict`).
    #[serde(flatten)]
    pub int: ClassStats,
    /// Allocation path (`base`, `fallback`).
    pub rung: &'static str,
    /// The shadow allocator's figures for the same function, when shadow
    /// allocation was on (`null` in JSON otherwise).
    pub shadow: Option<ShadowStats>,
    /// The function's own deepest stack excursion in bytes: pushed
    /// registers, frame bytes and any momentary push (callees not counted).
    pub stack_bytes: u32,
    /// Worst-case stack in bytes over every path of calls from this function
    /// (its own, its callees', runtime helpers', AEABI functions', imports'
    /// as given); `None` (`null`) when unbounded.
    pub max_stack_bytes: Option<u32>,
    /// Why there is no bound (`calls import \`f\``, `recursion through
    /// \`f\` → \`g\` → \`f\``, ...); `None` when bounded.
    pub stack_unbounded: Option<String>,
    /// Symbols of the deepest path of calls from this function (bounded),
    /// or of the path to what makes it unbounded.
    pub stack_path: Vec<String>,
    /// The register allocator's compile-time budget was hit: crowded values
    /// were spilled at every occurrence instead of coloured (see
    /// `synth_regalloc::AllocStats::budget_hit`).
    pub budget_hit: bool,
    /// The allocator's figures for the floating-point register class, when
    /// the function has S register values (`--fpu` other than `none`).
    pub float: Option<ClassStats>,
}

impl FunctionStats {
    /// Stats of `f`, named `name` with symbol `symbol`.
    pub fn new(name: String, symbol: String, kind: FunctionKindName, f: &synth_thumb2::CompiledFunction) -> Self {
        let a = &f.alloc;
        FunctionStats {
            name,
            symbol,
            kind,
            code_bytes: f.code.len() as u32,
            instructions: f.inst_count,
            frame_bytes: f.frame_bytes,
            int: ClassStats::of(&a.int),
            rung: a.rung.name(),
            shadow: a.shadow.clone(),
            stack_bytes: f.stack_bytes,
            max_stack_bytes: None,
            stack_unbounded: None,
            stack_path: Vec::new(),
            budget_hit: a.budget_hit,
            float: a.float.as_ref().map(ClassStats::of),
        }
    }

    /// Records the function's worst-case stack.
    pub fn set_stack_bound(&mut self, b: &crate::stack::StackBound) {
        use crate::stack::StackBound;
        self.max_stack_bytes = b.bytes();
        self.stack_unbounded = match b {
            StackBound::Bounded { .. } => None,
            StackBound::Unbounded { reason, .. } => Some(reason.clone()),
        };
        self.stack_path = b.path().to_vec();
    }

    /// The stack column: the bound, or `unbounded`.
    pub fn stack_text(&self) -> String {
        self.max_stack_bytes.map_or_else(|| "unbounded".to_string(), |b| b.to_string())
    }
}

/// Sums over all functions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Functions compiled (including runtime and init, not the trap stub).
    pub functions: u32,
    /// Bytes of `.text` (all functions, padding and the trap stub).
    pub text_bytes: u32,
    /// Machine code bytes of the listed functions.
    pub code_bytes: u32,
    /// Machine instructions.
    pub instructions: u32,
    /// Spill stores.
    pub spill_stores: u32,
    /// Reloads.
    pub reloads: u32,
    /// Rematerialisations.
    pub remats: u32,
    /// Register moves.
    pub moves: u32,
    /// Functions with spurious spills (in either register class).
    pub spurious_spill_functions: u32,
    /// Spill stores of the floating-point class.
    pub float_spill_stores: u32,
    /// Reloads of the floating-point class.
    pub float_reloads: u32,
    /// Functions allocated by the fallback rung.
    pub fallback_functions: u32,
    /// Bytes of `.data`.
    pub data_bytes: u32,
    /// Bytes of `.rodata`.
    pub rodata_bytes: u32,
    /// Bytes of `.bss` (linear memory).
    pub bss_bytes: u32,
}

/// Statistics of one compilation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CompileStats {
    /// Target name.
    pub target: String,
    /// One entry per compiled function, in `.text` order.
    pub functions: Vec<FunctionStats>,
    /// Sums.
    pub totals: Totals,
}

impl CompileStats {
    /// Recomputes the per-function sums in [`CompileStats::totals`] (section
    /// sizes are left as they are).
    pub fn sum_functions(&mut self) {
        let t = &mut self.totals;
        t.functions = self.functions.len() as u32;
        t.code_bytes = self.functions.iter().map(|f| f.code_bytes).sum();
        t.instructions = self.functions.iter().map(|f| f.instructions).sum();
        t.spill_stores = self.functions.iter().map(|f| f.int.spill_stores).sum();
        t.reloads = self.functions.iter().map(|f| f.int.reloads).sum();
        t.remats = self.functions.iter().map(|f| f.int.remats).sum();
        t.moves = self.functions.iter().map(|f| f.int.moves).sum();
        t.spurious_spill_functions = self.functions.iter().filter(|f| f.int.verdict == "spurious").count() as u32;
        t.fallback_functions = self.functions.iter().filter(|f| f.rung == "fallback").count() as u32;
    }

    /// A plain-text table: one row per function, then the totals.
    ///
    /// Columns: the ELF `symbol`; the wasm `name` (name section, export or
    /// generated name); `kind`; code `bytes`; `insts`; `frame` bytes; `vregs`;
    /// `peak` pressure / registers available; `spills` (stores), `reloads`,
    /// `remats`, `moves`; spill `slots`; callee-`saved` registers pushed; the
    /// spill `verdict`; the allocator `rung`. With shadow figures (shadow
    /// allocation on), also the shadow allocator's `sh.spills`,
    /// `sh.reloads`, `sh.moves`, `sh.slots`, `sh.saved`.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut headers: Vec<&str> = vec![
            "symbol", "name", "kind", "bytes", "insts", "frame", "vregs", "peak", "spills", "reloads", "remats",
            "moves", "slots", "saved", "verdict", "rung", "stack",
        ];
        let shadow = self.functions.iter().any(|f| f.shadow.is_some());
        if shadow {
            headers.extend(["sh.spills", "sh.reloads", "sh.moves", "sh.slots", "sh.saved"]);
        }
        let float = self.functions.iter().any(|f| f.float.is_some());
        if float {
            headers.extend(["f.peak", "f.spills", "f.reloads", "f.moves", "f.verdict"]);
        }
        // Text columns are left-aligned, numbers right-aligned.
        let left = |col: usize| matches!(headers[col], "symbol" | "name" | "kind" | "verdict" | "rung" | "f.verdict");
        // (The stack column, a number or `unbounded`, is right-aligned.)
        let rows: Vec<Vec<String>> = self
            .functions
            .iter()
            .map(|f| {
                let mut r = vec![
                    f.symbol.clone(),
                    f.name.clone(),
                    f.kind.name().to_string(),
                    f.code_bytes.to_string(),
                    f.instructions.to_string(),
                    f.frame_bytes.to_string(),
                    f.int.vregs.to_string(),
                    format!("{}/{}", f.int.peak_pressure, f.int.regs_available),
                    f.int.spill_stores.to_string(),
                    f.int.reloads.to_string(),
                    f.int.remats.to_string(),
                    f.int.moves.to_string(),
                    f.int.spill_slots.to_string(),
                    f.int.callee_saved_pushed.to_string(),
                    f.int.verdict.to_string(),
                    f.rung.to_string(),
                    f.stack_text(),
                ];
                if shadow {
                    match &f.shadow {
                        Some(sh) => r.extend(
                            [sh.spill_stores, sh.reloads, sh.moves, sh.spill_slots, sh.callee_saved_used]
                                .map(|v| v.to_string()),
                        ),
                        None => r.extend(std::iter::repeat_n("-".to_string(), 5)),
                    }
                }
                if float {
                    match &f.float {
                        Some(c) => r.extend([
                            format!("{}/{}", c.peak_pressure, c.regs_available),
                            c.spill_stores.to_string(),
                            c.reloads.to_string(),
                            c.moves.to_string(),
                            c.verdict.to_string(),
                        ]),
                        None => r.extend(std::iter::repeat_n("-".to_string(), 5)),
                    }
                }
                r
            })
            .collect();
        let widths: Vec<usize> = (0..headers.len())
            .map(|c| rows.iter().map(|r| r[c].len()).chain([headers[c].len()]).max().unwrap_or(0))
            .collect();
        let mut s = String::new();
        let mut line = |cells: &[&str]| {
            let mut l = String::new();
            for (c, cell) in cells.iter().enumerate() {
                let w = widths[c];
                if c > 0 {
                    l.push(' ');
                }
                if left(c) {
                    let _ = write!(l, "{cell:<w$}");
                } else {
                    let _ = write!(l, "{cell:>w$}");
                }
            }
            let _ = writeln!(s, "{}", l.trim_end());
        };
        line(&headers);
        for r in &rows {
            line(&r.iter().map(String::as_str).collect::<Vec<_>>());
        }
        let t = &self.totals;
        let _ = writeln!(
            s,
            "total: {} functions, {} code bytes ({} in .text), {} instructions, {} spills, {} reloads, {} remats, {} moves; \
             .data {} B, .rodata {} B, .bss {} B; {} with spurious spills, {} on the fallback allocator",
            t.functions,
            t.code_bytes,
            t.text_bytes,
            t.instructions,
            t.spill_stores,
            t.reloads,
            t.remats,
            t.moves,
            t.data_bytes,
            t.rodata_bytes,
            t.bss_bytes,
            t.spurious_spill_functions,
            t.fallback_functions
        );
        // Why stacks are unbounded, once per reason.
        let mut reasons: Vec<(&str, usize)> = Vec::new();
        for r in self.functions.iter().filter_map(|f| f.stack_unbounded.as_deref()) {
            match reasons.iter_mut().find(|(x, _)| *x == r) {
                Some((_, n)) => *n += 1,
                None => reasons.push((r, 1)),
            }
        }
        for (r, n) in reasons {
            let _ = writeln!(s, "stack unbounded ({n} function{}): {r}", if n == 1 { "" } else { "s" });
        }
        s
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use synth_regalloc::{AllocStats, PReg, PRegSet, Rung, SpillVerdict};

    /// A compiled function with the given code and made-up allocator stats.
    pub(crate) fn compiled(code: Vec<u8>) -> synth_thumb2::CompiledFunction {
        synth_thumb2::CompiledFunction {
            inst_count: code.len() as u32 / 2,
            code,
            relocs: vec![],
            data_ranges: vec![],
            frame_bytes: 8,
            stack_bytes: 16,
            alloc: AllocStats {
                int: synth_regalloc::ClassStats {
                    vregs: 5,
                    peak_pressure: 3,
                    regs_available: 12,
                    spill_stores: 1,
                    reloads: 2,
                    remats: 0,
                    moves: 4,
                    spill_slots: 1,
                    callee_saved_used: PRegSet::from_regs(&[PReg(4), PReg(5)]),
                    verdict: SpillVerdict::Spurious,
                    ..synth_regalloc::ClassStats::empty(synth_regalloc::RegClass::Int)
                },
                rung: Rung::Base,
                shadow: None,
                float: None,
                budget_hit: false,
            },
            cfi: vec![],
            push_mask: 0,
            vpush_count: 0,
            lines: vec![],
        }
    }

    #[test]
    fn function_stats_copy_allocator_fields_and_sum() {
        let f = compiled(vec![0x70, 0x47, 0x00, 0xbf]);
        let fs = FunctionStats::new("f".into(), "wasm_f".into(), FunctionKindName::Wasm, &f);
        assert_eq!((fs.code_bytes, fs.instructions, fs.frame_bytes), (4, 2, 8));
        assert_eq!((fs.int.vregs, fs.int.peak_pressure, fs.int.regs_available), (5, 3, 12));
        assert_eq!((fs.int.spill_stores, fs.int.reloads, fs.int.moves, fs.int.spill_slots), (1, 2, 4, 1));
        assert_eq!(fs.int.callee_saved_pushed, 2);
        assert_eq!((fs.int.verdict, fs.rung), ("spurious", "base"));
        let mut st = CompileStats { target: "cortex-m4".into(), functions: vec![fs.clone(), fs], totals: Totals::default() };
        st.sum_functions();
        assert_eq!(st.totals.functions, 2);
        assert_eq!(st.totals.code_bytes, 8);
        assert_eq!(st.totals.spurious_spill_functions, 2);
        let json = serde_json::to_value(&st).unwrap();
        assert_eq!(json["functions"][0]["kind"], "wasm");
        assert_eq!(json["functions"][1]["verdict"], "spurious");
        assert_eq!(json["totals"]["reloads"], 4);
        let table = st.table();
        assert_eq!(table.lines().count(), 4, "{table}");
        assert!(table.lines().nth(1).unwrap().starts_with("wasm_f f "), "{table}");
        assert!(table.contains("3/12"), "{table}");
        assert!(!table.contains("sh.spills"), "no shadow columns without shadow figures: {table}");
        // Shadow figures get their own columns.
        st.functions[0].shadow = Some(ShadowStats {
            allocator: "regalloc2",
            spill_stores: 7,
            reloads: 8,
            moves: 9,
            spill_slots: 2,
            callee_saved_used: 3,
        });
        let table = st.table();
        let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(&head[head.len() - 5..], ["sh.spills", "sh.reloads", "sh.moves", "sh.slots", "sh.saved"]);
        let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
        assert_eq!(&row[row.len() - 5..], ["7", "8", "9", "2", "3"], "{table}");
        let row: Vec<&str> = table.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!(&row[row.len() - 5..], ["-"; 5], "{table}");
    }
}
