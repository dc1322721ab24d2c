//! Compiler options: the target CPU and everything the command line and the
//! C API can set. Takes strings (for [`Target`]) and user choices; returns a
//! validated [`Options`] value the driver hands to each stage.

use crate::error::Error;

/// The Cortex-M CPU the code is generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Target {
    /// Cortex-M0 (ARMv6-M; the `synth-armv6m` backend).
    CortexM0,
    /// Cortex-M0+ (ARMv6-M; the `synth-armv6m` backend).
    CortexM0Plus,
    /// Cortex-M3 (ARMv7-M).
    CortexM3,
    /// Cortex-M4 (ARMv7E-M), the default.
    CortexM4,
    /// Cortex-M7 (ARMv7E-M).
    CortexM7,
    /// Cortex-M33 (ARMv8-M Mainline).
    CortexM33,
    /// Cortex-M55 (ARMv8.1-M Mainline).
    CortexM55,
}

impl Target {
    /// Every target, in the order the help text lists them.
    pub const ALL: [Target; 7] =
        [Target::CortexM0, Target::CortexM0Plus, Target::CortexM3, Target::CortexM4, Target::CortexM7, Target::CortexM33, Target::CortexM55];

    /// The name used on the command line (`cortex-m4`).
    pub fn name(self) -> &'static str {
        match self {
            Target::CortexM0 => "cortex-m0",
            Target::CortexM0Plus => "cortex-m0plus",
            Target::CortexM3 => "cortex-m3",
            Target::CortexM4 => "cortex-m4",
            Target::CortexM7 => "cortex-m7",
            Target::CortexM33 => "cortex-m33",
            Target::CortexM55 => "cortex-m55",
        }
    }

    /// Parses a target name: `cortex-m0`, `cortex-m0plus`, `cortex-m3`, `cortex-m4`, `cortex-m7`,
    /// `cortex-m33`, `cortex-m55` (case-insensitive; `m4` and `cortexm4` are
    /// accepted as well).
    pub fn parse(s: &str) -> Result<Target, Error> {
        let lower = s.trim().to_ascii_lowercase();
        let core = lower.strip_prefix("cortex-").or_else(|| lower.strip_prefix("cortex")).unwrap_or(&lower);
        match core {
            "m0" => Ok(Target::CortexM0),
            "m0plus" | "m0+" => Ok(Target::CortexM0Plus),
            "m3" => Ok(Target::CortexM3),
            "m4" => Ok(Target::CortexM4),
            "m7" => Ok(Target::CortexM7),
            "m33" => Ok(Target::CortexM33),
            "m55" => Ok(Target::CortexM55),
            _ => Err(Error::BadOptions(format!(
                "unknown target `{s}`; expected one of: {}",
                Target::ALL.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The backend's CPU value.
    pub fn cpu(self) -> synth_thumb2::Cpu {
        match self {
            Target::CortexM0 => synth_thumb2::Cpu::CortexM0,
            Target::CortexM0Plus => synth_thumb2::Cpu::CortexM0Plus,
            Target::CortexM3 => synth_thumb2::Cpu::CortexM3,
            Target::CortexM4 => synth_thumb2::Cpu::CortexM4,
            Target::CortexM7 => synth_thumb2::Cpu::CortexM7,
            Target::CortexM33 => synth_thumb2::Cpu::CortexM33,
            Target::CortexM55 => synth_thumb2::Cpu::CortexM55,
        }
    }

    /// What the core offers: architecture, possible FPUs
    /// ([`synth_thumb2::Cpu::features`]).
    pub fn features(self) -> synth_thumb2::Features {
        self.cpu().features()
    }
}

impl std::str::FromStr for Target {
    type Err = Error;
    fn from_str(s: &str) -> Result<Target, Error> {
        Target::parse(s)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The floating-point unit the core has (arm-none-eabi-gcc's `-mfpu` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Fpu {
    /// No FPU: floats in software (the default).
    None,
    /// FPv4-SP-D16 (Cortex-M4F): single precision.
    Fpv4SpD16,
    /// FPv5-SP-D16 (Cortex-M7 with a single-precision FPU).
    Fpv5SpD16,
    /// FPv5-D16 (Cortex-M7 with a double-precision FPU).
    Fpv5D16,
}

impl Fpu {
    /// Every FPU, in the order the help text lists them.
    pub const ALL: [Fpu; 4] = [Fpu::None, Fpu::Fpv4SpD16, Fpu::Fpv5SpD16, Fpu::Fpv5D16];

    /// The name used on the command line (`fpv4-sp-d16`).
    pub fn name(self) -> &'static str {
        match self {
            Fpu::None => "none",
            Fpu::Fpv4SpD16 => "fpv4-sp-d16",
            Fpu::Fpv5SpD16 => "fpv5-sp-d16",
            Fpu::Fpv5D16 => "fpv5-d16",
        }
    }

    /// Parses an FPU name (case-insensitive).
    pub fn parse(s: &str) -> Result<Fpu, Error> {
        let lower = s.trim().to_ascii_lowercase();
        Fpu::ALL.into_iter().find(|f| f.name() == lower).ok_or_else(|| {
            Error::BadOptions(format!(
                "unknown FPU `{s}`; expected one of: {}",
                Fpu::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The FPUs core `t` can have (its [`synth_thumb2::Features`], the
    /// `-mfpu` values arm-none-eabi-gcc accepts for the core).
    pub fn allowed_on(t: Target) -> Vec<Fpu> {
        Fpu::ALL.into_iter().filter(|f| t.features().allows_fpu(f.enc())).collect()
    }

    /// The assembler's FPU value.
    pub fn enc(self) -> synth_thumb2_enc::Fpu {
        match self {
            Fpu::None => synth_thumb2_enc::Fpu::None,
            Fpu::Fpv4SpD16 => synth_thumb2_enc::Fpu::Fpv4SpD16,
            Fpu::Fpv5SpD16 => synth_thumb2_enc::Fpu::Fpv5SpD16,
            Fpu::Fpv5D16 => synth_thumb2_enc::Fpu::Fpv5D16,
        }
    }
}

/// How floats cross function boundaries (arm-none-eabi-gcc's
/// `-mfloat-abi`): `soft` and `softfp` in core registers (base AAPCS),
/// `hard` in FPU registers (AAPCS-VFP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum FloatAbi {
    /// Software floating point, core registers (the default).
    Soft,
    /// FPU instructions allowed, core registers at calls.
    Softfp,
    /// FPU registers at calls (AAPCS-VFP).
    Hard,
}

impl FloatAbi {
    /// Every float ABI, in the order the help text lists them.
    pub const ALL: [FloatAbi; 3] = [FloatAbi::Soft, FloatAbi::Softfp, FloatAbi::Hard];

    /// The name used on the command line (`softfp`).
    pub fn name(self) -> &'static str {
        match self {
            FloatAbi::Soft => "soft",
            FloatAbi::Softfp => "softfp",
            FloatAbi::Hard => "hard",
        }
    }

    /// Parses a float-ABI name (case-insensitive).
    pub fn parse(s: &str) -> Result<FloatAbi, Error> {
        let lower = s.trim().to_ascii_lowercase();
        FloatAbi::ALL.into_iter().find(|f| f.name() == lower).ok_or_else(|| {
            Error::BadOptions(format!(
                "unknown float ABI `{s}`; expected one of: {}",
                FloatAbi::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

/// Everything that controls one compilation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Target CPU (default Cortex-M4).
    pub target: Target,
    /// The core's FPU (default none). With `float_abi` softfp or hard the
    /// functions compute f32 arithmetic on it (docs/ABI.md, "Floating
    /// point"); with hard the float-ABI thunks use its registers too.
    pub fpu: Fpu,
    /// How floats are passed at the object's boundary (default soft; hard:
    /// exported and imported functions with floats go through AAPCS-VFP
    /// thunks, docs/ABI.md).
    pub float_abi: FloatAbi,
    /// Prefix of every module symbol (default `wasm_`; see docs/ABI.md). Must
    /// be empty or a C identifier start: `[A-Za-z_][A-Za-z0-9_]*`.
    pub symbol_prefix: String,
    /// Software bounds checks on every linear-memory access (default true).
    pub bounds_checks: bool,
    /// Stack-limit check at every function entry (default false); the
    /// firmware then defines `uint32_t synth_stack_limit`.
    pub stack_check: bool,
    /// Cap on the linear-memory pages reserved in `.bss` (default: the
    /// module's maximum, else its initial size).
    pub max_memory_pages: Option<u32>,
    /// Run the register-allocation checker on every function (default false).
    pub verify_allocation: bool,
    /// Run the shadow register allocator on every function in measure-only
    /// mode and report its figures next to ours (default false).
    pub shadow_allocation: bool,
    /// Run the IR optimisations (default true); off only to compare or to
    /// isolate a miscompile.
    pub optimize: bool,
    /// Include guard of the generated C header; `None` derives it from the
    /// prefix (`WASM_H` style: `<PREFIX>H_INCLUDED`).
    pub header_guard: Option<String>,
    /// Name of the module, shown in the header's comment (e.g. the input
    /// file name); `None` uses the name section's module name, if any.
    pub module_name: Option<String>,
    /// Worst-case stack bytes of imported functions, by import symbol
    /// (`host_log`) or wasm name (`env.host_log`); `synth_trap` sets the
    /// trap handler's (default 0). An import without a figure makes the
    /// stack bound of every function that can call it unbounded.
    pub import_stack: std::collections::BTreeMap<String, u32>,
    /// Fail the compile when the worst-case stack of an export or the init
    /// function exceeds this many bytes, or has no bound (default: no limit).
    pub max_stack: Option<u32>,
    /// Debugging aids in the object (default false): unwind tables
    /// (`.debug_frame`, `.ARM.exidx`/`.ARM.extab`) and name-section names in
    /// the local symbols (docs/ABI.md "Debugging"). `.text` is the same
    /// with and without.
    pub debug: bool,
    /// With `debug`, for wasm text input: the line table of `-g` is made
    /// against the text itself (each operator's line in the `.wat`, under
    /// this file name) when the module has no DWARF of its own (default
    /// `None`: text input gets no line table). Binary input ignores it.
    pub debug_wat: Option<String>,
    /// Largest function body accepted, in bytes of wasm code (default
    /// [`DEFAULT_MAX_FUNCTION_BYTES`]); a larger one is a [`Error::Limit`]
    /// before any work is done on the module, so a build tool gets a clean
    /// error instead of a compile that runs away. `None`: no limit.
    pub max_function_bytes: Option<u32>,
}

/// The default of [`Options::max_function_bytes`]: the function-body limit
/// of the web's wasm engines (7,654,321 bytes), far beyond any function
/// written for a microcontroller.
pub const DEFAULT_MAX_FUNCTION_BYTES: u32 = 7_654_321;

impl Default for Options {
    fn default() -> Self {
        Options {
            target: Target::CortexM4,
            fpu: Fpu::None,
            float_abi: FloatAbi::Soft,
            symbol_prefix: "wasm_".to_string(),
            bounds_checks: true,
            stack_check: false,
            max_memory_pages: None,
            verify_allocation: false,
            shadow_allocation: false,
            optimize: true,
            header_guard: None,
            module_name: None,
            import_stack: std::collections::BTreeMap::new(),
            max_stack: None,
            debug: false,
            debug_wat: None,
            max_function_bytes: Some(DEFAULT_MAX_FUNCTION_BYTES),
        }
    }
}

/// Parses one `--import-stack` value, `NAME=BYTES`.
pub fn parse_import_stack(s: &str) -> Result<(String, u32), Error> {
    let bad = || Error::BadOptions(format!("--import-stack expects NAME=BYTES (an import and its worst-case stack in bytes), got `{s}`"));
    let (name, bytes) = s.rsplit_once('=').ok_or_else(bad)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(bad());
    }
    Ok((name.to_string(), bytes.trim().parse().map_err(|_| bad())?))
}

impl Options {
    /// Checks option values that can be wrong independently of the input.
    pub fn validate(&self) -> Result<(), Error> {
        if !Fpu::allowed_on(self.target).contains(&self.fpu) {
            return Err(Error::BadOptions(format!(
                "{} has no {} FPU; it can have: {}",
                self.target,
                self.fpu.name(),
                Fpu::allowed_on(self.target).iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
            )));
        }
        if self.float_abi != FloatAbi::Soft && self.fpu == Fpu::None {
            return Err(Error::BadOptions(format!(
                "--float-abi {} needs an FPU (--fpu); without one use --float-abi soft",
                self.float_abi.name()
            )));
        }
        let p = &self.symbol_prefix;
        if !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Error::BadOptions(format!(
                "symbol prefix `{p}` may only contain ASCII letters, digits and `_`"
            )));
        }
        if p.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(Error::BadOptions(format!("symbol prefix `{p}` must not start with a digit")));
        }
        if let Some(g) = &self.header_guard {
            let ok = !g.is_empty()
                && !g.starts_with(|c: char| c.is_ascii_digit())
                && g.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(Error::BadOptions(format!("header guard `{g}` is not a C identifier")));
            }
        }
        if let Some(name) = self.import_stack.keys().find(|k| k.is_empty()) {
            return Err(Error::BadOptions(format!("--import-stack needs an import name, got `{name}=...`")));
        }
        if self.max_memory_pages.is_some_and(|n| n > 65536) {
            return Err(Error::BadOptions(
                "--max-memory-pages must be at most 65536 (4 GiB of linear memory)".to_string(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_target_names() {
        assert_eq!(Target::parse("cortex-m3").unwrap(), Target::CortexM3);
        assert_eq!(Target::parse("Cortex-M4").unwrap(), Target::CortexM4);
        assert_eq!(Target::parse("m7").unwrap(), Target::CortexM7);
        for t in Target::ALL {
            assert_eq!(Target::parse(t.name()).unwrap(), t);
        }
        let e = Target::parse("cortex-a53").unwrap_err();
        assert!(matches!(e, Error::BadOptions(_)));
        assert!(e.to_string().contains("cortex-m0, cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55"), "{e}");
        assert_eq!(Target::parse("cortex-m0plus").unwrap(), Target::CortexM0Plus);
        assert_eq!(Target::parse("M0").unwrap(), Target::CortexM0);
        assert_eq!(Target::parse("Cortex-M33").unwrap(), Target::CortexM33);
        assert_eq!(Target::parse("m55").unwrap(), Target::CortexM55);
    }

    #[test]
    fn fpu_and_float_abi_follow_the_core() {
        let o = |target, fpu, float_abi| Options { target, fpu, float_abi, ..Options::default() };
        assert!(o(Target::CortexM4, Fpu::Fpv4SpD16, FloatAbi::Softfp).validate().is_ok());
        assert!(o(Target::CortexM7, Fpu::Fpv5D16, FloatAbi::Soft).validate().is_ok());
        let e = o(Target::CortexM3, Fpu::Fpv4SpD16, FloatAbi::Soft).validate().unwrap_err();
        assert!(e.to_string().contains("cortex-m3 has no fpv4-sp-d16 FPU"), "{e}");
        assert!(o(Target::CortexM4, Fpu::Fpv5D16, FloatAbi::Soft).validate().is_err());
        assert!(o(Target::CortexM4, Fpu::None, FloatAbi::Softfp).validate().is_err());
        assert!(o(Target::CortexM4, Fpu::Fpv4SpD16, FloatAbi::Hard).validate().is_ok());
        assert!(o(Target::CortexM7, Fpu::Fpv5D16, FloatAbi::Hard).validate().is_ok());
        let e = o(Target::CortexM4, Fpu::None, FloatAbi::Hard).validate().unwrap_err();
        assert!(e.to_string().contains("--float-abi hard needs an FPU"), "{e}");
        assert_eq!(Fpu::parse("FPv5-D16").unwrap(), Fpu::Fpv5D16);
        assert_eq!(FloatAbi::parse("softfp").unwrap(), FloatAbi::Softfp);
        // ARMv8-M Mainline, as arm-none-eabi-gcc allows: M33 none or
        // FPv5-SP-D16, M55 also FPv5-D16.
        assert!(o(Target::CortexM33, Fpu::Fpv5SpD16, FloatAbi::Hard).validate().is_ok());
        assert!(o(Target::CortexM33, Fpu::None, FloatAbi::Soft).validate().is_ok());
        let e = o(Target::CortexM33, Fpu::Fpv5D16, FloatAbi::Hard).validate().unwrap_err();
        assert!(e.to_string().contains("cortex-m33 has no fpv5-d16 FPU; it can have: none, fpv5-sp-d16"), "{e}");
        assert!(o(Target::CortexM33, Fpu::Fpv4SpD16, FloatAbi::Soft).validate().is_err());
        assert!(o(Target::CortexM55, Fpu::Fpv5D16, FloatAbi::Softfp).validate().is_ok());
        assert!(o(Target::CortexM55, Fpu::Fpv5SpD16, FloatAbi::Hard).validate().is_ok());
        let e = o(Target::CortexM55, Fpu::Fpv4SpD16, FloatAbi::Soft).validate().unwrap_err();
        assert!(e.to_string().contains("cortex-m55 has no fpv4-sp-d16 FPU; it can have: none, fpv5-sp-d16, fpv5-d16"), "{e}");
        assert!(Fpu::parse("vfpv3").unwrap_err().to_string().contains("none, fpv4-sp-d16, fpv5-sp-d16, fpv5-d16"));
    }

    #[test]
    fn validates_prefix_and_guard() {
        assert!(Options::default().validate().is_ok());
        let empty = Options { symbol_prefix: String::new(), ..Options::default() };
        assert!(empty.validate().is_ok());
        for bad in ["my-mod", "1abc", "a.b", "é"] {
            let o = Options { symbol_prefix: bad.to_string(), ..Options::default() };
            assert!(matches!(o.validate(), Err(Error::BadOptions(_))), "{bad}");
        }
        let g = Options { header_guard: Some("A B".into()), ..Options::default() };
        assert!(g.validate().is_err());
        let m = Options { max_memory_pages: Some(70000), ..Options::default() };
        assert!(m.validate().is_err());
    }
}
