"""Exceptions raised by the synth bindings, one class per C status code.

Every failing :func:`synth.compile` raises a subclass of :class:`SynthError` that carries the
library's diagnostic (``message``) and the numeric status (``status``, a ``SYNTH_STATUS_*``
value of ``synth.h``). :func:`error_for_status` picks the class for a status.
"""

from __future__ import annotations

#: C status codes (``SYNTH_STATUS_*`` in ``synth.h``).
STATUS_OK = 0
STATUS_INVALID_ARGUMENT = 1
STATUS_MALFORMED = 2
STATUS_INVALID_MODULE = 3
STATUS_UNSUPPORTED = 4
STATUS_SYMBOL_COLLISION = 5
STATUS_INTERNAL_ERROR = 6
STATUS_STACK_LIMIT = 7
STATUS_LIMIT = 8


class SynthError(Exception):
    """Base class of every error the library reports.

    Attributes:
        message: the library's diagnostic text (names the function and operator for
            unsupported code).
        status: the C status code (``SYNTH_STATUS_*``).
    """

    #: The status code instances of this class normally carry.
    default_status: int = STATUS_INTERNAL_ERROR

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = self.default_status if status is None else status

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(SynthError, ValueError):
    """A bad option value or argument (``SYNTH_STATUS_INVALID_ARGUMENT``), e.g. an invalid
    symbol prefix or an unknown target."""

    default_status = STATUS_INVALID_ARGUMENT


class MalformedModuleError(SynthError):
    """The bytes do not decode as a wasm binary, or the text does not parse
    (``SYNTH_STATUS_MALFORMED``)."""

    default_status = STATUS_MALFORMED


class InvalidModuleError(SynthError):
    """The module decodes but fails validation (``SYNTH_STATUS_INVALID_MODULE``)."""

    default_status = STATUS_INVALID_MODULE


class UnsupportedError(SynthError):
    """The module is valid but uses something synth cannot compile, e.g. floating point
    (``SYNTH_STATUS_UNSUPPORTED``); the message names the function and operator."""

    default_status = STATUS_UNSUPPORTED


class SymbolCollisionError(SynthError):
    """Two entities map to one symbol name; choose another prefix
    (``SYNTH_STATUS_SYMBOL_COLLISION``)."""

    default_status = STATUS_SYMBOL_COLLISION


class InternalError(SynthError):
    """A compiler bug, a caught panic, or a library the bindings do not match
    (``SYNTH_STATUS_INTERNAL_ERROR``)."""

    default_status = STATUS_INTERNAL_ERROR


class StackLimitError(SynthError):
    """An export's or init's worst-case stack exceeds ``max_stack`` or has no bound
    (``SYNTH_STATUS_STACK_LIMIT``); the message names the function and the path."""

    default_status = STATUS_STACK_LIMIT


class LimitError(SynthError):
    """The module is over a resource limit of the options, e.g. a function body larger than
    ``max_function_bytes`` (``SYNTH_STATUS_LIMIT``); the message names the function and the
    limit."""

    default_status = STATUS_LIMIT


class LibraryNotFoundError(SynthError, OSError):
    """The shared library could not be located or loaded (see :mod:`synth._lib`)."""


_BY_STATUS: dict[int, type[SynthError]] = {
    STATUS_INVALID_ARGUMENT: InvalidArgumentError,
    STATUS_MALFORMED: MalformedModuleError,
    STATUS_INVALID_MODULE: InvalidModuleError,
    STATUS_UNSUPPORTED: UnsupportedError,
    STATUS_SYMBOL_COLLISION: SymbolCollisionError,
    STATUS_INTERNAL_ERROR: InternalError,
    STATUS_STACK_LIMIT: StackLimitError,
    STATUS_LIMIT: LimitError,
}


def error_for_status(status: int, message: str) -> SynthError:
    """The exception for a non-OK ``status`` with ``message`` (an unknown status gives a
    plain :class:`SynthError` whose message says so)."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        return SynthError("%s (unknown status %d)" % (message or "error", status), status)
    return cls(message or "no message", status)
