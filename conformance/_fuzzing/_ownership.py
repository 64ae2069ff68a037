"""Who owns a failure: the plain-counterpart rule.

The failing delivery's plain counterpart (the delivery alone, with a fresh id and
without what the case adds) is handed to the handler again; whether it still fails
decides whether the event's case or a contract case owns the failure. Ownership decides
*where* a failure is reported, never *whether*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._generation import CONTENT_COUNTERPARTS, FuzzCase
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

    ``events`` maps case ids to the run's cases (event cases and contract cases). The
    failing delivery's plain counterpart (the delivery alone, with a fresh id and
    without what this case adds) is handed to ``handler``. If it passes, what the case
    added (a repeated id, an order, extra fields, a timestamp form) broke the handler:
    an ``"added"`` case owns the failure; for the others it is the contract case whose
    counterpart alone makes the failure go away (``contract_owner``). If it fails the
    same way, a ``"plain"`` case owns it; for the others it belongs to the failing
    event's case if that case's own counterpart (everything contract mode adds
    stripped) still fails the same way, else to the contract case whose addition
    causes it. None: no case's counterpart tells (the caller still reports it).
    """
    cases = events or {}
    delivery = deliveries[failure.index]
    reproduced = reproduces(case, handler, delivery, failure, deadline=deadline)
    if reproduced is None:
        return case.id
    if case.claims == "plain" and reproduced:
        return case.id
    if not reproduced:
        if case.claims == "added":
            return case.id
        return contract_owner(handler, delivery, failure, deadline=deadline)
    event_case = cases.get(failure.event or "")
    if event_case is None or event_case.is_contract:
        return None
    if reproduces(event_case, handler, delivery, failure, deadline=deadline) is False:
        return contract_owner(handler, delivery, failure, deadline=deadline)
    return event_case.id


def contract_owner(
    handler: Callable[[dict[str, Any]], Any],
    delivery: dict[str, Any],
    failure: HandlerFailure,
    *,
    deadline: float | None = DEFAULT_DEADLINE,
) -> str | None:
    """The contract case whose addition to ``delivery`` causes ``failure``: the first
    content rule (data extras, envelope extras, timestamp form) whose counterpart (the
    delivery without just that) passes; None if none does.

    Sequence rules (duplicates, order) are not asked: on one delivery alone they add
    nothing but a fresh id."""
    for case_id, counterpart in CONTENT_COUNTERPARTS.items():
        try:
            check_handler(handler, [counterpart(delivery)], deadline=deadline)
        except HandlerFailure as again:
            if again.key != failure.key:
                return case_id  # without the addition, not this failure
            continue
        return case_id
    return None


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
