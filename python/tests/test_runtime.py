"""Threads and repeated use: identical results in parallel, no leaked memory."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import synth

from conftest import CONTROLLER, PROGRAMS

MODULES = [CONTROLLER, PROGRAMS / "sort.wat", PROGRAMS / "crc32.wat", PROGRAMS / "i64_arith.wat"]


def test_parallel_compiles_give_identical_bytes():
    expected = {p: synth.compile(p).object for p in MODULES}
    jobs = MODULES * 8
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(synth.compile, jobs))
    for path, r in zip(jobs, results):
        assert r.object == expected[path], path.name


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def test_repeated_compiles_do_not_leak():
    # 48 KiB of data per object: a leaked result (object, header, stats) would grow RSS by
    # about 15 MiB over 300 compiles; errors are included since they also allocate a result.
    data = "\\00" * (48 * 1024)
    wat = '(module (memory 1) (data (i32.const 0) "%s") (func (export "f") (result i32) (i32.const 1)))' % data
    for _ in range(30):  # warm up allocator pools
        synth.compile(wat)
    before = _rss_kib()
    for i in range(300):
        r = synth.compile(wat)
        assert len(r.object) > 48 * 1024
        try:
            synth.compile("(module (func (export \"f\") (result i32)))")
        except synth.InvalidModuleError:
            pass
    grown = _rss_kib() - before
    assert grown < 6 * 1024, "RSS grew by %d KiB over 300 compiles" % grown
