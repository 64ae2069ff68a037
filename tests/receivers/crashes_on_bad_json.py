"""Parses the verified body without a guard: a 500 for bodies that are not UTF-8 JSON."""

import json
from typing import Any

from _base import HandRolled

EXPECTED = {"signed-junk"}


class Receiver(HandRolled):
    def parse(self, body: bytes) -> Any:
        return json.loads(body)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
