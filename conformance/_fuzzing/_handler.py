"""Run a user's webhook handler on deliveries, with a per-delivery deadline.

The handler runs in one long-lived daemon worker thread (with its own asyncio event
loop for async handlers), so module state and loop-bound objects persist across
deliveries as they would in production, and a handler stuck past the deadline is
reported instead of hanging the tool. A stuck async handler is cancelled; a stuck sync
handler's thread cannot be killed in Python, so it is abandoned (it is a daemon thread
and dies with the process) and later deliveries go to a fresh worker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import os
import queue
import sys
import sysconfig
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Literal

from .._errors import ConformanceError, InputError

Kind = Literal["exception", "timeout"]
DEFAULT_DEADLINE = 5.0


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
    ``frame`` the handler's line, ``kind`` ``'exception'`` or ``'timeout'``. ``case`` and
    ``path`` are filled in by ``fuzz`` (the fuzz case that owns the failure, see
    ``FuzzCase.owner``, and the saved replay file).
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
    ) -> None:
        self.kind: Kind = kind
        self.deliveries = list(deliveries)
        self.index = index
        self.delivery: dict[str, Any] = self.deliveries[index]
        event = self.delivery.get("type") if isinstance(self.delivery, dict) else None
        self.exception = exception
        self.frame = frame
        self.deadline = deadline
        self.case: str | None = None
        self.path: Path | None = None
        #: Set when the case reporting it does not own it: the owner (None: unknown)
        #: and why it is reported here anyway (the plain-counterpart evidence).
        self.owner: str | None = None
        self.evidence: str | None = None
        super().__init__(self.summary, event=str(event) if event is not None else None)

    @property
    def summary(self) -> str:
        """One line: what went wrong, and where in the handler."""
        if self.kind == "timeout":
            what = f"handler still running after the {self.deadline:g} s deadline"
        else:
            what = describe_exception(self.exception)
        return what + (f" (at {self.frame})" if self.frame else "")

    @property
    def key(self) -> tuple[str, ...]:
        """What makes two failures the same bug: kind, exception type, handler line."""
        exc_type = "" if self.exception is None else _qualname(type(self.exception))
        where = ("", "") if self.frame is None else (self.frame.filename, str(self.frame.lineno))
        return (self.kind, exc_type, *where)


def describe_exception(exc: BaseException | None) -> str:
    """``TypeName: message`` (just the type name if the message is empty)."""
    if exc is None:
        return "timeout"
    text = str(exc)
    if isinstance(exc, KeyError) and exc.args:
        text = repr(exc.args[0])
    name = _qualname(type(exc))
    return f"{name}: {text}" if text else name


def _qualname(cls: type) -> str:
    module = cls.__module__
    return (
        cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"
    )


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


def _frames_of_traceback(tb: TracebackType | None) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(tb))


def _frames_of_stack(frame: FrameType | None) -> list[traceback.FrameSummary]:
    return list(traceback.extract_stack(frame)) if frame is not None else []


# -- the worker -------------------------------------------------------------------------

_Job = tuple[Callable[[Any], Any], Any, "concurrent.futures.Future[Any]"]


class _Worker:
    """A daemon thread with an event loop that runs one handler call at a time."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[Any] | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="conformance-handler", daemon=True)
        self.thread.start()
        self.ready.wait()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        self.ready.set()
        while True:
            job = self.jobs.get()
            if job is None:
                break
            func, arg, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                result = func(arg)
                if inspect.isawaitable(result):
                    self.task = loop.create_task(_awaited(result))
                    try:
                        result = loop.run_until_complete(self.task)
                    finally:
                        self.task = None
                done.set_result(result)
            except BaseException as exc:
                done.set_exception(exc)
        loop.close()

    def submit(self, func: Callable[[Any], Any], arg: Any) -> concurrent.futures.Future[Any]:
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.jobs.put((func, arg, done))
        return done

    def cancel_async(self, grace: float) -> bool:
        """Cancel a running coroutine; True if the worker became free within ``grace``."""
        task, loop = self.task, self.loop
        if task is None or loop is None:
            return False
        loop.call_soon_threadsafe(task.cancel)
        return _wait_idle(self, grace)

    def stop(self) -> None:
        self.jobs.put(None)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _wait_idle(worker: _Worker, grace: float) -> bool:
    probe = worker.submit(lambda _: None, None)
    try:
        probe.result(timeout=grace)
    except concurrent.futures.TimeoutError:
        return False
    return True


_LOCK = threading.Lock()
_CURRENT: list[_Worker] = []


def _worker() -> _Worker:
    if not _CURRENT or not _CURRENT[0].thread.is_alive():
        _CURRENT[:] = [_Worker()]
    return _CURRENT[0]


def _abandon(worker: _Worker) -> None:
    if _CURRENT and _CURRENT[0] is worker:
        _CURRENT.clear()


def to_json_copy(delivery: Any) -> str:
    """Serialize a delivery (fails with ``InputError`` if it is not plain JSON)."""
    try:
        return json.dumps(delivery, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"a delivery is not plain JSON: {exc}") from None


def check_handler(
    handler: Callable[[dict[str, Any]], Any],
    deliveries: Sequence[dict[str, Any]],
    *,
    deadline: float | None = DEFAULT_DEADLINE,
) -> None:
    """Hand each delivery (a fresh parsed copy) to ``handler`` in order.

    ``handler`` may be sync or async (or return an awaitable). Raises ``HandlerFailure``
    on the first delivery it raises on (anything, AssertionError and SystemExit
    included) or does not finish within ``deadline`` seconds (None: no deadline).
    """
    if not callable(handler):
        raise InputError(f"the handler must be callable, not {type(handler).__name__}")
    texts = [to_json_copy(d) for d in deliveries]
    with _LOCK:
        for index, text in enumerate(texts):
            worker = _worker()
            future = worker.submit(handler, json.loads(text))
            finished, _ = concurrent.futures.wait([future], timeout=deadline)
            if not finished:
                stack = _frames_of_stack(sys._current_frames().get(worker.thread.ident or -1))
                frame = pick_frame(stack, handler)
                if not worker.cancel_async(grace=min(1.0, deadline or 1.0)):
                    _abandon(worker)
                raise HandlerFailure(
                    kind="timeout",
                    deliveries=[json.loads(t) for t in texts[: index + 1]],
                    index=index,
                    exception=None,
                    frame=frame,
                    deadline=deadline,
                )
            exc = future.exception()
            if exc is None:
                continue
            if isinstance(exc, KeyboardInterrupt):
                raise exc
            frame = pick_frame(_frames_of_traceback(exc.__traceback__), handler)
            raise HandlerFailure(
                kind="exception",
                deliveries=[json.loads(t) for t in texts[: index + 1]],
                index=index,
                exception=exc,
                frame=frame,
            ) from exc
