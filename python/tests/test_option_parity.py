"""One vocabulary: every front door has exactly the options docs/OPTIONS.md gives it, spelled
by the table's rule, and accepts exactly the targets it lists.

Table-driven: the options and targets come from docs/OPTIONS.md; each front door's options
come from the door itself (the `synth compile --help` of the built CLI, `python -m synth`'s
parser, the usage text of synthc, the `synth_options` struct of include/synth.h, the keywords
of `synth.compile()`, the attributes of `synth_wasm_library` in bazel/synth.bzl).
"""

from __future__ import annotations

import re

import pytest

import synth
from synth import _lib
from synth.__main__ import parser

from conftest import REPO, run_cli

DOC = (REPO / "docs" / "OPTIONS.md").read_text()
NA = "—"


def _section(tag: str) -> str:
    m = re.search(r"<!-- %s:.*?-->(.*?)<!-- end %s -->" % (tag, tag), DOC, re.S)
    assert m, "docs/OPTIONS.md lacks the %s section" % tag
    return m.group(1)


def _rows() -> list[dict[str, object]]:
    rows = []
    for line in _section("options").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        ticks = [re.findall(r"`([^`]+)`", c) for c in cells]
        rows.append({"name": ticks[0][0], "flags": ticks[1], "c": ticks[2], "python": ticks[3],
                     "bazel": ticks[4], "raw": cells})
    assert len(rows) >= 10, rows
    return rows


ROWS = _rows()
TARGETS = set(re.findall(r"`(cortex-m\d+(?:plus)?)`", _section("targets")))
FPUS = set(re.findall(r"`(none|fpv[^`]+)`", _section("fpus")))
FLOAT_ABIS = set(re.findall(r"`(soft|softfp|hard)`", _section("float_abis")))


def table_column(door: str) -> set[str]:
    """What the table says door ``door`` has."""
    if door == "flags":
        return {f for r in ROWS for f in r["flags"]}
    return {n for r in ROWS for n in r[door]}


# ---- what each door actually has ------------------------------------------------------------

def cli_flags() -> set[str]:
    proc = run_cli("compile", "--help")
    assert proc.returncode == 0, proc.stderr
    flags = set(re.findall(r"^\s+(?:(-\w), )?(--[a-z][a-z-]*)", proc.stdout, re.M))
    return {f for pair in flags for f in pair if f} - {"-h", "--help"}


def python_cli_flags() -> set[str]:
    compile_parser = parser()._subparsers._group_actions[0].choices["compile"]
    return {s for a in compile_parser._actions for s in a.option_strings} - {"-h", "--help"}


def synthc_flags() -> set[str]:
    source = (REPO / "c_examples" / "synthc.c").read_text()
    usage = re.search(r"static const char USAGE\[\] =(.*?);", source, re.S).group(1)
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", usage))
    # --output is accepted as well as -o (checked in synthc's parser, not shown in the usage).
    if re.search(r'strcmp\(a, "--output"\)', source):
        flags.add("--output")
    return flags


def c_fields() -> set[str]:
    header = (REPO / "include" / "synth.h").read_text()
    body = re.search(r"typedef struct synth_options \{(.*?)\} synth_options;", header, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    # struct_size is the version marker, reserved* fields are padding and a *_count field is
    # the length of the array field it names (import_stack_count): none is an option.
    fields = set(re.findall(r"(\w+);", body))
    counts = {f for f in fields if f.endswith("_count") and f[:-len("_count")] in fields}
    return {f for f in fields - counts if f != "struct_size" and not f.startswith("reserved")}


def python_kwargs() -> set[str]:
    return set(synth.OPTIONS) | {"target"}


def bazel_attrs() -> set[str]:
    rule = (REPO / "bazel" / "synth.bzl").read_text()
    attrs = rule[rule.index("synth_wasm_library = rule("):]
    # src/deps/copts are not compiler options; _private attributes are not set by users.
    return {a for a in re.findall(r'^\s+"(\w+)": attr\.', attrs, re.M)
            if not a.startswith("_")} - {"src", "deps", "copts"}


DOORS = {
    "synth compile": (cli_flags, "flags"),
    "python -m synth compile": (python_cli_flags, "flags"),
    "synthc": (synthc_flags, "flags"),
    "C synth_options": (c_fields, "c"),
    "Python synth.compile()": (python_kwargs, "python"),
    "Bazel synth_wasm_library": (bazel_attrs, "bazel"),
}


@pytest.mark.parametrize("door", sorted(DOORS))
def test_door_has_exactly_the_tables_options(door):
    actual_of, column = DOORS[door]
    actual, expected = actual_of(), table_column(column)
    assert actual == expected, "%s: missing %s, not in docs/OPTIONS.md %s" % (
        door, sorted(expected - actual), sorted(actual - expected))


@pytest.mark.parametrize("row", ROWS, ids=[str(r["name"]) for r in ROWS])
def test_spelling_rule(row):
    """Name = C field = Python keyword = Bazel attribute; flag = kebab-case name, `--no-` for
    options on by default."""
    name = str(row["name"])
    for door in ("c", "python", "bazel"):
        assert row[door] in ([], [name]), "%s: %s spells it %s" % (name, door, row[door])
    default = row["raw"][5]
    kebab = name.replace("_", "-")
    flag = "--no-" + kebab if default == "on" else "--" + kebab
    assert flag in row["flags"], "%s: flag %s expected, table has %s" % (name, flag, row["flags"])


def test_targets_are_the_same_everywhere():
    assert {"cortex-m3", "cortex-m4", "cortex-m7"} <= TARGETS
    help_text = run_cli("compile", "--help").stdout
    target_line = next(l for l in help_text.splitlines() if "--target" in l)
    header = (REPO / "include" / "synth.h").read_text()
    bzl = (REPO / "bazel" / "synth.bzl").read_text()
    synthc = (REPO / "c_examples" / "synthc.c").read_text()
    doors = {
        "synth compile --help": set(re.findall(r"cortex-m\d+(?:plus)?", target_line)),
        "python -m synth": set(next(a for a in parser()._subparsers._group_actions[0].choices["compile"]._actions
                                    if "--target" in a.option_strings).choices),
        "C SYNTH_TARGET_*": {"cortex-" + m.lower() for m in re.findall(r"#define SYNTH_TARGET_CORTEX_(M\d+(?:PLUS)?)\b", header)},
        "Python": set(_lib.TARGETS),
        "Bazel": set(re.findall(r'"(cortex-m\d+(?:plus)?)"', re.search(r"_TARGETS = \[(.*?)\]", bzl, re.S).group(1))),
        "synthc": set(re.findall(r'"(cortex-m\d+(?:plus)?)"', synthc)),
    }
    for door, targets in doors.items():
        assert targets == TARGETS, "%s accepts %s; docs/OPTIONS.md lists %s" % (door, sorted(targets), sorted(TARGETS))


def test_the_checker_notices_a_missing_option(monkeypatch):
    """The comparison is not vacuous: a door without one option fails it."""
    monkeypatch.setattr(synth, "OPTIONS", {k: v for k, v in synth.OPTIONS.items() if k != "stack_check"})
    with pytest.raises(AssertionError, match="missing \\['stack_check'\\]"):
        test_door_has_exactly_the_tables_options("Python synth.compile()")


def _help_entry(help_text: str, flag: str) -> str:
    """The lines of ``flag``'s entry in ``synth compile --help`` (up to the next flag)."""
    lines = help_text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.lstrip().startswith(flag + " "))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("-")), len(lines))
    return "\n".join(lines[start:end])


def _choices(parser_flag: str) -> set[str]:
    compile_parser = parser()._subparsers._group_actions[0].choices["compile"]
    return set(next(a for a in compile_parser._actions if parser_flag in a.option_strings).choices)


@pytest.mark.parametrize("option", ["fpu", "float_abi"])
def test_float_values_are_the_same_everywhere(option):
    """Every door accepts exactly the FPUs and float ABIs docs/OPTIONS.md lists."""
    expected = FPUS if option == "fpu" else FLOAT_ABIS
    assert expected == ({"none", "fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"} if option == "fpu"
                        else {"soft", "softfp", "hard"})
    flag = "--" + option.replace("_", "-")
    value = r"none|fpv\d-(?:sp-)?d16" if option == "fpu" else r"softfp|soft|hard"
    # the C constants: SYNTH_FPU_FPV4_SP_D16 -> fpv4-sp-d16
    prefix = "SYNTH_FPU_" if option == "fpu" else "SYNTH_FLOAT_ABI_"
    header = (REPO / "include" / "synth.h").read_text()
    bzl = (REPO / "bazel" / "synth.bzl").read_text()
    synthc = (REPO / "c_examples" / "synthc.c").read_text()
    bazel_list = re.search(r"_%sS = \[(.*?)\]" % option.upper(), bzl, re.S).group(1)
    synthc_table = re.search(r"%s_NAMES\[\] = \{(.*?)\};" % option.upper(), synthc, re.S).group(1)
    doors = {
        "synth compile --help": set(re.findall(r"\b(%s)\b" % value, _help_entry(run_cli("compile", "--help").stdout, flag))),
        "python -m synth": _choices(flag),
        "C %s*" % prefix: {m.lower().replace("_", "-") for m in re.findall(r"#define %s(\w+)\b" % prefix, header)},
        "Python": set(_lib.FPUS if option == "fpu" else _lib.FLOAT_ABIS),
        "Bazel": set(re.findall(r'"([a-z0-9-]+)"', bazel_list)),
        "synthc": set(re.findall(r'"([a-z0-9-]+)"', synthc_table)),
    }
    for door, values in doors.items():
        assert values == expected, "%s accepts %s; docs/OPTIONS.md lists %s" % (door, sorted(values), sorted(expected))
