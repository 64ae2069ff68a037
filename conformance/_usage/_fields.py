"""Look a payload path up in an event's schema: its pointer, presence, nullability, types.

A path read by a handler uses the delivery's own keys; the manifest stores the path
the schema gives it, as a JSON pointer into ``data``: a property the schema names keeps
its name; a property it does not name becomes ``*`` (the schema's additional properties,
so keys a generator invented never reach a manifest); every list item is ``*``. These are
the pointers compatibility findings use, so the two can be matched.

The walk follows ``$ref`` (through the side's registry), ``allOf`` (all parts apply),
``anyOf``/``oneOf`` (any may), ``patternProperties``, ``additionalProperties`` and
``items``; ``true``/absent schemas allow anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._catalog import STABILITY_KEY
from .._errors import json_pointer

ITEM = "*"
TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")
_MAX_DEPTH = 32


@dataclass(frozen=True)
class FieldInfo:
    """What the schema says about one payload path."""

    pointer: str
    declared: bool
    required: bool
    nullable: bool
    beta: bool
    types: tuple[str, ...]
    #: the last step is a property the schema does not name (its additional properties)
    extra: bool = False


@dataclass(frozen=True)
class _Node:
    """One schema with the resolver its ``$ref`` resolve against (None: no registry)."""

    schema: Any
    resolver: Any


def _parts(node: _Node, depth: int = 0) -> tuple[list[_Node], list[list[_Node]]]:
    """The schemas that all apply (the node, its allOf, its $ref targets) and the groups
    of alternatives (each anyOf/oneOf)."""
    if depth > _MAX_DEPTH or not isinstance(node.schema, dict):
        return ([node] if node.schema is not True else []), []
    schema = node.schema
    conj = [node]
    alts: list[list[_Node]] = []
    ref = schema.get("$ref")
    if isinstance(ref, str) and node.resolver is not None:
        try:
            found = node.resolver.lookup(ref)
        except Exception:  # a dangling $ref: the catalog loader rejects those earlier
            found = None
        if found is not None:
            sub_conj, sub_alts = _parts(_Node(found.contents, found.resolver), depth + 1)
            conj += sub_conj
            alts += sub_alts
    for member in schema.get("allOf") or ():
        sub_conj, sub_alts = _parts(_Node(member, node.resolver), depth + 1)
        conj += sub_conj
        alts += sub_alts
    for key in ("anyOf", "oneOf"):
        group = schema.get(key)
        if isinstance(group, list) and group:
            alts.append([_Node(m, node.resolver) for m in group])
    return conj, alts


def _types(node: _Node, depth: int = 0) -> set[str] | None:
    """The JSON types ``node`` allows (None: any)."""
    if node.schema is False:
        return set()
    conj, alts = _parts(node, depth)
    allowed: set[str] | None = None
    for part in conj:
        if not isinstance(part.schema, dict):
            if part.schema is False:
                return set()
            continue
        declared = part.schema.get("type")
        here: set[str] | None = None
        if isinstance(declared, str):
            here = {declared}
        elif isinstance(declared, list):
            here = {t for t in declared if isinstance(t, str)}
        if "const" in part.schema:
            here = _kinds([part.schema["const"]]) & (here if here is not None else set(TYPES))
        elif isinstance(part.schema.get("enum"), list):
            kinds = _kinds(part.schema["enum"])
            here = kinds & (here if here is not None else set(TYPES))
        if here is not None:
            if "number" in here:
                here.add("integer")
            allowed = here if allowed is None else allowed & here
    for group in alts:
        if depth > _MAX_DEPTH:
            break
        union: set[str] = set()
        for member in group:
            member_kinds = _types(member, depth + 1)
            if member_kinds is None:
                union = set(TYPES)
                break
            union |= member_kinds
        allowed = union if allowed is None else allowed & union
    return allowed


def _kinds(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if value is None:
            out.add("null")
        elif isinstance(value, bool):
            out.add("boolean")
        elif isinstance(value, int):
            out |= {"integer", "number"}
        elif isinstance(value, float):
            out.add("number")
        elif isinstance(value, str):
            out.add("string")
        elif isinstance(value, list):
            out.add("array")
        elif isinstance(value, dict):
            out.add("object")
    return out


def _shown(types: set[str] | None) -> tuple[str, ...]:
    if types is None:
        return ()
    if "number" in types:
        types = types - {"integer"}
    return tuple(t for t in TYPES if t in types)


def _children(node: _Node, key: str) -> tuple[str, list[_Node], bool, bool]:
    """Step into property ``key``: (pointer segment, child schemas, required, declared)."""
    conj, alts = _parts(node)
    everything = conj + [m for group in alts for m in group]
    named = [
        _Node(p.schema["properties"][key], p.resolver)
        for p in everything
        if isinstance(p.schema, dict)
        and isinstance(p.schema.get("properties"), dict)
        and key in p.schema["properties"]
    ]
    required = any(_requires(p, key) for p in conj) or any(
        group and all(any(_requires(q, key) for q in _parts(m)[0]) for m in group) for group in alts
    )
    if named:
        return key, named, required, True
    patterned = [
        _Node(sub, p.resolver)
        for p in everything
        if isinstance(p.schema, dict) and isinstance(p.schema.get("patternProperties"), dict)
        for pattern, sub in p.schema["patternProperties"].items()
        if _search(pattern, key)
    ]
    if patterned:
        return ITEM, patterned, required, True
    closed = any(
        isinstance(p.schema, dict) and p.schema.get("additionalProperties") is False for p in conj
    )
    if closed:
        return ITEM, [], False, False
    extra = [
        _Node(p.schema["additionalProperties"], p.resolver)
        for p in everything
        if isinstance(p.schema, dict) and isinstance(p.schema.get("additionalProperties"), dict)
    ]
    return ITEM, extra or [_Node(True, None)], False, True


def _requires(node: _Node, key: str) -> bool:
    required = node.schema.get("required") if isinstance(node.schema, dict) else None
    return isinstance(required, list) and key in required


def _search(pattern: str, key: str) -> bool:
    try:
        return re.search(pattern, key) is not None
    except re.error:
        return False


def _items(node: _Node) -> tuple[list[_Node], bool]:
    """Step into the items of an array: (child schemas, always at least one item)."""
    conj, alts = _parts(node)
    everything = conj + [m for group in alts for m in group]
    items = [
        _Node(p.schema["items"], p.resolver)
        for p in everything
        if isinstance(p.schema, dict) and "items" in p.schema
    ]
    non_empty = any(
        isinstance(p.schema, dict)
        and isinstance(p.schema.get("minItems"), int)
        and p.schema["minItems"] >= 1
        for p in conj
    )
    return items or [_Node(True, None)], non_empty


def _beta(nodes: Sequence[_Node]) -> bool:
    return any(
        isinstance(p.schema, dict) and p.schema.get(STABILITY_KEY) == "beta"
        for n in nodes
        for p in _parts(n)[0]
    )


def lookup(
    schema: Any, resolver: Any, path: Sequence[str], *, array_path: Sequence[bool] | None = None
) -> FieldInfo:
    """What ``schema`` says about ``path`` (keys of the payload; ``array_path[i]`` is
    True where ``path[i]`` stands for list items).

    Paths already in pointer form (from a manifest) are looked up with ``*`` meaning
    "list items" when the schema allows an array there and "other properties" otherwise.
    """
    nodes = [_Node(schema, resolver)]
    segments: list[str] = []
    required = declared = True
    beta = _beta(nodes)
    extra = False
    for index, key in enumerate(path):
        if not nodes:
            declared = False
            segments.append(key)
            continue
        types = _union_types(nodes)
        if array_path is not None:
            is_item = array_path[index]
        else:
            is_item = key == ITEM and (types is None or "array" in types)
        if types is not None and "null" in types:
            required = False  # a null parent: the field is absent
        if is_item:
            children: list[_Node] = []
            always = False
            if types is None or "array" in types:
                for n in nodes:
                    found, non_empty = _items(n)
                    children += found
                    always = always or non_empty
            else:
                declared = False
            segments.append(ITEM)
            required = required and always
            extra = False
        else:
            children = []
            step_required = False
            names: set[str] = set()
            if types is None or "object" in types:
                for n in nodes:
                    name, found, needed, ok = _children(n, key)
                    if ok:
                        names.add(name)
                        children += found
                        step_required = step_required or needed
            if not names:
                declared = False
                segments.append(ITEM if key != ITEM else key)
            else:
                segments.append(key if key in names else ITEM)
            extra = segments[-1] == ITEM
            required = required and step_required
        nodes = children
        beta = beta or _beta(nodes)
    types = _union_types(nodes) if nodes else set()
    return FieldInfo(
        pointer=json_pointer(segments),
        declared=declared and bool(nodes),
        required=required and declared,
        nullable=types is None or "null" in types,
        beta=beta,
        types=_shown(types),
        extra=extra,
    )


def _union_types(nodes: Sequence[_Node]) -> set[str] | None:
    out: set[str] = set()
    for node in nodes:
        kinds = _types(node)
        if kinds is None:
            return None
        out |= kinds
    return out


def split_pointer(pointer: str) -> list[str]:
    """The segments of a JSON pointer (``''`` is no segment)."""
    if not pointer:
        return []
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]
