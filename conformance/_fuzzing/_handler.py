"""Run a user's webhook handler on deliveries, with a per-delivery deadline.

``check_handler`` is the one call the runner, the ownership rule and the pytest plugin
use. By default (``isolation="process"``) the handler runs in a killable worker process
(see ``_worker.py``); ``isolation="thread"`` runs it in this process, in one long-lived
daemon worker thread, which this module implements.

In the thread mode the handler has its own asyncio event loop for async handlers, so
module state and loop-bound objects persist across deliveries as they would in
production, and a handler stuck past the deadline is reported instead of hanging the
tool. A stuck async handler is cancelled; a stuck sync handler's thread cannot be killed
in Python, so it is abandoned (it is a daemon thread and dies with the process) and later
deliveries go to a fresh worker. The thread mode cannot protect the tool from a handler
that exits the process, crashes it, forks, exhausts memory, floods the terminal or keeps
the GIL busy: that is what the process mode is for.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from types import FrameType, TracebackType
from typing import Any

from .._errors import InputError
from ._failure import (
    Frame,
    HandlerFailure,
    Kind,
    RemoteException,
    describe_exception,
    exception_text,
    exception_type_name,
    exit_reason,
    pick_frame,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "Frame",
    "HandlerFailure",
    "Kind",
    "RemoteException",
    "check_handler",
    "describe_exception",
    "exception_text",
    "exception_type_name",
    "exit_reason",
    "pick_frame",
    "to_json_copy",
]

DEFAULT_DEADLINE = 5.0


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
        from ._worker import deliver

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
                result = deliver(func, arg) if arg is not _PROBE else None
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


_PROBE = object()


def _wait_idle(worker: _Worker, grace: float) -> bool:
    probe = worker.submit(lambda _: None, _PROBE)
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
    isolation: str | None = None,
    observe: Callable[[dict[str, Any]], Any] | None = None,
) -> None:
    """Hand each delivery (a fresh parsed copy) to ``handler`` in order.

    ``handler`` may be sync or async (or return an awaitable), or a ``Handler`` (a
    callable or target spec with its isolation settings). Raises ``HandlerFailure`` on
    the first delivery it raises on (anything, AssertionError and SystemExit included),
    does not finish within ``deadline`` seconds (None: no deadline), or, in a worker
    process, ends, crashes, forks or goes past a limit on.

    ``isolation`` (``"process"`` or ``"thread"``) overrides the handler's own setting
    (a ``Handler``'s, else the default ``"process"`` where ``os.fork`` exists).

    ``observe``, when given, is the usage recorder's hook. In thread mode it receives
    each fresh copy and returns what the handler gets instead (a look-alike that logs
    reads); in process mode it must be a usage ``Recorder``: the worker wraps each
    delivery itself and sends the logs back, which are added to it.
    """
    from ._worker import Handler, handler_for

    if not callable(handler):
        raise InputError(f"the handler must be callable, not {type(handler).__name__}")
    texts = [to_json_copy(d) for d in deliveries]
    if not texts:
        return
    runner = handler if isinstance(handler, Handler) else None
    if runner is None or (isolation is not None and isolation != runner.isolation):
        runner = handler_for(handler, isolation)
    with _LOCK:
        if runner.isolation == "process":
            runner.run_in_process(texts, deadline, recorder=_recorder_of(observe))
        else:
            _check_in_thread(runner.func, texts, deadline, observe)


def _recorder_of(observe: Callable[[dict[str, Any]], Any] | None) -> Any:
    """The usage recorder behind ``observe`` (process mode can only send logs back)."""
    if observe is None:
        return None
    if not callable(getattr(observe, "add", None)):
        raise InputError("in process isolation, observe must be a usage Recorder")
    return observe


def _check_in_thread(
    handler: Callable[[dict[str, Any]], Any],
    texts: Sequence[str],
    deadline: float | None,
    observe: Callable[[dict[str, Any]], Any] | None = None,
) -> None:
    """The thread mode of ``check_handler`` (the caller holds ``_LOCK``)."""
    for index, text in enumerate(texts):
        worker = _worker()
        fresh = json.loads(text)
        future = worker.submit(handler, fresh if observe is None else observe(fresh))
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
            kind="exit" if isinstance(exc, SystemExit) else "exception",
            detail=exit_reason(exc) if isinstance(exc, SystemExit) else None,
            deliveries=[json.loads(t) for t in texts[: index + 1]],
            index=index,
            exception=exc,
            frame=frame,
        ) from exc
