"""Takes whatever follows the comma as the signature, whatever the version says."""

import base64

from _base import HandRolled

EXPECTED = {"strict-signature-labels"}


class Receiver(HandRolled):
    def signatures(self, header: str) -> list[bytes]:
        found = []
        for entry in header.split():
            _, _, value = entry.partition(",")
            try:
                found.append(base64.b64decode(value, validate=True))
            except ValueError:
                continue
        return found


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
