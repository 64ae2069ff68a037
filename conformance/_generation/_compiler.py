"""Compile a JSON Schema into a native Hypothesis strategy.

Keyword behaviour lives in small functions keyed by JSON type; combinators (``$ref``,
``allOf``, ``anyOf``, ``oneOf``, ``enum``, ``const``) are handled before the type
dispatch. Everything the compiler does not understand is delegated, per subschema, to
``hypothesis_jsonschema.from_schema``; that fallback is probed once per subschema and,
if it cannot run on the installed Hypothesis, compilation fails with a
``GenerationError`` naming the keyword and JSON pointer instead of generating
something wrong.

Strategies are ordered so that Hypothesis shrinks towards the minimal valid value:
optional properties absent, strings short, numbers small, nullable values non-null
(so that a ``null`` in a shrunk report is always the cause, never noise).

In contract mode (see ``_contract``) leaves also draw boundary values and every object
with open ``additionalProperties`` may gain unknown extra keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .._catalog import ANNOTATIONS
from .._errors import GenerationError, json_pointer
from . import _contract
from ._contract import MAX_DOUBLE, MAX_SAFE_INTEGER, Extended, js_number

#: Keywords the compiler implements natively.
NATIVE = frozenset(
    {
        "type", "enum", "const", "$ref", "allOf", "anyOf", "oneOf",
        "properties", "required", "additionalProperties",
        "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
        "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    }
)  # fmt: skip

TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")
_KEYWORD_TYPES = {
    "object": ("properties", "required", "additionalProperties"),
    "array": ("items", "prefixItems", "minItems", "maxItems", "uniqueItems"),
    "string": ("minLength", "maxLength", "pattern", "format"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
}


@dataclass(frozen=True)
class Options:
    """How to compile.

    ``contract`` adds boundary values and unknown extra keys; ``edges=False`` leaves the
    boundary values out of the leaves (extras stay); ``boundary`` draws leaves from the
    boundary values only and puts ``null`` first; ``extras_min`` forces that
    many extra keys into every object with declared properties; ``extras=False`` adds
    none (boundary values stay); ``record`` marks the
    added keys (``Extended``) so tests can strip them again.
    """

    contract: bool = True
    record: bool = False
    boundary: bool = False
    extras_min: int = 0
    edges: bool = True
    extras: bool = True

    @property
    def leaf_edges(self) -> bool:
        """Whether leaves mix in boundary values (contract mode, unless turned off)."""
        return self.contract and (self.edges or self.boundary)


@dataclass
class _Context:
    """Where we are: the resource's base URI, the JSON pointer inside it, the event."""

    base: str
    pointer: tuple[str | int, ...] = ()
    root: Any = None

    def at(self, *keys: str | int) -> _Context:
        return _Context(self.base, (*self.pointer, *keys), self.root)


def _merge_extras(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    base, extra = pair
    if not extra:
        return base
    merged = dict(base)
    merged.update(extra)
    return merged


def _merge_extras_recorded(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    base, extra = pair
    merged = Extended(base)
    merged.update(extra)
    merged.added = frozenset(extra)
    return merged


def _mark_added(names: frozenset[str], value: dict[str, Any]) -> dict[str, Any]:
    marked = Extended(value)
    marked.added = names.intersection(value)
    return marked


def with_extras(
    base: SearchStrategy[dict[str, Any]],
    extras: SearchStrategy[dict[str, Any]],
    *,
    record: bool,
) -> SearchStrategy[dict[str, Any]]:
    """Merge separately drawn extra keys into objects drawn from ``base``."""
    return st.tuples(base, extras).map(_merge_extras_recorded if record else _merge_extras)


@dataclass
class Compiler:
    """Compile schemas that live in ``registry`` (resources keyed by their ``$id``)."""

    registry: Registry[Any]
    options: Options = field(default_factory=Options)
    event: str | None = None
    home: str = ""
    _refs: dict[tuple[str, str], SearchStrategy[Any]] = field(default_factory=dict)
    _validators: dict[str, Any] = field(default_factory=dict)

    # -- entry points ---------------------------------------------------------------

    def compile_resource(self, uri: str) -> SearchStrategy[Any]:
        """The strategy for the whole resource registered under ``uri``."""
        resource = self.registry.get_or_retrieve(uri).value
        self.home = self.home or uri
        return self.compile(resource.contents, _Context(uri, (), resource.contents))

    def compile(self, node: Any, ctx: _Context) -> SearchStrategy[Any]:
        """The strategy for ``node``, found at ``ctx``."""
        if node is True or node == {}:
            return _contract.json_values(self.options.contract)
        if node is False:
            raise self._error("the schema 'false' admits no value", ctx)
        if not isinstance(node, dict):
            raise self._error(f"a schema must be an object or a boolean, not {node!r}", ctx)
        keywords = {k for k in node if k not in ANNOTATIONS and not str(k).startswith("x-")}
        foreign = sorted(keywords - NATIVE)
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt not in _contract.FORMATS:
            foreign.append(f"format: {fmt}")
        if foreign:
            return self._fallback(node, ctx, foreign)
        if "const" in node or "enum" in node:
            # A finite set of candidates: keep exactly those the whole node admits (its
            # type, $ref, allOf/anyOf/oneOf siblings included), checked by jsonschema.
            return self._enum(node, ctx)
        if "$ref" in node:
            return self._ref(node, ctx, keywords)
        if "allOf" in node:
            return self._all_of(node, ctx)
        for keyword in ("anyOf", "oneOf"):
            if keyword in node:
                return self._any_of(node, ctx, keyword)
        return self._typed(node, ctx)

    # -- helpers --------------------------------------------------------------------

    def _error(self, reason: str, ctx: _Context) -> GenerationError:
        where = f" (in {ctx.base})" if self.home and ctx.base != self.home else ""
        return GenerationError(reason + where, event=self.event, pointer=json_pointer(ctx.pointer))

    def validator(self, base: str, node: Any) -> Any:
        """A jsonschema validator for ``node`` whose ``$ref`` resolve against ``base``."""
        from jsonschema import Draft202012Validator

        root = self._validators.get(base)
        if root is None:
            contents = self.registry.get_or_retrieve(base).value.contents
            root = Draft202012Validator(
                contents,
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[base] = root
        return root.evolve(schema=node)

    def _valid_filter(self, node: Any, ctx: _Context) -> Callable[[Any], bool]:
        return self.validator(ctx.base, node).is_valid  # type: ignore[no-any-return]

    # -- combinators ----------------------------------------------------------------

    def _ref(self, node: dict[str, Any], ctx: _Context, keywords: set[str]) -> SearchStrategy[Any]:
        ref = node["$ref"]
        if not isinstance(ref, str):
            raise self._error("$ref must be a string", ctx.at("$ref"))
        target_uri = urljoin(ctx.base, ref)
        base, fragment = urldefrag(target_uri)
        key = (base, fragment)
        if key not in self._refs:
            # A placeholder first, so that recursive schemas compile to a finite graph.
            self._refs[key] = st.deferred(lambda: self._refs[key])
            try:
                resolved = self.registry.resolver(base_uri=ctx.base).lookup(ref)
            except Exception as exc:
                del self._refs[key]
                raise self._error(f"cannot resolve $ref {ref!r}: {exc}", ctx.at("$ref")) from None
            pointer: tuple[str | int, ...] = ()
            if fragment.startswith("/"):
                pointer = tuple(
                    p.replace("~1", "/").replace("~0", "~") for p in fragment[1:].split("/")
                )
            target_ctx = _Context(base or ctx.base, pointer, resolved.contents)
            self._refs[key] = self.compile(resolved.contents, target_ctx)
        strategy = self._refs[key]
        if keywords - {"$ref"}:
            # Sibling keywords constrain the referenced value further.
            rest = {k: v for k, v in node.items() if k != "$ref"}
            strategy = strategy.filter(self._valid_filter(rest, ctx))
        return strategy

    def _all_of(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        subs = node["allOf"]
        merged: dict[str, Any] | None = {k: v for k, v in node.items() if k != "allOf"}
        for sub in subs:
            merged = merge(merged, sub) if merged is not None else None
        if merged is not None:
            return self.compile(merged, ctx)
        # Not mergeable: draw from the first branch and keep what satisfies them all.
        first = subs[0] if subs else True
        return self.compile(first, ctx.at("allOf", 0)).filter(self._valid_filter(node, ctx))

    def _any_of(self, node: dict[str, Any], ctx: _Context, keyword: str) -> SearchStrategy[Any]:
        subs = node[keyword]
        rest = {k: v for k, v in node.items() if k != keyword}
        branches: list[SearchStrategy[Any]] = []
        for index, sub in enumerate(subs):
            combined = merge(rest, sub)
            if combined is not None:
                branches.append(self.compile(combined, ctx.at(keyword, index)))
            else:
                branches.append(
                    self.compile(sub, ctx.at(keyword, index)).filter(self._valid_filter(node, ctx))
                )
        strategy = st.one_of(branches)
        if keyword == "oneOf":
            checks = [self._valid_filter(sub, ctx) for sub in subs]
            strategy = strategy.filter(lambda v: sum(1 for c in checks if c(v)) == 1)
        return strategy

    def _enum(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        values = [node["const"]] if "const" in node else list(node["enum"])
        check = self._valid_filter(node, ctx)
        allowed = [v for v in values if check(v)]
        if not allowed:
            keyword = "const" if "const" in node else "enum"
            raise self._error(f"no {keyword} value satisfies the rest of the schema", ctx)
        # null last (first in the boundary case), as for type lists.
        allowed.sort(key=lambda v: (v is None) != self.options.boundary)
        return st.just(allowed[0]) if len(allowed) == 1 else st.sampled_from(allowed)

    # -- types ----------------------------------------------------------------------

    def _typed(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        declared = node.get("type")
        if declared is None:
            types = [t for t, kws in _KEYWORD_TYPES.items() if any(k in node for k in kws)]
            if not types:
                return _contract.json_values(self.options.contract)
        elif isinstance(declared, str):
            types = [declared]
        else:
            types = list(declared)
        if "number" in types and "integer" in types:
            types.remove("integer")
        # null last: shrinking prefers a non-null value, so a null in a report matters
        # (in the boundary case null comes first, to be tried early and often).
        types.sort(key=lambda t: (t == "null") != self.options.boundary)
        branches = []
        for kind in types:
            make = _TYPE_COMPILERS.get(kind)
            if make is None:
                raise self._error(f"unknown type {kind!r}", ctx.at("type"))
            branches.append(make(self, node, ctx))
        return branches[0] if len(branches) == 1 else st.one_of(branches)

    def _object(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        properties: dict[str, Any] = node.get("properties", {})
        required: list[str] = list(node.get("required", []))
        extra_schema = node.get("additionalProperties", True)
        contract = self.options.contract
        if "properties" not in node and not required:
            # A free-form object ({"type": "object"}): any JSON object. (An explicit
            # "properties": {} is the docs' "(none)": an empty object, plus extras.)
            if extra_schema is False:
                return st.just({})
            values = (
                _contract.json_values(contract)
                if extra_schema is True
                else self.compile(extra_schema, ctx.at("additionalProperties"))
            )
            return st.dictionaries(_contract.free_keys(), values, max_size=4)
        fixed: dict[str, SearchStrategy[Any]] = {}
        for name in required:
            if name in properties:
                if properties[name] is False:
                    raise self._error(
                        f"required property {name!r} has the schema 'false'",
                        ctx.at("properties", name),
                    )
                fixed[name] = self.compile(properties[name], ctx.at("properties", name))
            elif extra_schema is False:
                raise self._error(
                    f"required property {name!r} is not allowed by additionalProperties",
                    ctx.at("required"),
                )
            else:
                fixed[name] = (
                    _contract.json_values(contract)
                    if extra_schema is True
                    else self.compile(extra_schema, ctx.at("additionalProperties"))
                )
        optional = {
            name: self.compile(sub, ctx.at("properties", name))
            for name, sub in properties.items()
            if name not in fixed and sub is not False
        }
        if not (contract and self.options.extras) or extra_schema is False:
            return st.fixed_dictionaries(fixed, optional=optional)
        if extra_schema is not True:
            values = self.compile(extra_schema, ctx.at("additionalProperties"))
        elif self.options.boundary:
            values = _contract.boundary_json_values()
        else:
            values = _contract.json_values(contract)
        # Extra keys are drawn by a fixed_dictionaries of their own, after the declared
        # ones. Mixing them into the declared optional keys was a little faster, but
        # Hypothesis draws optional keys by index into a shrinking list, so the shrinker
        # could not drop an extra without disturbing the declared fields: failures then
        # kept extras they did not need.
        declared = frozenset(properties) | frozenset(required)
        names = [n for n in _contract.EXTRA_NAMES if n not in declared]
        forced, loose = names[: self.options.extras_min], names[self.options.extras_min :]
        extras = st.fixed_dictionaries(
            dict.fromkeys(forced, values), optional=dict.fromkeys(loose, values)
        )
        base = st.fixed_dictionaries(fixed, optional=optional)
        return with_extras(base, extras, record=self.options.record)

    def _array(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        low = int(node.get("minItems", 0))
        high = node.get("maxItems")
        high = None if high is None else int(high)
        unique = bool(node.get("uniqueItems", False))
        prefix = list(node.get("prefixItems", []))
        items = node.get("items", True)
        if high is not None and high < low:
            raise self._error("maxItems is below minItems", ctx)
        item_strategy = (
            _contract.json_values(self.options.contract)
            if items is True
            else (None if items is False else self.compile(items, ctx.at("items")))
        )
        if prefix:
            count = len(prefix) if high is None else min(len(prefix), high)
            heads = [self.compile(sub, ctx.at("prefixItems", i)) for i, sub in enumerate(prefix)]
            rest_low = max(0, low - count)
            if item_strategy is None and rest_low:
                raise self._error("minItems exceeds prefixItems and items is false", ctx)
            rest_high = None if high is None else high - count
            tail: SearchStrategy[list[Any]] = (
                st.just([])
                if item_strategy is None
                else st.lists(item_strategy, min_size=rest_low, max_size=rest_high)
            )
            strategy = st.tuples(st.tuples(*heads[:count]), tail).map(
                lambda pair: [*pair[0], *pair[1]]
            )
            return strategy.filter(_unique) if unique else strategy
        if item_strategy is None:
            if low:
                raise self._error("minItems > 0 but items is false", ctx)
            return st.just([])
        if unique:
            return st.lists(item_strategy, min_size=low, max_size=high, unique_by=_canonical)
        return st.lists(item_strategy, min_size=low, max_size=high)

    def _string(self, node: dict[str, Any], ctx: _Context) -> SearchStrategy[Any]:
        low = int(node.get("minLength", 0))
        high = node.get("maxLength")
        high = None if high is None else int(high)
        if high is not None and high < low:
            raise self._error("maxLength is below minLength", ctx)
        pattern = node.get("pattern")
        fmt = node.get("format")
        compiled: re.Pattern[str] | None = None
        if pattern is not None:
            try:
                compiled = re.compile(ecma_to_python(pattern), re.ASCII)
            except re.error as exc:
                raise self._error(
                    f"pattern is not a valid regex: {exc}", ctx.at("pattern")
                ) from None
        if fmt is not None:
            strategy: SearchStrategy[str] = _contract.FORMATS[fmt](self.options.contract)
            if compiled is not None:
                strategy = strategy.filter(lambda s: compiled.search(s) is not None)
        elif compiled is not None:
            strategy = st.from_regex(compiled, fullmatch=False)
        else:
            return _contract.strings(low, high, self.options.leaf_edges, self.options.boundary)
        if low or high is not None:
            strategy = strategy.filter(lambda s: low <= len(s) and (high is None or len(s) <= high))
        return strategy

    def _number(self, node: dict[str, Any], ctx: _Context, *, integer: bool) -> SearchStrategy[Any]:
        low, low_open = _bound(node, "minimum", "exclusiveMinimum", max)
        high, high_open = _bound(node, "maximum", "exclusiveMaximum", min)
        multiple = node.get("multipleOf")
        if multiple is not None and not (isinstance(multiple, int | float) and multiple > 0):
            raise self._error("multipleOf must be a positive number", ctx.at("multipleOf"))
        if (
            low is not None
            and high is not None
            and (low > high or (low == high and (low_open or high_open)))
        ):
            raise self._error("the numeric bounds admit no value", ctx)
        # Integers: exact doubles only (what a JavaScript producer can send).
        int_low = -MAX_SAFE_INTEGER if low is None else _int_bound(low, low_open, up=True)
        int_high = MAX_SAFE_INTEGER if high is None else _int_bound(high, high_open, up=False)
        int_low, int_high = max(int_low, -MAX_SAFE_INTEGER), min(int_high, MAX_SAFE_INTEGER)

        def in_bounds(v: float) -> bool:
            if low is not None and (v < low or (low_open and v == low)):
                return False
            return not (high is not None and (v > high or (high_open and v == high)))

        branches: list[SearchStrategy[Any]] = []
        if multiple is not None:
            if float(multiple).is_integer():
                step = int(multiple)
                k_low, k_high = -((-int_low) // step), int_high // step
                values: SearchStrategy[Any] = st.integers(k_low, k_high).map(lambda k: k * step)
            else:
                f_low = -MAX_DOUBLE if low is None else low
                f_high = MAX_DOUBLE if high is None else high
                k_low = max(math.ceil(f_low / multiple), -MAX_SAFE_INTEGER)
                k_high = min(math.floor(f_high / multiple), MAX_SAFE_INTEGER)
                values = st.integers(k_low, k_high).map(lambda k: js_number(k * multiple))
            if k_low > k_high:
                raise self._error("no multiple of multipleOf lies within the bounds", ctx)
            check = self._valid_filter({"multipleOf": multiple}, ctx)
            branches.append(values.filter(lambda v: in_bounds(v) and check(v)))
        else:
            if int_low <= int_high:
                branches.append(st.integers(int_low, int_high))
            if not integer:
                branches.append(
                    st.floats(
                        min_value=low,
                        max_value=high,
                        exclude_min=low_open and low is not None,
                        exclude_max=high_open and high is not None,
                        allow_nan=False,
                        allow_infinity=False,
                    ).map(js_number)
                )
            if not branches:
                raise self._error("no integer lies within the bounds", ctx)
        if self.options.leaf_edges:
            edges = [v for v in _contract.boundary_numbers(integer=integer) if in_bounds(v)]
            if multiple is not None:
                check = self._valid_filter({"multipleOf": multiple}, ctx)
                edges = [v for v in edges if check(v)]
            if edges and self.options.boundary:
                return st.sampled_from(edges)
            if edges:
                branches.append(st.sampled_from(edges))
        return branches[0] if len(branches) == 1 else st.one_of(branches)

    def _fallback(
        self, node: dict[str, Any], ctx: _Context, foreign: list[str]
    ) -> SearchStrategy[Any]:
        from ._fallback import fallback_strategy

        try:
            inlined = inline_refs(node, self.registry, ctx.base)
        except ValueError as exc:
            raise self._error(
                f"keyword {foreign[0]!r} needs the hypothesis-jsonschema fallback, which "
                f"cannot take this schema: {exc}",
                ctx,
            ) from None
        try:
            return fallback_strategy(inlined, self.validator(ctx.base, node))
        except Exception as exc:
            raise self._error(
                f"keyword {foreign[0]!r} is not supported by the native generator and "
                f"its hypothesis-jsonschema fallback cannot run here ({exc}); "
                "remove the keyword from the schema or install a Hypothesis release "
                "that hypothesis-jsonschema supports",
                ctx,
            ) from None


_NULL_FIRST: SearchStrategy[None] = st.none()
# One choice more than st.none(): Hypothesis shrinks to the shortest choice sequence, so
# a bare st.none() would win over "" or [] however late it is listed. With the extra
# (ignored) choice, nullable fields shrink to a non-null value and a null left in a
# shrunk failure is one the handler chokes on.
# (Two equal elements rather than st.booleans().map(): one choice, no map layer.)
_NULL_LAST: SearchStrategy[None] = st.sampled_from((None, None))

_TYPE_COMPILERS: dict[str, Callable[[Compiler, dict[str, Any], _Context], SearchStrategy[Any]]] = {
    "object": Compiler._object,
    "array": Compiler._array,
    "string": Compiler._string,
    "number": lambda c, n, x: c._number(n, x, integer=False),
    "integer": lambda c, n, x: c._number(n, x, integer=True),
    "boolean": lambda c, n, x: st.booleans(),
    "null": lambda c, n, x: _NULL_FIRST if c.options.boundary else _NULL_LAST,
}


def _bound(
    node: Mapping[str, Any], closed: str, opened: str, pick: Callable[[float, float], float]
) -> tuple[float | None, bool]:
    """The tightest bound from ``minimum``/``exclusiveMinimum`` (or the maxima), and
    whether it is exclusive."""
    a, b = node.get(closed), node.get(opened)
    if a is None:
        return (None, False) if b is None else (float(b), True)
    if b is None:
        return float(a), False
    fa, fb = float(a), float(b)
    if fa == fb:
        return fa, True
    chosen = pick(fa, fb)
    return chosen, chosen == fb


def _int_bound(value: float, opened: bool, *, up: bool) -> int:
    if up:
        edge = math.ceil(value)
        return edge + 1 if opened and edge == value else edge
    edge = math.floor(value)
    return edge - 1 if opened and edge == value else edge


def _canonical(value: Any) -> Any:
    """A hashable key under which JSON-equal values (1 and 1.0, key order) collide."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", float(value) if abs(value) < 2**63 else value)
    if isinstance(value, dict):
        return ("o", frozenset((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("a", tuple(_canonical(v) for v in value))
    return ("s", value)


def _unique(values: list[Any]) -> bool:
    keys = [_canonical(v) for v in values]
    return len(set(keys)) == len(keys)


def ecma_to_python(pattern: str) -> str:
    """Translate an ECMA-262 pattern to Python: ``$`` must not match before a final newline."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
        i += 1
    return "".join(out)


def merge(a: Any, b: Any) -> dict[str, Any] | None:
    """Conjoin two schemas into one, or None when that is not simple to do exactly."""
    if a is True or a == {}:
        return dict(b) if isinstance(b, dict) else (None if b is not True else {})
    if b is True or b == {}:
        return dict(a) if isinstance(a, dict) else None
    if not isinstance(a, dict) or not isinstance(b, dict):
        return None
    if "$ref" in a or "$ref" in b:
        return None
    out = dict(a)
    for key, value in b.items():
        if key not in out or key in ANNOTATIONS or str(key).startswith("x-"):
            out.setdefault(key, value)
            continue
        mine = out[key]
        if mine == value:
            continue
        if key == "type":
            left = {mine} if isinstance(mine, str) else set(mine)
            right = {value} if isinstance(value, str) else set(value)
            both = left & right
            if "integer" in left and "number" in right:
                both.add("integer")
            if "integer" in right and "number" in left:
                both.add("integer")
            if not both:
                return None
            out[key] = [t for t in TYPES if t in both]
        elif key == "required":
            out[key] = list(dict.fromkeys([*mine, *value]))
        elif key == "properties":
            props = dict(mine)
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            out[key] = props
        elif (
            key in ("items", "additionalProperties")
            and isinstance(mine, dict)
            and isinstance(value, dict)
        ):
            out[key] = {"allOf": [mine, value]}
        elif key in ("minimum", "minLength", "minItems", "exclusiveMinimum"):
            out[key] = max(mine, value)
        elif key in ("maximum", "maxLength", "maxItems", "exclusiveMaximum"):
            out[key] = min(mine, value)
        elif key == "uniqueItems":
            out[key] = bool(mine or value)
        elif key == "enum":
            right_keys = {_canonical(v) for v in value}
            out[key] = [v for v in mine if _canonical(v) in right_keys]
        else:
            return None
    return out


def inline_refs(node: Any, registry: Registry[Any], base: str, _seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` replaced by its target (ValueError if recursive)."""
    if isinstance(node, list):
        return [inline_refs(v, registry, base, _seen) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("const", "enum", "default", "examples"):
            out[key] = value
        elif key == "$ref" and isinstance(value, str):
            target = urljoin(base, value)
            if target in _seen:
                raise ValueError(f"recursive $ref {value!r}")
            resolved = registry.resolver(base_uri=base).lookup(value)
            inner = inline_refs(
                resolved.contents, registry, urldefrag(target)[0] or base, (*_seen, target)
            )
            out.setdefault("allOf", []).append(inner)
        elif key in ("$defs", "definitions"):
            continue
        else:
            out[key] = inline_refs(value, registry, base, _seen)
    return out


def registry_for(resources: Iterable[tuple[str, Any]]) -> Registry[Any]:
    """A referencing registry of draft 2020-12 resources keyed by URI."""
    pairs: list[tuple[str, Resource[Any]]] = [
        (uri, DRAFT202012.create_resource(contents)) for uri, contents in resources
    ]
    registry: Registry[Any] = Registry().with_resources(pairs)
    return registry
