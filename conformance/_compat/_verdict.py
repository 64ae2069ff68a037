"""Whole-schema verdicts: is every payload of A also valid under B, proven or shown?

``Judge`` answers two questions about one event, each at most once: *widening* (does
NEW accept a payload OLD rejects?) and *narrowing* (does OLD accept a payload NEW
rejects?). Each answer is one of: proven (the prover in ``_prove``), a witness found by
the bounded search in ``_search`` and verified by python-jsonschema under each schema's
own dialect, or undecided (with the keyword and pointer the prover got stuck on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._errors import json_pointer
from ._prove import Prover
from ._search import candidates, generated, names_in
from ._sources import EventSchema, Side
from ._witness import Witness

#: instances drawn from our generator per undecided question (after the enumeration).
GENERATED = 150


@dataclass(frozen=True)
class Verdict:
    """The answer to "is every payload of A valid under B?"."""

    proven: bool
    witness: Witness | None = None
    #: where B rejects the witness, or where the prover got stuck
    pointer: str = ""
    keyword: str = ""

    @property
    def undecided(self) -> bool:
        """Neither proven nor refuted."""
        return not self.proven and self.witness is None


class Judge:
    """Lazily computed widening/narrowing verdicts for one pair of event schemas."""

    def __init__(
        self,
        before: Side,
        after: Side,
        old: EventSchema,
        new: EventSchema,
        make: Any,
        *,
        generate: int = GENERATED,
    ) -> None:
        self._make = make
        self._pair: tuple[Any, Any] | None = None
        self._sides = {"old": (before, old), "new": (after, new)}
        self._generate = generate
        self._cache: dict[str, Verdict] = {}

    @property
    def validators(self) -> tuple[Any, Any]:
        """python-jsonschema validators for OLD and NEW as written (built on first use)."""
        if self._pair is None:
            (before, old), (after, new) = self._sides["old"], self._sides["new"]
            self._pair = (self._make(before, old), self._make(after, new))
        return self._pair

    def widening(self) -> Verdict:
        """Does NEW accept a payload OLD rejects? (consumer-safe breaks)"""
        if "widening" not in self._cache:
            self._cache["widening"] = self._decide("new", "old")
        return self._cache["widening"]

    def narrowing(self) -> Verdict:
        """Does OLD accept a payload NEW rejects? (what ``frozen`` also forbids)"""
        if "narrowing" not in self._cache:
            self._cache["narrowing"] = self._decide("old", "new")
        return self._cache["narrowing"]

    def _decide(self, a: str, b: str) -> Verdict:
        a_side, a_ev = self._sides[a]
        b_side, b_ev = self._sides[b]
        ra = a_side.registry.resolver(base_uri=a_ev.base)
        rb = b_side.registry.resolver(base_uri=b_ev.base)
        prover = Prover()
        if prover.subset(a_ev.restated, ra, b_ev.restated, rb):
            return Verdict(True)
        old_v, new_v = self.validators
        a_v, b_v = (new_v, old_v) if a == "new" else (old_v, new_v)
        found = search(
            a_ev.restated,
            ra,
            a_v,
            b_v,
            a_side=a_side,
            base=a_ev.base,
            generate=self._generate,
            also=(b_ev.restated, rb),
        )
        if found is not None:
            pointer, keyword = rejection(b_v, found)
            return Verdict(False, Witness(found, a, b), pointer, keyword)
        keyword, pointer = prover.stuck or ("schema", "")
        return Verdict(False, None, pointer, keyword)


def search(
    schema: Any,
    resolver: Any,
    accept: Any,
    reject: Any,
    *,
    a_side: Side | None = None,
    base: str = "",
    generate: int = GENERATED,
    limit: int = 3000,
    also: tuple[Any, Any] | None = None,
) -> Any:
    """The first instance ``accept`` accepts and ``reject`` rejects, or None.

    ``also`` is the rejecting schema and its resolver: values near its boundaries (its
    enum values, bounds, excluded values) are tried too.
    """
    hints = names_in(also[0]) if also is not None else []
    pools = [candidates(schema, resolver, limit, hints)]
    if also is not None:
        pools.append(candidates(also[0], also[1], limit // 3, names_in(schema)))
    for pool in pools:
        for value in pool:
            if accept.is_valid(value) and not reject.is_valid(value):
                return value
    if a_side is not None:
        for value in generated(schema, a_side.registry, base, accept, generate):
            if not reject.is_valid(value):
                return value
    return None


def rejection(validator: Any, instance: Any) -> tuple[str, str]:
    """The JSON pointer and keyword of the most relevant error ``validator`` reports."""
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(instance))
    if error is None:
        return "", ""
    return json_pointer(list(error.absolute_path)), str(error.validator)
