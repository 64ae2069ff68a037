"""Fuzz cases: sequences of deliveries, one case per event and one per contract rule.

A case's strategy draws a ``list`` of deliveries that a handler receives in order. Event
cases draw one delivery of that event; contract cases (contract mode only) draw what the
delivery contract allows beyond the schemas, split into one stratum per selected event
(``FuzzCase.strata``) that the runner searches one by one, so every rule meets every
event. The rule table ``CONTRACT_CASES`` maps each case id to its description, stratum
builder and plain-counterpart builder.

Ownership: each failure belongs to exactly one case. When a case's sequence fails at a
delivery, that delivery's plain counterpart (alone, with a fresh id, without what the
case adds) is handed to the handler (``FuzzCase.owns``). If it fails the same way, the
failure is the event's: its event case reports it, the contract case does not. So an
event case owns what fails on the plain event (boundary values included: the schema
allows them), ``contract:additive-fields`` what fails only with data extras,
``contract:envelope-extras`` only with envelope extras, ``contract:timestamp-forms``
only with a non-canonical ``occurred_at`` of the same instant,
``contract:duplicate-delivery`` / ``contract:out-of-order`` only after the deliveries
before it, and ``contract:unknown-event-type`` what fails on a plain delivery of an
unknown type (its extras and timestamp forms belong to the cases above). Ownership
decides where a failure is reported, never whether (see ``conformance._fuzzing``).
``contract:boundary-values`` owns nothing: boundary values are values the schemas
allow, so a failure on them is the event's (event cases in contract mode draw
boundary-heavy payloads for about half their examples); ``fuzz`` runs it as an extra
search and reports what it finds under the event, the pytest plugin does not collect it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .._catalog import Catalog
from .._ids import format_timestamp, new_event_id
from . import _contract
from ._compiler import Options
from ._generators import Family, Generators, generators, patterns_of, relabel

Deliveries = list[dict[str, Any]]

#: The id of the case that replays and mutates captured deliveries (``fuzz --corpus``).
CORPUS_CASE = "corpus"


@dataclass(frozen=True)
class _Scope:
    gen: Generators
    names: list[str]
    patterns: tuple[str, ...]
    record: bool
    families: list[Family] = field(default_factory=list)

    def options(self, **changes: Any) -> Options:
        return Options(contract=True, record=self.record, **changes)

    def known(self, **changes: Any) -> SearchStrategy[dict[str, Any]]:
        options = self.options(**changes)
        return st.one_of([self.gen.delivery(n, options) for n in self.names])


def _single(strategy: SearchStrategy[dict[str, Any]]) -> SearchStrategy[Deliveries]:
    return strategy.map(lambda d: [d])


# -- contract rules, one stratum per event (or per family) --------------------------------
#
# Each builder takes the scope and one selected event and returns the strategy of that
# rule's stratum for the event, so every rule meets every event (``FuzzCase.strata``).


def _unknown_type(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    return _single(scope.gen.unknown_delivery(scope.patterns, scope.options(), near=name))


def _duplicate(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    own = scope.gen.delivery(name, scope.options())
    known = scope.known()

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        first = draw(own)
        sequence = [first, *draw(st.lists(known, max_size=1))]
        for _ in range(draw(st.integers(1, 2))):
            sequence.insert(draw(st.integers(1, len(sequence))), first)
        return sequence

    return build()


def _out_of_order(scope: _Scope, name: str) -> SearchStrategy[Deliveries] | None:
    """``name`` arriving after some of its related events (the smallest family holding
    it: same prefix, shared ids), in any order; first of all (Hypothesis' simplest
    example) right after the event that normally follows it."""
    families = [f for f in scope.families if name in f.events]
    if not families:
        return None
    family = min(families, key=lambda f: len(f.events))
    at = family.events.index(name)
    # Those after it in docs order first, so the simplest draw is [its successor, it].
    others = [*family.events[at + 1 :], *family.events[:at]]
    options = scope.options()

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        count = draw(st.integers(1, len(others)))
        order = [others[i] for i in draw(st.permutations(range(len(others))))[:count]]
        shared = {key: draw(_contract.strings(0, None, True)) for key in family.shared}
        sequence = []
        for member in [*order, name]:
            delivery = draw(scope.gen.delivery(member, options))
            sequence.append(relabel(delivery, data=_contract.with_shared(delivery["data"], shared)))
        return sequence

    return build()


def _envelope_extras(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    return _single(scope.gen.delivery(name, scope.options(), envelope_extras_min=1))


def _additive_fields(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    return _single(scope.gen.delivery(name, scope.options(extras_min=1)))


def _timestamp_forms(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    # Every non-canonical form; the canonical one (milliseconds, Z) is everywhere else.
    forms = [f for f in _contract.timestamp_forms() if f != (3, "Z")]
    instants = _contract.INSTANTS
    own = scope.gen.delivery(name, scope.options())

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        delivery = draw(own)
        digits, offset = draw(st.sampled_from(forms))
        stamp = format_timestamp(draw(instants), digits, offset)
        return [relabel(delivery, occurred_at=stamp)]

    return build()


def _boundary_values(scope: _Scope, name: str) -> SearchStrategy[Deliveries]:
    return _single(scope.gen.delivery(name, scope.options(boundary=True)))


@dataclass(frozen=True)
class Stratum:
    """One slice of a case: the events it is about and its strategy of delivery
    sequences. Contract cases have one per selected event (out-of-order: one per
    family of related events), and ``fuzz`` searches each one, so every rule meets
    every event however many there are."""

    label: str
    events: tuple[str, ...]
    strategy: SearchStrategy[Deliveries] = field(repr=False, compare=False, hash=False)


@dataclass(frozen=True)
class FuzzCase:
    """One thing to fuzz: ``id`` (an event name or ``contract:<rule>``), what it covers,
    and a strategy of delivery sequences handed to the handler in order."""

    id: str
    description: str
    strategy: SearchStrategy[list[dict[str, Any]]] = field(repr=False, compare=False, hash=False)
    #: The failing delivery without what this case adds (its "plain counterpart"), or
    #: None: the case owns every failure it meets (see ``owns``).
    counterpart: Callable[[dict[str, Any]], dict[str, Any]] | None = field(
        default=None, repr=False, compare=False, hash=False
    )
    #: Which failures the case owns. ``"plain"``: those its counterpart reproduces (event
    #: cases, unknown event types). ``"added"``: those it does not reproduce (contract
    #: cases: what they add is the cause; a reproduced one is the event's). ``"event"``:
    #: none; a search-only case whose failures all belong to the events (boundary
    #: values, which the schemas allow): ``fuzz`` attributes them to the event, the
    #: pytest plugin does not collect it.
    claims: Literal["plain", "added", "event"] = "plain"
    #: The slices ``fuzz`` searches one by one (each a few examples); empty: one search
    #: of ``strategy``, which is always the union of the strata.
    strata: tuple[Stratum, ...] = field(default=(), repr=False, compare=False, hash=False)
    #: Whether the case adds deliveries (repeats, orders) rather than content to one.
    sequence: bool = False

    @property
    def is_contract(self) -> bool:
        """Whether this case exercises a contract rule rather than one event's schema."""
        return self.id.startswith("contract:")

    @property
    def rule(self) -> str:
        """The coverage column: ``event`` for event cases, else the id after its prefix."""
        if self.id == CORPUS_CASE:
            return "corpus"
        return self.id.split(":", 1)[1] if ":" in self.id else "event"


# -- plain counterparts ------------------------------------------------------------------
#
# A case owns a failure only if the failing delivery's plain counterpart (that delivery
# alone, with a fresh id, without what the case adds) passes; see ``FuzzCase.owns``.


def _alone(delivery: dict[str, Any]) -> dict[str, Any]:
    """The delivery on its own: a fresh event id, everything else as drawn."""
    return {**delivery, "id": new_event_id()}


def _without_envelope_extras(delivery: dict[str, Any]) -> dict[str, Any]:
    plain = _alone(delivery)
    return {k: v for k, v in plain.items() if k in _contract.ENVELOPE_KEYS}


def _without_data_extras(delivery: dict[str, Any]) -> dict[str, Any]:
    plain = _alone(delivery)
    plain["data"] = _contract.strip_extras(plain.get("data"))
    return plain


def canonical_timestamp(stamp: Any) -> Any:
    """``stamp`` as the same instant in the canonical form (milliseconds, ``Z``).

    Anything that is not an RFC 3339 date-time is returned unchanged.
    """
    if not isinstance(stamp, str):
        return stamp
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return format_timestamp(parsed)


def _canonical_time(delivery: dict[str, Any]) -> dict[str, Any]:
    plain = _alone(delivery)
    if "occurred_at" in plain:
        plain["occurred_at"] = canonical_timestamp(plain["occurred_at"])
    return plain


def plain_delivery(delivery: dict[str, Any]) -> dict[str, Any]:
    """The delivery without anything contract mode adds: no envelope or data extras
    (recorded ones), ``occurred_at`` in the canonical form, a fresh id. Boundary values
    stay: they are values the event's schema allows."""
    return _canonical_time(_without_data_extras(_without_envelope_extras(delivery)))


Builder = Callable[[_Scope, str], SearchStrategy[Deliveries] | None]
Counterpart = Callable[[dict[str, Any]], dict[str, Any]]
Claims = Literal["plain", "added", "event"]

#: contract case id -> (description, builder, counterpart, claims). Order is the order
#: cases run in. ``builder`` makes the stratum of one event (None: the rule does not
#: apply to it, as out-of-order to an event without related events); ``counterpart`` strips contract additions from a failing
#: delivery; ``claims`` says which failures the case owns (see ``FuzzCase.claims``).
CONTRACT_CASES: dict[str, tuple[str, Builder, Counterpart, Claims]] = {
    "contract:unknown-event-type": (
        "event types the catalog does not know yet (siblings of each event, webhook.test), "
        "with arbitrary data",
        _unknown_type,
        plain_delivery,
        "plain",
    ),
    "contract:additive-fields": (
        "unknown extra fields at every object level of data",
        _additive_fields,
        _without_data_extras,
        "added",
    ),
    "contract:envelope-extras": (
        "unknown extra fields at the envelope's top level",
        _envelope_extras,
        _without_envelope_extras,
        "added",
    ),
    "contract:duplicate-delivery": (
        "the same delivery handed over again (at-least-once delivery)",
        _duplicate,
        _alone,
        "added",
    ),
    "contract:out-of-order": (
        "each event after some of its related events (sharing ids), in any order",
        _out_of_order,
        _alone,
        "added",
    ),
    "contract:timestamp-forms": (
        "occurred_at without fractional seconds and with numeric offsets",
        _timestamp_forms,
        _canonical_time,
        "added",
    ),
    "contract:boundary-values": (
        "boundary values in every field: empty, non-ASCII, astral, long, huge, null",
        _boundary_values,
        _alone,
        "event",
    ),
}
#: Cases whose additions are a sequence (repeats, orders), not content of one delivery.
SEQUENCE_CASES = frozenset({"contract:duplicate-delivery", "contract:out-of-order"})
#: The contract cases that add content to one delivery -> the counterpart that strips
#: just that: whose failure goes away without it is that case's (``contract_owner``).
CONTENT_COUNTERPARTS: dict[str, Counterpart] = {
    case_id: counterpart
    for case_id, (_, _, counterpart, claims) in CONTRACT_CASES.items()
    if claims == "added" and case_id not in SEQUENCE_CASES
}


def _strata(scope: _Scope, builder: Builder) -> tuple[Stratum, ...]:
    found = ((name, builder(scope, name)) for name in scope.names)
    return tuple(
        Stratum(name, (name,), strategy) for name, strategy in found if strategy is not None
    )


def build_cases(
    events: str | Iterable[str] = "*",
    *,
    contract: bool = True,
    catalog: Catalog | None = None,
    record: bool = False,
) -> list[FuzzCase]:
    """One case per selected event, then (in contract mode) one per contract rule.

    Contract cases have one stratum per selected event (out-of-order: per family). With
    ``record`` (contract extras marked, so they can be stripped again) each case gets
    its plain-counterpart builder, which ``owner`` uses to attribute a failure to the
    one case that causes it; without it every case owns its failures.
    """
    gen = generators(catalog)
    patterns = patterns_of(events)
    names = gen.names(patterns)
    options = Options(contract=contract, record=record)
    cases = []
    for name in names:
        strategy = _single(gen.delivery(name, options))
        cases.append(
            FuzzCase(
                name,
                f"{name} deliveries" + (" (contract mode)" if contract else " (schema only)"),
                strategy,
                plain_delivery if contract and record else None,
                strata=(Stratum(name, (name,), strategy),),
            )
        )
    if not contract:
        return cases
    scope = _Scope(gen, names, patterns, record, gen.families(names))
    for case_id, (description, builder, counterpart, claims) in CONTRACT_CASES.items():
        strata = _strata(scope, builder)
        if strata:
            cases.append(
                FuzzCase(
                    case_id,
                    description,
                    st.one_of([s.strategy for s in strata]),
                    counterpart if record else None,
                    claims,
                    strata=strata,
                    sequence=case_id in SEQUENCE_CASES,
                )
            )
    return cases


def corpus_case(
    captured: Sequence[dict[str, Any]],
    events: str | Iterable[str] = "*",
    *,
    catalog: Catalog | None = None,
    contract: bool = True,
) -> FuzzCase | None:
    """The ``corpus`` case: mutations of real captured deliveries (None without any).

    One stratum per captured event type in the selection. Each example is a captured
    delivery with a fresh id and, drawn per example, either as it was, with some
    top-level ``data`` fields swapped for generated ones (real payloads, new values),
    or (in contract mode) with ``occurred_at`` in another RFC 3339 form. Failures are
    attributed like everyone else's: to the event when the plain counterpart fails.
    """
    gen = generators(catalog)
    names = set(gen.names(patterns_of(events)))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for delivery in captured:
        kind = delivery.get("type")
        if isinstance(kind, str) and kind in names and isinstance(delivery.get("data"), dict):
            by_type.setdefault(kind, []).append(delivery)
    if not by_type:
        return None
    options = Options(contract=contract, record=True, extras=False, edges=False)
    forms = [f for f in _contract.timestamp_forms() if f != (3, "Z")] if contract else []
    strata = []
    for name in gen.names(patterns_of(events)):
        if name in by_type:
            strategy = _mutations(by_type[name], gen.delivery(name, options), forms)
            strata.append(Stratum(name, (name,), strategy))
    return FuzzCase(
        CORPUS_CASE,
        "captured deliveries replayed, then mutated (fields swapped for generated values, "
        "other timestamp forms)",
        st.one_of([s.strategy for s in strata]),
        plain_delivery,
        "event",
        strata=tuple(strata),
    )


def _mutations(
    captured: list[dict[str, Any]],
    generated: SearchStrategy[dict[str, Any]],
    forms: list[tuple[int, str]],
) -> SearchStrategy[Deliveries]:
    kinds = ["as-captured", "swap-fields", *(["timestamp-form"] if forms else [])]

    @st.composite
    def build(draw: st.DrawFn) -> Deliveries:
        base = copy.deepcopy(draw(st.sampled_from(captured)))
        base["id"] = new_event_id()
        kind = draw(st.sampled_from(kinds))
        if kind == "swap-fields":
            fresh = draw(generated)["data"]
            data = dict(base["data"])
            for key in sorted(fresh):
                if draw(st.booleans()):
                    data[key] = fresh[key]
            base["data"] = data
        elif kind == "timestamp-form":
            digits, offset = draw(st.sampled_from(forms))
            base["occurred_at"] = format_timestamp(draw(_contract.INSTANTS), digits, offset)
        return [base]

    return build()


def case_ids(cases: Sequence[FuzzCase]) -> list[str]:
    """The ids of ``cases`` (a convenience for parametrizing tests)."""
    return [case.id for case in cases]
