"""The docs page's type notation, both ways: ``string | null`` to JSON Schema and back.

The Case.dev docs write payload types in TypeScript notation: ``string``, ``number``,
``boolean``, ``object``, ``string[]``, ``'a' | 'b'``, ``true``, ``string | null``,
``string[] | null`` and inline objects such as ``{inputTokens: number; outputTokens:
number}`` (every member required). This module is the one place that knows that
notation, so the importer and the docs renderer cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Any

from .._errors import CatalogError

JSONSchema = dict[str, Any]

_BASE_TYPES = {"string", "number", "boolean", "object"}
_LITERAL = re.compile(r"^'((?:[^'\\]|\\.)*)'$")
_MEMBER = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*:\s*(.+?)\s*$")


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` where it is not inside braces, brackets or quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'" and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch in "{[(":
            depth += 1
        elif not quoted and ch in "}])":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _alternative(text: str) -> JSONSchema:
    if text in _BASE_TYPES:
        return {"type": text}
    if text in ("true", "false"):
        return {"type": "boolean", "const": text == "true"}
    if text.endswith("[]"):
        return {"type": "array", "items": _alternative(text[:-2].strip())}
    if text.startswith("{") and text.endswith("}"):
        members = [m for m in _split_top(text[1:-1], ";") if m]
        properties: dict[str, JSONSchema] = {}
        for member in members:
            match = _MEMBER.match(member)
            if match is None:
                raise ValueError(f"cannot read object member {member!r}")
            properties[match.group(1)] = parse_type(match.group(2))
        return {"type": "object", "properties": properties, "required": list(properties)}
    literal = _LITERAL.match(text)
    if literal is not None:
        return {"type": "string", "enum": [literal.group(1)]}
    raise ValueError(f"unknown type {text!r}")


def parse_type(text: str) -> JSONSchema:
    """Turn one docs type expression into the JSON Schema that says exactly the same.

    Raises ``ValueError`` for notation the docs page has never used.
    """
    alternatives = _split_top(text.strip(), "|")
    nullable = "null" in alternatives
    rest = [a for a in alternatives if a != "null"]
    if not rest:
        return {"type": "null"}
    schemas = [_alternative(a) for a in rest]
    if all(s.get("type") == "string" and "enum" in s for s in schemas):
        values: list[Any] = [v for s in schemas for v in s["enum"]]
        if nullable:
            return {"type": ["string", "null"], "enum": [*values, None]}
        return {"type": "string", "enum": values}
    if len(schemas) == 1:
        schema = schemas[0]
        if nullable:
            schema = {**schema, "type": [schema["type"], "null"]}
        return schema
    any_of = schemas + ([{"type": "null"}] if nullable else [])
    return {"anyOf": any_of}


def render_type(schema: JSONSchema) -> str:
    """Write a JSON Schema back in the docs page's notation (the inverse of parse_type).

    Raises ``CatalogError`` for a schema that the notation cannot express.
    """
    if "anyOf" in schema:
        return " | ".join(render_type(s) for s in schema["anyOf"])
    types = schema.get("type")
    type_list: list[str] = types if isinstance(types, list) else [types] if types else []
    nullable = "null" in type_list
    base = [t for t in type_list if t != "null"]
    suffix = " | null" if nullable else ""
    if "enum" in schema:
        literals = [v for v in schema["enum"] if v is not None]
        if all(isinstance(v, str) for v in literals):
            return " | ".join("'" + v.replace("'", "\\'") + "'" for v in literals) + suffix
    if "const" in schema and isinstance(schema["const"], bool):
        return ("true" if schema["const"] else "false") + suffix
    if base == ["array"]:
        items = schema.get("items", {})
        inner = render_type(items)
        if " " in inner:
            inner = f"({inner})"
        return inner + "[]" + suffix
    if base == ["object"] and "properties" in schema and schema["properties"]:
        members = "; ".join(
            f"{name}: {render_type(sub)}" for name, sub in schema["properties"].items()
        )
        return "{" + members + "}" + suffix
    if len(base) == 1 and base[0] in _BASE_TYPES:
        return base[0] + suffix
    if base == ["null"] or (nullable and not base):
        return "null"
    raise CatalogError(f"schema {schema!r} has no docs notation")
