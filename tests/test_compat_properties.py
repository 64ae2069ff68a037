"""Laws of the compatibility checker, tested with Hypothesis on mutations of the catalog.

1. A schema compared with itself has no finding (all 53 events, and mutated schemas).
2. Equivalent rewrites (type lists, anyOf-with-null, $ref moves, reordering, allOf
   wrapping) have no finding.
3. When the checker says "compatible" under consumer-safe, no payload drawn from the new
   schema is rejected by the old one (payloads carry no extra fields here).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conformance import Catalog, Event, check_compatibility, load_catalog

CATALOG = load_catalog()
NAMES = CATALOG.names
SIMPLE_TYPES = ["string", "integer", "number", "boolean", "null"]


@pytest.mark.parametrize("name", NAMES)
def test_every_event_compared_with_itself_has_no_finding(name: str) -> None:
    schema = CATALOG[name].schema
    for policy in ("frozen", "consumer-safe"):
        report = check_compatibility(schema, copy.deepcopy(schema), policy=policy)  # type: ignore[arg-type]
        assert report.findings == ()


def _objects(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths (as key tuples) of every object schema with properties inside ``node``."""
    out: list[tuple[str, ...]] = []
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and node["properties"]:
            out.append(path)
        for key, value in node.items():
            if key in ("properties",) and isinstance(value, dict):
                for prop, sub in value.items():
                    out.extend(_objects(sub, (*path, "properties", prop)))
            elif key == "items":
                out.extend(_objects(value, (*path, "items")))
    return out


def _at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = schema
    for key in path:
        node = node[key]
    return node


MUTATIONS = [
    "remove",
    "add-optional",
    "add-required",
    "optional",
    "require",
    "retype",
    "nullable",
    "drop-null",
    "enum-add",
    "enum-drop",
    "max-length",
    "minimum",
    "integer",
    "number",
    "describe",
]


@st.composite
def mutated(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` after one to three random edits of its fields."""
    new = copy.deepcopy(schema)
    for _ in range(draw(st.integers(1, 3))):
        objects = _objects(new)
        if not objects:
            break
        node = _at(new, draw(st.sampled_from(objects)))
        props: dict[str, Any] = node["properties"]
        required: list[str] = node.setdefault("required", [])
        if not props:
            continue
        prop = draw(st.sampled_from(sorted(props)))
        field = props[prop]
        kind = draw(st.sampled_from(MUTATIONS))
        note(f"{kind} {prop}")
        if kind == "remove":
            del props[prop]
            if prop in required:
                required.remove(prop)
        elif kind in ("add-optional", "add-required"):
            name = draw(st.sampled_from(["zzAdded", "zzOther"]))
            props[name] = {"type": draw(st.sampled_from(SIMPLE_TYPES))}
            if kind == "add-required" and name not in required:
                required.append(name)
        elif kind == "optional" and prop in required:
            required.remove(prop)
        elif kind == "require" and prop not in required:
            required.append(prop)
        elif kind == "retype":
            props[prop] = {"type": draw(st.sampled_from(SIMPLE_TYPES))}
        elif kind == "nullable":
            props[prop] = {"anyOf": [field, {"type": "null"}]}
        elif kind == "drop-null" and isinstance(field.get("type"), list):
            field["type"] = [t for t in field["type"] if t != "null"] or "string"
        elif kind == "enum-add":
            values = field.get("enum") or [draw(st.sampled_from(["a", "b"]))]
            props[prop] = {"enum": [*values, "zz"]}
        elif kind == "enum-drop" and len(field.get("enum", [])) > 1:
            field["enum"] = field["enum"][:-1]
        elif kind == "max-length" and field.get("type") == "string":
            field["maxLength"] = draw(st.integers(0, 4))
        elif kind == "minimum" and field.get("type") in ("number", "integer"):
            field["minimum"] = draw(st.integers(-2, 2))
        elif kind == "integer" and field.get("type") == "number":
            field["type"] = "integer"
        elif kind == "number" and field.get("type") == "integer":
            field["type"] = "number"
        elif kind == "describe":
            field["description"] = "changed words"
    return new


@given(data=st.data())
def test_a_mutated_schema_compared_with_itself_has_no_finding(data: st.DataObject) -> None:
    schema = CATALOG[data.draw(st.sampled_from(NAMES))].schema
    new = data.draw(mutated(schema))
    assert check_compatibility(new, copy.deepcopy(new)).findings == ()


def _rewrite(node: Any, draw: st.DrawFn, defs: dict[str, Any]) -> Any:
    """An equivalent spelling of ``node``."""
    if not isinstance(node, dict):
        return node
    out = {k: _rewrite(v, draw, defs) if k in ("items",) else v for k, v in node.items()}
    if isinstance(out.get("properties"), dict):
        props = {k: _rewrite(v, draw, defs) for k, v in out["properties"].items()}
        order = draw(st.permutations(sorted(props)))
        out["properties"] = {k: props[k] for k in order}
        if draw(st.booleans()) and props:
            moved = draw(st.sampled_from(sorted(props)))
            key = f"d{len(defs)}"
            defs[key] = out["properties"][moved]
            out["properties"][moved] = {"$ref": f"#/$defs/{key}", "description": "moved"}
    if isinstance(out.get("required"), list):
        out["required"] = list(draw(st.permutations(out["required"])))
    if isinstance(out.get("enum"), list):
        out["enum"] = list(draw(st.permutations(out["enum"])))
    kind = out.get("type")
    if isinstance(kind, str) and draw(st.booleans()):
        out["type"] = [kind]
    elif isinstance(kind, list) and "null" in kind and len(kind) == 2 and draw(st.booleans()):
        other = next(t for t in kind if t != "null")
        rest = {k: v for k, v in out.items() if k != "type"}
        out = {**rest, "anyOf": [{"type": other}, {"type": "null"}]}
    return out


@given(data=st.data())
def test_equivalent_rewrites_have_no_finding(data: st.DataObject) -> None:
    old = CATALOG[data.draw(st.sampled_from(NAMES))].schema
    old = data.draw(mutated(old)) if data.draw(st.booleans()) else old
    defs: dict[str, Any] = {}
    new = _rewrite(old, data.draw, defs)
    if defs:
        new = {**new, "$defs": defs}
    if data.draw(st.booleans()):  # wrap the body in allOf; annotations stay on top
        top = {k: v for k, v in new.items() if k.startswith(("x-", "$")) or k == "title"}
        body = {k: v for k, v in new.items() if k not in top}
        new = {**top, "allOf": [body]}
    note(repr(new))
    for policy in ("frozen", "consumer-safe"):
        assert check_compatibility(old, new, policy=policy).findings == ()  # type: ignore[arg-type]


def _payloads(schema: dict[str, Any], name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads valid under ``schema``, without extra fields."""
    from conformance.strategies import payloads

    base = CATALOG[name]
    event = Event(base.name, base.stability, base.scope, base.resource, base.description, schema)
    return payloads(name, contract=False, catalog=Catalog([event], CATALOG.envelope))


# The gate runs its own bounded witness search (a Hypothesis search) inside this one.
@settings(suppress_health_check=[HealthCheck.nested_given])
@given(data=st.data())
def test_compatible_under_consumer_safe_means_old_accepts_new_payloads(
    data: st.DataObject,
) -> None:
    name = data.draw(st.sampled_from(NAMES))
    old = CATALOG[name].schema
    new = data.draw(mutated(old))
    report = check_compatibility(old, new, policy="consumer-safe", stability="stable")
    breaking = [f for f in report.findings if f.breaking]
    for finding in breaking:  # evidence, when given, is real
        if finding.witness is not None and finding.witness.valid_under == "new":
            assert Draft202012Validator(new).is_valid(finding.witness.payload)
            assert not Draft202012Validator(old).is_valid(finding.witness.payload)
    event("breaking" if breaking else "compatible")
    if breaking:
        return
    judge = Draft202012Validator(old)
    for _ in range(3):
        payload = data.draw(_payloads(new, name))
        errors = [e.message for e in judge.iter_errors(payload)]
        assert not errors, (report.findings, payload, errors)
