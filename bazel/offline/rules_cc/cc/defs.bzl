"""Offline stand-in for `@rules_cc//cc:defs.bzl`: the native C/C++ rules, unchanged."""

def cc_binary(**attrs):
    """The native `cc_binary`."""
    native.cc_binary(**attrs)

def cc_library(**attrs):
    """The native `cc_library`."""
    native.cc_library(**attrs)

def cc_test(**attrs):
    """The native `cc_test`."""
    native.cc_test(**attrs)

def cc_import(**attrs):
    """The native `cc_import`."""
    native.cc_import(**attrs)

def cc_toolchain(**attrs):
    """The native `cc_toolchain`."""
    native.cc_toolchain(**attrs)

def cc_toolchain_suite(**attrs):
    """The native `cc_toolchain_suite`."""
    native.cc_toolchain_suite(**attrs)
