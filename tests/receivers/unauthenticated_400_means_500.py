"""Signals a bad signature by raising: every forgery is answered with a 500."""

from _base import HandRolled, Rejected

EXPECTED = {
    "rejects-forgery",
    "rejects-hostile-bodies",
    "rejects-replay",
    "strict-signature-labels",
}


class Receiver(HandRolled):
    def handle(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        try:
            self.verify(headers, body)
        except Rejected as exc:
            raise PermissionError(str(exc)) from None
        return super().handle(method, headers, body)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
