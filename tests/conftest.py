"""Shared pytest configuration: make the harness package importable and print summaries."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

#: Filled by test modules: name -> (modules, exports, calls) for the terminal summary.
SUMMARY = {}


def pytest_terminal_summary(terminalreporter):
    """Print how many programs/inputs each differential suite compared."""
    from harness import stats
    for line in stats.lines():
        terminalreporter.write_line(line)
