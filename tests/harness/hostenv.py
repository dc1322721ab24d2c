"""Host functions and imported globals given to a module, on both sides.

A :class:`HostEnv` maps ``(module, name)`` of an import to a Python callable (functions)
or an initial value (globals). Every host call is logged as ``(name, args)`` so the
emulator and the reference can be compared on side effects as well as results.
"""


class HostEnv:
    """Imports for one run: host functions, imported global values, and a call log."""

    def __init__(self, functions=None, globals_=None):
        self.functions = dict(functions or {})
        self.globals = dict(globals_ or {})
        self.log = []

    def call(self, module, name, args):
        """Invoke host function ``module.name`` with signed ``args``; logs the call."""
        fn = self.functions.get((module, name))
        if fn is None:
            raise KeyError("no host function %s.%s" % (module, name))
        self.log.append((name, tuple(args)))
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
    }
    globals_ = {
        ("env", "g_i32"): 1234567,
        ("env", "g_i64"): -0x123456789A,
        ("env", "g_mut"): 77,
    }
    return HostEnv(functions, globals_)
