"""Validates strictly: answers 400 when the envelope carries a field it doesn't know."""

from _base import HandRolled, Rejected

EXPECTED = {"accepts-valid", "accepts-unknown-types", "accepts-rotation"}


class Receiver(HandRolled):
    def parse(self, body: bytes) -> object:
        event = super().parse(body)
        if isinstance(event, dict) and set(event) - {"id", "type", "occurred_at", "data"}:
            raise Rejected("unexpected fields")
        return event


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
