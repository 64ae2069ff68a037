"""Dispatches through a dict of handlers: a KeyError (500) for event types it doesn't know."""

from typing import Any

from _base import HandRolled

EXPECTED = {
    "accepts-valid",
    "accepts-unknown-types",
    "accepts-rotation",
    "signed-junk",
    "tolerates-schema-breaks",
}
HANDLERS = {
    name: (lambda event: None)
    for name in (
        "vault.ingest.completed",
        "vault.ingest.failed",
        "vault.upload.completed",
    )
}


class Receiver(HandRolled):
    def process(self, event: Any) -> None:
        HANDLERS[event["type"]](event)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
