"""Translate the catalog's JSON Schemas into a small typed model every style renders.

Only keywords whose meaning can be reproduced exactly are translated; anything else (a
``$ref``, ``oneOf``, ``additionalProperties: false``, a numeric ``enum``...) raises
``CatalogError`` naming the event and JSON pointer, so generated code is never looser or
stricter than the schema it came from. Constraints a type annotation cannot carry
(``pattern``, ``format``, lengths, bounds) are kept as :class:`Check` items, which the
validating styles test after decoding.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from .._catalog import Catalog, is_annotation
from .._errors import CatalogError, json_pointer

#: JSON Schema ``type`` names this generator understands.
_KINDS = ("string", "number", "integer", "boolean", "object", "array", "null")
#: Keywords understood per kind (besides ``type`` and annotations).
_STRING_KEYS = {"pattern", "format", "minLength", "maxLength"}
_NUMBER_KEYS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
_ARRAY_KEYS = {"items", "minItems", "maxItems"}
_OBJECT_KEYS = {"properties", "required", "additionalProperties"}
#: String formats checked exactly by the generated code.
FORMATS = ("date-time",)


@dataclass(frozen=True)
class Check:
    """One constraint tested after decoding: ``kind`` is a JSON Schema keyword."""

    kind: str
    value: Any


@dataclass
class Node:
    """The type of one JSON value.

    ``kinds`` are the non-null JSON types allowed (``number`` includes integers);
    ``literals`` replace them for ``enum``/``const``; ``struct`` names the class of an
    object with declared properties; ``item`` is the element type of an array.
    """

    kinds: tuple[str, ...] = ()
    nullable: bool = False
    literals: tuple[Any, ...] | None = None
    struct: Struct | None = None
    item: Node | None = None
    checks: tuple[Check, ...] = ()

    def constrained(self) -> bool:
        """Whether this value, or anything inside it, has post-decode checks."""
        if self.checks:
            return True
        if self.item is not None and self.item.constrained():
            return True
        return self.struct is not None and self.struct.constrained()


@dataclass
class Prop:
    """One declared property of an object."""

    key: str
    attr: str
    node: Node
    required: bool


@dataclass
class Struct:
    """An object type with declared properties: one class in every style."""

    name: str
    props: list[Prop] = field(default_factory=list)

    def constrained(self) -> bool:
        """Whether any property has post-decode checks."""
        return any(p.node.constrained() for p in self.props)

    def plain_keys(self) -> bool:
        """Whether every key can be a Python class attribute as it is."""
        return all(p.key == p.attr for p in self.props)


@dataclass
class EventType:
    """One catalog event: its envelope class, its payload class, its description."""

    name: str
    cls: str
    data: Struct
    description: str
    stability: str


@dataclass
class Model:
    """Everything a style renders: envelope fields, events, and every struct in order."""

    envelope: list[Prop]
    type_checks: tuple[Check, ...]
    events: list[EventType]
    structs: list[Struct]


def class_name(event: str) -> str:
    """``agent.chat.turn.failed`` -> ``AgentChatTurnFailed``."""
    parts = re.split(r"[^0-9A-Za-z]+", event)
    name = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return name if name[:1].isalpha() else f"E{name}"


def _attr(key: str) -> str:
    """A Python attribute name for JSON key ``key`` (the key itself when possible)."""
    if key.isidentifier() and key.isascii() and not keyword.iskeyword(key) and key[0] != "_":
        return key
    text = re.sub(r"\W", "_", key, flags=re.ASCII).strip("_") or "field"
    if text[0].isdigit() or keyword.iskeyword(text):
        text = f"f_{text}"
    return f"{text}_"


class _Translator:
    def __init__(self, event: str) -> None:
        self.event = event
        self.structs: list[Struct] = []

    def fail(self, path: list[str | int], reason: str) -> CatalogError:
        return CatalogError(
            f"codegen cannot translate this schema exactly: {reason}",
            event=self.event,
            pointer=json_pointer(path),
        )

    def keys(self, schema: Any, path: list[str | int]) -> set[str]:
        if schema is True:
            return set()
        if not isinstance(schema, dict):
            raise self.fail(path, "a schema must be an object")
        return {k for k in schema if not is_annotation(k)}

    def node(self, schema: Any, path: list[str | int], name: str) -> Node:
        keys = self.keys(schema, path)
        if schema is True or not keys:
            raise self.fail(path, "an unconstrained value (give it a type)")
        raw = schema.get("type")
        kinds_list = raw if isinstance(raw, list) else [raw] if raw is not None else None
        if kinds_list is None or not kinds_list or not all(k in _KINDS for k in kinds_list):
            raise self.fail(path, f"'type' must name JSON types, got {raw!r}")
        if len(set(kinds_list)) != len(kinds_list):
            raise self.fail(path, "'type' repeats a type")
        nullable = "null" in kinds_list
        kinds = tuple(k for k in kinds_list if k != "null")
        if "integer" in kinds:
            # msgspec's int refuses 1.0, which JSON Schema's integer accepts: not exact.
            raise self.fail(path, "'integer' (not translated exactly; use 'number')")
        allowed = {"type"}
        for kind in kinds:
            allowed |= {
                "string": _STRING_KEYS,
                "number": _NUMBER_KEYS,
                "array": _ARRAY_KEYS,
                "object": _OBJECT_KEYS,
            }.get(kind, set())
        if "enum" in keys or "const" in keys:
            return self.literal(schema, keys, kinds, nullable, path)
        unknown = keys - allowed
        if unknown:
            raise self.fail(path, f"unsupported keyword(s) {sorted(unknown)}")
        node = Node(kinds=kinds, nullable=nullable)
        checks: list[Check] = []
        for key in sorted(keys - {"type", "items", "properties", "required"}):
            value = schema[key]
            if key == "additionalProperties":
                if value is not True and value != {}:
                    raise self.fail([*path, key], "only 'additionalProperties: true' is exact")
                continue
            if key == "format" and value not in FORMATS:
                raise self.fail([*path, key], f"format {value!r} (known: {', '.join(FORMATS)})")
            if key == "pattern":
                if not isinstance(value, str):
                    raise self.fail([*path, key], "a pattern must be a string")
                try:
                    re.compile(python_pattern(value))
                except re.error as exc:
                    raise self.fail([*path, key], f"pattern does not compile: {exc}") from None
            if key in {"minLength", "maxLength", "minItems", "maxItems"} and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise self.fail([*path, key], "a length must be a non-negative integer")
            if key in _NUMBER_KEYS and (
                isinstance(value, bool) or not isinstance(value, (int, float))
            ):
                raise self.fail([*path, key], "a bound must be a number")
            checks.append(Check(key, value))
        node.checks = tuple(checks)
        if "array" in kinds:
            if "items" not in keys:
                raise self.fail(path, "an array without 'items'")
            if len(kinds) > 1:
                raise self.fail(path, "an array mixed with other types")
            node.item = self.node(schema["items"], [*path, "items"], f"{name}Item")
        if "object" in kinds and keys & {"properties", "required"}:
            if len(kinds) > 1:
                raise self.fail(path, "an object with properties mixed with other types")
            node.struct = self.struct(schema, path, name)
        return node

    def literal(
        self,
        schema: dict[str, Any],
        keys: set[str],
        kinds: tuple[str, ...],
        nullable: bool,
        path: list[str | int],
    ) -> Node:
        if keys - {"type", "enum", "const"} or ("enum" in keys and "const" in keys):
            raise self.fail(path, "enum/const beside other keywords")
        values = schema["enum"] if "enum" in keys else [schema["const"]]
        if not isinstance(values, list) or not values:
            raise self.fail(path, "an enum must be a non-empty list")
        kept: list[Any] = []
        for value in values:
            if value is None:
                kind = "null"
            elif isinstance(value, bool):
                kind = "boolean"
            elif isinstance(value, str):
                kind = "string"
            elif isinstance(value, (int, float)):
                kind = "number"
            else:
                kind = "structured"
            if not (nullable if kind == "null" else kind in kinds):
                continue  # a value its own 'type' excludes can never validate
            if kind not in {"null", "boolean", "string"}:
                raise self.fail(path, f"enum/const value {value!r} (only strings, booleans, null)")
            if not any(v == value and type(v) is type(value) for v in kept):
                kept.append(value)
        if not kept:
            raise self.fail(path, "no enum value satisfies the type")
        literals = tuple(v for v in kept if v is not None)
        return Node(kinds=kinds, nullable=None in kept, literals=literals)

    def struct(self, schema: dict[str, Any], path: list[str | int], name: str) -> Struct:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise self.fail(path, "'properties' must be an object and 'required' a list")
        if not all(isinstance(r, str) for r in required):
            raise self.fail([*path, "required"], "'required' must list strings")
        if set(required) - set(properties):
            missing = sorted(set(required) - set(properties))
            raise self.fail([*path, "required"], f"required but undeclared: {missing}")
        struct = Struct(name)
        self.structs.append(struct)
        taken: set[str] = set()
        for key, sub in properties.items():
            attr = _attr(key)
            while attr in taken:
                attr += "_"
            taken.add(attr)
            sub_name = name + class_name(key)
            node = self.node(sub, [*path, "properties", key], sub_name)
            struct.props.append(Prop(key, attr, node, key in required))
        # Structs are listed innermost first, so every class is defined before use.
        self.structs.remove(struct)
        self.structs.append(struct)
        return struct


def python_pattern(pattern: str) -> str:
    """An ECMA-262 pattern as a Python one: ``$`` at the end no longer matches before a
    final newline, as it does in Python."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


def build(catalog: Catalog) -> Model:
    """The typed model of every event in ``catalog`` plus its envelope."""
    envelope = catalog.envelope
    tr = _Translator("envelope")
    props = envelope.get("properties", {})
    required = envelope.get("required", [])
    expected = {"id", "type", "occurred_at", "data"}
    if set(props) != expected or set(required) != expected:
        raise tr.fail([], "the envelope must declare exactly id, type, occurred_at and data")
    if props["data"].get("type") != "object" or tr.keys(props["data"], ["data"]) != {"type"}:
        raise tr.fail(["properties", "data"], "data must be an unconstrained object")
    fields: list[Prop] = []
    for key in ("id", "occurred_at"):
        node = tr.node(props[key], ["properties", key], key)
        if node.kinds != ("string",) or node.nullable or node.literals is not None:
            raise tr.fail(["properties", key], "must be a plain string")
        fields.append(Prop(key, key, node, True))
    type_node = tr.node(props["type"], ["properties", "type"], "type")
    if type_node.kinds != ("string",) or type_node.nullable or type_node.literals is not None:
        raise tr.fail(["properties", "type"], "must be a plain string")
    events: list[EventType] = []
    structs: list[Struct] = []
    seen: dict[str, str] = {}
    for event in catalog:
        cls = class_name(event.name)
        if cls in seen or cls in {"Event", "UnknownEvent", "Envelope"}:
            raise CatalogError(
                f"codegen: class name {cls} is taken (by {seen.get(cls, 'the module')})",
                event=event.name,
            )
        seen[cls] = event.name
        translator = _Translator(event.name)
        schema = event.schema
        if schema.get("type") != "object":
            raise translator.fail([], "an event payload must be an object")
        node = translator.node(schema, [], f"{cls}Data")
        if node.struct is None:
            node.struct = Struct(f"{cls}Data")
            translator.structs.append(node.struct)
        if node.nullable or len(node.kinds) != 1:
            raise translator.fail(["type"], "an event payload must be an object")
        structs.extend(translator.structs)
        events.append(EventType(event.name, cls, node.struct, event.description, event.stability))
    names = [s.name for s in structs]
    clash = {n for n in names if names.count(n) > 1} | (set(names) & set(seen))
    if clash:
        raise CatalogError(f"codegen: class names clash: {sorted(clash)}")
    return Model(fields, type_node.checks, events, structs)
