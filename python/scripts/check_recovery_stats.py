#!/usr/bin/env python3
"""Check synth's recovery statistics for CI (same as ``python -m synth.check``).

Compiles ``.wasm``/``.wat`` modules with the synth bindings or reads ``--stats-json`` files,
and fails (exit 1) on a function on a recovery rung beyond ``base``, a spurious spill, or a
broken per-function budget from ``--policy FILE`` (TOML or JSON). See ``synth.policy``.
Works from a checkout without installing the package.
"""

import os
import sys

try:
    from synth.check import main
except ImportError:  # not installed: use the package next to this script
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from synth.check import main

if __name__ == "__main__":
    sys.exit(main())
