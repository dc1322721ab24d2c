"""Offline stand-in for `@rules_java//java:defs.bzl`: the native Java rules, unchanged.

Bazel 4.2.3 loads it from `@bazel_tools//tools/jdk`, which its default WORKSPACE registers
toolchains from, so every build needs it even without Java targets."""

def java_binary(**attrs):
    """The native `java_binary`."""
    native.java_binary(**attrs)

def java_import(**attrs):
    """The native `java_import`."""
    native.java_import(**attrs)

def java_library(**attrs):
    """The native `java_library`."""
    native.java_library(**attrs)

def java_lite_proto_library(**attrs):
    """The native `java_lite_proto_library`."""
    native.java_lite_proto_library(**attrs)

def java_package_configuration(**attrs):
    """The native `java_package_configuration`."""
    native.java_package_configuration(**attrs)

def java_plugin(**attrs):
    """The native `java_plugin`."""
    native.java_plugin(**attrs)

def java_proto_library(**attrs):
    """The native `java_proto_library`."""
    native.java_proto_library(**attrs)

def java_runtime(**attrs):
    """The native `java_runtime`."""
    native.java_runtime(**attrs)

def java_test(**attrs):
    """The native `java_test`."""
    native.java_test(**attrs)

def java_toolchain(**attrs):
    """The native `java_toolchain`."""
    native.java_toolchain(**attrs)
