"""Who owns a failure: the plain-counterpart rule.

The failing delivery's plain counterpart (the delivery alone, with a fresh id and
without what the case adds) is handed to the handler again; whether it still fails
decides whether the event's case or a contract case owns the failure. Ownership decides
*where* a failure is reported, never *whether*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._generation import FuzzCase
from ._handler import DEFAULT_DEADLINE, HandlerFailure, check_handler


def reproduces(
    case: FuzzCase,
    handler: Callable[[dict[str, Any]], Any],
    delivery: dict[str, Any],
    failure: HandlerFailure,
    *,
    deadline: float | None = DEFAULT_DEADLINE,
) -> bool | None:
    """Whether ``delivery``'s plain counterpart fails like ``failure`` (the same
    ``HandlerFailure.key``); None when the case has no counterpart."""
    if case.counterpart is None:
        return None
    try:
        check_handler(handler, [case.counterpart(delivery)], deadline=deadline)
    except HandlerFailure as again:
        return again.key == failure.key
    return False


def owner(
    case: FuzzCase,
    handler: Callable[[dict[str, Any]], Any],
    deliveries: Sequence[dict[str, Any]],
    failure: HandlerFailure,
    *,
    deadline: float | None = DEFAULT_DEADLINE,
    events: Mapping[str, FuzzCase] | None = None,
) -> str | None:
    """The id of the case that owns ``failure`` (met on ``deliveries``, as drawn).

    The failing delivery's plain counterpart (the delivery alone, with a fresh id and
    without what this case adds) is handed to ``handler``. If it passes, what the
    case added (a repeated id, an order, extra fields, a timestamp form) broke the
    handler: an ``"added"`` case owns the failure; for a ``"plain"`` case it is the
    contract case for that addition, not known here (None). If it fails the same way,
    a ``"plain"`` case owns it; for the others it belongs to the failing event's case
    in ``events`` if that case's own counterpart (everything contract mode adds
    stripped) still fails the same way, else to another contract case (None).
    """
    delivery = deliveries[failure.index]
    reproduced = reproduces(case, handler, delivery, failure, deadline=deadline)
    if reproduced is None:
        return case.id
    if case.claims == "plain":
        return case.id if reproduced else None
    if not reproduced:
        return case.id if case.claims == "added" else None
    event_case = (events or {}).get(failure.event or "")
    if event_case is None or event_case.is_contract:
        return None
    if reproduces(event_case, handler, delivery, failure, deadline=deadline) is False:
        return None
    return event_case.id


def owns(
    case: FuzzCase,
    handler: Callable[[dict[str, Any]], Any],
    deliveries: Sequence[dict[str, Any]],
    failure: HandlerFailure,
    *,
    deadline: float | None = DEFAULT_DEADLINE,
) -> bool:
    """Whether this case owns ``failure`` (what the pytest plugin's items ask)."""
    return owner(case, handler, deliveries, failure, deadline=deadline) == case.id
