"""The target configurations the harness can compile, link and run, by name.

A configuration is a synth ``--target``/``--fpu``/``--float-abi`` choice together with what
running its objects needs: the unicorn CPU model (:data:`harness.uc_image.MODELS`), whether
that model's FPU must be on (every FPU configuration; unicorn's M4/M7/M33 models start with
it enabled, :func:`harness.uc_image.fpu_enabled` checks), how exports are called (``hard``:
AAPCS-VFP, floats in s/d registers; ``soft`` and ``softfp``: the base AAPCS, floats in core
registers) and the arm-none-eabi-gcc multilib whose libgcc provides the AEABI helpers
(``arm-none-eabi-gcc <libgcc_flags> -print-libgcc-file-name``: the linker refuses to mix
float ABIs, and ARMv6-M cannot run the Thumb-2 multilibs).

Used by tests/harness/link.py (libgcc), emu.py / differential.py (model, calling
convention), the differential fuzzer (``--config``) and the tests of each configuration.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """One target configuration."""

    name: str
    cpu: str
    fpu: str = "none"
    float_abi: str = "soft"

    @property
    def synth_args(self):
        """Options of ``synth compile`` for this configuration."""
        return ("--target", self.cpu, "--fpu", self.fpu, "--float-abi", self.float_abi)

    @property
    def needs_fpu(self):
        """Whether the code executes VFP instructions (the emulated FPU must be enabled)."""
        return self.fpu != "none"

    @property
    def call_abi(self):
        """How the emulator passes floats: ``hard`` (AAPCS-VFP) or ``soft`` (core registers,
        also for ``softfp``)."""
        return "hard" if self.float_abi == "hard" else "soft"

    @property
    def v6m(self):
        """Whether the target is ARMv6-M (rust/synth-armv6m)."""
        return self.cpu in V6M_CPUS

    @property
    def libgcc_flags(self):
        """arm-none-eabi-gcc multilib flags selecting the libgcc to link."""
        flags = ["-mcpu=" + self.cpu, "-mthumb", "-mfloat-abi=" + self.float_abi]
        if self.needs_fpu:
            flags.append("-mfpu=" + self.fpu)
        return tuple(flags)


V6M_CPUS = ("cortex-m0", "cortex-m0plus")

CONFIGS = {c.name: c for c in [
    Config("m4", "cortex-m4"),
    Config("m4-fpv4-hard", "cortex-m4", "fpv4-sp-d16", "hard"),
    Config("m4-fpv4-softfp", "cortex-m4", "fpv4-sp-d16", "softfp"),
    Config("m7-fpv5d16-hard", "cortex-m7", "fpv5-d16", "hard"),
    Config("m33-fpv5sp-hard", "cortex-m33", "fpv5-sp-d16", "hard"),
    Config("m0plus", "cortex-m0plus"),
]}

#: The configuration of a plain ``synth compile`` (no options): Cortex-M4, no FPU.
DEFAULT = CONFIGS["m4"]


def get(name):
    """The configuration called ``name``; ValueError naming the known ones otherwise."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError("unknown configuration %r (known: %s)" % (name, ", ".join(CONFIGS)))


def parse(names):
    """Configurations from a list of names (``all`` is every one), in order, no repeats."""
    out = []
    for n in names:
        for c in (list(CONFIGS.values()) if n == "all" else [get(n)]):
            if c not in out:
                out.append(c)
    return out


def from_args(args, float_abi=None):
    """The configuration a synth command line ``args`` selects (``--target``, ``--fpu``,
    ``--float-abi``, last one wins; defaults cortex-m4, none, soft), as an unnamed
    :class:`Config` when it is none of :data:`CONFIGS`. ``float_abi``, when given,
    overrides the float ABI."""
    opts = {"--target": DEFAULT.cpu, "--fpu": DEFAULT.fpu, "--float-abi": DEFAULT.float_abi}
    args = list(args)
    for i, a in enumerate(args):
        key, eq, val = a.partition("=")
        if key in opts:
            if eq:
                opts[key] = val
            elif i + 1 < len(args):
                opts[key] = args[i + 1]
    if float_abi is not None:
        opts["--float-abi"] = float_abi
    cfg = Config("", opts["--target"], opts["--fpu"], opts["--float-abi"])
    for known in CONFIGS.values():
        if (known.cpu, known.fpu, known.float_abi) == (cfg.cpu, cfg.fpu, cfg.float_abi):
            return known
    return cfg
