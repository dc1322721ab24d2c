"""Offline stand-in for `@rules_cc//cc/common:cc_info.bzl`: Bazel's built-in `CcInfo`."""

load(":native_symbols.bzl", "NATIVE_CC_INFO")

CcInfo = NATIVE_CC_INFO
