"""The check functions behind the rule table: each compares one old/new pair, no recursion.

Each function returns :class:`Change` records: the rule id, the path of the change in
the payload, the old and new values for display, message parameters and candidate
leaf values for the witness search. The walker decides which pairs to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from ._normalize import SIZE_KEYWORDS, Facet, Norm, signature
from ._prove import pattern_matches
from ._sources import EventSchema

#: a step into a payload: ("prop", name), ("item", "*") or ("extra", "*").
Seg = tuple[str, str]
Path = tuple[Seg, ...]


class _Delete:
    """Witness candidate: remove the field instead of setting it."""

    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


@dataclass(frozen=True)
class Sized:
    """Witness candidate: a string, array or object of ``size`` elements."""

    type: str
    size: int


@dataclass
class Change:
    """One difference found by a check, before severity, policy and waivers apply."""

    rule: str
    path: Path
    old: Any
    new: Any
    params: dict[str, Any] = field(default_factory=dict)
    candidates: tuple[Any, ...] = ()


_SAMPLES: Mapping[str, tuple[Any, ...]] = {
    "null": (None,),
    "boolean": (True, False),
    "integer": (1, 0),
    "number": (0.5, 1.5),
    "string": ("x", ""),
    "array": ([],),
    "object": ({},),
}


def _values(enum: frozenset[str]) -> list[Any]:
    return [orjson.loads(v) for v in sorted(enum)]


# -- catalog level ----------------------------------------------------------------------


def event_removed(old: EventSchema | None, new: EventSchema | None) -> list[Change]:
    """An event present before is gone."""
    if old is not None and new is None:
        return [Change("event-removed", (), old.stability, None)]
    return []


def event_added(old: EventSchema | None, new: EventSchema | None) -> list[Change]:
    """An event that did not exist appears."""
    if old is None and new is not None:
        return [Change("event-added", (), None, new.stability)]
    return []


def event_demoted(old: EventSchema | None, new: EventSchema | None) -> list[Change]:
    """A stable event became beta."""
    if old and new and old.stability == "stable" and new.stability == "beta":
        return [Change("event-demoted", (), old.stability, new.stability)]
    return []


def event_promoted(old: EventSchema | None, new: EventSchema | None) -> list[Change]:
    """A beta event became stable."""
    if old and new and old.stability == "beta" and new.stability == "stable":
        return [Change("event-promoted", (), old.stability, new.stability)]
    return []


def required_scope_changed(old: EventSchema | None, new: EventSchema | None) -> list[Change]:
    """The API key scope needed to receive the event changed."""
    if old and new and old.scope and old.scope != new.scope:
        return [Change("required-scope-changed", (), old.scope, new.scope or None)]
    return []


# -- one node: its JSON types -------------------------------------------------------------


def _covered(name: str, types: set[str]) -> bool:
    return name in types or (name == "integer" and "number" in types)


def _type_diff(old: Norm, new: Norm) -> tuple[set[str], set[str]]:
    ot, nt = old.types, new.types
    return {t for t in nt if not _covered(t, ot)}, {t for t in ot if not _covered(t, nt)}


def type_widened(old: Norm, new: Norm, path: Path) -> list[Change]:
    """The node accepts a non-null JSON type it did not accept."""
    added, _ = _type_diff(old, new)
    added.discard("null")
    if not added:
        return []
    cands = tuple(v for t in sorted(added) for v in _SAMPLES[t])
    return [Change("type-widened", path, old.describe(), new.describe(), {}, cands)]


def became_nullable(old: Norm, new: Norm, path: Path) -> list[Change]:
    """The node accepts null and did not."""
    added, _ = _type_diff(old, new)
    if "null" in added:
        return [Change("became-nullable", path, old.describe(), new.describe(), {}, (None,))]
    return []


def type_narrowed(old: Norm, new: Norm, path: Path) -> list[Change]:
    """The node no longer accepts a non-null JSON type."""
    _, removed = _type_diff(old, new)
    removed.discard("null")
    if not removed:
        return []
    cands = tuple(v for t in sorted(removed) for v in _SAMPLES[t])
    return [
        Change(
            "type-narrowed",
            path,
            old.describe(),
            new.describe(),
            {"removed": sorted(removed)},
            cands,
        )
    ]


def nullable_removed(old: Norm, new: Norm, path: Path) -> list[Change]:
    """The node no longer accepts null."""
    _, removed = _type_diff(old, new)
    if "null" in removed:
        return [Change("nullable-removed", path, old.describe(), new.describe(), {}, (None,))]
    return []


def pair_facets(
    old: list[Facet], new: list[Facet]
) -> tuple[list[tuple[Facet, Facet]], list[Facet], list[Facet]]:
    """Pair the variants of one JSON type: equal ones first, then the most alike.

    Returns the pairs, the new variants left over and the old variants left over.
    """
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])], [], []
    pairs: list[tuple[Facet, Facet]] = []
    left_old = list(old)
    left_new: list[Facet] = []
    for facet in new:
        sig = signature(facet)
        match = next((o for o in left_old if signature(o) == sig), None)
        if match is None:
            left_new.append(facet)
        else:
            left_old.remove(match)
            pairs.append((match, facet))
    if len(left_old) == 1 and len(left_new) == 1:
        return [*pairs, (left_old[0], left_new[0])], [], []
    for facet in list(left_new):
        scored = [(_likeness(o, facet), i) for i, o in enumerate(left_old)]
        scored = [s for s in scored if s[0] > 0]
        if scored:
            _, index = max(scored)
            pairs.append((left_old.pop(index), facet))
            left_new.remove(facet)
    return pairs, left_new, left_old


def _likeness(a: Facet, b: Facet) -> float:
    if a.type != "object":
        return 1.0 if a.integer == b.integer else 0.5
    names = a.properties.keys() | b.properties.keys()
    if not names:
        return 1.0
    same_const = sum(
        1
        for k in a.properties.keys() & b.properties.keys()
        if signature(a.properties[k]) == signature(b.properties[k])
    )
    return same_const / len(names)


def variant_added(old: Norm, new: Norm, path: Path) -> list[Change]:
    """anyOf/oneOf variants of one type that have no counterpart in the old schema."""
    out = []
    for name in sorted(old.facets.keys() & new.facets.keys()):
        _, extra, _ = pair_facets(old.facets[name], new.facets[name])
        for _facet in extra:
            out.append(
                Change("variant-added", path, old.describe(), new.describe(), {"type": name})
            )
    return out


def variant_removed(old: Norm, new: Norm, path: Path) -> list[Change]:
    """anyOf/oneOf variants of one type that have no counterpart in the new schema."""
    out = []
    for name in sorted(old.facets.keys() & new.facets.keys()):
        _, _, gone = pair_facets(old.facets[name], new.facets[name])
        for _facet in gone:
            out.append(
                Change("variant-removed", path, old.describe(), new.describe(), {"type": name})
            )
    return out


def keyword_changed(old: Norm, new: Norm, path: Path) -> list[Change]:
    """Keywords kept verbatim (``not``, ``if``, ...) whose text differs."""
    return _other_diff(old.other, new.other, path)


def _other_diff(old: dict[str, str], new: dict[str, str], path: Path) -> list[Change]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            before = orjson.loads(old[key]) if key in old else None
            after = orjson.loads(new[key]) if key in new else None
            out.append(Change("keyword-changed", path, before, after, {"keyword": key}))
    return out


# -- enumerations ---------------------------------------------------------------------------


def enum_value_added(old: Facet, new: Facet, path: Path) -> list[Change]:
    """The enum accepts values it did not."""
    if old.enum is None or new.enum is None or (len(old.enum) == 1 == len(new.enum)):
        return []
    added = new.enum - old.enum
    if not added:
        return []
    vals = _values(added)
    return [
        Change(
            "enum-value-added",
            path,
            _values(old.enum),
            _values(new.enum),
            {"added": vals},
            tuple(vals),
        )
    ]


def enum_value_removed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """The enum no longer accepts some values."""
    if old.enum is None or new.enum is None or (len(old.enum) == 1 == len(new.enum)):
        return []
    removed = old.enum - new.enum
    if not removed:
        return []
    vals = _values(removed)
    return [
        Change(
            "enum-value-removed",
            path,
            _values(old.enum),
            _values(new.enum),
            {"removed": vals},
            tuple(vals),
        )
    ]


def const_changed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """A single allowed value was replaced by another."""
    if old.enum and new.enum and len(old.enum) == 1 == len(new.enum) and old.enum != new.enum:
        (before,), (after,) = _values(old.enum), _values(new.enum)
        return [Change("const-changed", path, before, after, {}, (after,))]
    return []


def enum_removed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """The field is no longer restricted to a list of values."""
    if old.enum is not None and new.enum is None:
        return [Change("enum-removed", path, _values(old.enum), new.type)]
    return []


def enum_added(old: Facet, new: Facet, path: Path) -> list[Change]:
    """The field is newly restricted to a list of values."""
    if old.enum is None and new.enum is not None:
        return [Change("enum-added", path, old.type, _values(new.enum))]
    return []


# -- value constraints ------------------------------------------------------------------------


def _constraint_moves(old: Facet, new: Facet) -> list[tuple[str, str, Any, Any, tuple[Any, ...]]]:
    """(direction, keyword, old, new, candidates) for every constraint that differs."""
    moves: list[tuple[str, str, Any, Any, tuple[Any, ...]]] = []
    for key in sorted(old.sizes.keys() | new.sizes.keys()):
        ov, nv = old.sizes.get(key), new.sizes.get(key)
        if ov == nv:
            continue
        grows = SIZE_KEYWORDS[key]
        if ov is None:
            relaxed = False
        elif nv is None:
            relaxed = True
        else:
            relaxed = nv > ov if grows else nv < ov
        if relaxed:
            assert ov is not None
            size = ov + 1 if grows else (nv if nv is not None else 0)
        else:
            assert nv is not None
            size = nv + 1 if grows else (ov if ov is not None else 0)
        cands: tuple[Any, ...] = (Sized(new.type, size),) if size >= 0 else ()
        moves.append(("relaxed" if relaxed else "tightened", key, ov, nv, cands))
    for key, before, after in (("lower", old.lower, new.lower), ("upper", old.upper, new.upper)):
        if before == after:
            continue
        move = _bound_move(key == "lower", before, after, integer=new.integer)
        if move is not None:
            moves.append(move)
    if old.multiple_of != new.multiple_of:
        om, nm = old.multiple_of, new.multiple_of
        if om is None:
            direction = "tightened"
        elif nm is None or (om / nm).is_integer():
            direction = "relaxed"
        elif (nm / om).is_integer():
            direction = "tightened"
        else:
            direction = "changed"
        cands = tuple(c for c in (nm, om, 1, 0.5) if c is not None)
        moves.append((direction, "multipleOf", om, nm, cands))
    for key, before_set, after_set in (
        ("pattern", old.patterns, new.patterns),
        ("format", old.formats, new.formats),
    ):
        if before_set == after_set:
            continue
        if after_set < before_set:
            direction = "relaxed"
        elif before_set < after_set:
            direction = "tightened"
        else:
            direction = "changed"
        moves.append((direction, key, _one(before_set), _one(after_set), ()))
    if old.unique_items != new.unique_items:
        direction = "relaxed" if old.unique_items else "tightened"
        moves.append((direction, "uniqueItems", old.unique_items, new.unique_items, ()))
    return moves


def _one(values: frozenset[str]) -> Any:
    if not values:
        return None
    return sorted(values)[0] if len(values) == 1 else sorted(values)


def _bound_move(
    lower: bool,
    before: tuple[float, bool] | None,
    after: tuple[float, bool] | None,
    *,
    integer: bool,
) -> tuple[str, str, Any, Any, tuple[Any, ...]] | None:
    name = (
        ("exclusiveMinimum" if lower else "exclusiveMaximum")
        if (after or before or (0, False))[1]
        else ("minimum" if lower else "maximum")
    )
    sign = -1 if lower else 1

    def looser(a: tuple[float, bool], b: tuple[float, bool]) -> bool:
        # is bound a looser than bound b?
        if a[0] != b[0]:
            return (a[0] - b[0]) * sign > 0
        return b[1] and not a[1]

    if before is None:
        relaxed = False
    elif after is None:
        relaxed = True
    else:
        relaxed = looser(after, before)
    cands: list[Any] = []
    edge = before if relaxed else after
    if edge is not None:
        base = edge[0]
        cands = [base, base + sign, base + sign * 0.5] if not edge[1] else [base]
        if after is not None and relaxed and not after[1]:
            cands.insert(0, after[0])
    if integer:
        cands = [int(c) for c in cands if float(c).is_integer()]
    return (
        "relaxed" if relaxed else "tightened",
        name,
        _show_bound(before),
        _show_bound(after),
        tuple(cands),
    )


def _show_bound(bound: tuple[float, bool] | None) -> float | int | None:
    if bound is None:
        return None
    return int(bound[0]) if bound[0].is_integer() else bound[0]


def constraint_relaxed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """A constraint was loosened or dropped: the field accepts more values."""
    return [
        Change("constraint-relaxed", path, o, n, {"keyword": k}, c)
        for d, k, o, n, c in _constraint_moves(old, new)
        if d == "relaxed"
    ]


def constraint_tightened(old: Facet, new: Facet, path: Path) -> list[Change]:
    """A constraint was added or tightened: the field accepts fewer values."""
    return [
        Change("constraint-tightened", path, o, n, {"keyword": k}, c)
        for d, k, o, n, c in _constraint_moves(old, new)
        if d == "tightened"
    ]


def constraint_changed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """A constraint changed in no single direction (a different pattern or format)."""
    return [
        Change("constraint-changed", path, o, n, {"keyword": k}, c)
        for d, k, o, n, c in _constraint_moves(old, new)
        if d == "changed"
    ]


# -- objects ---------------------------------------------------------------------------------


def property_removed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """Fields whose schema is gone (a field still ``required`` but undeclared may hold anything)."""
    gone = {n for n in old.properties if n not in new.properties}
    gone |= {n for n in old.required - old.properties.keys() if n not in new.required}
    gone -= {n for n in new.properties if n not in old.properties}
    out = []
    for name in sorted(gone - new.properties.keys()):
        child = old.properties.get(name)
        shape = child.describe() if child is not None else "any"
        cands: tuple[Any, ...] = (DELETE,) if name in old.required else ()
        out.append(Change("property-removed", (*path, ("prop", name)), shape, None, {}, cands))
    return out


def property_became_optional(old: Facet, new: Facet, path: Path) -> list[Change]:
    """Fields that were always present and now may be missing."""
    after = new.properties.keys() | new.required
    return [
        Change(
            "property-became-optional", (*path, ("prop", n)), "required", "optional", {}, (DELETE,)
        )
        for n in sorted(old.required - new.required)
        if n in after
    ]


def _closed_to(old: Facet, name: str) -> bool:
    """Whether ``old`` constrained the undeclared key ``name`` (additional or pattern schema)."""
    if old.additional is not True:
        return True
    return any(pattern_matches(p, name) is not False for p in old.pattern_keys)


def _added(old: Facet, new: Facet, path: Path, *, closed: bool) -> list[Change]:
    before = old.properties.keys() | old.required
    out = []
    for name in sorted((new.properties.keys() | new.required) - before):
        if _closed_to(old, name) != closed:
            continue
        child = new.properties.get(name)
        shape = child.describe() if child is not None else "any"
        kind = "required" if name in new.required else "optional"
        rule = "property-added-closed" if closed else "property-added"
        out.append(Change(rule, (*path, ("prop", name)), None, f"{kind} {_text(shape)}"))
    return out


def property_added(old: Facet, new: Facet, path: Path) -> list[Change]:
    """Fields that are new where OLD left the key open (consumers ignore unknown fields)."""
    return _added(old, new, path, closed=False)


def property_added_closed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """Fields that are new where OLD's additionalProperties/patternProperties constrained the key."""
    return _added(old, new, path, closed=True)


def property_became_required(old: Facet, new: Facet, path: Path) -> list[Change]:
    """Fields that may have been missing and are now always present."""
    before = old.properties.keys() | old.required
    return [
        Change("property-became-required", (*path, ("prop", n)), "optional", "required")
        for n in sorted(new.required - old.required)
        if n in before
    ]


def additional_properties_changed(old: Facet, new: Facet, path: Path) -> list[Change]:
    """additionalProperties switched between false and allowed."""
    before, after = old.additional, new.additional
    if (before is False) == (after is False):
        return []
    return [
        Change(
            "additional-properties-changed",
            path,
            before if isinstance(before, bool) else "schema",
            after if isinstance(after, bool) else "schema",
        )
    ]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


NodeCheck = Callable[[Norm, Norm, Path], list[Change]]
FacetCheck = Callable[[Facet, Facet, Path], list[Change]]
EventCheck = Callable[[EventSchema | None, EventSchema | None], list[Change]]

#: rule id -> check function; the walker runs them by the rule's kind.
CHECKS: Mapping[str, Callable[..., list[Change]]] = {
    "event-removed": event_removed,
    "event-demoted": event_demoted,
    "required-scope-changed": required_scope_changed,
    "event-added": event_added,
    "event-promoted": event_promoted,
    "type-widened": type_widened,
    "became-nullable": became_nullable,
    "type-narrowed": type_narrowed,
    "nullable-removed": nullable_removed,
    "variant-added": variant_added,
    "variant-removed": variant_removed,
    "keyword-changed": keyword_changed,
    "enum-value-added": enum_value_added,
    "enum-value-removed": enum_value_removed,
    "const-changed": const_changed,
    "enum-removed": enum_removed,
    "enum-added": enum_added,
    "property-removed": property_removed,
    "property-became-optional": property_became_optional,
    "property-added": property_added,
    "property-became-required": property_became_required,
    "property-added-closed": property_added_closed,
    "additional-properties-changed": additional_properties_changed,
    "constraint-relaxed": constraint_relaxed,
    "constraint-tightened": constraint_tightened,
    "constraint-changed": constraint_changed,
}
