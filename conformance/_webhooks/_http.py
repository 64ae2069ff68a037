"""Send exact HTTP requests to a WSGI app, an ASGI app or a URL, and save them for replay.

Every transport takes an :class:`HttpRequest` (method, path, header list, raw body) and
returns an :class:`HttpResponse`; nothing re-encodes the body or normalises the headers,
so what a report shows is byte for byte what the receiver got. In-process apps run on a
worker thread (WSGI) or a private event loop (ASGI) so that a slow app can be timed out;
an exception escaping the app becomes a 500, as under a real server, and a 500 the app
rendered itself (Flask, Django) is traced to the exception it logged. Inside
:func:`capture_app_output`, what the app prints or logs while answering a request is kept
with that request's response instead of reaching the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import http.client
import inspect
import io
import logging
import ssl
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urlsplit

from .._errors import InputError, UsageError

AppKind = Literal["wsgi", "asgi"]
#: Seconds an ASGI app's lifespan startup or shutdown may take.
LIFESPAN_TIMEOUT = 10.0
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request exactly as sent: method, path (with query), headers, raw body."""

    method: str
    path: str
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def to_bytes(self) -> bytes:
        """The request as an HTTP/1.1 message (the format :func:`parse_request` reads)."""
        head = f"{self.method} {self.path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in self.headers
        )
        return head.encode("latin-1") + b"\r\n" + self.body

    def describe(self, *, body_limit: int = 2000) -> str:
        """A readable rendering: request line, headers, and the body (escaped if binary)."""
        lines = [f"{self.method} {self.path}", *(f"{k}: {v}" for k, v in self.headers)]
        shown = self.body[:body_limit]
        try:
            text = shown.decode("utf-8")
        except UnicodeDecodeError:
            text = repr(shown)
        more = f" ... ({len(self.body)} bytes)" if len(self.body) > body_limit else ""
        return "\n".join([*lines, "", text + more])


@dataclass(frozen=True)
class HttpResponse:
    """What came back: a status (None if nothing did), headers, body, time and error.

    ``raised`` is the exception behind a 5xx of an in-process app (escaped, or logged by
    the app's framework); ``output`` is what the app printed or logged meanwhile.
    """

    status: int | None
    headers: Headers = ()
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None
    timed_out: bool = False
    raised: str | None = None
    output: str = ""
    #: True when no connection could be made (refused, DNS, TLS handshake): the
    #: receiver was never reached, which is a usage error rather than a finding.
    unreachable: bool = False

    def describe(self, *, body_limit: int = 500) -> str:
        """One line for a report: the status or the error, and the start of the body.

        When the exception behind the status is known, it stands in for the body (an
        error page says less and would repeat it).
        """
        if self.status is None:
            return f"no response: {self.error}"
        if self.raised is not None:
            return f"{self.status} (the app raised {self.raised})"
        text = self.body[:body_limit].decode("utf-8", "replace").strip()
        extra = f" ({self.error})" if self.error else ""
        return f"{self.status}{extra} {text}".rstrip()


# -- the app's own output ---------------------------------------------------------------


@dataclass
class _Captured:
    """What one request's app code printed or logged, and the last exception it logged."""

    parts: list[str] = field(default_factory=list)
    raised: str | None = None

    def text(self) -> str:
        return "".join(self.parts)


_CURRENT: contextvars.ContextVar[_Captured | None] = contextvars.ContextVar(
    "conformance_app_output", default=None
)
_INSTALL_LOCK = threading.Lock()
_SAVED: list[Any] = []  # the replaced streams while installed
_USERS: list[int] = [0]  # nested captures share one installation


class _Redirect:
    """A stand-in for sys.stdout/sys.stderr: writes made while answering a request go to
    that request's capture, all others to the original stream."""

    def __init__(self, original: Any) -> None:
        self.original = original

    def write(self, text: str) -> int:
        captured = _CURRENT.get()
        if captured is None:
            return int(self.original.write(text))
        captured.parts.append(text)
        return len(text)

    def flush(self) -> None:
        if _CURRENT.get() is None:
            self.original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


class _LogCapture(logging.Handler):
    """A root-logger handler that files each record under the request being answered."""

    def emit(self, record: logging.LogRecord) -> None:
        captured = _CURRENT.get()
        if captured is None:
            return
        try:
            captured.parts.append(self.format(record) + "\n")
        except Exception:  # a record that cannot be formatted must not break the run
            captured.parts.append(f"{record.levelname} {record.name}: {record.msg!r}\n")
        if record.exc_info and record.exc_info[1] is not None:
            captured.raised = _exception_line(record.exc_info[1])


_LOG_HANDLER = _LogCapture()
_LOG_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))


@contextlib.contextmanager
def capture_app_output() -> Iterator[None]:
    """While active, in-process apps' prints and log records are kept per request
    (:attr:`HttpResponse.output`) instead of being interleaved with our own output."""
    with _INSTALL_LOCK:
        _USERS[0] += 1
        if _USERS[0] == 1:
            _SAVED[:] = [sys.stdout, sys.stderr]
            sys.stdout, sys.stderr = _Redirect(sys.stdout), _Redirect(sys.stderr)
            logging.getLogger().addHandler(_LOG_HANDLER)
    try:
        yield
    finally:
        with _INSTALL_LOCK:
            _USERS[0] -= 1
            if _USERS[0] == 0:
                logging.getLogger().removeHandler(_LOG_HANDLER)
                # Put back what we replaced, unless someone replaced us meanwhile.
                if isinstance(sys.stdout, _Redirect):
                    sys.stdout = _SAVED[0]
                if isinstance(sys.stderr, _Redirect):
                    sys.stderr = _SAVED[1]


def _exception_line(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _traceback_line(text: str) -> str | None:
    """The exception line closing the last Python traceback in ``text``, if any."""
    marker = "Traceback (most recent call last):"
    if marker not in text:
        return None
    for line in text.rsplit(marker, 1)[1].splitlines()[1:]:
        if line and not line[0].isspace():
            return line.strip()
    return None


def parse_request(raw: bytes, *, source: str = "<request>") -> HttpRequest:
    """Read an HTTP/1.1 request message written by :meth:`HttpRequest.to_bytes`."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise InputError("not an HTTP request: no blank line after the headers", file=source)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise InputError(f"not an HTTP request line: {lines[0]!r}", file=source)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise InputError(f"not a header line: {line!r}", file=source)
        headers.append((name, value.removeprefix(" ")))
    return HttpRequest(parts[0], parts[1], tuple(headers), body)


def load_request(path: str | Path) -> HttpRequest:
    """Read a request saved by a receiver fuzzing report."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    return parse_request(raw, source=str(path))


class Transport(Protocol):
    """Something that delivers an :class:`HttpRequest` and returns the response."""

    description: str

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        """Deliver ``request``; give up after ``timeout`` seconds."""
        ...

    def close(self) -> None:
        """Release threads, loops or connections."""
        ...


def app_kind(app: Any) -> AppKind:
    """Tell an ASGI app (a coroutine function of three arguments) from a WSGI app."""
    if not callable(app):
        raise UsageError(f"Expected a WSGI or ASGI app, but got app={app!r} (not callable)")
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else type(app).__call__
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(app):
        return "asgi"
    try:
        params = [
            p
            for p in inspect.signature(app).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return "wsgi"
    return "asgi" if len(params) == 3 else "wsgi"


def _answer(status: int, headers: Any, body: bytes, started: float, captured: Any) -> HttpResponse:
    """An in-process app's answer, with what it printed and, for a 5xx, the exception
    behind it (frameworks answer 500 with their own page and log the exception: Flask to
    wsgi.errors, Django to a logger; ASGI apps raise it)."""
    raised = None
    if status >= 500:
        raised = captured.raised or _traceback_line(captured.text())
    return HttpResponse(
        status, headers, body, time.perf_counter() - started, raised=raised,
        output=captured.text(),
    )  # fmt: skip


def _server_error(exc: BaseException, started: float, captured: _Captured) -> HttpResponse:
    text = _exception_line(exc)
    return HttpResponse(
        500,
        (("content-type", "text/plain"),),
        b"Internal Server Error",
        time.perf_counter() - started,
        raised=text,
        output=captured.text(),
    )


def _timeout(timeout: float, started: float) -> HttpResponse:
    return HttpResponse(
        None,
        elapsed=time.perf_counter() - started,
        error=f"no answer within {timeout:g} s",
        timed_out=True,
    )


@dataclass
class WSGITransport:
    """Calls a WSGI app in-process with a PEP 3333 environ built from the request."""

    app: Callable[..., Any]
    description: str = "WSGI app"
    server: tuple[str, int] = ("testserver", 80)

    def environ(self, request: HttpRequest) -> dict[str, Any]:
        """The WSGI environ for ``request``."""
        path, _, query = request.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": self.server[0],
            "SERVER_PORT": str(self.server[1]),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers:
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _call(self, request: HttpRequest, errors: io.StringIO) -> tuple[int, Headers, bytes]:
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"] = status
            captured["headers"] = tuple(headers)
            written: bytearray = captured.setdefault("written", bytearray())
            return written.extend

        environ = self.environ(request)
        environ["wsgi.errors"] = errors
        result = self.app(environ, start_response)
        chunks: list[bytes] = []
        try:
            for chunk in result:
                chunks.append(bytes(chunk))
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if "status" not in captured:
            raise RuntimeError("the WSGI app returned without calling start_response")
        body = bytes(captured.get("written", b"")) + b"".join(chunks)
        return int(str(captured["status"]).split()[0]), captured["headers"], body

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        """Run the app on a daemon thread; stop waiting after ``timeout`` seconds."""
        started = time.perf_counter()
        future: Future[tuple[int, Headers, bytes]] = Future()
        captured = _Captured()
        errors = io.StringIO()

        def work() -> None:
            _CURRENT.set(captured)  # a fresh thread: this context is the request's own
            try:
                future.set_result(self._call(request, errors))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=work, daemon=True, name="conformance-wsgi").start()
        try:
            status, headers, body = future.result(timeout)
        except FutureTimeout:
            return _timeout(timeout, started)
        except Exception as exc:
            return _server_error(exc, started, captured)
        logged = errors.getvalue()
        if logged:
            captured.parts.append(logged)
        return _answer(status, headers, body, started, captured)

    def close(self) -> None:
        """Nothing to release."""


@dataclass
class ASGITransport:
    """Calls an ASGI 3 app in-process on a private event loop thread."""

    app: Callable[..., Any]
    description: str = "ASGI app"
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _state: dict[str, Any] = field(default_factory=dict, repr=False)
    _lifespan: asyncio.Queue[dict[str, Any]] | None = field(default=None, repr=False)
    _lifespan_sent: asyncio.Queue[dict[str, Any]] | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the loop thread and run the app's lifespan startup, if it has one."""
        self._ensure_loop()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop.run_forever, daemon=True, name="conformance-asgi"
            )
            self._thread.start()
            # Like uvicorn's lifespan="auto": run startup if the app speaks the protocol.
            future = asyncio.run_coroutine_threadsafe(self._startup(), self._loop)
            failure = future.result(LIFESPAN_TIMEOUT + 1)
            if failure is not None:
                raise UsageError(f"the ASGI app's lifespan startup failed: {failure}")
        return self._loop

    async def _startup(self) -> str | None:
        """Send ``lifespan.startup``; None when done or when the app has no lifespan."""
        incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await incoming.put({"type": "lifespan.startup"})
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self._state,
        }
        app = asyncio.ensure_future(self.app(scope, incoming.get, outgoing.put))
        answer = asyncio.ensure_future(outgoing.get())
        done, _ = await asyncio.wait(
            {app, answer}, timeout=LIFESPAN_TIMEOUT, return_when="FIRST_COMPLETED"
        )
        if answer not in done:
            answer.cancel()
            if app in done and not app.cancelled():
                app.exception()  # an app without lifespan support raises or returns: fine
            else:
                app.cancel()
            return None
        message = answer.result()
        if message.get("type") == "lifespan.startup.failed":
            return str(message.get("message") or "no message")
        self._lifespan, self._lifespan_sent = incoming, outgoing
        return None

    async def _shutdown(self) -> None:
        if self._lifespan is None or self._lifespan_sent is None:
            return
        await self._lifespan.put({"type": "lifespan.shutdown"})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._lifespan_sent.get(), LIFESPAN_TIMEOUT)

    async def _call(self, request: HttpRequest, captured: _Captured) -> tuple[int, Headers, bytes]:
        _CURRENT.set(captured)  # each task runs in a copy of the context: this is its own
        path, _, query = request.path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": dict(self._state),
        }
        done = asyncio.Event()
        sent_body = False
        status: list[int] = []
        headers: list[tuple[str, str]] = []
        body = bytearray()

        async def receive() -> dict[str, Any]:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
                headers.extend(
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self.app(scope, receive, send)
        finally:
            done.set()
        if not status:
            raise RuntimeError("the ASGI app returned without starting a response")
        return status[0], tuple(headers), bytes(body)

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        """Run the app on the loop thread; cancel it after ``timeout`` seconds."""
        started = time.perf_counter()
        loop = self._ensure_loop()
        future: Future[tuple[int, Headers, bytes]] = Future()
        tasks: list[asyncio.Task[tuple[int, Headers, bytes]]] = []
        captured = _Captured()

        def start() -> None:
            # The coroutine is created on the loop, so one that never gets to run (a
            # blocked loop) is never created and never warns "was never awaited".
            if future.cancelled():
                return
            task = loop.create_task(self._call(request, captured))
            tasks.append(task)

            def settle(done: asyncio.Task[tuple[int, Headers, bytes]]) -> None:
                if future.done():
                    return
                if done.cancelled():
                    future.cancel()
                elif done.exception() is not None:
                    future.set_exception(done.exception())
                else:
                    future.set_result(done.result())

            task.add_done_callback(settle)

        loop.call_soon_threadsafe(start)
        try:
            status, headers, body = future.result(timeout)
        except FutureTimeout:
            future.cancel()
            loop.call_soon_threadsafe(lambda: [t.cancel() for t in tasks])
            return _timeout(timeout, started)
        except Exception as exc:
            return _server_error(exc, started, captured)
        return _answer(status, headers, body, started, captured)

    def close(self) -> None:
        """Cancel what is still running, stop the loop thread and close the loop."""
        if self._thread is None:
            return

        async def shutdown() -> None:
            await self._shutdown()
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        def begin() -> None:
            self._loop.create_task(shutdown()).add_done_callback(lambda _: self._loop.stop())

        self._loop.call_soon_threadsafe(begin)
        self._thread.join(30)  # an app blocking the loop delays this; it cannot be cut short
        if not self._thread.is_alive():
            self._loop.close()
        self._thread = None


@dataclass
class URLTransport:
    """Sends requests over a fresh HTTP/1.1 connection each, to a running server."""

    url: str
    description: str = ""
    #: A PEM file of CA certificates to trust for https:// (a private CA, a test server).
    cacert: str | Path | None = None
    scheme: str = field(init=False)
    host: str = field(init=False)
    port: int = field(init=False)
    path: str = field(init=False)
    _tls: ssl.SSLContext | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"Expected an http:// or https:// URL, but got url={self.url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        try:
            port = parts.port
        except ValueError:
            raise UsageError(f"bad port in url={self.url!r}") from None
        self.port = port or (443 if parts.scheme == "https" else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.description = self.description or self.url
        self._tls: ssl.SSLContext | None = None
        if self.scheme == "https":
            try:
                self._tls = ssl.create_default_context(
                    cafile=None if self.cacert is None else str(self.cacert)
                )
            except (OSError, ssl.SSLError, ValueError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
                raise UsageError(
                    f"cannot load CA certificates: {reason}", file=self.cacert
                ) from None
        elif self.cacert is not None:
            raise UsageError(f"--cacert needs an https:// URL, not {self.url!r}")

    @property
    def netloc(self) -> str:
        """The Host header value."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        """Send the request exactly (no added headers); read the whole response."""
        started = time.perf_counter()
        conn: http.client.HTTPConnection
        if self.scheme == "https":
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=self._tls
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.connect()
        except (OSError, http.client.HTTPException) as exc:  # refused, DNS, TLS, no route
            conn.close()
            timed_out = isinstance(exc, TimeoutError)
            return HttpResponse(
                None,
                elapsed=time.perf_counter() - started,
                error=f"{type(exc).__name__}: {exc}",
                timed_out=timed_out,
                unreachable=True,
            )
        try:
            conn.putrequest(request.method, request.path, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                conn.putheader(name, value.encode("latin-1"))
            conn.endheaders(request.body)
            response = conn.getresponse()
            body = response.read()
            return HttpResponse(
                response.status,
                tuple(response.getheaders()),
                body,
                time.perf_counter() - started,
            )
        except TimeoutError:
            return _timeout(timeout, started)
        except (OSError, http.client.HTTPException) as exc:
            return HttpResponse(
                None, elapsed=time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"
            )
        finally:
            conn.close()

    def close(self) -> None:
        """Nothing to release: connections are closed after each request."""


def transport_for(
    app: Any = None,
    url: str | None = None,
    *,
    kind: AppKind | None = None,
    cacert: str | Path | None = None,
) -> Transport:
    """The transport for exactly one of ``app`` (WSGI or ASGI, detected) and ``url``.

    ``cacert`` (with an https ``url``) names a PEM file of CA certificates to trust.
    """
    if (app is None) == (url is None):
        raise UsageError("Expected exactly one of app= (a WSGI or ASGI app) and url=")
    if url is not None:
        return URLTransport(url, cacert=cacert)
    if cacert is not None:
        raise UsageError("cacert applies to a URL, not to an in-process app")
    chosen = kind or app_kind(app)
    if chosen == "asgi":
        return ASGITransport(app, description=f"ASGI app {_name(app)}")
    return WSGITransport(app, description=f"WSGI app {_name(app)}")


def _name(app: Any) -> str:
    return str(getattr(app, "__qualname__", None) or type(app).__qualname__)


def request_headers(
    extra: Sequence[tuple[str, str]], *, host: str, body: bytes, content_type: str | None
) -> Headers:
    """Standard headers (Host, Content-Type, Content-Length, User-Agent) plus ``extra``."""
    from .._version import __version__

    base: list[tuple[str, str]] = [("Host", host)]
    if content_type is not None:
        base.append(("Content-Type", content_type))
    base.append(("Content-Length", str(len(body))))
    base.append(("User-Agent", f"casedev-conformance/{__version__}"))
    return (*base, *extra)
