"""What a handler failure is: its kind, delivery, exception and the handler's line.

Shared by both ways of running a handler (``_handler.py``'s thread, ``_worker.py``'s
process), which is why it is its own module.
"""

from __future__ import annotations

import inspect
import os
import sysconfig
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._errors import ConformanceError

#: ``exception``: the handler raised; ``timeout``: it ran past the deadline; ``exit``:
#: it ended the process (``sys.exit``, ``os._exit``); ``signal``: the process was killed
#: by a signal (a segfault); ``memory``: it went past the memory limit; ``output``: it
#: wrote more than the output limit; ``fork``: it forked the process.
Kind = Literal["exception", "timeout", "exit", "signal", "memory", "output", "fork"]


class RemoteException(Exception):
    """Stands for an exception raised in the worker process that cannot be rebuilt here.

    ``type_name`` is the qualified name of the handler's exception type and ``text`` its
    message, both taken in the worker (so a raising ``__str__`` is already rendered).
    """

    def __init__(self, type_name: str, text: str) -> None:
        super().__init__(text)
        self.type_name = type_name
        self.text = text

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Frame:
    """A source location in the handler: file, line, function and the line's text."""

    filename: str
    lineno: int
    function: str
    line: str = ""

    def __str__(self) -> str:
        return f"{_display_path(self.filename)}:{self.lineno} in {self.function}"


class HandlerFailure(ConformanceError):
    """The handler raised on a delivery, or ran past the per-delivery deadline.

    ``delivery`` is the failing delivery (as it was before the handler saw it),
    ``deliveries`` the sequence up to and including it (``index`` points at it),
    ``event`` its ``type``, ``exception`` what the handler raised (None for a timeout),
    ``frame`` the handler's line, ``kind`` one of ``Kind`` (``'exception'``,
    ``'timeout'``, ``'exit'``, ``'signal'``, ``'memory'``, ``'output'``, ``'fork'``),
    ``detail`` a short phrase for the kind (``'timeout'``, ``'exited with 0'``, ``'killed
    by SIGSEGV'``, ``'memory limit'``...; None for exceptions). ``traceback_text`` is
    the handler's part of the traceback when the exception came from a worker process,
    ``output`` the tail of what the worker process wrote to stdout/stderr (for crashes).
    ``case`` and ``path`` are filled in by ``fuzz`` (the fuzz case that owns the failure,
    see ``FuzzCase.owner``, and the saved replay file).
    """

    def __init__(
        self,
        *,
        kind: Kind,
        deliveries: Sequence[dict[str, Any]],
        index: int,
        exception: BaseException | None,
        frame: Frame | None,
        deadline: float | None = None,
        detail: str | None = None,
        traceback_text: str | None = None,
        output: str = "",
        limit: str | None = None,
    ) -> None:
        self.kind: Kind = kind
        self.detail = detail if detail is not None or kind == "exception" else kind
        self.traceback_text = traceback_text
        self.output = output
        self.limit = limit
        self.deliveries = list(deliveries)
        self.index = index
        self.delivery: dict[str, Any] = self.deliveries[index]
        event = self.delivery.get("type") if isinstance(self.delivery, dict) else None
        self.exception = exception
        self.frame = frame
        self.deadline = deadline
        self.case: str | None = None
        #: Set when the case reporting it does not own it: the owner (None: unknown)
        #: and why it is reported here anyway (the plain-counterpart evidence).
        self.owner: str | None = None
        self.evidence: str | None = None
        self.path: Path | None = None
        super().__init__(self.summary, event=str(event) if event is not None else None)

    @property
    def summary(self) -> str:
        """One line: what went wrong, and where in the handler."""
        if self.kind == "timeout":
            what = f"timeout: handler still running after the {self.deadline:g} s deadline"
        elif self.kind == "exception":
            what = describe_exception(self.exception)
        elif self.kind == "exit":
            what = f"{self.detail}: the handler ended its process (sys.exit or os._exit)"
        elif self.kind == "signal":
            what = f"{self.detail}: the handler's process crashed"
        elif self.kind == "memory":
            what = f"memory limit: the handler needed more than {self.limit or 'the limit'}"
        elif self.kind == "output":
            what = f"output limit: the handler wrote more than {self.limit or 'the limit'}"
        else:
            what = "forked: the handler forked its process (os.fork)"
        return what + (f" (at {self.frame})" if self.frame else "")

    @property
    def key(self) -> tuple[str, ...]:
        """What makes two failures the same bug: kind, exception type (or the kind's
        detail, such as the exit code), handler line (function, for a timeout)."""
        if self.kind == "exception":
            exc_type = exception_type_name(self.exception)
        else:
            exc_type = "" if self.kind == "timeout" else str(self.detail or "")
        if self.frame is None:
            where = ("", "")
        elif self.kind == "timeout":
            # Where a stuck handler is caught varies from line to line of its loop:
            # the same function is the same bug.
            where = (self.frame.filename, self.frame.function)
        else:
            where = (self.frame.filename, str(self.frame.lineno))
        return (self.kind, exc_type, *where)


def describe_exception(exc: BaseException | None) -> str:
    """``TypeName: message`` (just the type name if the message is empty).

    Never raises: a message whose ``__str__``/``__repr__`` raises is rendered as a note.
    """
    if exc is None:
        return "timeout"
    name = exception_type_name(exc)
    text = exception_text(exc)
    return f"{name}: {text}" if text else name


def exception_type_name(exc: BaseException | None) -> str:
    """The qualified name of ``exc``'s type (the handler's type for a ``RemoteException``)."""
    if exc is None:
        return ""
    if isinstance(exc, RemoteException):
        return exc.type_name
    return _qualname(type(exc))


def exception_text(exc: BaseException) -> str:
    """``str(exc)`` (``repr`` of the key for KeyError), safe against hostile ``__str__``."""
    try:
        if isinstance(exc, KeyError) and not isinstance(exc, RemoteException) and exc.args:
            return repr(exc.args[0])
        return str(exc)
    except BaseException as inner:  # the handler's code: anything can happen
        return f"<message unavailable: its __str__ raised {type(inner).__name__}>"


def _qualname(cls: type) -> str:
    module = getattr(cls, "__module__", None) or ""
    name = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "?")
    if isinstance(module, str) and module.startswith("_conformance_target_"):
        # A handler file's private module name (see _target.py): show the file's stem.
        module = module.removeprefix("_conformance_target_").rpartition("_")[0] or module
    return str(name) if module in ("builtins", "__main__", "") else f"{module}.{name}"


def _display_path(filename: str) -> str:
    """Relative to the current folder when inside it, else as it is."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if relative.startswith("..") else relative


_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
_LIBRARY_DIRS = tuple(
    {str(Path(p).resolve()) for k in ("stdlib", "platstdlib", "purelib", "platlib")
     if (p := sysconfig.get_paths().get(k))}
)  # fmt: skip


def _is_user_file(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    path = str(Path(filename).resolve())
    return not path.startswith(_PACKAGE_DIR) and not path.startswith(_LIBRARY_DIRS)


def pick_frame(summaries: Sequence[traceback.FrameSummary], handler: Any) -> Frame | None:
    """The innermost frame in user code; else in the handler's file; else innermost."""
    handler_file = _source_file(handler)
    chosen = None
    for summary in reversed(summaries):
        if _is_user_file(summary.filename):
            chosen = summary
            break
    if chosen is None and handler_file:
        for summary in reversed(summaries):
            if Path(summary.filename).resolve() == handler_file:
                chosen = summary
                break
    if chosen is None:
        candidates = [
            s for s in summaries if not str(Path(s.filename).resolve()).startswith(_PACKAGE_DIR)
        ]
        chosen = candidates[-1] if candidates else None
    if chosen is None:
        return None
    return Frame(chosen.filename, chosen.lineno or 0, chosen.name, (chosen.line or "").strip())


def _source_file(handler: Any) -> Path | None:
    target = inspect.unwrap(handler) if callable(handler) else handler
    target = getattr(target, "func", target)  # functools.partial
    if not (inspect.isfunction(target) or inspect.ismethod(target) or inspect.isclass(target)):
        target = type(target)
    try:
        source = inspect.getsourcefile(target)
    except TypeError:
        return None
    return Path(source).resolve() if source else None


def exit_reason(exc: SystemExit) -> str:
    """``exited with N``: the status ``sys.exit(code)`` would end the process with."""
    code = exc.code
    status = 0 if code is None else code if isinstance(code, int) else 1
    return f"exited with {status}"


def handler_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` without the tool's own frames (the handler runner's), as
    text; empty if formatting it fails (a hostile ``__str__``)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        tb = tb.tb_next
    try:
        return "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        return ""
