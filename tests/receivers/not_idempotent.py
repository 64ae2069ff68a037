"""Inserts the event id with a unique constraint and lets the violation become a 500."""

from _base import HandRolled

EXPECTED = {"repeat-accepted"}


class Receiver(HandRolled):
    def duplicate(self, event_id: object) -> tuple[int, str]:
        raise RuntimeError(f"UNIQUE constraint failed: events.id ({event_id})")


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
