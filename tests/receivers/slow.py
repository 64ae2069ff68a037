"""Does its work before answering and takes longer than the sender waits."""

import time
from typing import Any

from _base import HandRolled

EXPECTED = {"answers-in-time"}
DELAY = 1.0  # the tests give the fuzzer a 0.3 s limit for this receiver only


class Receiver(HandRolled):
    def process(self, event: Any) -> None:
        time.sleep(DELAY)


receiver = Receiver()
app = receiver.wsgi()
asgi_app = receiver.asgi()
