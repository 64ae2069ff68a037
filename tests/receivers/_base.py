"""A hand-rolled webhook receiver, correct by default, that each broken receiver bends.

Every module in this folder subclasses :class:`HandRolled`, overrides one step to add
one realistic bug, and exposes ``app`` (WSGI) and ``asgi_app`` (ASGI). ``correct.py``
overrides nothing: it must pass, so a broken receiver is caught for its own bug only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

SECRET = "whsec_c2VjcmV0LWZvci10aGUtYnJva2VuLXJlY2VpdmVycyE="
TOLERANCE = 300


class Rejected(Exception):
    """The request is not a genuine delivery: answer 4xx."""


class HandRolled:
    """A Standard Webhooks receiver written by hand, one overridable step per concern."""

    secret = SECRET

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.processed: Counter[str] = Counter()  # side effects per event id
        self.lock = threading.Lock()

    def side_effects(self, event_id: str) -> int:
        """The side-effect hook: how many times the event was processed."""
        with self.lock:
            return self.processed[event_id]

    # -- steps ---------------------------------------------------------------------------

    def key(self) -> bytes:
        return base64.b64decode(self.secret.removeprefix("whsec_"))

    def signed_bytes(self, body: bytes) -> bytes:
        return body

    def check_timestamp(self, stamp: str) -> None:
        if not stamp.isascii() or not stamp.isdigit():
            raise Rejected("bad timestamp")
        if abs(time.time() - int(stamp)) > TOLERANCE:
            raise Rejected("timestamp outside the tolerance")

    def signatures(self, header: str) -> list[bytes]:
        found = []
        for entry in header.split():
            version, _, value = entry.partition(",")
            if version != "v1":
                continue
            try:
                found.append(base64.b64decode(value, validate=True))
            except ValueError:
                continue
        return found

    def verify(self, headers: dict[str, str], body: bytes) -> None:
        msg_id = headers.get("case-webhook-id")
        stamp = headers.get("case-webhook-timestamp")
        header = headers.get("case-webhook-signature")
        if not msg_id or not stamp or not header:
            raise Rejected("missing headers")
        self.check_timestamp(stamp)
        content = f"{msg_id}.{stamp}.".encode() + self.signed_bytes(body)
        expected = hmac.new(self.key(), content, hashlib.sha256).digest()
        if not any(hmac.compare_digest(expected, s) for s in self.signatures(header)):
            raise Rejected("no matching signature")

    def parse(self, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            raise Rejected("not JSON") from None

    def duplicate(self, event_id: Any) -> tuple[int, str]:
        return 200, "duplicate"

    def process(self, event: Any) -> None:
        """Tolerant processing: look at what is there, ignore the rest."""
        if isinstance(event, dict) and isinstance(event.get("data"), dict):
            event["data"].get("vaultId")

    # -- the request cycle ---------------------------------------------------------------

    def handle(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        if method != "POST":
            return 405, "use POST"
        try:
            self.verify(headers, body)
            event = self.parse(body)
        except Rejected as exc:
            return 400, str(exc)
        event_id = event.get("id") if isinstance(event, dict) else None
        with self.lock:
            if isinstance(event_id, str) and event_id in self.seen:
                return self.duplicate(event_id)
            if isinstance(event_id, str):
                self.seen.add(event_id)
        if isinstance(event_id, str):
            with self.lock:
                self.processed[event_id] += 1
        self.process(event)
        return 200, "ok"

    # -- adapters ------------------------------------------------------------------------

    def wsgi(self) -> Callable[..., Iterable[bytes]]:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            headers = {
                k[5:].replace("_", "-").lower(): v
                for k, v in environ.items()
                if k.startswith("HTTP_")
            }
            status, text = self.handle(environ["REQUEST_METHOD"], headers, body)
            start_response(f"{status} X", [("Content-Type", "text/plain")])
            return [text.encode()]

        return app

    def asgi(self) -> Callable[..., Any]:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            assert scope["type"] == "http"
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            status, text = self.handle(scope["method"], headers, body)
            await send({"type": "http.response.start", "status": status, "headers": []})
            await send({"type": "http.response.body", "body": text.encode()})

        return app
