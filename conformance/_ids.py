"""Identifiers and timestamps: the one ULID encoder and the one RFC 3339 writer.

Every id the tool makes (event ids, message ids, stable fixture ids) is a ULID in
Crockford base32; every timestamp it writes goes through :func:`format_timestamp`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_SALT = int.from_bytes(os.urandom(10), "big")
_COUNTER = itertools.count()


def encode_ulid(milliseconds: int, randomness: int) -> str:
    """The 26-character ULID for 48 bits of ``milliseconds`` and 80 bits of ``randomness``."""
    value = (milliseconds % 2**48) << 80 | (randomness % 2**80)
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


class SeededIds:
    """ULIDs that a seed reproduces: a clock that starts at a seed-chosen instant and
    ticks one millisecond per id (so ids never repeat within a run and sort in the
    order they were made), and 80 random bits from the seeded generator."""

    #: 2026-01-01T00:00:00Z: seeded clocks start within a year of it.
    START_MS = 1_767_225_600_000

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(f"casedev-conformance ids {seed}")
        self.clock = self.START_MS + self.rng.randrange(365 * 86_400_000)
        self.lock = threading.Lock()

    def ulid(self) -> str:
        """The next ULID of this sequence."""
        with self.lock:
            self.clock += 1
            return encode_ulid(self.clock, self.rng.getrandbits(80))


_SCOPES: list[SeededIds] = []


@contextmanager
def seeded_ids(seed: int | str | None) -> Iterator[SeededIds | None]:
    """Within the block, ids made without an explicit ``rng`` come from ``SeededIds(seed)``
    (``seed`` None: unchanged, fresh ids). ``fuzz --seed`` uses it so a rerun hands the
    handler the same deliveries, ids included."""
    if seed is None:
        yield None
        return
    scope = SeededIds(seed)
    _SCOPES.append(scope)
    try:
        yield scope
    finally:
        _SCOPES.remove(scope)


def new_ulid(rng: random.Random | None = None) -> str:
    """A fresh ULID: current milliseconds, then 80 bits unique per process.

    With ``rng`` the 80 bits come from it (reproducible under a seed); inside
    ``seeded_ids(seed)`` the whole id comes from the seeded sequence; otherwise the 80
    bits are a per-process random salt plus a counter, so ids never repeat within or
    across runs.
    """
    now = time.time_ns() // 1_000_000
    if rng is not None:
        return encode_ulid(now, rng.getrandbits(80))
    if _SCOPES:
        return _SCOPES[-1].ulid()
    return encode_ulid(now, _SALT + next(_COUNTER))


def new_event_id(rng: random.Random | None = None) -> str:
    """A fresh ``evt_`` + ULID event id."""
    return "evt_" + new_ulid(rng)


def new_message_id(rng: random.Random | None = None) -> str:
    """A fresh ``msg_`` + ULID webhook message id."""
    return "msg_" + new_ulid(rng)


def stable_event_id(seed: str) -> str:
    """A ULID-shaped event id derived from ``seed`` (the same seed, the same id)."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")
    return "evt_" + encode_ulid(digest >> 80, digest)


def format_timestamp(instant: dt.datetime, digits: int = 3, offset: str = "Z") -> str:
    """Write the UTC ``instant`` in RFC 3339 with ``digits`` of fraction and ``offset``."""
    local = instant
    if offset != "Z":
        sign = 1 if offset[0] == "+" else -1
        local = instant + sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{local.microsecond:06d}"[:digits].ljust(digits, "0")
    return text + offset


def now_timestamp(rng: random.Random | None = None) -> str:
    """The current UTC time in RFC 3339, in milliseconds or (half the time with ``rng``)
    whole seconds."""
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    digits = 3 if rng is None or rng.random() < 0.5 else 0
    return format_timestamp(stamp, digits)
