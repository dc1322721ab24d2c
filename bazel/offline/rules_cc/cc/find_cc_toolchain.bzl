"""Offline stand-in for `@rules_cc//cc:find_cc_toolchain.bzl`."""

CC_TOOLCHAIN_TYPE = "@bazel_tools//tools/cpp:toolchain_type"

def find_cc_toolchain(ctx):
    """The resolved `CcToolchainInfo` of a rule that declared `use_cc_toolchain()`."""
    info = ctx.toolchains[CC_TOOLCHAIN_TYPE]
    if hasattr(info, "cc_provider_in_toolchain") and hasattr(info, "cc"):
        return info.cc
    return info

find_cpp_toolchain = find_cc_toolchain

def use_cc_toolchain(mandatory = True):
    """The `toolchains` entry a rule needs to call `find_cc_toolchain` (always mandatory here)."""
    return [CC_TOOLCHAIN_TYPE]

use_cpp_toolchain = use_cc_toolchain
