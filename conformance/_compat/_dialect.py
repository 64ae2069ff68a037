"""Read a schema under its own dialect and restate it in draft 2020-12 terms.

A schema's ``$schema`` decides its dialect; without one it is draft 2020-12 (the
catalog's dialect). Older dialects are restated so that the rules and the prover see
one vocabulary: a tuple ``items`` becomes ``prefixItems`` (with ``additionalItems`` as
the new ``items``), ``dependencies`` splits into ``dependentRequired`` and
``dependentSchemas``, draft-04 boolean ``exclusiveMinimum``/``exclusiveMaximum`` become
numbers, and (draft-07 and older) the siblings of ``$ref`` are dropped because those
dialects ignore them. Keywords that are not part of the 2020-12 vocabulary (``id`` in a
2020-12 schema, say) are annotations: they never constrain an instance, so they are
removed here, once, for every rule. Witnesses are always checked by python-jsonschema
against the *original* schema under its own dialect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._catalog import is_annotation

DRAFT4 = "draft-04"
DRAFT6 = "draft-06"
DRAFT7 = "draft-07"
DRAFT2019 = "2019-09"
DRAFT2020 = "2020-12"

_URIS: Mapping[str, str] = {
    "json-schema.org/draft-04/schema": DRAFT4,
    "json-schema.org/draft-06/schema": DRAFT6,
    "json-schema.org/draft-07/schema": DRAFT7,
    "json-schema.org/draft/2019-09/schema": DRAFT2019,
    "json-schema.org/draft/2020-12/schema": DRAFT2020,
}

#: draft 2020-12 keywords that can reject an instance (everything else is an annotation).
KEYWORDS = frozenset(
    {
        "$ref", "$dynamicRef", "$recursiveRef", "type", "enum", "const",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "properties", "patternProperties", "additionalProperties", "propertyNames",
        "required", "dependentRequired", "dependentSchemas", "minProperties",
        "maxProperties", "unevaluatedProperties",
        "prefixItems", "items", "contains", "minContains", "maxContains", "minItems",
        "maxItems", "uniqueItems", "unevaluatedItems",
        "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    }
)  # fmt: skip
#: keywords kept because ``$ref`` may point into them.
_CONTAINERS = frozenset({"$defs", "definitions"})
_ID_KEYS = frozenset({"$id", "$anchor", "$dynamicAnchor", "$schema"})
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "additionalProperties",
    "propertyNames",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
    "additionalItems",
)


def dialect_of(schema: Any) -> str:
    """The dialect named by ``schema``'s ``$schema`` (draft 2020-12 when absent or unknown)."""
    if not isinstance(schema, dict):
        return DRAFT2020
    uri = schema.get("$schema")
    if not isinstance(uri, str):
        return DRAFT2020
    key = uri.split("://", 1)[-1].rstrip("#").rstrip("/")
    return _URIS.get(key, DRAFT2020)


def restate(schema: Any, dialect: str | None = None) -> Any:
    """``schema`` in draft 2020-12 vocabulary, annotations and non-keywords dropped."""
    return _restate(schema, dialect or dialect_of(schema))


def _restate(node: Any, dialect: str) -> Any:
    if not isinstance(node, dict):
        return node
    old = dialect in (DRAFT4, DRAFT6, DRAFT7)
    if old and "$ref" in node:
        kept = {k: v for k, v in node.items() if k == "$ref" or k in _CONTAINERS}
        node = kept
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _restate(v, dialect) for k, v in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_restate(v, dialect) for v in value]
        elif key in _SCHEMA_ONE:
            if key == "items" and isinstance(value, list):
                out["prefixItems"] = [_restate(v, dialect) for v in value]
                if "additionalItems" in node:
                    out["items"] = _restate(node["additionalItems"], dialect)
            elif key == "additionalItems":
                continue  # only meaningful beside a tuple ``items`` (handled there)
            else:
                out[key] = _restate(value, dialect)
        elif key == "dependencies" and dialect != DRAFT2020 and isinstance(value, dict):
            for name, dep in value.items():
                if isinstance(dep, list):
                    out.setdefault("dependentRequired", {})[name] = dep
                else:
                    out.setdefault("dependentSchemas", {})[name] = _restate(dep, dialect)
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in node:
                out[key] = node[bound]
        elif key in ("minimum", "maximum") and node.get(f"exclusive{key.title()}") is True:
            continue  # became the exclusive bound above
        elif key == "id" and dialect == DRAFT4 and isinstance(value, str):
            out["$id"] = value
        elif key in KEYWORDS or key in _ID_KEYS or key in _CONTAINERS:
            out[key] = value
        elif key == "nullable" or not is_annotation(key):
            # not a keyword of this dialect: an annotation with no effect on validity
            continue
    if dialect != DRAFT2020:
        out.pop("$schema", None)
    return out
