"""A typed Case.dev webhook handler: verify and decode in one call, then let the type
checker see every field.

``mypy --strict`` checks this file (it is in the lint env's mypy run): a misspelt field,
a field read from the wrong event, or a nullable/optional field used without a check is
a type error, not a production incident.

Two flavours of the same handler:

- ``handle_event`` takes ``conformance.models`` Structs (what ``Webhook.unwrap`` and
  ``conformance.models.decode`` return) and narrows with ``match``;
- ``handle_dict`` takes plain dicts annotated with ``conformance.types`` TypedDicts and
  narrows on ``event["type"]`` after ``is_known``.

``handle`` (dict in, for ``casedev-conformance fuzz examples/typed_handler.py:handle``)
and ``receive`` (raw body and headers in, as an HTTP endpoint gets them) wrap them.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import msgspec

from conformance import Webhook, models
from conformance.types import Event, UnknownEvent, is_known

log = logging.getLogger(__name__)


def handle_event(event: models.Event | models.UnknownEvent) -> str:
    """Act on one decoded delivery; return a one-line summary."""
    match event:
        case models.VaultUploadCompleted(data=data):
            return f"stored {data.filename} ({data.sizeBytes} bytes) in {data.vaultId}"
        case models.BillingChargeSucceeded(data=data):
            return f"charged {data.amountCents} {data.currency}"
        case models.AgentRunCompleted(data=data):
            # usage is optional: UNSET when absent (never None: the schema forbids null).
            if data.usage is msgspec.UNSET:
                return f"run {data.runId} took {data.durationMs} ms"
            return f"run {data.runId} used {data.usage.inputTokens} input tokens"
        case models.AgentScopeActivated(data=data):
            # vaultIds may be null or absent: both must be handled before use.
            vaults = data.vaultIds if isinstance(data.vaultIds, list) else []
            return f"chat {data.chatId} scoped to {len(vaults)} vault(s)"
        case models.UnknownEvent():
            log.info("acknowledging unknown event type %s", event.type)
            return f"ignored {event.type}"
        case _:
            return f"nothing to do for {event.type}"


def handle_dict(event: Event | UnknownEvent) -> str:
    """The same handler over plain dicts typed by ``conformance.types``."""
    if not is_known(event):
        return f"ignored {event['type']}"
    if event["type"] == "vault.upload.completed":
        data = event["data"]
        return f"stored {data['filename']} ({data['sizeBytes']} bytes) in {data['vaultId']}"
    if event["type"] == "agent.run.completed":
        usage = event["data"].get("usage")
        if usage is None:
            return f"run {event['data']['runId']} took {event['data']['durationMs']} ms"
        return f"run {event['data']['runId']} used {usage['inputTokens']} input tokens"
    return f"nothing to do for {event['type']}"


def handle(delivery: dict[str, Any]) -> None:
    """Fuzz entry point: decode a delivery dict exactly, then handle it."""
    handle_event(models.decode(json.dumps(delivery).encode()))


_WEBHOOK: Webhook | None = None


def receive(body: bytes, headers: Mapping[str, str]) -> str:
    """What an HTTP endpoint calls: verify the raw body, decode it, handle it.

    ``WebhookVerificationError`` means answer 401; ``ValidationError`` means the sender
    broke its own schema (answer 400 and alert).
    """
    global _WEBHOOK  # noqa: PLW0603 - one verifier per process, built on first use
    if _WEBHOOK is None:
        _WEBHOOK = Webhook(os.environ["CASEDEV_WEBHOOK_SECRET"])
    return handle_event(_WEBHOOK.unwrap(body, headers))
