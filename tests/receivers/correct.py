"""The hand-rolled receiver without changes: it must pass every check."""

from _base import HandRolled

EXPECTED: set[str] = set()
receiver = HandRolled()
app = receiver.wsgi()
asgi_app = receiver.asgi()

side_effects = receiver.side_effects
