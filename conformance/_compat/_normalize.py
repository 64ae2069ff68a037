"""Normalise JSON Schemas into a canonical form so rules compare meaning, not text.

A :class:`Norm` is the set of values a schema accepts, split by JSON type into facets:
``{"string": [Facet], "null": [Facet], ...}``. ``"string"`` and ``["string"]``, ``anyOf``
with a null branch and a type list, ``enum``/``const`` and ``type`` all land on the same
form; ``allOf`` is merged by intersection; ``anyOf``/``oneOf`` by union (a type with
several unmergeable shapes keeps several facets, "variants"). ``$ref`` is resolved
through a ``referencing`` registry; each target is normalised once and shared, so a
recursive schema becomes a cyclic graph, which the walker guards against.
Keywords the normaliser does not understand are kept verbatim in ``other`` and compared
by equality (a change there is reported, never ignored).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

import orjson
from referencing import Registry
from referencing.exceptions import Unresolvable

from .._catalog import ANNOTATIONS
from .._errors import SchemaError

TYPES: tuple[str, ...] = ("null", "boolean", "number", "string", "array", "object")

#: keywords with no effect on which payloads are valid (documentation and annotations).
DOC_KEYWORDS = ANNOTATIONS
_HANDLED = frozenset(
    {
        "type",
        "enum",
        "const",
        "nullable",
        "allOf",
        "anyOf",
        "oneOf",
        "$ref",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    }
)
#: numeric size keywords: True when a larger value accepts more payloads.
SIZE_KEYWORDS: Mapping[str, bool] = {
    "minLength": False,
    "maxLength": True,
    "minItems": False,
    "maxItems": True,
    "minProperties": False,
    "maxProperties": True,
}
_FACET_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "string": ("minLength", "maxLength"),
    "array": ("minItems", "maxItems"),
    "object": ("minProperties", "maxProperties"),
}


def canonical(value: Any) -> str:
    """Canonical JSON text of a value: sorted keys, integral floats as integers."""
    return orjson.dumps(_tidy(value), option=orjson.OPT_SORT_KEYS).decode()


def _tidy(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def json_type(value: Any) -> str:
    """The JSON type name of a Python value decoded from JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass
class Facet:
    """The values of one JSON type that a schema accepts."""

    type: str
    integer: bool = False
    enum: frozenset[str] | None = None
    #: lower/upper bounds for numbers: (value, exclusive)
    lower: tuple[float, bool] | None = None
    upper: tuple[float, bool] | None = None
    sizes: dict[str, int] = field(default_factory=dict)
    multiple_of: float | None = None
    patterns: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    unique_items: bool = False
    items: Norm | None = None
    properties: dict[str, Norm] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    #: additionalProperties: True (anything), False (nothing) or a schema
    additional: Norm | bool = True
    #: the patternProperties regular expressions (their schemas are compared verbatim)
    pattern_keys: frozenset[str] = frozenset()
    other: dict[str, str] = field(default_factory=dict)


@dataclass
class Norm:
    """A normalised schema: facets per JSON type plus keywords kept verbatim."""

    facets: dict[str, list[Facet]] = field(default_factory=dict)
    other: dict[str, str] = field(default_factory=dict)

    @property
    def types(self) -> set[str]:
        """Type names accepted, with ``integer`` for integer-only numbers."""
        out: set[str] = set()
        for name, facets in self.facets.items():
            for facet in facets:
                out.add("integer" if name == "number" and facet.integer else name)
        if "number" in out:
            out.discard("integer")
        return out

    def describe(self) -> Any:
        """A short JSON-able description: a type name, a list of them, or an enum."""
        enums: list[Any] = []
        plain: list[str] = []
        for name in TYPES:
            for facet in self.facets.get(name, []):
                if facet.enum is not None:
                    enums.extend(orjson.loads(v) for v in sorted(facet.enum))
                elif name == "null":
                    enums.append(None)
                else:
                    plain.append("integer" if facet.integer else name)
        if not plain and not enums:
            return "nothing"
        if not plain:
            return {"enum": enums}
        if enums and enums != [None]:
            return {"type": sorted(set(plain)), "enum": enums}
        names = sorted(set(plain)) + (["null"] if enums == [None] else [])
        if len(self.facets) == len(TYPES) and not enums:
            return "any"
        return names[0] if len(names) == 1 else names


def any_norm() -> Norm:
    """The schema ``true``: every JSON value."""
    return Norm({t: [Facet(t)] for t in TYPES})


class Normalizer:
    """Normalise the schemas of one side, resolving ``$ref`` through ``registry``."""

    def __init__(self, registry: Registry[Any], *, file: str | None = None) -> None:
        self.registry = registry
        self.file = file
        self._cache: dict[str, Norm] = {}

    def normalize(self, schema: Any, base: str, *, event: str | None = None) -> Norm:
        """The canonical form of ``schema`` whose base URI is ``base``."""
        return self._norm(schema, base, event)

    def _ref(self, ref: str, base: str, event: str | None) -> Norm:
        # urljoin drops a ``urn:`` base for a bare fragment; keep the document's URI
        uri = urldefrag(base).url + ref if ref.startswith("#") else urljoin(base, ref)
        cached = self._cache.get(uri)
        if cached is not None:
            return cached
        try:
            resolved = self.registry.resolver(base_uri=base).lookup(ref)
        except Unresolvable:
            raise SchemaError(f"dangling $ref {ref!r}", file=self.file, event=event) from None
        node = Norm()
        self._cache[uri] = node  # placeholder first: a recursive $ref finds it
        built = self._norm(resolved.contents, urldefrag(uri).url, event)
        node.facets, node.other = built.facets, built.other
        return node

    def _norm(self, schema: Any, base: str, event: str | None) -> Norm:
        if schema is True:
            return any_norm()
        if schema is False:
            return Norm()
        if not isinstance(schema, dict):
            raise SchemaError(
                f"a schema must be an object or boolean, not {schema!r}",
                file=self.file,
                event=event,
            )
        if isinstance(schema.get("$id"), str):
            base = urljoin(base, schema["$id"])
        parts: list[Norm] = []
        combinators = {"$ref", "allOf", "anyOf", "oneOf"}
        if not combinators & schema.keys() or any(
            k not in combinators and k not in DOC_KEYWORDS and not k.startswith("x-")
            for k in schema
        ):
            parts.append(self._own(schema, base, event))
        if isinstance(schema.get("$ref"), str):
            parts.append(self._ref(schema["$ref"], base, event))
        for sub in schema.get("allOf", ()):
            parts.append(self._norm(sub, base, event))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                parts.append(union(self._norm(sub, base, event) for sub in schema[key]))
        result = parts[0]
        for part in parts[1:]:
            result = intersect(result, part)
        return result

    def _own(self, schema: dict[str, Any], base: str, event: str | None) -> Norm:
        """The keywords of ``schema`` itself, without combinators and ``$ref``."""
        declared = schema.get("type")
        if declared is None:
            names = set(TYPES)
            integer_only = False
        else:
            listed = {declared} if isinstance(declared, str) else set(declared)
            integer_only = "integer" in listed and "number" not in listed
            names = {"number" if t == "integer" else t for t in listed}
        if schema.get("nullable") is True:
            names.add("null")
        values: list[Any] | None = None
        if "const" in schema:
            values = [schema["const"]]
        if isinstance(schema.get("enum"), list):
            enum = schema["enum"]
            values = enum if values is None else [v for v in values if v in enum]
        norm = Norm()
        for name in TYPES:
            if name not in names:
                continue
            facet = Facet(name, integer=integer_only if name == "number" else False)
            if values is not None:
                mine = [v for v in values if json_type(v) == name]
                if name == "number" and integer_only:
                    mine = [v for v in mine if float(v).is_integer()]
                if not mine:
                    continue
                facet.enum = frozenset(canonical(v) for v in mine)
                if name == "null" or (name == "boolean" and len(facet.enum) == 2):
                    facet.enum = None  # the whole type: same as no enum
            self._fill(facet, schema, base, event)
            norm.facets[name] = [facet]
        for key, value in schema.items():
            if key not in _HANDLED and key not in DOC_KEYWORDS and not key.startswith("x-"):
                norm.other[key] = canonical(value)
        return norm

    def _fill(self, facet: Facet, schema: dict[str, Any], base: str, event: str | None) -> None:
        name = facet.type
        for key in _FACET_KEYWORDS.get(name, ()):
            if isinstance(schema.get(key), int | float):
                facet.sizes[key] = int(schema[key])
        if name == "string":
            if isinstance(schema.get("pattern"), str):
                facet.patterns = frozenset({schema["pattern"]})
            if isinstance(schema.get("format"), str):
                facet.formats = frozenset({schema["format"]})
        elif name == "number":
            facet.lower = _bound(schema, "minimum", "exclusiveMinimum", max)
            facet.upper = _bound(schema, "maximum", "exclusiveMaximum", min)
            if isinstance(schema.get("multipleOf"), int | float):
                facet.multiple_of = float(schema["multipleOf"])
        elif name == "array":
            if "items" in schema:
                facet.items = self._norm(schema["items"], base, event)
            facet.unique_items = schema.get("uniqueItems") is True
        elif name == "object":
            props = schema.get("properties", {})
            if isinstance(props, dict):
                facet.properties = {k: self._norm(v, base, event) for k, v in props.items()}
            facet.required = frozenset(schema.get("required", ()))
            if isinstance(schema.get("patternProperties"), dict):
                facet.pattern_keys = frozenset(schema["patternProperties"])
            if "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                facet.additional = (
                    extra if isinstance(extra, bool) else self._norm(extra, base, event)
                )


def _bound(
    schema: dict[str, Any], inclusive: str, exclusive: str, pick: Any
) -> tuple[float, bool] | None:
    found: list[tuple[float, bool]] = []
    if isinstance(schema.get(inclusive), int | float) and not isinstance(schema[inclusive], bool):
        found.append((float(schema[inclusive]), False))
    if isinstance(schema.get(exclusive), int | float) and not isinstance(schema[exclusive], bool):
        found.append((float(schema[exclusive]), True))
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    (a, ax), (b, bx) = found
    if a == b:
        return (a, ax or bx)
    chosen: float = pick(a, b)
    return (chosen, bx if chosen == b else ax)


# -- set operations on normalised schemas ---------------------------------------------


def signature(node: Norm | Facet | bool | None, seen: frozenset[int] = frozenset()) -> str:
    """A canonical text of a normalised node (cycles become ``<cycle>``), for equality."""
    if node is None or isinstance(node, bool):
        return repr(node)
    if id(node) in seen:
        return "<cycle>"
    inner = seen | {id(node)}
    if isinstance(node, Norm):
        parts = [
            f"{t}:[{','.join(sorted(signature(f, inner) for f in node.facets[t]))}]"
            for t in TYPES
            if t in node.facets
        ]
        return "N(" + ";".join(parts) + "|" + canonical(node.other) + ")"
    f = node
    return (
        "F("
        + "|".join(
            [
                f.type,
                str(f.integer),
                repr(sorted(f.enum) if f.enum is not None else None),
                repr(f.lower),
                repr(f.upper),
                repr(sorted(f.sizes.items())),
                repr(f.multiple_of),
                repr(sorted(f.patterns)),
                repr(sorted(f.formats)),
                str(f.unique_items),
                signature(f.items, inner),
                ",".join(f"{k}={signature(v, inner)}" for k, v in sorted(f.properties.items())),
                repr(sorted(f.required)),
                signature(f.additional, inner),
                canonical(f.other),
            ]
        )
        + ")"
    )


def union(branches: Iterable[Norm]) -> Norm:
    """The schema accepting what any branch accepts (``anyOf``/``oneOf``)."""
    out = Norm()
    seen: dict[str, set[str]] = {}
    for branch in branches:
        for name, facets in branch.facets.items():
            for facet in facets:
                sig = signature(facet)
                if sig in seen.setdefault(name, set()):
                    continue
                seen[name].add(sig)
                out.facets.setdefault(name, []).append(facet)
        out.other.update(branch.other)
    numbers = out.facets.get("number", [])
    if len(numbers) > 1:
        wide = {signature(_replace_integer(f, False)) for f in numbers if not f.integer}
        out.facets["number"] = [
            f for f in numbers if not (f.integer and signature(_replace_integer(f, False)) in wide)
        ]
    return out


def _replace_integer(facet: Facet, integer: bool) -> Facet:
    copy = Facet(**{**facet.__dict__})
    copy.integer = integer
    return copy


def intersect(a: Norm, b: Norm) -> Norm:
    """The schema accepting what both ``a`` and ``b`` accept (``allOf``)."""
    out = Norm(other={**a.other, **b.other})
    for name in TYPES:
        if name not in a.facets or name not in b.facets:
            continue
        merged = [_intersect_facet(fa, fb) for fa in a.facets[name] for fb in b.facets[name]]
        kept = [f for f in merged if f.enum is None or f.enum]
        if kept:
            out.facets[name] = kept
    return out


def _intersect_facet(a: Facet, b: Facet) -> Facet:
    out = Facet(a.type, integer=a.integer or b.integer)
    if a.enum is not None and b.enum is not None:
        out.enum = a.enum & b.enum
    else:
        out.enum = a.enum if a.enum is not None else b.enum
    out.lower = _tighter(a.lower, b.lower, low=True)
    out.upper = _tighter(a.upper, b.upper, low=False)
    for key in {*a.sizes, *b.sizes}:
        values = [s[key] for s in (a.sizes, b.sizes) if key in s]
        out.sizes[key] = max(values) if not SIZE_KEYWORDS[key] else min(values)
    if a.multiple_of and b.multiple_of and a.multiple_of != b.multiple_of:
        ratio = max(a.multiple_of, b.multiple_of) / min(a.multiple_of, b.multiple_of)
        out.multiple_of = (
            max(a.multiple_of, b.multiple_of)
            if ratio.is_integer()
            else (
                a.multiple_of * b.multiple_of / math.gcd(int(a.multiple_of), int(b.multiple_of))
                if a.multiple_of.is_integer() and b.multiple_of.is_integer()
                else a.multiple_of
            )
        )
    else:
        out.multiple_of = a.multiple_of or b.multiple_of
    out.patterns = a.patterns | b.patterns
    out.formats = a.formats | b.formats
    out.unique_items = a.unique_items or b.unique_items
    if a.items is not None and b.items is not None:
        out.items = intersect(a.items, b.items)
    else:
        out.items = a.items if a.items is not None else b.items
    for key in {*a.properties, *b.properties}:
        pa, pb = a.properties.get(key), b.properties.get(key)
        if pa is not None and pb is not None:
            out.properties[key] = intersect(pa, pb)
        else:
            only = pa if pa is not None else pb
            assert only is not None
            other_extra = b.additional if pa is not None else a.additional
            out.properties[key] = (
                intersect(only, other_extra) if isinstance(other_extra, Norm) else only
            )
    out.required = a.required | b.required
    out.additional = _intersect_extra(a.additional, b.additional)
    out.other = {**a.other, **b.other}
    return out


def _intersect_extra(a: Norm | bool, b: Norm | bool) -> Norm | bool:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    assert isinstance(a, Norm)
    assert isinstance(b, Norm)
    return intersect(a, b)


def _tighter(
    a: tuple[float, bool] | None, b: tuple[float, bool] | None, *, low: bool
) -> tuple[float, bool] | None:
    if a is None or b is None:
        return a if b is None else b
    if a[0] == b[0]:
        return (a[0], a[1] or b[1])
    if low:
        return a if a[0] > b[0] else b
    return a if a[0] < b[0] else b
