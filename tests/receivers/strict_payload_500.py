"""Indexes the payload without checks: a 500 when a delivery breaks the schema."""

from typing import Any

from _base import HandRolled

EXPECTED = {"signed-junk", "tolerates-schema-breaks"}


class Receiver(HandRolled):
    def process(self, event: Any) -> None:
        event["data"].keys()
        event["type"].split(".")
        event["id"].upper()


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
