"""Hypothesis strategies for Case.dev webhook payloads, deliveries and delivery sequences.

    from conformance.strategies import payloads, deliveries

    @given(deliveries("vault.*"))
    def test_handler_accepts_every_vault_delivery(delivery):
        handle(delivery)

Strategies are native Hypothesis strategies compiled from the catalog's JSON Schemas.
``contract=True`` (the default) also generates what the delivery contract allows beyond
the schemas: unknown extra fields, unknown event types, every RFC 3339 form of
``occurred_at`` and boundary values; ``contract=False`` generates exactly what the
schemas spell out. Values are what a Python consumer parses from Case.dev's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from ._catalog import Catalog, Event
from ._errors import UsageError
from ._generation import Options, build_cases, generators, patterns_of
from ._generation import _contract as contract_values

__all__ = [
    "deliveries",
    "event_ids",
    "json_values",
    "payloads",
    "scenarios",
    "timestamps",
]


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise UsageError(
            f"Expected {name} to be True or False, but got {name}={value!r} "
            f"(type={type(value).__name__})"
        )
    return value


def _event_name(event: Any) -> str:
    if isinstance(event, Event):
        return event.name
    if isinstance(event, str):
        return event
    raise UsageError(
        f"Expected an event name or an Event, but got event={event!r} (type={type(event).__name__})"
    )


def payloads(
    event: str | Event, *, contract: bool = True, catalog: Catalog | None = None
) -> SearchStrategy[dict[str, Any]]:
    """Payloads (the ``data`` object) of ``event``, valid under its schema.

    In contract mode objects may carry unknown extra keys and leaves take boundary
    values; removing the extra keys always leaves a schema-valid payload.
    """
    name = _event_name(event)
    contract = _check_flag("contract", contract)
    gen = generators(catalog)
    gen.catalog[name]  # raises UnknownEventError for unknown names
    return gen.payload(name, Options(contract=contract))


def deliveries(
    events: str | Iterable[str] = "*", *, contract: bool = True, catalog: Catalog | None = None
) -> SearchStrategy[dict[str, Any]]:
    """Whole deliveries (``id``, ``type``, ``occurred_at``, ``data``) of the events
    matching ``events`` (Case.dev filter syntax: exact names, ``vault.*``, ``*``).

    In contract mode this includes event types the catalog does not know that a
    subscription to ``events`` would receive (and ``webhook.test``), and unknown
    top-level fields.
    """
    contract = _check_flag("contract", contract)
    gen = generators(catalog)
    patterns = patterns_of(events)
    options = Options(contract=contract)
    branches = [gen.delivery(name, options) for name in gen.names(patterns)]
    if contract:
        branches.append(gen.unknown_delivery(patterns, options))
    return st.one_of(branches)


def scenarios(
    events: str | Iterable[str] = "*", *, contract: bool = True, catalog: Catalog | None = None
) -> SearchStrategy[list[dict[str, Any]]]:
    """Sequences of deliveries, as ``fuzz`` hands them to a handler: single deliveries of
    each event and, in contract mode, duplicates, related events out of order, unknown
    types, extra fields, every timestamp form and boundary values."""
    contract = _check_flag("contract", contract)
    cases = build_cases(events, contract=contract, catalog=catalog)
    return st.one_of([case.strategy for case in cases])


def event_ids() -> SearchStrategy[str]:
    """Fresh ``evt_`` + ULID event ids, never repeating within the process."""
    return contract_values.event_ids()


def timestamps(*, contract: bool = True) -> SearchStrategy[str]:
    """RFC 3339 ``occurred_at`` values: every form Case.dev may send, or with
    ``contract=False`` only the canonical ``2026-04-24T15:12:09.481Z`` form."""
    return contract_values.timestamps(_check_flag("contract", contract))


def json_values() -> SearchStrategy[Any]:
    """Arbitrary JSON values with numbers as a JavaScript producer sends them."""
    return contract_values.json_values(True)
