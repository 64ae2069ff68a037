"""Run a handler in a worker process the tool can kill.

A worker is forked from the tool (``os.fork``: a plain callable is simply there in the
child; a ``module:callable`` target is imported in the child, never in the tool). It
serves delivery sequences until it dies or is killed:

- one round trip per delivery sequence: the tool writes the sequence's JSON text on a
  pipe; the worker answers with one small JSON message (``ok`` or the failure);
- the per-delivery deadline is kept by the tool from a shared-memory record of which
  delivery the worker is on and since when, so passing costs no extra messages;
- on a timeout the tool asks the worker for its stack (SIGUSR1), then kills the
  worker's whole process group; any exit, signal, fork, memory-limit or output-limit
  failure is reported with its kind and the next sequence gets a fresh worker;
- the worker's stdout/stderr go to a pipe the tool drains into a bounded tail (a flood
  past the limit is a failure), its stdin is /dev/null, and inherited pipes and
  terminals are closed, so nothing the handler or its children do can hold the tool's
  output open.

Module state and the worker's one asyncio event loop persist across deliveries until
the worker is replaced: after any failure other than an ordinary exception.

``deliver`` is the one place a delivery is handed to the handler (in both modes).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import collections
import contextlib
import ctypes
import faulthandler
import inspect
import io
import json
import mmap
import os
import pickle
import re
import resource
import selectors
import signal
import stat
import struct
import sys
import time
import traceback
import warnings
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Literal, NoReturn

from .._errors import UsageError
from ._failure import (
    Frame,
    HandlerFailure,
    RemoteException,
    _qualname,
    exception_text,
    exit_reason,
    handler_traceback,
    pick_frame,
)

Isolation = Literal["thread", "process"]
ISOLATIONS: tuple[str, ...] = ("process", "thread")
#: Process isolation needs ``os.fork``; elsewhere (Windows) handlers run in a thread.
DEFAULT_ISOLATION: Isolation = "process" if hasattr(os, "fork") else "thread"
#: Address space (MiB) a worker may add to what it had when it started; 0: no limit.
DEFAULT_MEMORY_LIMIT = 4096
#: Bytes of stdout/stderr a worker may write per delivery sequence.
DEFAULT_OUTPUT_LIMIT = 16 * 2**20
#: Seconds a worker may take to import its target.
IMPORT_TIMEOUT = 60.0
#: Seconds a timed-out worker is given to report where it is stuck before it is killed.
STACK_GRACE = 2.0
#: Bytes of the worker's latest output kept (enough for a crash dump of 100 frames).
_OUTPUT_TAIL = 64 * 1024
#: Bytes of it a failure carries for the report.
_OUTPUT_SHOWN = 4096
_HEADER = struct.Struct("!I")
_SLOT = struct.Struct("qqq")  # sequence number, delivery index, start (monotonic ns)
_MAX_MESSAGE = 64 * 2**20
_MAX_PICKLE = 2**20
#: Seconds the tool polls for an answer before it sleeps until one comes.
_SPIN = 0.001


def deliver(handler: Callable[[dict[str, Any]], Any], delivery: dict[str, Any]) -> Any:
    """Hand one parsed delivery to the handler and return what it returns.

    The single place, in the worker process and in the thread mode alike, where the
    handler gets a delivery: a hook that wraps deliveries (recording which fields the
    handler reads) belongs here.
    """
    return handler(delivery)


# -- the handler object -----------------------------------------------------------------


class Handler:
    """A handler (a callable or a ``module:callable`` target) and how to run it.

    ``isolation`` is ``"process"`` (a killable worker process, the default) or
    ``"thread"`` (in this process); ``memory_limit`` is the address space in MiB a
    worker may add to its size at start (0: none); ``output_limit`` the bytes of
    stdout/stderr it may write per delivery sequence. Calling a ``Handler`` calls the
    handler in this process (it imports a target here if needed).
    """

    def __init__(
        self,
        target: Callable[[dict[str, Any]], Any] | str,
        *,
        isolation: str | None = None,
        memory_limit: int | None = None,
        output_limit: int | None = None,
    ) -> None:
        self.isolation: Isolation = check_isolation(isolation)
        self.memory_limit = check_memory_limit(memory_limit)
        self.output_limit = DEFAULT_OUTPUT_LIMIT if output_limit is None else output_limit
        self.spec = target if isinstance(target, str) else None
        if self.spec is None and not callable(target):
            raise UsageError(
                f"Expected a callable or a 'module:callable' target, but got {target!r} "
                f"(type={type(target).__name__})"
            )
        self._func: Callable[[dict[str, Any]], Any] | None = None if self.spec else target  # type: ignore[assignment]
        self._worker: _ProcessWorker | None = None
        _HANDLERS.add(self)

    @property
    def name(self) -> str:
        """The target spec, or ``module:qualname`` of the callable."""
        if self.spec is not None:
            return self.spec
        func = self._func
        module = getattr(func, "__module__", None) or ""
        name = getattr(func, "__qualname__", None) or type(func).__qualname__
        return f"{module}:{name}" if module else str(name)

    @property
    def func(self) -> Callable[[dict[str, Any]], Any]:
        """The callable, imported into this process if it is a target."""
        if self._func is None:
            from ._target import load_target

            self._func = load_target(self.spec or "")
        return self._func

    def __call__(self, delivery: dict[str, Any]) -> Any:
        return self.func(delivery)

    def load(self) -> None:
        """Import the target now (in a worker in process mode): ``UsageError`` if it
        cannot be imported, exits, crashes or is not callable."""
        if self.isolation == "thread":
            self.func  # noqa: B018 - imports it
        else:
            self._live_worker()

    def run_in_process(
        self, texts: Sequence[str], deadline: float | None, *, recorder: Any = None
    ) -> None:
        """Run one delivery sequence (JSON texts) in the worker; ``HandlerFailure``.

        With a usage ``recorder``, the worker records what the handler reads of each
        delivery and the logs are added to it (those of a sequence whose worker dies or
        times out are lost with it).
        """
        worker = self._live_worker()
        try:
            worker.run(texts, deadline, recorder)
        except HandlerFailure as failure:
            if failure.kind != "exception":
                self.close()
            raise
        except BaseException:
            self.close()  # a KeyboardInterrupt in the tool: leave no worker behind
            raise

    def close(self) -> None:
        """Kill the worker process, if any (the next run starts a fresh one)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()

    def _live_worker(self) -> _ProcessWorker:
        if self._worker is None or not self._worker.alive:
            self.close()
            self._worker = _ProcessWorker.start(self)
        return self._worker

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


_HANDLERS: weakref.WeakSet[Handler] = weakref.WeakSet()
_PLAIN: collections.OrderedDict[tuple[int, str], tuple[Any, Handler]] = collections.OrderedDict()


def handler_for(handler: Callable[[dict[str, Any]], Any], isolation: str | None) -> Handler:
    """A ``Handler`` for a plain callable, reused for the same callable (so its worker
    and the state in it persist across ``check_handler`` calls)."""
    if isinstance(handler, Handler):
        if isolation is None or isolation == handler.isolation:
            return handler
        key = (id(handler), check_isolation(isolation))
        target: Any = handler.spec if handler.spec is not None else handler.func
        limits = {"memory_limit": handler.memory_limit, "output_limit": handler.output_limit}
    else:
        key = (id(handler), check_isolation(isolation))
        target, limits = handler, {}
    entry = _PLAIN.get(key)
    if entry is not None and entry[0] is handler:
        _PLAIN.move_to_end(key)
        return entry[1]
    runner = Handler(target, isolation=key[1], **limits)
    _PLAIN[key] = (handler, runner)
    while len(_PLAIN) > 8:
        _, (_, old) = _PLAIN.popitem(last=False)
        old.close()
    return runner


def check_isolation(value: str | None) -> Isolation:
    """``value`` as an isolation mode (None: the default); ``UsageError`` otherwise."""
    if value is None:
        return DEFAULT_ISOLATION
    if value == "process":
        if not hasattr(os, "fork"):
            raise UsageError("isolation 'process' needs os.fork, which this platform lacks")
        return "process"
    if value == "thread":
        return "thread"
    raise UsageError(f"unknown isolation {value!r}: use process or thread")


def check_memory_limit(value: int | None) -> int:
    """A memory limit in MiB (None: the default, 0: none); ``UsageError`` otherwise."""
    if value is None:
        return DEFAULT_MEMORY_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(
            f"Expected memory_limit to be a whole number of MiB >= 0, but got {value!r}"
        )
    return value


@atexit.register
def _close_all() -> None:
    for handler in list(_HANDLERS):
        with contextlib.suppress(Exception):
            handler.close()


# -- the tool's side --------------------------------------------------------------------


class _Died(Exception):
    """The worker ended (or broke the protocol) while it had work."""


@dataclass
class _ProcessWorker:
    """The tool's handle on one worker process: its pid, pipes and shared record."""

    pid: int
    requests: int  # write end
    results: int  # read end
    output: int  # read end
    slot: mmap.mmap
    handler: Handler
    pidfd: int | None = None
    selector: selectors.BaseSelector = field(default_factory=selectors.DefaultSelector)
    inbox: bytearray = field(default_factory=bytearray)
    tail: collections.deque[bytes] = field(default_factory=collections.deque)
    tail_size: int = 0
    written: int = 0
    sequence: int = 0
    status: int | None = None
    closed: bool = False
    parent: int = field(default_factory=os.getpid)

    @classmethod
    def start(cls, handler: Handler) -> _ProcessWorker:
        """Fork a worker for ``handler`` and wait until it has loaded the handler."""
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        slot = mmap.mmap(-1, _SLOT.size)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()  # buffered text must not be written twice
        with warnings.catch_warnings():
            # Python 3.12+ warns when forking with threads; the child runs only code of
            # ours (and the handler) and never touches the parent's locks or streams.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; it never returns
            try:
                os.close(req_w)
                os.close(res_r)
                os.close(out_r)
                _child_main(handler, req_r, res_w, out_w, slot)
            finally:
                os._exit(70)
        for fd in (req_r, res_w, out_w):
            os.close(fd)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # the child does it too; whichever runs first wins
        os.set_blocking(out_r, False)
        os.set_blocking(res_r, False)
        worker = cls(pid, req_w, res_r, out_r, slot, handler)
        with contextlib.suppress(AttributeError, OSError):
            worker.pidfd = os.pidfd_open(pid)
        worker.selector.register(res_r, selectors.EVENT_READ, "results")
        worker.selector.register(out_r, selectors.EVENT_READ, "output")
        if worker.pidfd is not None:
            worker.selector.register(worker.pidfd, selectors.EVENT_READ, "exit")
        worker._ready()
        return worker

    def _ready(self) -> None:
        spec = self.handler.spec
        what = f"target {spec!r}" if spec else f"handler {self.handler.name}"
        try:
            message = self._receive(time.monotonic() + IMPORT_TIMEOUT)
        except (_Died, _OutputFlood):
            self.kill()
            raise UsageError(
                f"{what}: the worker process {self._status_text()} while importing it"
                + _last_line(self.output_text())
            ) from None
        if message is None:
            self.kill()
            raise UsageError(f"{what}: importing it took longer than {IMPORT_TIMEOUT:g} s")
        if message.get("t") != "ready":
            self.kill()
            raise UsageError(str(message.get("error") or f"{what}: cannot be loaded"))

    @property
    def alive(self) -> bool:
        """Whether the process is still running (reaps it if not)."""
        if self.status is not None or os.getpid() != self.parent:
            return False
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.status = -1
            return False
        if pid == 0:
            return True
        self.status = status
        self.kill()  # its children, if any, go with it
        return False

    def run(self, texts: Sequence[str], deadline: float | None, recorder: Any = None) -> None:
        """Run one delivery sequence; raise ``HandlerFailure`` on any failure."""
        self.sequence += 1
        self.written = 0
        payload = ("[" + ",".join(texts) + "]").encode()
        if recorder is not None:
            payload = b'{"track":true,"deliveries":' + payload + b"}"
        sent = time.monotonic_ns()
        try:
            _write_message(self.requests, payload)
            message = self._wait(deadline, sent)
        except _Died:
            self._fail_died(texts)
        except _OutputFlood:
            self._fail(
                texts, "output", detail="output limit", limit=_mib(self.handler.output_limit)
            )
        if message is None:
            self._fail_timeout(texts, deadline)
        reissue_warnings(message.get("warnings") or ())
        if recorder is not None:
            for log in message.get("usage") or ():
                recorder.add(log)
        if message.get("t") == "ok":
            return
        self._fail_reported(texts, message)

    # -- waiting ------------------------------------------------------------------------

    def _current(self, sent: int) -> tuple[int, int]:
        """(index of the delivery the worker is on, when it started it, ns)."""
        for _ in range(3):
            first = _SLOT.unpack_from(self.slot, 0)
            if first == _SLOT.unpack_from(self.slot, 0):
                break
        sequence, index, started = first
        if sequence != self.sequence:
            return 0, sent
        return index, started

    def _wait(self, deadline: float | None, sent: int) -> dict[str, Any] | None:
        """The worker's answer to the current sequence; None once a delivery is late."""
        while True:
            timeout: float | None = None
            if deadline is not None:
                _, started = self._current(sent)
                timeout = started / 1e9 + deadline - time.monotonic()
                if timeout <= 0:
                    return None
            message = self._receive(None if timeout is None else time.monotonic() + timeout)
            if message is not None:
                if message.get("t") == "stack":
                    continue  # a late answer to an earlier stack request
                return message

    def _receive(self, until: float | None) -> dict[str, Any] | None:
        """The next message from the worker, or None at ``until`` (monotonic seconds)."""
        # Most handlers answer within a millisecond: polling that long before sleeping
        # saves a scheduler wake-up per sequence, which on a loaded machine costs more
        # than the handler (errors are left to the loop below).
        spin_until = time.monotonic() + _SPIN
        while not self._parse_peek() and time.monotonic() < spin_until:
            with contextlib.suppress(_Died):
                self._read_results()
        while True:
            message = self._parse()
            if message is not None:
                return message
            timeout = None if until is None else until - time.monotonic()
            if timeout is not None and timeout <= 0:
                return None
            if self.pidfd is None:
                timeout = 0.05 if timeout is None else min(timeout, 0.05)
            for key, _ in self.selector.select(timeout):
                if key.data == "output":
                    self._drain_output()
                elif key.data == "results":
                    self._read_results()
                elif key.data == "exit":
                    self._read_results()
                    if self._parse_peek():
                        continue
                    raise _Died
            if self.pidfd is None and not self.alive:
                self._read_results()
                if not self._parse_peek():
                    raise _Died

    def _read_results(self) -> None:
        while True:
            try:
                chunk = os.read(self.results, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                raise _Died from None
            if not chunk:
                if not self._parse_peek():
                    raise _Died
                return
            self.inbox += chunk

    def _parse_peek(self) -> bool:
        if len(self.inbox) < _HEADER.size:
            return False
        size: int = _HEADER.unpack_from(self.inbox, 0)[0]
        return len(self.inbox) >= _HEADER.size + size

    def _parse(self) -> dict[str, Any] | None:
        if not self._parse_peek():
            if (
                len(self.inbox) >= _HEADER.size
                and _HEADER.unpack_from(self.inbox)[0] > _MAX_MESSAGE
            ):
                raise _Died
            return None
        (size,) = _HEADER.unpack_from(self.inbox, 0)
        body = bytes(self.inbox[_HEADER.size : _HEADER.size + size])
        del self.inbox[: _HEADER.size + size]
        try:
            message = json.loads(body)
        except ValueError:
            raise _Died from None  # something else wrote on the tool's pipe
        if not isinstance(message, dict):
            raise _Died
        return message

    def _drain_output(self) -> None:
        while True:
            try:
                chunk = os.read(self.output, 1 << 16)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                # Every writer is gone: stop watching (once; later drains find EOF again).
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self.selector.unregister(self.output)
                return
            self.written += len(chunk)
            self.tail.append(chunk)
            self.tail_size += len(chunk)
            while self.tail_size - len(self.tail[0]) >= _OUTPUT_TAIL:
                self.tail_size -= len(self.tail.popleft())
            if self.written > self.handler.output_limit:
                raise _OutputFlood

    def output_text(self) -> str:
        """The tail of what the worker wrote (at most a few KB)."""
        with contextlib.suppress(_OutputFlood):
            self._drain_output()
        data = b"".join(self.tail)[-_OUTPUT_TAIL:]
        return data.decode("utf-8", "replace")

    # -- failing ------------------------------------------------------------------------

    def _deliveries(self, texts: Sequence[str], index: int) -> list[dict[str, Any]]:
        return [json.loads(t) for t in texts[: index + 1]]

    def _fail(
        self,
        texts: Sequence[str],
        kind: Any,
        *,
        index: int | None = None,
        detail: str | None = None,
        frame: Frame | None = None,
        deadline: float | None = None,
        limit: str | None = None,
    ) -> NoReturn:
        if index is None:
            index = self._current(0)[0]
        index = max(0, min(index, len(texts) - 1))
        output = _without_tool_frames(self.output_text())[-_OUTPUT_SHOWN:]
        self.kill()
        raise HandlerFailure(
            kind=kind,
            deliveries=self._deliveries(texts, index),
            index=index,
            exception=None,
            frame=frame,
            deadline=deadline,
            detail=detail,
            output=output,
            limit=limit,
        )

    def _fail_timeout(self, texts: Sequence[str], deadline: float | None) -> NoReturn:
        index = self._current(0)[0]
        frame = None
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGUSR1)
            until = time.monotonic() + STACK_GRACE
            with contextlib.suppress(_Died, _OutputFlood):
                while (message := self._receive(until)) is not None:
                    if message.get("t") == "stack":
                        frame = _frame_from(message.get("frame"))
                        break
        self._fail(texts, "timeout", index=index, frame=frame, deadline=deadline)

    def _fail_died(self, texts: Sequence[str]) -> NoReturn:
        self.kill()
        status = self.status if self.status is not None and self.status >= 0 else None
        frame = _frame_from_faulthandler(self.output_text())
        if status is not None and os.WIFSIGNALED(status):
            self._fail(texts, "signal", detail=self._status_text(), frame=frame)
        self._fail(texts, "exit", detail=self._status_text(), frame=frame)

    def _fail_reported(self, texts: Sequence[str], message: dict[str, Any]) -> NoReturn:
        index = int(message.get("index", 0))
        index = max(0, min(index, len(texts) - 1))
        kind = message.get("kind", "exception")
        frame = _frame_from(message.get("frame"))
        if kind != "exception":
            limit = _mib(self.handler.memory_limit * 2**20) if kind == "memory" else None
            self._fail(texts, kind, index=index, detail=message.get("detail"), frame=frame,
                       limit=limit)  # fmt: skip
        exception = _rebuild_exception(message)
        raise HandlerFailure(
            kind="exception",
            deliveries=self._deliveries(texts, index),
            index=index,
            exception=exception,
            frame=frame,
            traceback_text=message.get("traceback"),
        )

    def _status_text(self) -> str:
        status = self.status
        if status is None or status < 0:
            return "ended"
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                return f"killed by {signal.Signals(number).name}"
            except ValueError:
                return f"killed by signal {number}"
        return f"exited with {os.WEXITSTATUS(status)}"

    def kill(self) -> None:
        """Kill the worker and everything it started in its process group; reap it.

        Runs once: the group is signalled before the tool reaps the worker or right
        after (a group id is not reused while any member lives), never later."""
        if self.closed or os.getpid() != self.parent:
            return  # a copy inherited by a worker is not that worker's to kill
        self.closed = True
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.status is None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            try:
                _, self.status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                self.status = -1
        with contextlib.suppress(_OutputFlood):
            self._drain_output()
        with contextlib.suppress(Exception):
            self.selector.close()
        for fd in (self.requests, self.results, self.output, self.pidfd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.requests = self.results = self.output = -1
        self.pidfd = None


class _OutputFlood(Exception):
    """The worker wrote more than its output limit."""


def _mib(value: int) -> str:
    return f"{value / 2**20:g} MiB" if value >= 2**20 else f"{value} bytes"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f" ({lines[-1][:200]})" if lines else ""


def _write_message(fd: int, body: bytes) -> None:
    data = memoryview(_HEADER.pack(len(body)) + body)
    while data:
        try:
            written = os.write(fd, data)
        except OSError:
            raise _Died from None
        data = data[written:]


def _frame_from(value: Any) -> Frame | None:
    if not isinstance(value, list) or len(value) != 4:
        return None
    filename, lineno, function, line = value
    return Frame(str(filename), int(lineno), str(function), str(line))


_FAULT_LINE = re.compile(r'^\s*File "(?P<file>.+)", line (?P<line>\d+) in (?P<func>\S+)')


def _frame_from_faulthandler(output: str) -> Frame | None:
    """The innermost user frame of a faulthandler dump (written on a crash)."""
    from ._failure import _is_user_file

    if "Fatal Python error" not in output:
        return None
    dump = output[output.rindex("Fatal Python error") :]
    for line in dump.splitlines():  # most recent call first
        match = _FAULT_LINE.match(line)
        if match and _is_user_file(match["file"]):
            return Frame(match["file"], int(match["line"]), match["func"], _source_line(match))
    return None


def _without_tool_frames(output: str) -> str:
    """The output without a crash dump's frames of the tool and libraries (the worker
    was forked from the tool, so its stack starts with the tool's own frames)."""
    from ._failure import _is_user_file

    lines = output.splitlines(keepends=True)
    kept = [
        line
        for line in lines
        if not ((match := _FAULT_LINE.match(line)) and not _is_user_file(match["file"]))
    ]
    return "".join(kept)


def _source_line(match: re.Match[str]) -> str:
    import linecache

    return linecache.getline(match["file"], int(match["line"])).strip()


class _SafeUnpickler(pickle.Unpickler):
    """Rebuilds only exceptions whose classes are already loaded in the tool: the
    handler's own modules are never imported here."""

    def find_class(self, module: str, name: str) -> Any:
        if module not in sys.modules or module.startswith("_conformance_target_"):
            raise pickle.UnpicklingError(f"{module}.{name} is not loaded here")
        return super().find_class(module, name)


def _rebuild_exception(message: dict[str, Any]) -> BaseException:
    type_name = str(message.get("type") or "Exception")
    text = str(message.get("text") or "")
    data = message.get("pickle")
    if isinstance(data, str):
        try:
            exc = _SafeUnpickler(io.BytesIO(base64.b64decode(data))).load()
        except Exception:  # anything that does not rebuild: the stand-in
            exc = None
        if isinstance(exc, BaseException) and _qualname(type(exc)) == type_name:
            return exc
    return RemoteException(type_name, text)


# -- the worker's side ------------------------------------------------------------------


@dataclass
class _State:
    pid: int
    requests: int
    results: int
    slot: mmap.mmap
    handler: Callable[[dict[str, Any]], Any] | None = None
    memory_limit: int = 0
    in_handler: bool = False
    task: asyncio.Task[Any] | None = None
    fork_frame: Frame | None = None
    forked: bool = False


_STATE: _State | None = None


def _stream(fd: int, mode: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.FileIO(fd, mode, closefd=False), encoding="utf-8", errors="backslashreplace"
    )


def _child_main(handler: Handler, req_r: int, res_w: int, out_w: int, slot: mmap.mmap) -> None:
    """The worker process: set up, load the handler, then serve until EOF."""
    global _STATE  # noqa: PLW0603 - one worker state per process, set once here
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own group: killable as a whole, deaf to the terminal's ^C
    _die_with_parent()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    _close_inherited_streams(keep={0, 1, 2, req_r, res_w})
    # Fresh stream objects: the inherited ones may wrap the tool's (now closed) output
    # or be locked by a thread of the tool that does not exist in this process.
    sys.stdin = _stream(0, "r")
    sys.stdout = _stream(1, "w")
    sys.stderr = _stream(2, "w")
    sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr  # type: ignore[misc]
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGUSR1, _on_stack_request)
    faulthandler.enable(file=sys.stderr, all_threads=False)
    state = _State(os.getpid(), req_r, res_w, slot, memory_limit=handler.memory_limit)
    _STATE = state
    os.register_at_fork(after_in_parent=_after_fork_in_worker, after_in_child=_after_fork_in_child)
    if handler.memory_limit:
        _limit_memory(handler.memory_limit)
    try:
        state.handler = handler.func if handler.spec is None else _load(handler.spec)
    except UsageError as exc:
        _send({"t": "error", "error": str(exc)})
        return
    _send({"t": "ready"})
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    _serve(state, loop)


def _load(spec: str) -> Callable[[dict[str, Any]], Any]:
    from ._target import load_target

    return load_target(spec)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the tool dies, even mid busy-loop."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(0)


def _close_inherited_streams(keep: set[int]) -> None:
    """Close inherited pipes, sockets' siblings and terminals (the tool's output, a
    test runner's channels), so nothing the handler starts can hold them open; regular
    files and sockets a forked callable may still use are kept."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 256))
    for fd in fds:
        if fd in keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            with contextlib.suppress(OSError):
                os.close(fd)


def _limit_memory(mib: int) -> None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return
    limit = size + mib * 2**20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _send(message: dict[str, Any]) -> None:
    assert _STATE is not None
    body = json.dumps(message, ensure_ascii=False, default=str).encode("utf-8", "replace")
    _write_message(_STATE.results, body)


def _serve(state: _State, loop: asyncio.AbstractEventLoop) -> None:
    while True:
        payload = _read_request(state.requests)
        if payload is None:
            return
        request = json.loads(payload)
        tracking = isinstance(request, dict)
        deliveries = request["deliveries"] if tracking else request
        answer: dict[str, Any] = {"t": "ok"}
        logs: list[Any] = []
        # Warnings the handler raises are recorded (under the filters in force, so an
        # "error" filter still makes them raise) and sent back to be re-issued in the
        # tool, where pytest and the CLI show them as they would in thread mode.
        with warnings.catch_warnings(record=True) as caught:
            failure = _run_sequence(state, loop, deliveries, tracking, logs)
        if failure is not None:
            answer = failure
        if caught:
            answer["warnings"] = [_warning_data(w) for w in caught[:_MAX_WARNINGS]]
        if logs:
            answer["usage"] = [log.to_data() for log in logs]
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        _send(answer)


_MAX_WARNINGS = 100


def _warning_data(message: warnings.WarningMessage) -> dict[str, Any]:
    return {
        "category": message.category.__name__,
        "message": exception_text(message.message)
        if isinstance(message.message, BaseException)
        else str(message.message),
        "filename": str(message.filename),
        "lineno": int(message.lineno or 0),
    }


def reissue_warnings(found: Sequence[dict[str, Any]]) -> None:
    """Re-issue in this process the warnings a worker recorded (builtin categories keep
    their class; others become ``UserWarning`` naming theirs)."""
    import builtins

    for item in found:
        name = str(item.get("category", "UserWarning"))
        category = getattr(builtins, name, None)
        text = str(item.get("message", ""))
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category, text = UserWarning, f"{name}: {text}"
        warnings.warn_explicit(
            text, category, str(item.get("filename", "?")), int(item.get("lineno", 0))
        )


def _run_sequence(
    state: _State,
    loop: asyncio.AbstractEventLoop,
    deliveries: Sequence[Any],
    tracking: bool,
    logs: list[Any],
) -> dict[str, Any] | None:
    """Run one sequence in the worker; the failure message, or None if all passed."""
    for index, delivery in enumerate(deliveries):
        # The tool times each delivery from here (the record stays after the last
        # one, so the time until the answer counts against that delivery).
        _SLOT.pack_into(state.slot, 0, _SEQUENCE[0], index, time.monotonic_ns())
        handed = delivery
        if tracking:
            from .._usage import track  # usage recording: wrap, then send the log back

            handed, log = track(delivery)
            logs.append(log)
        failure = _run_one(state, loop, handed, index)
        if failure is not None:
            return failure
    return None


_SEQUENCE = [0]  # requests read so far: the tool counts the same way


def _read_request(fd: int) -> bytes | None:
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    _SEQUENCE[0] += 1
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts = bytearray()
    while len(parts) < size:
        chunk = os.read(fd, size - len(parts))
        if not chunk:
            return None
        parts += chunk
    return bytes(parts)


def _run_one(
    state: _State, loop: asyncio.AbstractEventLoop, delivery: dict[str, Any], index: int
) -> dict[str, Any] | None:
    handler = state.handler
    assert handler is not None
    state.in_handler = True
    try:
        result = deliver(handler, delivery)
        if inspect.isawaitable(result):
            state.task = loop.create_task(_awaited(result))
            try:
                loop.run_until_complete(state.task)
            finally:
                state.task = None
    except BaseException as exc:  # the handler's: everything is reported
        state.in_handler = False
        _leave_if_forked_child(state)
        return _exception_message(state, exc, index)
    finally:
        state.in_handler = False
    _leave_if_forked_child(state)
    if state.forked:
        return {"t": "fail", "index": index, "kind": "fork", "detail": "forked",
                "frame": _frame_list(state.fork_frame)}  # fmt: skip
    return None


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _exception_message(state: _State, exc: BaseException, index: int) -> dict[str, Any]:
    tb = exc.__traceback__
    if isinstance(exc, MemoryError):
        traceback.clear_frames(tb)  # free what the handler held before reporting
    summaries = traceback.extract_tb(tb)
    frame = pick_frame(summaries, state.handler)
    message: dict[str, Any] = {"t": "fail", "index": index, "frame": _frame_list(frame)}
    if state.forked:
        message.update(kind="fork", detail="forked", frame=_frame_list(state.fork_frame or frame))
        return message
    if isinstance(exc, SystemExit):
        message.update(kind="exit", detail=exit_reason(exc))
        return message
    if isinstance(exc, MemoryError) and state.memory_limit:
        message.update(kind="memory", detail="memory limit")
        return message
    message.update(
        kind="exception",
        type=_qualname(type(exc)),
        text=exception_text(exc),
        traceback=handler_traceback(exc),
        pickle=_pickled(exc),
    )
    return message


def _pickled(exc: BaseException) -> str | None:
    try:
        data = pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # unpicklable: the tool uses a stand-in
        return None
    return base64.b64encode(data).decode("ascii") if len(data) <= _MAX_PICKLE else None


def _frame_list(frame: Frame | None) -> list[Any] | None:
    return None if frame is None else [frame.filename, frame.lineno, frame.function, frame.line]


def _on_stack_request(signum: int, frame: FrameType | None) -> None:
    """SIGUSR1 from the tool on a timeout: report where the handler is."""
    state = _STATE
    if state is None or not state.in_handler or os.getpid() != state.pid:
        return
    summaries = list(traceback.extract_stack(frame)) if frame is not None else []
    task = state.task
    if task is not None:
        with contextlib.suppress(Exception):
            coroutine_frames = task.get_stack()
            summaries += list(
                traceback.StackSummary.extract((f, f.f_lineno) for f in coroutine_frames)
            )
    picked = pick_frame(summaries, state.handler)
    with contextlib.suppress(BaseException):
        _send({"t": "stack", "frame": _frame_list(picked)})


def _after_fork_in_worker() -> None:
    state = _STATE
    if state is None or os.getpid() != state.pid:
        return
    state.forked = True
    with contextlib.suppress(Exception):
        state.fork_frame = pick_frame(traceback.extract_stack(sys._getframe(1)), state.handler)


def _after_fork_in_child() -> None:
    """In a child the handler forked: let go of the tool's pipes at once."""
    state = _STATE
    if state is None:
        return
    for fd in (state.requests, state.results):
        with contextlib.suppress(OSError):
            os.close(fd)


def _leave_if_forked_child(state: _State) -> None:
    if os.getpid() != state.pid:
        os._exit(0)  # a forked child came back into the worker's loop: it has no place here
