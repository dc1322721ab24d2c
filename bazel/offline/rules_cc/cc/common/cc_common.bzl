"""Offline stand-in for `@rules_cc//cc/common:cc_common.bzl`: Bazel's built-in `cc_common`."""

load(":native_symbols.bzl", "NATIVE_CC_COMMON")

cc_common = NATIVE_CC_COMMON
