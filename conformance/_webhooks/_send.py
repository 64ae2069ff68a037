"""What ``casedev-conformance send`` sends: signed sample deliveries, or a saved request.

The CLI parses options and prints answers; building the requests (drawing payloads,
wrapping them in envelopes, signing them, and re-signing a saved request with a fresh
timestamp) lives here, where it can be called and tested without the CLI.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._errors import UsageError
from .._ids import new_event_id, new_message_id, now_timestamp
from ._http import HttpRequest, load_request, request_headers
from ._signing import Webhook


def sample_payloads(
    event: str, count: int, seed: int | None, *, catalog: Any = None
) -> list[dict[str, Any]]:
    """``count`` schema-valid payloads of ``event``, drawn with Hypothesis."""
    from hypothesis import given
    from hypothesis import seed as hypothesis_seed

    from .._generation import search_settings
    from ..strategies import payloads

    drawn: list[dict[str, Any]] = []

    @search_settings(max_examples=count)
    @given(payloads(event, contract=False, catalog=catalog))
    def draw(data: dict[str, Any]) -> None:
        drawn.append(data)

    if seed is not None:
        draw = hypothesis_seed(seed)(draw)
    draw()
    # A tiny payload space may yield fewer distinct examples than asked for: repeat them.
    return [drawn[i % len(drawn)] for i in range(count)]


def signed_deliveries(
    webhook: Webhook,
    event: str,
    payloads: Sequence[Mapping[str, Any]],
    *,
    path: str,
    host: str,
    seed: int | None = None,
) -> list[tuple[str, HttpRequest]]:
    """``(label, request)`` for each payload: an envelope of ``event``, signed now."""
    rng = random.Random(seed)
    requests: list[tuple[str, HttpRequest]] = []
    for payload in payloads:
        envelope = {
            "id": new_event_id(),
            "type": event,
            "occurred_at": now_timestamp(rng),
            "data": dict(payload),
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        signed = webhook.headers(new_message_id(), int(time.time()), body)
        headers = request_headers(
            tuple(signed.items()), host=host, body=body, content_type="application/json"
        )
        requests.append((f"{event} {envelope['id']}", HttpRequest("POST", path, headers, body)))
    return requests


def saved_request(
    file: str | Path, *, path: str, host: str, webhook: Webhook | None = None
) -> HttpRequest:
    """The request saved in ``file``, aimed at ``path``; re-signed now if ``webhook`` is given.

    Re-signing keeps the body and the message id and replaces the timestamp and the
    signature (so a receiver with a timestamp tolerance accepts the replay).
    """
    saved = load_request(file)
    if webhook is None:
        return HttpRequest(saved.method, path, saved.headers, saved.body)
    msg_id = saved.header(webhook.id_header)
    if not msg_id:
        raise UsageError(f"the saved request has no {webhook.id_header} header", file=file)
    fresh = webhook.headers(msg_id, int(time.time()), saved.body)
    headers = tuple((k, fresh.get(k.lower(), v)) for k, v in saved.headers if k.lower() != "host")
    return HttpRequest(saved.method, path, (("Host", host), *headers), saved.body)
