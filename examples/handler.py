"""A realistic, correct Case.dev webhook consumer: what `casedev-conformance fuzz` accepts.

    casedev-conformance fuzz examples/handler.py:handle

It keeps a small in-memory model of the account (vault objects, jobs, agent runs, chats,
matters, charges) and is written to the delivery contract rather than to today's
payloads:

- idempotent on the event ``id`` (at-least-once delivery: duplicates are skipped);
- tolerant of unknown event types (logged and acknowledged), unknown fields at any
  level (never rejected, never required), optional fields (``.get``) and nulls;
- order-independent: events about the same object may arrive in any order or not at
  all, so state is keyed by id and the newest ``occurred_at`` wins;
- ``occurred_at`` parsed in every RFC 3339 form (``Z`` or offset, with or without a
  fraction) and compared as aware UTC datetimes;
- numbers handled as JSON numbers: int or float, possibly huge, negative or fractional
  (money via ``Decimal``, counts never used with ``range``/``*``).

In production the state would live in a database and the handler would run behind a
verified HTTP endpoint (see ``conformance.Webhook``); everything else is the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

log = logging.getLogger(__name__)

_SEEN_LIMIT = 100_000
_LOCK = threading.Lock()
SEEN: OrderedDict[str, None] = OrderedDict()  # processed event ids (bounded)
OBJECTS: dict[tuple[str, str], dict[str, Any]] = {}  # (vaultId, objectId) -> state
JOBS: dict[str, dict[str, Any]] = {}  # OCR and transcription jobs
RUNS: dict[str, dict[str, Any]] = {}  # agent and compute runs
CHATS: dict[str, dict[str, Any]] = {}  # agent chats (runtime, scope, turns)
MATTERS: dict[str, dict[str, Any]] = {}
LEDGER: list[tuple[str, Decimal, str]] = []  # (chargeId, amount, currency)
ALERTS: list[str] = []

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_timestamp(value: Any) -> dt.datetime:
    """An aware UTC datetime from any RFC 3339 timestamp; the epoch if unparsable."""
    match = _RFC3339.match(value) if isinstance(value, str) else None
    if match is None:
        return _EPOCH
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micros = int((fraction or ".0")[1:7].ljust(6, "0"))
    tz = dt.UTC
    if offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59),
            micros, tzinfo=tz,
        )  # fmt: skip
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return _EPOCH


def _text(value: Any, limit: int = 500) -> str:
    """A display string for any JSON value (None -> ''), cut to ``limit`` characters."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else repr(value))[:limit]


def _number(value: Any) -> Decimal | None:
    """A JSON number as an exact Decimal (int, float, huge or tiny), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _newer(state: dict[str, Any], occurred: dt.datetime) -> bool:
    """Whether an event at ``occurred`` is at least as new as what ``state`` reflects."""
    seen: dt.datetime = state.get("updated_at", _EPOCH)
    if occurred >= seen:
        state["updated_at"] = occurred
        return True
    return False


def _status(
    table: dict[Any, dict[str, Any]], key: Any, status: str, occurred: dt.datetime, **fields: Any
) -> None:
    state = table.setdefault(key, {})
    for name, value in fields.items():
        if value is not None:
            state[name] = value
    if _newer(state, occurred):
        state["status"] = status


def _vault(kind: str) -> Callable[[dict[str, Any], dt.datetime], None]:
    def apply(data: dict[str, Any], occurred: dt.datetime) -> None:
        key = (_text(data.get("vaultId")), _text(data.get("objectId")))
        size = _number(data.get("sizeBytes"))
        _status(
            OBJECTS, key, kind, occurred,
            filename=data.get("filename"),
            mime_type=data.get("mimeType"),
            size=size,
            error=_text(data.get("error")) or None,
            appended=list(data.get("appendObjectIds") or []),
        )  # fmt: skip

    return apply


def _job(kind: str) -> Callable[[dict[str, Any], dt.datetime], None]:
    def apply(data: dict[str, Any], occurred: dt.datetime) -> None:
        _status(
            JOBS, _text(data.get("jobId")), kind, occurred,
            pages=_number(data.get("pageCount")),
            words=_number(data.get("wordCount")),
            error=_text(data.get("error")) or None,
        )  # fmt: skip

    return apply


def _run(kind: str) -> Callable[[dict[str, Any], dt.datetime], None]:
    def apply(data: dict[str, Any], occurred: dt.datetime) -> None:
        usage = data.get("usage")
        tokens = None
        if isinstance(usage, dict):
            counts = [_number(usage.get(k)) for k in ("inputTokens", "outputTokens")]
            tokens = sum((c for c in counts if c is not None), Decimal(0))
        _status(
            RUNS, _text(data.get("runId")), kind, occurred,
            agent=data.get("agentId") or data.get("functionId"),
            duration_ms=_number(data.get("durationMs")),
            tokens=tokens,
            error=_text(data.get("error")) or None,
        )  # fmt: skip

    return apply


def _chat(kind: str) -> Callable[[dict[str, Any], dt.datetime], None]:
    def apply(data: dict[str, Any], occurred: dt.datetime) -> None:
        chat = CHATS.setdefault(_text(data.get("chatId")), {"turns": {}})
        turn_id = data.get("turnId")
        if turn_id is not None:
            _status(chat["turns"], _text(turn_id), kind, occurred)
        elif _newer(chat, occurred):
            chat["status"] = kind
        for name in ("vaultIds", "matterIds"):
            ids = data.get(name)
            if isinstance(ids, list):
                chat[name] = [_text(i) for i in ids]
        title = data.get("title")
        if isinstance(title, str):
            chat["title"] = title.strip()[:200]

    return apply


def _matter(data: dict[str, Any], occurred: dt.datetime) -> None:
    matter = MATTERS.setdefault(_text(data.get("matterId")), {})
    if not _newer(matter, occurred):
        return  # an older update arriving late must not overwrite newer state
    current = data.get("object")
    if isinstance(current, dict):
        matter["object"] = current
    changed = data.get("previous_attributes")
    matter["changed"] = sorted(changed) if isinstance(changed, dict) else []
    if isinstance(data.get("status"), str):
        matter["status"] = data["status"]


def _charge(data: dict[str, Any], occurred: dt.datetime) -> None:
    amount = _number(data.get("amountCents"))
    if amount is not None:
        LEDGER.append((_text(data.get("chargeId")), amount / 100, _text(data.get("currency"), 8)))


def _balance(data: dict[str, Any], occurred: dt.datetime) -> None:
    balance = _number(data.get("balanceCents"))
    if balance is not None and balance < 0:
        ALERTS.append(f"negative balance: {balance / 100}")


def _endpoint_disabled(data: dict[str, Any], occurred: dt.datetime) -> None:
    ALERTS.append(
        f"endpoint {_text(data.get('endpointId'))} disabled after "
        f"{_text(data.get('consecutiveFailures'))} failures ({_text(data.get('url'))})"
    )


def _note(data: dict[str, Any], occurred: dt.datetime) -> None:
    """Events we subscribe to but only log."""


HANDLERS: dict[str, Callable[[dict[str, Any], dt.datetime], None]] = {
    **{f"vault.upload.{k}": _vault(f"upload.{k}") for k in ("initiated", "completed", "failed")},
    **{
        f"vault.object.append.{k}": _vault(f"append.{k}")
        for k in ("started", "completed", "failed")
    },
    **{f"vault.ingest.{k}": _vault(f"ingest.{k}") for k in ("started", "completed", "failed")},
    **{f"ocr.job.{k}": _job(k) for k in ("created", "completed", "failed")},
    **{
        f"voice.transcription.{k}": _job(k)
        for k in ("created", "reused", "completed", "failed", "deleted")
    },
    **{
        f"agent.run.{k}": _run(k)
        for k in ("created", "started", "completed", "failed", "cancelled")
    },
    **{f"compute.run.{k}": _run(k) for k in ("completed", "failed")},
    **{
        f"agent.{group}.{k}": _chat(f"{group}.{k}")
        for group, kinds in {
            "runtime": ("started", "reused", "failed"),
            "scope": ("activated", "activation_failed", "reused"),
            "worker": ("ready", "failed"),
            "chat.session": ("created", "resumed", "aborted"),
            "chat.turn": ("accepted", "started", "completed", "failed", "conflict"),
        }.items()
        for k in kinds
    },
    "matter.created": _matter,
    "matter.updated": _matter,
    "billing.charge.succeeded": _charge,
    "billing.charge.failed": _note,
    "balance.changed": _balance,
    "webhook.endpoint.auto_disabled": _endpoint_disabled,
}


def handle(event: dict[str, Any]) -> None:
    """Apply one parsed delivery; safe to call again with the same delivery."""
    event_id = event.get("id")
    if not isinstance(event_id, str):
        log.info("ignoring a delivery without an id")
        return
    with _LOCK:
        if event_id in SEEN:
            return  # a redelivery: already applied
        apply = HANDLERS.get(str(event.get("type")))
        if apply is None:
            # New event types appear over time; acknowledge them so they are not retried.
            log.info("ignoring event type %r", event.get("type"))
        else:
            data = event.get("data")
            apply(data if isinstance(data, dict) else {}, parse_timestamp(event.get("occurred_at")))
        SEEN[event_id] = None
        if len(SEEN) > _SEEN_LIMIT:
            SEEN.popitem(last=False)
