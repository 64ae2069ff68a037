"""Acknowledges a repeat with a 2xx but processes it again: the answer looks idempotent,
the side effects are not (only the side-effect hook can tell)."""

from _base import HandRolled

EXPECTED = {"processed-once"}


class Receiver(HandRolled):
    def duplicate(self, event_id: object) -> tuple[int, str]:
        if isinstance(event_id, str):
            self.processed[event_id] += 1  # handle() holds the lock while calling this
        return 200, "ok"


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()

side_effects = receiver.side_effects
