"""The Bazel built-ins that `cc_info.bzl`/`cc_common.bzl` re-export (under other names,
because a .bzl file cannot both read and define the same global)."""

NATIVE_CC_INFO = CcInfo
NATIVE_CC_COMMON = cc_common
