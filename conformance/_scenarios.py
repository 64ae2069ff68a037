"""Fuzz cases: sequences of deliveries, one case per event and one per contract rule.

A case's strategy draws a ``list`` of deliveries that a handler receives in order. Event
cases draw one delivery of that event; contract cases (contract mode only) draw what the
delivery contract allows beyond the schemas. The rule table ``CONTRACT_CASES`` maps each
case id to its description and builder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from . import _contract
from ._catalog import Catalog
from ._compile import Options
from ._fuzz import FuzzCase
from ._generate import Generators, generators, patterns_of, relabel

Deliveries = list[dict[str, Any]]


@dataclass(frozen=True)
class _Scope:
    gen: Generators
    names: list[str]
    patterns: tuple[str, ...]
    record: bool

    def options(self, **changes: Any) -> Options:
        return Options(contract=True, record=self.record, **changes)

    def known(self, **changes: Any) -> SearchStrategy[dict[str, Any]]:
        options = self.options(**changes)
        return st.one_of([self.gen.delivery(n, options) for n in self.names])


def _single(strategy: SearchStrategy[dict[str, Any]]) -> SearchStrategy[Deliveries]:
    return strategy.map(lambda d: [d])


def _unknown_type(scope: _Scope) -> SearchStrategy[Deliveries]:
    return _single(scope.gen.unknown_delivery(scope.patterns, scope.options()))


def _duplicate(scope: _Scope) -> SearchStrategy[Deliveries]:
    known = scope.known()

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        first = draw(known)
        sequence = [first, *draw(st.lists(known, max_size=2))]
        for _ in range(draw(st.integers(1, 2))):
            sequence.insert(draw(st.integers(1, len(sequence))), first)
        return sequence

    return build()


def _out_of_order(scope: _Scope) -> SearchStrategy[Deliveries] | None:
    families = scope.gen.families(scope.names)
    if not families:
        return None
    options = scope.options()

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        family = draw(st.sampled_from(families))
        order = draw(st.permutations(family.events))
        count = draw(st.integers(1, len(order)))
        shared = {name: draw(_contract.strings(0, None, True)) for name in family.shared}
        sequence = []
        for name in order[:count]:
            delivery = draw(scope.gen.delivery(name, options))
            sequence.append(relabel(delivery, data=_contract.with_shared(delivery["data"], shared)))
        return sequence

    return build()


def _envelope_extras(scope: _Scope) -> SearchStrategy[Deliveries]:
    options = scope.options()
    return _single(
        st.one_of([scope.gen.delivery(n, options, envelope_extras_min=1) for n in scope.names])
    )


def _additive_fields(scope: _Scope) -> SearchStrategy[Deliveries]:
    return _single(scope.known(extras_min=1))


def _timestamp_forms(scope: _Scope) -> SearchStrategy[Deliveries]:
    # Every non-canonical form; the canonical one (milliseconds, Z) is everywhere else.
    forms = [f for f in _contract.timestamp_forms() if f != (3, "Z")]
    instants = _contract.INSTANTS
    known = scope.known()

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        delivery = draw(known)
        digits, offset = draw(st.sampled_from(forms))
        stamp = _contract.format_timestamp(draw(instants), digits, offset)
        return [relabel(delivery, occurred_at=stamp)]

    return build()


def _boundary_values(scope: _Scope) -> SearchStrategy[Deliveries]:
    return _single(scope.known(boundary=True))


Builder = Callable[[_Scope], SearchStrategy[Deliveries] | None]

#: contract case id -> (description, builder). Order is the order cases run in.
CONTRACT_CASES: dict[str, tuple[str, Builder]] = {
    "contract:unknown-event-type": (
        "an event type the catalog does not know yet (or webhook.test), with arbitrary data",
        _unknown_type,
    ),
    "contract:additive-fields": (
        "unknown extra fields at every object level of data",
        _additive_fields,
    ),
    "contract:envelope-extras": (
        "unknown extra fields at the envelope's top level",
        _envelope_extras,
    ),
    "contract:duplicate-delivery": (
        "the same delivery handed over again (at-least-once delivery)",
        _duplicate,
    ),
    "contract:out-of-order": (
        "related events (sharing an id) in any order, some of them missing",
        _out_of_order,
    ),
    "contract:timestamp-forms": (
        "occurred_at without fractional seconds and with numeric offsets",
        _timestamp_forms,
    ),
    "contract:boundary-values": (
        "boundary values in every field: empty, non-ASCII, astral, long, huge, null",
        _boundary_values,
    ),
}


def build_cases(
    events: str | Iterable[str] = "*",
    *,
    contract: bool = True,
    catalog: Catalog | None = None,
    record: bool = False,
) -> list[FuzzCase]:
    """One case per selected event, then (in contract mode) one per contract rule."""
    gen = generators(catalog)
    patterns = patterns_of(events)
    names = gen.names(patterns)
    options = Options(contract=contract, record=record)
    cases = [
        FuzzCase(
            name,
            f"{name} deliveries" + (" (contract mode)" if contract else " (schema only)"),
            _single(gen.delivery(name, options)),
        )
        for name in names
    ]
    if not contract:
        return cases
    scope = _Scope(gen, names, patterns, record)
    for case_id, (description, builder) in CONTRACT_CASES.items():
        strategy = builder(scope)
        if strategy is not None:
            cases.append(FuzzCase(case_id, description, strategy))
    return cases


def case_ids(cases: Sequence[FuzzCase]) -> list[str]:
    """The ids of ``cases`` (a convenience for parametrizing tests)."""
    return [case.id for case in cases]
