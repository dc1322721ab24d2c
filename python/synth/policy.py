"""The recovery-stats policy: which compile statistics a CI run accepts.

Takes :class:`~synth.stats.ModuleStats` (one per module) and a :class:`Policy`; returns the
list of :class:`Violation`. Checks, per function:

* ``rung``: only ``base`` is allowed (a function on the ``fallback`` recovery rung is a
  violation) unless ``allow_fallback = true``;
* ``verdict``: ``spurious`` spills (spills while registers were free) are a violation unless
  ``allow_spurious_spills = true``;
* budgets: ``max_<field>`` limits on any integer field of
  :class:`~synth.stats.FunctionStats` (``max_code_bytes``, ``max_spill_stores``,
  ``max_reloads``, ``max_instructions``, ``max_frame_bytes``, ...), from a ``[default]``
  table applying to every function and ``[functions."<symbol or name>"]`` tables overriding
  it for one function. A function table naming no function of any checked module is itself
  a violation (a typo would otherwise silently disable the budget).

Policy file (TOML, or JSON of the same shape)::

    allow_fallback = false
    allow_spurious_spills = false
    [default]
    max_code_bytes = 4096
    [functions."wasm_run"]
    max_code_bytes = 900
    max_spill_stores = 0
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .stats import INT_FIELDS, ModuleStats, Rung, Verdict


class PolicyError(ValueError):
    """A policy file that cannot be read or has unknown keys or bad values."""


@dataclass(frozen=True)
class Policy:
    """Checks and budgets (see the module documentation)."""

    allow_fallback: bool = False
    allow_spurious_spills: bool = False
    default: Mapping[str, int] = field(default_factory=dict)
    functions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def budgets_for(self, symbol: str, name: str) -> dict[str, int]:
        """Field -> limit for a function (its own table over the defaults)."""
        out = dict(self.default)
        for key in (name, symbol):
            out.update(self.functions.get(key, {}))
        return out


@dataclass(frozen=True)
class Violation:
    """One broken rule: which module and function, what, the value and the limit."""

    module: str
    function: str
    check: str
    actual: str
    limit: str


def _budgets(where: str, table: Any) -> dict[str, int]:
    if not isinstance(table, Mapping):
        raise PolicyError("%s: expected a table of max_<field> = <int>" % where)
    out = {}
    for key, value in table.items():
        fieldname = key[4:] if key.startswith("max_") else None
        if fieldname not in INT_FIELDS:
            raise PolicyError("%s: unknown budget %r (known: %s)"
                              % (where, key, ", ".join("max_" + f for f in INT_FIELDS)))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PolicyError("%s: %s must be a non-negative integer, not %r" % (where, key, value))
        out[fieldname] = value
    return out


def policy_from_dict(data: Mapping[str, Any], origin: str = "policy") -> Policy:
    """Validate and build a :class:`Policy` from parsed TOML/JSON."""
    known = {"allow_fallback", "allow_spurious_spills", "default", "functions"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PolicyError("%s: unknown key(s) %s (known: %s)" % (origin, ", ".join(unknown), ", ".join(sorted(known))))
    flags = {}
    for key in ("allow_fallback", "allow_spurious_spills"):
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise PolicyError("%s: %s must be true or false" % (origin, key))
        flags[key] = value
    functions = data.get("functions", {})
    if not isinstance(functions, Mapping):
        raise PolicyError("%s: [functions] must be a table of tables" % origin)
    return Policy(default=_budgets("%s [default]" % origin, data.get("default", {})),
                  functions={k: _budgets('%s [functions."%s"]' % (origin, k), v) for k, v in functions.items()},
                  **flags)


def load_policy(path: str | Path) -> Policy:
    """Read a TOML (``.toml``) or JSON (anything else) policy file."""
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise PolicyError("cannot read policy %s: %s" % (p, e)) from e
    try:
        data = tomllib.loads(text) if p.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise PolicyError("%s: %s" % (p, e)) from e
    if not isinstance(data, Mapping):
        raise PolicyError("%s: top level must be a table/object" % p)
    return policy_from_dict(data, str(p))


def check(modules: Sequence[tuple[str, ModuleStats]], policy: Policy) -> list[Violation]:
    """Every violation of ``policy`` in ``modules`` (pairs of display name and stats), in
    module then function order, then unmatched budget tables."""
    out: list[Violation] = []
    matched: set[str] = set()
    for label, stats in modules:
        for f in stats.functions:
            matched.update(k for k in (f.symbol, f.name) if k in policy.functions)
            if f.rung != Rung.BASE and not policy.allow_fallback:
                out.append(Violation(label, f.symbol, "recovery rung", f.rung.value, Rung.BASE.value))
            if f.verdict == Verdict.SPURIOUS and not policy.allow_spurious_spills:
                out.append(Violation(label, f.symbol, "spurious spills",
                                     "%d spills, %d reloads" % (f.spill_stores, f.reloads),
                                     "no spurious spills"))
            for fieldname, limit in policy.budgets_for(f.symbol, f.name).items():
                value = getattr(f, fieldname)
                if value > limit:
                    out.append(Violation(label, f.symbol, "max_" + fieldname, str(value), str(limit)))
    for key in policy.functions:
        if key not in matched:
            out.append(Violation("-", key, "budget for unknown function", "absent", "-"))
    return out
