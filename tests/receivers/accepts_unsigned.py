"""Skips verification when the signature header is absent ("for local testing")."""

from _base import HandRolled

EXPECTED = {"rejects-forgery", "rejects-hostile-bodies"}


class Receiver(HandRolled):
    def verify(self, headers: dict[str, str], body: bytes) -> None:
        if "case-webhook-signature" not in headers:
            return
        super().verify(headers, body)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
