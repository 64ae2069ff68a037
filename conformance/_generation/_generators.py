"""Catalog-level generators: compiled payload and delivery strategies, cached per catalog.

One ``Generators`` object per loaded catalog holds a referencing registry of all its
schemas (events by ``$id``, plus the envelope) and the compiled strategies, so each
event schema is compiled at most once per set of options.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .._catalog import ANNOTATIONS, Catalog, Event, load_catalog
from .._errors import UsageError
from . import _contract
from ._compiler import Compiler, Options, registry_for, with_extras

_BY_CATALOG: weakref.WeakKeyDictionary[Catalog, Generators] = weakref.WeakKeyDictionary()


def default_catalog() -> Catalog:
    """The packaged catalog (the loader keeps the one cache of it)."""
    return load_catalog()


def generators(catalog: Catalog | None = None) -> Generators:
    """The (cached) generators for ``catalog`` (default: the packaged one)."""
    if catalog is None:
        catalog = default_catalog()
    elif not isinstance(catalog, Catalog):
        raise UsageError(
            f"Expected a Catalog (from load_catalog()), but got catalog={catalog!r} "
            f"(type={type(catalog).__name__})"
        )
    found = _BY_CATALOG.get(catalog)
    if found is None:
        found = _BY_CATALOG[catalog] = Generators(catalog)
    return found


def event_uri(event: Event) -> str:
    """The URI an event schema is registered under."""
    return str(event.schema.get("$id") or f"urn:conformance:event:{event.name}")


def is_plain_string(schema: Any) -> bool:
    """Whether ``schema`` accepts any string (so a shared id may be put there)."""
    if not isinstance(schema, dict):
        return False
    types = schema.get("type")
    kinds = [types] if isinstance(types, str) else list(types or [])
    constraints = {k for k in schema if k not in ANNOTATIONS and not k.startswith("x-")}
    return "string" in kinds and constraints == {"type"}


@dataclass(frozen=True)
class Family:
    """Related events: a name prefix whose events all carry the ``shared`` id fields."""

    prefix: str
    events: tuple[str, ...]
    shared: tuple[str, ...]


class Generators:
    """Compiled strategies for one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.uris = {event.name: event_uri(event) for event in catalog}
        envelope_uri = str(catalog.envelope.get("$id") or "urn:conformance:envelope")
        self.registry = registry_for(
            [*((self.uris[e.name], e.schema) for e in catalog), (envelope_uri, catalog.envelope)]
        )
        self._payloads: dict[tuple[str, Options], SearchStrategy[dict[str, Any]]] = {}
        self._deliveries: dict[tuple[str, Options, int], SearchStrategy[dict[str, Any]]] = {}

    def names(self, events: str | Iterable[str] = "*") -> list[str]:
        """Event names selected by one pattern or several, in docs-page order."""
        patterns = patterns_of(events)
        chosen = set(self.catalog.select(*patterns).names)
        return [n for n in self.catalog.order if n in chosen]

    def payload(self, name: str, options: Options) -> SearchStrategy[dict[str, Any]]:
        """The payload (``data``) strategy of event ``name``."""
        key = (name, options)
        if key not in self._payloads:
            if options.contract and options.edges and not options.boundary and options.extras:
                # One choice per payload instead of one per leaf or per object: typical
                # payloads without extras (what shrinking lands on) or with extra keys at
                # every object level, a quarter each, and boundary-heavy payloads with
                # extras half the time. (With forced extras: typical or boundary, half
                # each.) one_of() drops repeated branches by identity, hence the second
                # boundary branch is the first one mapped through ``_same``.
                typical = replace(options, edges=False)
                boundary = self.payload(name, replace(options, boundary=True))
                branches = [self.payload(name, typical), boundary]
                if not options.extras_min:
                    plain = self.payload(name, replace(typical, extras=False))
                    branches = [plain, branches[0], boundary, boundary.map(_same)]
                self._payloads[key] = st.one_of(branches)
            else:
                event = self.catalog[name]
                compiler = Compiler(self.registry, options, event=name)
                self._payloads[key] = compiler.compile_resource(self.uris[event.name])
        return self._payloads[key]

    def delivery(
        self, name: str, options: Options, *, envelope_extras_min: int = 0
    ) -> SearchStrategy[dict[str, Any]]:
        """Whole deliveries (envelope plus payload) of event ``name``."""
        key = (name, options, envelope_extras_min)
        if key not in self._deliveries:
            self._deliveries[key] = envelope(
                st.just(name), self.payload(name, options), options, envelope_extras_min
            )
        return self._deliveries[key]

    def unknown_delivery(
        self, patterns: Sequence[str], options: Options, near: str | None = None
    ) -> SearchStrategy[dict[str, Any]]:
        """Deliveries of event types the catalog does not know, with arbitrary data
        (with ``near``: unknown siblings of that event, see ``unknown_types``)."""
        data = st.dictionaries(
            _contract.free_keys(), _contract.json_values(options.contract), max_size=4
        )
        types = _contract.unknown_types(patterns, self.catalog.names, near)
        return envelope(types, data, options, 0)

    def families(self, names: Sequence[str]) -> list[Family]:
        """Groups of related events among ``names`` (same prefix, shared id fields)."""
        found: dict[tuple[str, ...], Family] = {}
        prefixes = sorted(
            {".".join(n.split(".")[:depth]) for n in names for depth in range(1, n.count(".") + 1)}
        )
        for prefix in prefixes:
            members = tuple(n for n in names if n.startswith(prefix + "."))
            if len(members) < 2 or members in found:
                continue
            common: list[str] | None = None
            for member in members:
                props = self.catalog[member].schema.get("properties", {})
                ids = [k for k, v in props.items() if k.endswith("Id") and is_plain_string(v)]
                common = ids if common is None else [k for k in common if k in ids]
            if common:
                found[members] = Family(prefix, members, tuple(common))
        return list(found.values())


def envelope(
    types: SearchStrategy[str],
    data: SearchStrategy[dict[str, Any]],
    options: Options,
    extras_min: int,
) -> SearchStrategy[dict[str, Any]]:
    """Deliveries: ``id``, ``type``, ``occurred_at``, ``data`` (+ extras in contract mode)."""
    base = st.fixed_dictionaries(
        {
            "id": _contract.event_ids(),
            "type": types,
            "occurred_at": _contract.timestamps(options.contract),
            "data": data,
        }
    )
    if not options.contract:
        return base
    extras = _contract.additive_fields(
        _contract.ENVELOPE_KEYS,
        _contract.json_values(True),
        names=_contract.ENVELOPE_EXTRA_NAMES,
        min_size=extras_min,
    )
    return with_extras(base, extras, record=options.record)


def _same(value: dict[str, Any]) -> dict[str, Any]:
    return value


def patterns_of(events: str | Iterable[str]) -> tuple[str, ...]:
    """Normalize an ``events`` argument (a pattern or several) to a tuple of patterns."""
    if isinstance(events, str):
        return (events,)
    try:
        patterns = tuple(events)
    except TypeError:
        raise UsageError(
            f"Expected an event pattern or a list of them, but got events={events!r} "
            f"(type={type(events).__name__})"
        ) from None
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise UsageError(
                f"Expected event patterns to be strings, but got {pattern!r} "
                f"(type={type(pattern).__name__})"
            )
    return patterns or ("*",)


def relabel(delivery: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A shallow copy of ``delivery`` (keeping recorded extras) with ``changes``."""
    out = copy.copy(delivery)
    out.update(changes)
    return out
