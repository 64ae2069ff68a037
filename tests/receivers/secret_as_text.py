"""Uses the whole 'whsec_...' string as the HMAC key instead of decoding it."""

from _base import HandRolled

EXPECTED = {"accepts-valid", "accepts-unknown-types", "accepts-rotation"}


class Receiver(HandRolled):
    def key(self) -> bytes:
        return self.secret.encode()


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
