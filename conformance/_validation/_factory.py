"""Build one realistic, valid delivery for an event, deterministically, without Hypothesis.

For hand-written tests: ``make_delivery(catalog, "vault.upload.completed", data={...})``
returns an envelope whose payload fills every documented field (or only the required
ones with ``minimal=True``) with plausible values, then applies the caller's changes and
checks the result against the envelope and payload schemas (fail closed).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from .._catalog import Catalog, Event
from .._errors import GenerationError, json_pointer
from .._ids import stable_event_id

OCCURRED_AT = "2026-04-24T15:12:09.481Z"


def example_payload(event: Event, *, minimal: bool = False) -> dict[str, Any]:
    """A plausible payload for ``event``: every property, or only required ones."""
    value = _example(event.schema, key=None, minimal=minimal, path=[], event=event.name)
    if not isinstance(value, dict):
        raise GenerationError("the payload schema is not an object schema", event=event.name)
    return value


def make_delivery(
    catalog: Catalog,
    event: str,
    *,
    data: Mapping[str, Any] | None = None,
    minimal: bool = False,
    validate: bool = True,
    **envelope: Any,
) -> dict[str, Any]:
    """A delivery of ``event`` with ``data`` merged into its payload (``None`` deletes a key).

    Extra keyword arguments replace envelope fields (``id``, ``occurred_at``, or new
    top-level fields). With ``validate`` (the default) the result must conform to the
    envelope and payload schemas, or ``ValidationError`` names the offending pointer.
    """
    spec = catalog[event]
    payload = example_payload(spec, minimal=minimal)
    for key, value in (data or {}).items():
        if value is None and not _allows_null(spec.schema, key):
            payload.pop(key, None)
        else:
            payload[key] = copy.deepcopy(value)
    delivery: dict[str, Any] = {
        "id": stable_event_id(f"{event}:{sorted(payload.items())!r}"),
        "type": event,
        "occurred_at": OCCURRED_AT,
        "data": payload,
    }
    delivery.update(envelope)
    if validate:
        check_delivery(catalog, delivery)
    return delivery


def check_delivery(catalog: Catalog, delivery: Mapping[str, Any]) -> None:
    """Raise ``ValidationError`` unless ``delivery`` fits the envelope and its payload schema.

    The very validator :func:`conformance.validate` uses, so ``date-time`` and the other
    formats are checked the same whichever optional packages are installed; an event
    type the catalog lacks has only its envelope checked.
    """
    from ._validator import validate

    validate(dict(delivery), catalog=catalog, allow_unknown=True)


def _allows_null(schema: Mapping[str, Any], key: str) -> bool:
    prop = schema.get("properties", {}).get(key, {})
    types = prop.get("type")
    return types == "null" or (isinstance(types, list) and "null" in types)


def _example(schema: Any, *, key: str | None, minimal: bool, path: list[Any], event: str) -> Any:
    if not isinstance(schema, dict):
        return {}
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return copy.deepcopy(schema["examples"][0])
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list) and schema[keyword]:
            options = [s for s in schema[keyword] if s.get("type") != "null"] or schema[keyword]
            return _example(options[0], key=key, minimal=minimal, path=path, event=event)
    types = schema.get("type", "object")
    if isinstance(types, list):
        types = next((t for t in types if t != "null"), "null")
    if types == "object":
        required = set(schema.get("required", ()))
        return {
            name: _example(sub, key=name, minimal=minimal, path=[*path, name], event=event)
            for name, sub in schema.get("properties", {}).items()
            if not minimal or name in required
        }
    if types == "array":
        count = max(1, int(schema.get("minItems", 1)))
        item = schema.get("items", {"type": "string"})
        return [
            _example(item, key=key, minimal=minimal, path=[*path, i], event=event)
            for i in range(count)
        ]
    if types == "string":
        return _string(schema, key)
    if types in ("number", "integer"):
        return _number(schema, key)
    if types == "boolean":
        return False
    if types == "null":
        return None
    raise GenerationError(
        f"cannot build an example for type {types!r}", event=event, pointer=json_pointer(path)
    )


def _string(schema: Mapping[str, Any], key: str | None) -> str:
    if schema.get("format") == "date-time" or (key or "").endswith("At"):
        return OCCURRED_AT
    name = key or "value"
    if name.endswith("Id") and len(name) > 2:
        stem = re.sub(r"(?<!^)([A-Z])", r"_\1", name[:-2]).lower()
        text = f"{stem}_123"
    elif name.endswith("Ids"):
        text = re.sub(r"(?<!^)([A-Z])", r"_\1", name[:-3]).lower() + "_123"
    elif name in ("url", "uri") or name.endswith("Url"):
        text = "https://example.com/resource"
    elif name == "mimeType":
        text = "application/pdf"
    elif name == "filename":
        text = "contract.pdf"
    else:
        text = f"example {name}"
    minimum = int(schema.get("minLength", 0))
    maximum = schema.get("maxLength")
    text = text.ljust(minimum, "x")
    return text[: int(maximum)] if maximum is not None else text


def _number(schema: Mapping[str, Any], key: str | None) -> int | float:
    name = (key or "").lower()
    value: float = 1284 if name.endswith("ms") else 42 if "count" in name else 1
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    return value
