"""Verifies the signature over re-serialized JSON instead of the raw body bytes."""

import json

from _base import HandRolled

EXPECTED = {
    "accepts-valid",
    "accepts-unknown-types",
    "accepts-rotation",
    "rejects-hostile-bodies",
    "signed-junk",
}


class Receiver(HandRolled):
    def signed_bytes(self, body: bytes) -> bytes:
        try:
            return json.dumps(json.loads(body)).encode()
        except ValueError:
            return body


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
