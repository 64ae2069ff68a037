"""One exception tree for everything the tool raises on purpose.

Every error is data: it carries the file, event and JSON pointer it is about, and builds
its own one-line message from them, so the CLI can print ``str(error)`` and exit 2
without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path


def safe_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, or a stand-in if repr itself fails.

    Values come from users and their code: a ``__repr__`` that raises, or an int too long
    for ``repr``, must not turn an error report into a traceback.
    """
    try:
        text = repr(value)
    except BaseException:  # anything at all: this runs while reporting
        text = f"<{_type_name(value)} object (repr failed)>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_exception(exc: BaseException, limit: int = 500) -> str:
    """``"TypeName: message"`` for any exception, even one whose ``__str__`` raises.

    The message is put on one line (newlines become spaces) and cut to ``limit``
    characters, so it fits the one-line error format.
    """
    name = _type_name(exc)
    try:
        message = str(exc)
    except BaseException:  # a hostile __str__ must not escape
        try:
            message = f"(str() failed; args={safe_repr(exc.args)})"
        except BaseException:
            message = "(str() failed)"
    if not isinstance(message, str):  # pragma: no cover - str() always returns str
        message = "(str() failed)"
    message = " ".join(message.split())
    if len(message) > limit:
        message = message[: limit - 3] + "..."
    return f"{name}: {message}" if message else name


def _type_name(value: object) -> str:
    try:
        name = type(value).__qualname__
    except BaseException:  # a metaclass may do anything
        return "object"
    return name if isinstance(name, str) else "object"


def json_pointer(path: Iterable[str | int]) -> str:
    """Return the RFC 6901 JSON pointer for a sequence of keys and indexes."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "".join("/" + p for p in parts)


class ConformanceError(Exception):
    """Base class of every error this package raises on purpose.

    ``file``, ``event`` and ``pointer`` locate the problem when they are known;
    ``reason`` says what is wrong and, where it helps, what to do next.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | Path | None = None,
        event: str | None = None,
        pointer: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.event = event
        self.pointer = pointer
        super().__init__(self._message())

    def _message(self) -> str:
        where: list[str] = []
        if self.file is not None:
            where.append(self.file)
        if self.event is not None:
            where.append(f"event {self.event}")
        if self.pointer is not None:
            where.append(f"at {self.pointer or '/'}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class UsageError(ConformanceError):
    """The tool was called wrongly: a bad option, target or pattern."""


class CatalogError(ConformanceError):
    """The catalog or a schema file could not be loaded: fail closed."""


class SchemaError(CatalogError):
    """A schema file is not valid JSON Schema, or has a dangling ``$ref``."""


class UnknownEventError(ConformanceError, KeyError):
    """An event name or filter pattern matched nothing in the catalog."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self._message()


class InputError(ConformanceError):
    """Input data (deliveries, JSON Lines) could not be read or parsed."""


class ValidationError(ConformanceError):
    """A delivery does not conform to the envelope or to its event's payload schema."""

    def __init__(
        self,
        reason: str,
        *,
        event: str | None = None,
        pointer: str = "",
        file: str | Path | None = None,
        errors: Sequence[ValidationError] = (),
    ) -> None:
        self.errors: tuple[ValidationError, ...] = tuple(errors)
        super().__init__(reason, file=file, event=event, pointer=pointer)


class GenerationError(ConformanceError):
    """A schema uses something the payload generator cannot honour on this install."""


class CompatibilityError(ConformanceError):
    """The compatibility checker could not load or compare its inputs."""


class FuzzError(ConformanceError):
    """Fuzzing could not start (for example a handler that cannot be imported)."""


class WebhookVerificationError(ConformanceError):
    """A webhook delivery failed signature verification; ``code`` says why."""

    def __init__(self, reason: str, *, code: str) -> None:
        self.code = code
        super().__init__(reason)
