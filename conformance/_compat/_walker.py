"""Pair old and new schema nodes and run the rule checks on every pair.

The walker owns the recursion (properties, array items, additional properties, the
variants of ``anyOf``/``oneOf``); the checks only compare. A pair already on the current
path is not entered again, so recursive schemas terminate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._checks import CHECKS, Change, Path, pair_facets
from ._normalize import Facet, Norm, any_norm
from ._rules import RULES
from ._sources import EventSchema

_MAX_DEPTH = 64


class Walker:
    """Runs the rule table over one pair of events or normalised schemas."""

    def __init__(self, rules: Iterable[str] | None = None) -> None:
        chosen = set(RULES) if rules is None else set(rules)
        self._event = [CHECKS[r] for r in RULES if r in chosen and RULES[r].kind == "event"]
        self._node = [CHECKS[r] for r in RULES if r in chosen and RULES[r].kind == "node"]
        self._facet: dict[str, list[Callable[..., list[Change]]]] = {
            t: [CHECKS[r] for r in RULES if r in chosen and RULES[r].kind in ("other", t)]
            for t in ("null", "boolean", "number", "string", "array", "object")
        }

    def events(self, old: EventSchema | None, new: EventSchema | None) -> list[Change]:
        """Catalog-level changes between two versions of one event."""
        out: list[Change] = []
        for check in self._event:
            out.extend(check(old, new))
        return out

    def schemas(self, old: Norm, new: Norm) -> list[Change]:
        """Every payload-level change between two normalised schemas."""
        out: list[Change] = []
        self._walk(old, new, (), set(), out)
        return out

    def _walk(
        self, old: Norm, new: Norm, path: Path, active: set[tuple[int, int]], out: list[Change]
    ) -> None:
        key = (id(old), id(new))
        if key in active or len(path) > _MAX_DEPTH or old is new:
            return
        active.add(key)
        try:
            for check in self._node:
                out.extend(check(old, new, path))
            for name in sorted(old.facets.keys() & new.facets.keys()):
                pairs, _, _ = pair_facets(old.facets[name], new.facets[name])
                for before, after in pairs:
                    self._facet_pair(name, before, after, path, active, out)
        finally:
            active.discard(key)

    def _facet_pair(  # noqa: PLR0917 - private recursion helper
        self,
        name: str,
        old: Facet,
        new: Facet,
        path: Path,
        active: set[tuple[int, int]],
        out: list[Change],
    ) -> None:
        for check in self._facet[name]:
            out.extend(check(old, new, path))
        if name == "array" and (old.items is not None or new.items is not None):
            self._walk(_or_any(old.items), _or_any(new.items), (*path, ("item", "*")), active, out)
        if name == "object":
            for prop in sorted(old.properties.keys() & new.properties.keys()):
                self._walk(
                    old.properties[prop], new.properties[prop], (*path, ("prop", prop)), active, out
                )
            extra_old, extra_new = old.additional, new.additional
            if (
                extra_old is not False
                and extra_new is not False
                and (isinstance(extra_old, Norm) or isinstance(extra_new, Norm))
            ):
                self._walk(
                    _or_any(extra_old), _or_any(extra_new), (*path, ("extra", "*")), active, out
                )


def _or_any(node: Any) -> Norm:
    return node if isinstance(node, Norm) else any_norm()
