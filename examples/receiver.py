"""A correct Case.dev webhook receiver built on ``conformance.Webhook``.

It verifies the raw body, accepts rotated signatures, rejects forgeries with a 4xx,
acknowledges every verified delivery with a 2xx (unknown event types included, new
fields ignored), is idempotent on the event id, and never answers with a 5xx for
something the sender cannot fix.

Run it (WSGI, standard library only)::

    CASEDEV_WEBHOOK_SECRET=whsec_... python examples/receiver.py 8000

then fuzz it::

    casedev-conformance fuzz --url http://127.0.0.1:8000/ --secret-env CASEDEV_WEBHOOK_SECRET
    casedev-conformance fuzz --app examples/receiver.py:app --secret-env CASEDEV_WEBHOOK_SECRET

``app`` is the WSGI application and ``asgi_app`` the same receiver as an ASGI
application (e.g. ``uvicorn examples.receiver:asgi_app``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from conformance import Webhook, WebhookVerificationError

log = logging.getLogger("receiver")

Handler = Callable[[dict[str, Any]], None]


class Receiver:
    """The transport-independent part: verify, deduplicate, dispatch, choose a status."""

    def __init__(self, secrets: str | Iterable[str], handlers: dict[str, Handler] | None = None):
        self.webhook = Webhook(secrets)
        self.handlers: dict[str, Handler] = handlers or {}
        self._seen: set[str] = set()  # use a database table with a unique key in production
        self._lock = threading.Lock()

    def handle(
        self, method: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """Return the HTTP status and a JSON answer for one request."""
        if method != "POST":
            return 405, {"error": "use POST"}
        try:
            event = self.webhook.verify(body, headers)  # the raw bytes, never re-serialized
        except WebhookVerificationError as exc:
            # 4xx: Case.dev will not retry a forgery; don't say more than the code.
            return 400, {"error": exc.code}
        event_id = event.get("id")
        kind = event.get("type")
        if not isinstance(event_id, str) or not isinstance(kind, str):
            return 400, {"error": "not a Case.dev event"}
        with self._lock:
            if event_id in self._seen:
                return 200, {"received": event_id, "duplicate": True}
            self._seen.add(event_id)
        handler = self.handlers.get(kind)
        if handler is None:
            # Unknown or unhandled types are acknowledged: the catalog grows.
            return 200, {"received": event_id, "ignored": kind}
        try:
            # In production, store the event durably (a queue or a table) and process it
            # after answering: Case.dev wants a quick 2xx.
            handler(event)
        except Exception:
            # Retrying a deterministic bug cannot help, and a 5xx would make Case.dev
            # retry and eventually disable the endpoint: log it and acknowledge.
            log.exception("handler for %s failed on %s", kind, event_id)
        return 200, {"received": event_id}


def make_wsgi_app(receiver: Receiver) -> Callable[..., Iterable[bytes]]:
    """Wrap a :class:`Receiver` as a WSGI application."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            status, answer = 400, {"error": "bad Content-Length"}
        else:
            body = environ["wsgi.input"].read(length) if length else b""
            headers = {
                key[5:].replace("_", "-").lower(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            status, answer = receiver.handle(environ["REQUEST_METHOD"], headers, body)
        payload = json.dumps(answer).encode()
        start_response(
            f"{status} {'OK' if status < 300 else 'Error'}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    return app


def make_asgi_app(receiver: Receiver) -> Callable[..., Any]:
    """Wrap a :class:`Receiver` as an ASGI application (HTTP only)."""

    async def app(
        scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, answer = receiver.handle(scope["method"], headers, b"".join(chunks))
        payload = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


SECRET = os.environ.get("CASEDEV_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
receiver = Receiver(SECRET.split())  # space-separated secrets during a rotation
app = make_wsgi_app(receiver)
asgi_app = make_asgi_app(receiver)


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    with make_server("127.0.0.1", port, app) as server:
        print(f"listening on http://127.0.0.1:{port}/", flush=True)
        server.serve_forever()
