"""Unpacks each signature entry with split(','): crashes (500) on an entry without a comma."""

import base64

from _base import HandRolled

EXPECTED = {"rejects-forgery", "strict-signature-labels"}


class Receiver(HandRolled):
    def signatures(self, header: str) -> list[bytes]:
        found = []
        for entry in header.split(" "):
            version, value = entry.split(",")  # ValueError on "abc" or "a,b,c"
            if version == "v1":
                found.append(base64.b64decode(value))  # binascii.Error on bad base64
        return found


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
