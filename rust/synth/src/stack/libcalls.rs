//! Stack use of the AEABI run-time functions (libgcc) that soft-float code
//! calls, per target.
//!
//! Takes: a [`Target`] and a [`Libcall`]. Returns: the worst-case bytes the
//! function (with the libgcc functions it calls) moves sp below the sp at
//! the call. The figures are the checked-in table `libcalls.txt`, derived
//! from the installed libgcc by `scripts/libgcc_stack.py` and re-derived by
//! `tests/test_libgcc_stack.py`, so a toolchain whose libgcc needs more is
//! caught; docs/ABI.md lists them.

use synth_ir::float::Libcall;

use crate::options::Target;

/// The table: lines `target symbol bytes`, `#` comments.
const TABLE: &str = include_str!("libcalls.txt");

/// The worst-case stack bytes of `l` on `target`, or `None` when the
/// table has no entry (a test checks that every pair has one).
pub fn libcall_stack_bytes(target: Target, l: Libcall) -> Option<u32> {
    let symbol = l.symbol();
    TABLE.lines().map(|line| line.split('#').next().unwrap_or("").trim()).filter(|line| !line.is_empty()).find_map(|line| {
        let mut it = line.split_whitespace();
        let (t, s, n) = (it.next()?, it.next()?, it.next()?);
        (t == target.name() && s == symbol).then(|| n.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_every_libcall() {
        // ARMv6-M targets have no figures (see the libcall leaf in `stack/mod.rs`).
        for t in Target::ALL.into_iter().filter(|t| !t.features().arch.is_v6m()) {
            for l in Libcall::ALL {
                let n = libcall_stack_bytes(t, l).unwrap_or_else(|| panic!("{t}: no entry for {}", l.symbol()));
                assert!(n % 4 == 0 && n <= 256, "{t} {}: {n}", l.symbol());
            }
        }
        // Every line parses: three fields, a known target, a number.
        for line in TABLE.lines().map(|l| l.split('#').next().unwrap().trim()).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(f.len(), 3, "{line}");
            assert!(Target::parse(f[0]).is_ok(), "{line}");
            assert!(Libcall::ALL.iter().any(|l| l.symbol() == f[1]), "{line}");
            assert!(f[2].parse::<u32>().is_ok(), "{line}");
        }
    }

    #[test]
    fn figures_read_from_libgcc() {
        // The comparisons call two nested helpers (`__aeabi_cfcmpeq`,
        // `__cmpsf2`); the double adds push three registers.
        assert_eq!(libcall_stack_bytes(Target::CortexM4, Libcall::FCmpLt), Some(32));
        assert_eq!(libcall_stack_bytes(Target::CortexM4, Libcall::DAdd), Some(12));
        assert_eq!(libcall_stack_bytes(Target::CortexM3, Libcall::DMul), Some(16));
        assert_eq!(libcall_stack_bytes(Target::CortexM0Plus, Libcall::FAdd), None);
    }
}
