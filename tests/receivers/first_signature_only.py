"""Checks only the first signature entry: breaks during a secret rotation."""

from _base import HandRolled

EXPECTED = {"accepts-rotation"}


class Receiver(HandRolled):
    def signatures(self, header: str) -> list[bytes]:
        return super().signatures(header)[:1]


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
