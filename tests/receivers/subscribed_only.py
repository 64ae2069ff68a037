"""Subscribes to vault.ingest.completed only and refuses every other type with a 400:
fine for an endpoint with that subscription (--subscribed), lost deliveries otherwise."""

from typing import Any

from _base import HandRolled, Rejected

EXPECTED = {"accepts-valid", "accepts-unknown-types", "accepts-rotation"}
SUBSCRIBED = "vault.ingest.completed"


class Receiver(HandRolled):
    def parse(self, body: bytes) -> Any:
        event = super().parse(body)
        kind = event.get("type") if isinstance(event, dict) else None
        if isinstance(kind, str) and kind != SUBSCRIBED:
            raise Rejected("not subscribed")
        return event


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
