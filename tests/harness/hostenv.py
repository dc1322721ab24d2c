"""Host functions and imported globals given to a module, on both sides.

A :class:`HostEnv` maps ``(module, name)`` of an import to a Python callable (functions)
or an initial value (globals). Every host call is logged as ``(name, args)`` so the
emulator and the reference can be compared on side effects as well as results.
f32/f64 arguments, results and global values are bit patterns (:mod:`harness.floats`).
"""

from .outcome import log_args


class HostEnv:
    """Imports for one run: host functions, imported global values, and a call log."""

    def __init__(self, functions=None, globals_=None):
        self.functions = dict(functions or {})
        self.globals = dict(globals_ or {})
        self.log = []

    def call(self, module, name, args, types=None):
        """Invoke host function ``module.name`` with ``args`` (integers signed, floats as
        bits; ``types`` their wasm types, so float arguments are logged comparably)."""
        fn = self.functions.get((module, name))
        if fn is None:
            raise KeyError("no host function %s.%s" % (module, name))
        self.log.append((name, log_args(args, types) if types else tuple(args)))
        return fn(*args)

    def global_value(self, module, name):
        """Initial value of imported global ``module.name``."""
        if (module, name) not in self.globals:
            raise KeyError("no host global %s.%s" % (module, name))
        return self.globals[(module, name)]

    def fresh(self):
        """A copy with an empty call log (one per run)."""
        return HostEnv(self.functions, self.globals)


def _wrap32(x):
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >> 31 else x


def _wrap64(x):
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >> 63 else x


def _dpick(k, a, b, c):
    """(i32 k, f64 a, f32 b, f64 c) -> f64: ``a`` if k is even, else ``c`` with its sign
    flipped; ``b`` (an f32) is logged only. Checks f64 pair and stack placement."""
    return a if k % 2 == 0 else c ^ (1 << 63)


def standard_env():
    """The imports every test program may use (see tests/programs/README.md)."""
    functions = {
        ("env", "host_add"): lambda a, b: _wrap32(a + b),
        ("env", "host_log"): lambda a: None,
        ("env", "host_neg64"): lambda a: _wrap64(-a),
        ("env", "host_mul64"): lambda a, b: _wrap64(a * b),
        ("env", "host_mix"): lambda a, b, c, d, e: _wrap64(a + 3 * b - c + 5 * d - 7 * e),
        ("env", "host_five"): lambda: 5,
        ("env", "host_sub"): lambda a, b: _wrap32(a - b),
        ("host", "scale"): lambda a: _wrap32(a * 10),
        # float functions work on bit patterns: exact, and the same on both sides
        ("env", "host_fneg"): lambda a: a ^ 0x80000000,
        ("env", "host_dpick"): _dpick,
    }
    globals_ = {
        ("env", "g_i32"): 1234567,
        ("env", "g_i64"): -0x123456789A,
        ("env", "g_mut"): 77,
        ("env", "g_f32"): 0x40490FDB,  # 3.14159274f
        ("env", "g_f64"): 0x4005BF0A8B145769,  # e
    }
    return HostEnv(functions, globals_)
