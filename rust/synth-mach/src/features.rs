//! What each Cortex-M core offers: its architecture, the FPUs it can have
//! and the optional parts the code generator or the object writer may use.
//!
//! Takes: a [`Cpu`]. Returns: its [`Features`]. Every question "may this
//! core do X" is answered here, from one table, instead of comparing the
//! CPU at the place that needs to know.
//!
//! The Thumb-2 backend (`synth-thumb2`) emits ARMv7-M Thumb-2 for every core
//! of ARMv7-M and later: that code is valid on ARMv7E-M and on ARMv8-M /
//! ARMv8.1-M Mainline unchanged (the Mainline profiles are supersets of
//! ARMv7-M; the DSP extension, optional on v8-M, is never used).

use synth_thumb2_enc::Fpu;

use crate::Cpu;


/// The architecture a core implements (the values of the EABI
/// `Tag_CPU_arch` build attribute through [`Arch::eabi_cpu_arch`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// ARMv6-M (Cortex-M0, Cortex-M0+): 16-bit Thumb plus `BL`, `DMB`/`DSB`/
    /// `ISB`, `MRS`/`MSR`; compiled by `synth-armv6m`, not by the Thumb-2
    /// backend.
    V6M,
    /// ARMv7-M (Cortex-M3).
    V7M,
    /// ARMv7E-M: ARMv7-M plus the DSP extension (Cortex-M4, Cortex-M7).
    V7EM,
    /// ARMv8-M Mainline (Cortex-M33).
    V8MMain,
    /// ARMv8.1-M Mainline (Cortex-M55).
    V81MMain,
}

impl Arch {
    /// `Tag_CPU_arch` (EABI addenda): v6S-M = 12 (what arm-none-eabi-gcc
    /// writes for Cortex-M0/M0+: ARMv6-M with the system extensions every
    /// Cortex-M has), v7 = 10, v7E-M = 13,
    /// v8-M.mainline = 17, v8.1-M.mainline = 21.
    pub fn eabi_cpu_arch(self) -> u8 {
        match self {
            Arch::V6M => 12,
            Arch::V7M => 10,
            Arch::V7EM => 13,
            Arch::V8MMain => 17,
            Arch::V81MMain => 21,
        }
    }

    /// `Tag_THUMB_ISA_use`: 1 (Thumb-1) on ARMv6-M, 2 (Thumb-2) on ARMv7-M/ARMv7E-M; 3 ("Thumb
    /// allowed, the set inferred from Tag_CPU_arch") on the ARMv8-M
    /// profiles, as arm-none-eabi-gcc writes them.
    pub fn eabi_thumb_isa_use(self) -> u8 {
        match self {
            Arch::V6M => 1,
            Arch::V7M | Arch::V7EM => 2,
            Arch::V8MMain | Arch::V81MMain => 3,
        }
    }

    /// True for the ARMv8-M Mainline profiles (v8-M and v8.1-M).
    pub fn is_v8m(self) -> bool {
        matches!(self, Arch::V8MMain | Arch::V81MMain)
    }

    /// True for ARMv6-M (the `synth-armv6m` backend compiles it).
    pub fn is_v6m(self) -> bool {
        self == Arch::V6M
    }
}

/// The description of one core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Features {
    /// The architecture.
    pub arch: Arch,
    /// The FPUs the core can be built with (the `-mfpu` values
    /// arm-none-eabi-gcc accepts for it), `Fpu::None` first.
    pub fpus: &'static [Fpu],
    /// The core has the stack-limit registers `MSPLIM`/`PSPLIM` (ARMv8-M
    /// Mainline). synth's `--stack-check` does not use them (docs/ABI.md
    /// "Stack check" has the measurement); recorded for the firmware's sake.
    pub stack_limit_registers: bool,
}

impl Features {
    /// True when the core can have `fpu`.
    pub fn allows_fpu(&self, fpu: Fpu) -> bool {
        self.fpus.contains(&fpu)
    }
}

impl Cpu {
    /// Every CPU, in the order the help texts list them.
    pub const ALL: [Cpu; 7] = [Cpu::CortexM0, Cpu::CortexM0Plus, Cpu::CortexM3, Cpu::CortexM4, Cpu::CortexM7, Cpu::CortexM33, Cpu::CortexM55];

    /// What the core offers.
    pub fn features(self) -> Features {
        const NONE: &[Fpu] = &[Fpu::None];
        match self {
            Cpu::CortexM0 | Cpu::CortexM0Plus => Features { arch: Arch::V6M, fpus: NONE, stack_limit_registers: false },
            Cpu::CortexM3 => Features { arch: Arch::V7M, fpus: NONE, stack_limit_registers: false },
            Cpu::CortexM4 => {
                Features { arch: Arch::V7EM, fpus: &[Fpu::None, Fpu::Fpv4SpD16], stack_limit_registers: false }
            }
            Cpu::CortexM7 => Features {
                arch: Arch::V7EM,
                fpus: &[Fpu::None, Fpu::Fpv5SpD16, Fpu::Fpv5D16],
                stack_limit_registers: false,
            },
            Cpu::CortexM33 => {
                Features { arch: Arch::V8MMain, fpus: &[Fpu::None, Fpu::Fpv5SpD16], stack_limit_registers: true }
            }
            Cpu::CortexM55 => Features {
                arch: Arch::V81MMain,
                fpus: &[Fpu::None, Fpu::Fpv5SpD16, Fpu::Fpv5D16],
                stack_limit_registers: true,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architectures_and_attribute_values() {
        let arch = |c: Cpu| c.features().arch;
        assert_eq!(arch(Cpu::CortexM0Plus).eabi_cpu_arch(), 12);
        assert_eq!(arch(Cpu::CortexM0).eabi_thumb_isa_use(), 1);
        assert!(arch(Cpu::CortexM0).is_v6m() && !arch(Cpu::CortexM3).is_v6m());
        assert_eq!(arch(Cpu::CortexM3).eabi_cpu_arch(), 10);
        assert_eq!(arch(Cpu::CortexM4).eabi_cpu_arch(), 13);
        assert_eq!(arch(Cpu::CortexM7).eabi_cpu_arch(), 13);
        assert_eq!(arch(Cpu::CortexM33).eabi_cpu_arch(), 17);
        assert_eq!(arch(Cpu::CortexM55).eabi_cpu_arch(), 21);
        assert_eq!(arch(Cpu::CortexM4).eabi_thumb_isa_use(), 2);
        assert_eq!(arch(Cpu::CortexM33).eabi_thumb_isa_use(), 3);
        assert!(arch(Cpu::CortexM55).is_v8m() && !arch(Cpu::CortexM7).is_v8m());
    }

    #[test]
    fn fpus_follow_gcc() {
        // arm-none-eabi-gcc: M33 has no FPU or FPv5-SP-D16; M55 also FPv5-D16.
        let m33 = Cpu::CortexM33.features();
        assert!(m33.allows_fpu(Fpu::None) && m33.allows_fpu(Fpu::Fpv5SpD16));
        assert!(!m33.allows_fpu(Fpu::Fpv5D16) && !m33.allows_fpu(Fpu::Fpv4SpD16));
        let m55 = Cpu::CortexM55.features();
        assert!(m55.allows_fpu(Fpu::Fpv5D16) && m55.allows_fpu(Fpu::Fpv5SpD16) && !m55.allows_fpu(Fpu::Fpv4SpD16));
        assert!(!Cpu::CortexM3.features().allows_fpu(Fpu::Fpv4SpD16));
        for c in Cpu::ALL {
            assert_eq!(c.features().fpus[0], Fpu::None, "{c:?}");
            assert_eq!(c.features().stack_limit_registers, c.features().arch.is_v8m(), "{c:?}");
        }
    }
}
