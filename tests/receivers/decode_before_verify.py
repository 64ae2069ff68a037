"""Decodes the body as UTF-8 text before verifying the signature: anyone can get a 500
with an unsigned request whose body is not UTF-8 (or is nested too deep)."""

import json

from _base import HandRolled

EXPECTED = {"rejects-hostile-bodies", "signed-junk"}


class Receiver(HandRolled):
    def handle(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        text = body.decode("utf-8")  # UnicodeDecodeError: a 500, before any signature check
        try:
            json.loads(text)  # RecursionError (nested too deep) is not caught either
        except ValueError:
            return 400, "not JSON"
        return super().handle(method, headers, body)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
