"""A bounded search for an instance one schema accepts and another rejects.

Candidates come from two places: a deterministic structural enumeration of the accepting
schema (required keys filled, then one optional key, pattern key, unknown key, array
position or boundary value varied at a time, recursively), and, where it compiles, our
own generator (``conformance._generation``, which falls back to hypothesis-jsonschema
per subschema) run for a fixed number of derandomised examples. Every candidate is
checked by python-jsonschema under each schema's own dialect: a witness is never
reported unless ``accept`` accepts it and ``reject`` rejects it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from referencing import Registry
from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from ._prove import as_dict, as_list

_POOL: tuple[Any, ...] = (None, True, False, 0, 1, -1, 0.5, "", "x", [], {}, {"x": None})
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "someone@example.com",
    "uri": "https://example.com/x",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}
_WIDTH = 10
_DEPTH = 6


_HINTS: list[str] = []


def names_in(schema: Any, limit: int = 40) -> list[str]:
    """Property names ``schema`` declares anywhere (keys worth trying in the other schema)."""
    out: list[str] = []
    stack = [schema]
    while stack and len(out) < limit:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                out.extend(k for k in props if k not in out)
            stack.extend(v for k, v in node.items() if k not in ("const", "enum"))
        elif isinstance(node, list):
            stack.extend(node)
    return out[:limit]


def candidates(
    schema: Any, resolver: Resolver[Any], limit: int = 3000, hints: list[str] | None = None
) -> list[Any]:
    """Up to ``limit`` distinct instances built from ``schema`` (not all valid under it).

    ``hints`` are key names (from the other schema) also tried as unknown keys.
    """
    import orjson

    _HINTS[:] = hints or []
    out: list[Any] = []
    seen: set[bytes] = set()
    for value in _values(schema, resolver, 0):
        try:
            key = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            continue
        if key in seen:
            continue
        seen.add(key)
        out.append(value)
        if len(out) >= limit:
            break
    return out


def _values(node: Any, r: Resolver[Any], depth: int) -> Iterator[Any]:
    if node is True or node == {}:
        yield from _POOL
        return
    if not isinstance(node, dict) or depth > _DEPTH:
        yield from _POOL[:3]
        return
    if isinstance(node.get("$ref"), str):
        try:
            resolved = r.lookup(node["$ref"])
        except Unresolvable:
            return
        yield from _values(resolved.contents, resolved.resolver, depth + 1)
    if "const" in node:
        yield node["const"]
    if isinstance(node.get("enum"), list):
        yield from node["enum"]
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key) or ():
            merged = {k: v for k, v in node.items() if k not in ("allOf", "anyOf", "oneOf", "$ref")}
            if isinstance(branch, dict):
                merged = {**merged, **branch}
            yield from _values(merged, r, depth + 1)
    if "not" in node and depth < _DEPTH:
        yield from _first(node["not"], r, depth, 6)
    for key in ("dependentSchemas",):
        for sub in (node.get(key) or {}).values():
            yield from _first(sub, r, depth, 4)
    for key in ("then", "else", "if"):
        if isinstance(node.get(key), dict):
            merged = {k: v for k, v in node.items() if k not in ("if", "then", "else")}
            yield from _values({**merged, **node[key]}, r, depth + 1)
    declared = node.get("type")
    names = (
        [declared]
        if isinstance(declared, str)
        else list(declared)
        if isinstance(declared, list)
        else ["object", "array", "string", "integer", "number", "boolean", "null"]
    )
    for name in names:
        if name == "null":
            yield None
        elif name == "boolean":
            yield from (True, False)
        elif name in ("integer", "number"):
            yield from _numbers(node, integer=name == "integer")
        elif name == "string":
            yield from _strings(node)
        elif name == "array":
            yield from _arrays(node, r, depth)
        elif name == "object":
            yield from _objects(node, r, depth)


def _first(node: Any, r: Resolver[Any], depth: int, count: int = _WIDTH) -> list[Any]:
    out: list[Any] = []
    for value in _values(node, r, depth + 1):
        if value not in out:
            out.append(value)
        if len(out) >= count:
            break
    return out


def _numbers(node: dict[str, Any], *, integer: bool) -> Iterator[Any]:
    picks: list[float] = []
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        value = node.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            picks += [value, value - 1, value + 1, value - 0.5, value + 0.5]
    picks += [0, 1, -1, 2, 100]
    step = node.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        picks += [step, step * 2, step * 3, -step]
    if not integer:
        picks += [0.5, 1.5, -0.5]
    for value in picks:
        if integer and not float(value).is_integer():
            continue
        yield int(value) if float(value).is_integer() else value


def _strings(node: dict[str, Any]) -> Iterator[str]:
    low = node.get("minLength", 0) if isinstance(node.get("minLength"), int) else 0
    high = node.get("maxLength") if isinstance(node.get("maxLength"), int) else None
    picks = []
    if high is not None:
        picks += ["x" * (high + 1), "x" * high]
    if low:
        picks += ["x" * low, "x" * (low - 1)]
    picks += ["", "x", "a", "A", "0", "abc"]
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        picks.insert(0, _FORMATS[fmt])
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        picks = [*_matching(pattern), *picks]
    yield from picks


def _matching(pattern: str) -> list[str]:
    """A few strings likely to match ``pattern`` (literal prefix plus common tails)."""
    literal = ""
    body = pattern[1:] if pattern.startswith("^") else pattern
    for char in body:
        if char in ".^$*+?{}[]\\|()":
            break
        literal += char
    if literal and body[len(literal) : len(literal) + 1] in ("*", "?", "{"):
        literal = literal[:-1]
    out = [literal + tail for tail in ("", "x", "0", "a", "1", "xx", "00")]
    out += ["x", "a", "0", "abc", "2024-01-01", "A"]
    good: list[str] = []
    for text in out:
        try:
            if re.search(pattern, text) and text not in good:
                good.append(text)
        except re.error:
            break
    return good or out[:2]


def _arrays(node: dict[str, Any], r: Resolver[Any], depth: int) -> Iterator[list[Any]]:
    prefix = as_list(node.get("prefixItems"))
    items = node.get("items", True)
    tuple_values = [(_first(p, r, depth, 4) or [None]) for p in prefix]
    base = [values[0] for values in tuple_values]
    tail = _first(items, r, depth, 6) if items is not False else []
    low = node.get("minItems", 0) if isinstance(node.get("minItems"), int) else 0
    pad = tail[0] if tail else None
    yield []
    yield list(base)
    for index, values in enumerate(tuple_values):
        for value in values[1:]:
            yield [*base[:index], value, *base[index + 1 :]]
    for index in range(len(base)):
        yield base[:index]
    for value in tail:
        row = [*base, value]
        yield row + [pad] * max(0, low - len(row))
    if tail:
        yield [*base, *([pad] * max(low - len(base), 1))]
        yield [*base, pad, pad]
    if isinstance(node.get("contains"), dict | bool):
        for value in _first(node["contains"], r, depth, 4):
            yield [value]
            yield [*base, value, value]
    for value in _POOL[:6]:
        yield [*base, value]


def _objects(node: dict[str, Any], r: Resolver[Any], depth: int) -> Iterator[dict[str, Any]]:
    props = as_dict(node.get("properties"))
    required = [k for k in node.get("required") or () if isinstance(k, str)]
    patterns = as_dict(node.get("patternProperties"))
    extra = node.get("additionalProperties", True)
    base: dict[str, Any] = {}
    options: dict[str, list[Any]] = {}
    for key in [*required, *props]:
        if key in options:
            continue
        schema = props.get(key, extra if extra is not False else True)
        options[key] = _first(schema, r, depth) if schema is not False else []
        if key in required:
            base[key] = options[key][0] if options[key] else None
    yield dict(base)
    for key, values in options.items():
        for value in values:
            yield {**base, key: value}
        if key in base:
            yield {k: v for k, v in base.items() if k != key}
    everything = {**base, **{k: v[0] for k, v in options.items() if v}}
    yield everything
    for pattern, schema in patterns.items():
        # python-jsonschema reads ``$`` as Python does: it also matches before a final newline
        names = _matching(pattern)[:2]
        names += [name + "\n" for name in names if pattern.endswith("$")]
        for name in names:
            for value in _first(schema, r, depth, 5) + list(_POOL[:4]):
                yield {**base, name: value}
    if extra is not False:
        for value in (_first(extra, r, depth, 6) if extra is not True else []) + list(_POOL):
            yield {**base, "extraField": value}
    for name in _HINTS:
        if name in props:
            continue
        schemas = [s for p, s in patterns.items() if _search(p, name)] or [extra]
        for schema in schemas:
            if schema is not False:
                for value in _first(schema, r, depth, 4):
                    yield {**base, name: value}
    for key in ("dependentSchemas", "dependentRequired"):
        for name in node.get(key) or {}:
            if isinstance(name, str) and name not in base:
                yield {**base, name: options.get(name, [None])[0] if options.get(name) else None}


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def generated(
    schema: Any, registry: Registry[Any], base: str, validator: Any, count: int
) -> list[Any]:
    """Up to ``count`` instances drawn by our generator from ``schema`` (empty if it cannot)."""
    if count <= 0:
        return []
    from hypothesis import given

    from .._errors import ConformanceError
    from .._generation import Options, search_settings
    from .._generation._compiler import Compiler, _Context

    try:
        strategy = Compiler(registry, Options(contract=True)).compile(
            schema, _Context(base, (), schema)
        )
    except (ConformanceError, RuntimeError, RecursionError, ValueError, TypeError):
        return []
    out: list[Any] = []

    @search_settings(max_examples=count, derandomize=True)
    @given(strategy)
    def draw(value: Any) -> None:
        out.append(_plain(value))

    with contextlib.suppress(Exception):  # a generator failing mid-run only shortens the search
        draw()
    return [v for v in out if validator.is_valid(v)]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
