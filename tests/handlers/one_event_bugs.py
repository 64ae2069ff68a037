"""A consumer with five bugs, each exposed by one contract rule on one event only.

Every other event, and every other rule on these events, is handled correctly, so a
fuzzer that meets a rule on an event only by chance misses them run after run.
Each bug line is marked ``# BUG:<rule>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

CHARGES: set[str] = set()
LAST: dict[str, Any] = {}
TRANSCRIPTION_STATES = {"created", "reused", "completed", "failed", "deleted"}


@dataclasses.dataclass
class Appended:
    """vault.object.append.completed's data as the code base models it (no room for
    fields Case.dev adds later)."""

    vaultId: str
    objectId: str
    appendObjectIds: Any
    sizeBytes: Any
    pageCount: Any


def handle(event: dict[str, Any]) -> None:
    kind = event.get("type")
    data = event.get("data") or {}
    previous, LAST["event"] = LAST.get("event"), event
    if kind == "billing.charge.succeeded":
        if event["id"] in CHARGES:
            raise RuntimeError("charge booked twice")  # BUG:duplicate-delivery
        CHARGES.add(event["id"])
    elif kind == "vault.object.append.completed":
        Appended(**data)  # BUG:additive-fields
    elif kind == "agent.run.completed":
        dt.datetime.strptime(event["occurred_at"], "%Y-%m-%dT%H:%M:%S.%fZ")  # BUG:timestamp-forms
    elif kind == "ocr.job.created" and previous and previous.get("type") == "ocr.job.completed":
        same = [previous["data"].get(k) == data.get(k) for k in ("jobId", "objectId", "vaultId")]
        if all(same) and data.get("jobId"):
            raise RuntimeError("job created after it completed")  # BUG:out-of-order
    elif isinstance(kind, str) and kind.startswith("voice.transcription."):
        state = kind.rsplit(".", 1)[1]
        if state not in TRANSCRIPTION_STATES:
            raise KeyError(state)  # BUG:unknown-event-type
