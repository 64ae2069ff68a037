"""Never checks the timestamp: a captured delivery can be replayed forever."""

from _base import HandRolled

EXPECTED = {"rejects-replay"}


class Receiver(HandRolled):
    def check_timestamp(self, stamp: str) -> None:
        pass


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
