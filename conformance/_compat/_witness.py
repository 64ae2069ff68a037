"""Find evidence for a finding: a concrete payload one schema accepts and the other rejects.

The search is small and deterministic: build the smallest payload the base schema
accepts along the finding's path, put a candidate value (or a deletion) at the leaf,
and keep the first document that the real validators (``jsonschema``, with format
checking) accept on one side and reject on the other. No witness is reported unless it
was verified both ways.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ._checks import DELETE, Change, Path, Sized
from ._normalize import TYPES, Facet, Norm, any_norm
from ._sources import EventSchema, Side

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

_POOL: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    0.5,
    10**15,
    "",
    "x",
    "not a valid value",
    "x" * 4097,
    [],
    [None],
    {},
    {"unexpected": True},
)
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "someone@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}
_STRINGS = ("x", "a", "A", "0", "abc", "x_1", "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV")
_MAX_TRIES = 80
_MAX_DEPTH = 24


class _NoInstance(Exception):
    """The smallest-instance builder cannot satisfy the schema here."""


@dataclass(frozen=True)
class Witness:
    """A payload that ``valid_under`` accepts and ``rejected_by`` rejects, both verified."""

    payload: Any
    valid_under: str
    rejected_by: str

    @property
    def direction(self) -> str:
        """``widening`` (NEW accepts it, OLD does not) or ``narrowing`` (the reverse)."""
        return "widening" if self.valid_under == "new" else "narrowing"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in reports."""
        return {
            "payload": self.payload,
            "valid_under": self.valid_under,
            "rejected_by": self.rejected_by,
            "direction": self.direction,
        }


def validator(side: Side, event: EventSchema) -> Validator:
    """A format-checking validator for ``event`` as written, under its own dialect."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for
    from referencing.jsonschema import DRAFT202012, specification_with

    cls = validator_for(event.as_written, default=Draft202012Validator)
    spec = specification_with(cls.META_SCHEMA.get("$schema", ""), default=DRAFT202012)
    resource = spec.create_resource(event.as_written)
    resolver = side.validation_registry().resolver_with_root(resource)
    return cls(  # type: ignore[call-arg]  # the resolver keeps one registry per side
        event.as_written,
        format_checker=cls.FORMAT_CHECKER,
        _resolver=resolver,
    )


def find(
    change: Change,
    *,
    base: Norm,
    accept: Validator,
    reject: Validator,
    valid_under: str,
    rejected_by: str,
) -> Witness | None:
    """Search a payload along ``change.path`` accepted by ``accept`` and not ``reject``."""
    leaf = descend(base, change.path)
    candidates: list[Any] = list(change.candidates)
    if leaf is not None:
        for name in TYPES:
            for facet in leaf.facets.get(name, []):
                with contextlib.suppress(_NoInstance):
                    candidates.append(minimal_facet(facet, 0))
    candidates.extend(_POOL)
    tries = 0
    seen: set[bytes] = set()
    for candidate in candidates:
        for doc in _build(base, change.path, candidate, 0):
            key = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
            if key in seen:
                continue
            seen.add(key)
            tries += 1
            if accept.is_valid(doc) and not reject.is_valid(doc):
                return Witness(doc, valid_under, rejected_by)
            if tries >= _MAX_TRIES:
                return None
    return None


def descend(node: Norm, path: Path) -> Norm | None:
    """The schema node at ``path`` (first matching variant), or None."""
    for kind, name in path:
        facets = node.facets.get("array" if kind == "item" else "object", [])
        nxt: Norm | None = None
        for facet in facets:
            if kind == "item":
                nxt = facet.items or any_norm()
            elif kind == "prop" and name in facet.properties:
                nxt = facet.properties[name]
            elif isinstance(facet.additional, Norm):
                nxt = facet.additional
            elif facet.additional is True:
                nxt = any_norm()
            if nxt is not None:
                break
        if nxt is None:
            return None
        node = nxt
    return node


def _build(node: Norm, path: Path, leaf: Any, depth: int) -> Iterator[Any]:
    """Documents valid (as far as the builder knows) under ``node`` with ``leaf`` at ``path``."""
    if not path:
        yield _materialise(leaf, node)
        return
    (kind, name), rest = path[0], path[1:]
    if kind == "item":
        for facet in node.facets.get("array", []):
            child = facet.items or any_norm()
            try:
                pad = [
                    minimal(child, depth + 1)
                    for _ in range(max(0, facet.sizes.get("minItems", 1) - 1))
                ]
            except _NoInstance:
                continue
            for value in _build(child, rest, leaf, depth + 1):
                if value is not DELETE:
                    yield [value, *pad]
        return
    for facet in node.facets.get("object", []):
        try:
            base = _minimal_object(facet, depth)
        except _NoInstance:
            continue
        key = name if kind == "prop" else "additionalField"
        if kind == "prop" and name in facet.properties:
            child = facet.properties[name]
        elif isinstance(facet.additional, Norm):
            child = facet.additional
        else:
            child = any_norm()
        for value in _build(child, rest, leaf, depth + 1):
            doc = dict(base)
            if value is DELETE:
                doc.pop(key, None)
            else:
                doc[key] = value
            yield doc


def _materialise(leaf: Any, node: Norm) -> Any:
    if isinstance(leaf, Sized):
        if leaf.type == "string":
            return "x" * leaf.size
        if leaf.type == "array":
            facets = node.facets.get("array", [])
            items = facets[0].items if facets and facets[0].items else any_norm()
            try:
                one = minimal(items, 1)
            except _NoInstance:
                one = None
            return [one for _ in range(leaf.size)]
        if leaf.type == "object":
            return {f"k{i}": None for i in range(leaf.size)}
        return leaf.size
    return leaf


def minimal(node: Norm, depth: int) -> Any:
    """The smallest simple value ``node`` accepts (prefers non-null scalars)."""
    if depth > _MAX_DEPTH:
        raise _NoInstance
    for name in ("string", "number", "boolean", "object", "array", "null"):
        for facet in node.facets.get(name, []):
            try:
                return minimal_facet(facet, depth)
            except _NoInstance:
                continue
    raise _NoInstance


def minimal_facet(facet: Facet, depth: int) -> Any:
    """The smallest simple value of one facet."""
    if facet.enum is not None:
        if not facet.enum:
            raise _NoInstance
        return orjson.loads(sorted(facet.enum)[0])
    kind = facet.type
    if kind == "null":
        return None
    if kind == "boolean":
        return True
    if kind == "number":
        return _number(facet)
    if kind == "string":
        return _string(facet)
    if kind == "array":
        count = facet.sizes.get("minItems", 0)
        child = facet.items or any_norm()
        return [minimal(child, depth + 1) for _ in range(count)]
    return _minimal_object(facet, depth)


def _minimal_object(facet: Facet, depth: int) -> dict[str, Any]:
    if depth > _MAX_DEPTH:
        raise _NoInstance
    out: dict[str, Any] = {}
    for name in sorted(facet.required):
        child = facet.properties.get(name)
        if child is None:
            child = facet.additional if isinstance(facet.additional, Norm) else any_norm()
        out[name] = minimal(child, depth + 1)
    return out


def _number(facet: Facet) -> float | int:
    value: float = 0.0
    if facet.lower is not None:
        value = facet.lower[0] + (1 if facet.lower[1] else 0)
    if facet.upper is not None and value > facet.upper[0]:
        value = facet.upper[0] - (1 if facet.upper[1] else 0)
    if facet.multiple_of:
        steps = -(-value // facet.multiple_of)
        value = steps * facet.multiple_of
    if facet.integer or float(value).is_integer():
        return int(value)
    return value


def _string(facet: Facet) -> str:
    low = facet.sizes.get("minLength", 0)
    high = facet.sizes.get("maxLength")
    choices: list[str] = []
    for fmt in sorted(facet.formats):
        if fmt in _FORMATS:
            choices.append(_FORMATS[fmt])
    for pattern in sorted(facet.patterns):
        prefix = _literal_prefix(pattern)
        choices.extend(prefix + tail for tail in ("", "x", "0", "x0"))
    choices.extend(_STRINGS)
    choices.append("x" * max(low, 1))
    for choice in choices:
        text = choice + "x" * max(0, low - len(choice))
        if high is not None and len(text) > high:
            text = text[:high]
        if all(_search(p, text) for p in facet.patterns):
            return text
    raise _NoInstance


def _literal_prefix(pattern: str) -> str:
    """The literal text an anchored pattern starts with (``^evt_[0-9]+`` -> ``evt_``)."""
    if not pattern.startswith("^"):
        return ""
    out = []
    for char in pattern[1:]:
        if char in ".^$*+?{}[]\\|()":
            break
        out.append(char)
    if out and pattern[len(out) + 1 : len(out) + 2] in ("*", "?", "{"):
        out.pop()  # the last literal is quantified
    return "".join(out)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
