"""Differential law of the compatibility gate: its verdicts agree with instance semantics.

Random schema pairs (small schemas using every content-model keyword, and catalog
schemas with keyword-level edits) are judged under consumer-safe, then checked:

1. every breaking finding carries a witness that python-jsonschema accepts under the
   side it names and rejects under the other;
2. whenever the gate says compatible (nothing breaking, nothing undecided), a witness
   search of thousands of instances (the structural enumeration of both schemas,
   random JSON documents over the schemas' own vocabulary, and instances generated from
   NEW) finds none that NEW accepts and OLD rejects.
"""

from __future__ import annotations

import copy
import os
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conformance import check_compatibility, load_catalog
from conformance._compat import RULES
from conformance._compat._search import candidates, generated

KEYS = ["a", "b", "x-1"]
PATTERNS = ["^x-", "^a$", "b"]
LEAVES: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "string", "maxLength": 2},
    {"type": "string", "pattern": "^a"},
    {"type": "integer"},
    {"type": "integer", "minimum": 0},
    {"type": "number", "maximum": 5},
    {"type": ["string", "null"]},
    {"enum": [1, 2, "a"]},
    {"const": 3},
    {"type": "boolean"},
    {},
]


def _schemas() -> st.SearchStrategy[Any]:
    leaf = st.sampled_from(LEAVES).map(copy.deepcopy) | st.booleans()

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        obj = st.fixed_dictionaries(
            {"type": st.just("object")},
            optional={
                "properties": st.dictionaries(st.sampled_from(KEYS), inner, max_size=2),
                "patternProperties": st.dictionaries(st.sampled_from(PATTERNS), inner, max_size=1),
                "additionalProperties": inner,
                "propertyNames": st.sampled_from([{"maxLength": 1}, {"pattern": "^[a-z]"}]),
                "required": st.lists(st.sampled_from(KEYS), max_size=2, unique=True),
                "dependentRequired": st.dictionaries(
                    st.sampled_from(KEYS),
                    st.lists(st.sampled_from(KEYS), max_size=1, unique=True),
                    max_size=1,
                ),
                "dependentSchemas": st.dictionaries(st.sampled_from(KEYS), inner, max_size=1),
                "unevaluatedProperties": inner,
                "minProperties": st.integers(0, 2),
                "maxProperties": st.integers(0, 3),
            },
        )
        arr = st.fixed_dictionaries(
            {"type": st.just("array")},
            optional={
                "prefixItems": st.lists(inner, min_size=1, max_size=2),
                "items": inner,
                "contains": inner,
                "minContains": st.integers(0, 2),
                "maxContains": st.integers(1, 3),
                "minItems": st.integers(0, 2),
                "maxItems": st.integers(0, 3),
                "uniqueItems": st.booleans(),
                "unevaluatedItems": inner,
            },
        )
        combo = st.one_of(
            st.builds(lambda x: {"not": x}, inner),
            st.builds(lambda xs: {"anyOf": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"oneOf": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"allOf": xs}, st.lists(inner, min_size=1, max_size=2)),
            st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, inner, inner, inner),
        )
        return obj | arr | combo

    return st.recursive(leaf, extend, max_leaves=6)


EDITS = [
    "drop-key",
    "replace-sub",
    "wrap-anyof",
    "wrap-oneof",
    "add-not",
    "toggle-additional",
    "tweak-number",
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, (*path, index)))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


@st.composite
def edited(draw: st.DrawFn, schema: Any) -> Any:
    """``schema`` after one or two keyword-level edits somewhere inside it."""
    new = copy.deepcopy(schema)
    for _ in range(draw(st.integers(1, 2))):
        schemas = [
            p for p in _paths(new) if isinstance(_get(new, p), dict | bool) and _is_schema_path(p)
        ]
        path = draw(st.sampled_from(schemas))
        node = _get(new, path)
        edit = draw(st.sampled_from(EDITS))
        if edit == "drop-key" and isinstance(node, dict) and node:
            node.pop(draw(st.sampled_from(sorted(node))))
        elif edit == "replace-sub":
            new = _set(new, path, draw(_schemas()))
        elif edit == "wrap-anyof":
            new = _set(new, path, {"anyOf": [node, draw(_schemas())]})
        elif edit == "wrap-oneof":
            new = _set(new, path, {"oneOf": [node]})
        elif edit == "add-not" and isinstance(node, dict):
            node["not"] = draw(st.sampled_from(LEAVES))
        elif edit == "toggle-additional" and isinstance(node, dict):
            node["additionalProperties"] = not node.get("additionalProperties", True)
        elif edit == "tweak-number" and isinstance(node, dict):
            for key in ("minimum", "maximum", "maxLength", "minItems", "maxItems", "minContains"):
                if isinstance(node.get(key), int):
                    moved = node[key] + draw(st.sampled_from([-1, 1]))
                    node[key] = moved if key in ("minimum", "maximum") else max(0, moved)
    return new


_CONTAINERS = {
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "prefixItems",
    "anyOf",
    "oneOf",
    "allOf",
}
_SCHEMA_KEYS = {
    "items", "contains", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
    "not", "if", "then", "else", "propertyNames",
}  # fmt: skip


def _is_schema_path(path: tuple[Any, ...]) -> bool:
    """Whether ``path`` points at a subschema (not at a keyword's value)."""
    expect = "schema"
    for key in path:
        if expect == "name":
            expect = "schema"
        elif key in _CONTAINERS:
            expect = "name"
        elif key not in _SCHEMA_KEYS:
            return False
    return expect == "schema"


def _documents(schemas: list[Any], seed: int, count: int) -> list[Any]:
    """Random JSON documents over the vocabulary of ``schemas`` (keys, enum values)."""
    rng = random.Random(seed)
    keys = [*KEYS, "aa", "bb", "x-2", "a\n"]
    scalars: list[Any] = [None, True, False, 0, 1, 2, 3, 5, 6, -1, 0.5, "", "a", "ab", "abc", "b"]

    def value(depth: int) -> Any:
        roll = rng.random()
        if depth > 2 or roll < 0.5:
            return rng.choice(scalars)
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 3))}

    return [value(0) for _ in range(count)]


def _validator(schema: Any) -> Any:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _check_law(old: Any, new: Any, seed: int, *, instances: int = 1500) -> str:
    report = check_compatibility(old, new, policy="consumer-safe", stability="stable")
    old_v, new_v = _validator(old), _validator(new)
    verdict = "compatible"
    for finding in report.findings:
        if finding.undecided:
            verdict = "undecided"
        if not finding.breaking or RULES[finding.rule].direction == "none":
            continue  # catalog-level rules (scope, stability) have no payload witness
        verdict = "breaking"
        assert finding.witness is not None, finding
        by_side = {"old": old_v, "new": new_v}
        assert by_side[finding.witness.valid_under].is_valid(finding.witness.payload), finding
        assert not by_side[finding.witness.rejected_by].is_valid(finding.witness.payload), finding
        assert finding.witness.valid_under == "new"  # consumer-safe breaks are widenings
    if verdict != "compatible":
        return verdict
    registry: Registry[Any] = Registry().with_resource("urn:t", DRAFT202012.create_resource(new))
    resolver_new = registry.resolver(base_uri="urn:t")
    old_registry: Registry[Any] = Registry().with_resource(
        "urn:o", DRAFT202012.create_resource(old)
    )
    pool = [
        *candidates(new, resolver_new, 3000, ["a", "b", "x-1"]),
        *candidates(old, old_registry.resolver(base_uri="urn:o"), 1500, ["a", "b", "x-1"]),
        *_documents([old, new], seed, instances),
    ]
    pool += generated(new, registry, "urn:t", new_v, 60) if isinstance(new, dict) else []
    for instance in pool:
        if new_v.is_valid(instance):
            assert old_v.is_valid(instance), (
                f"gate said compatible; NEW accepts {instance!r}, OLD rejects"
            )
    return verdict


#: CI's heavier run sets CONFORMANCE_DIFF_EXAMPLES (e.g. 500); the default keeps the suite quick.
EXAMPLES = int(os.environ.get("CONFORMANCE_DIFF_EXAMPLES", "25"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_small_schema_pairs_agree_with_instance_semantics(data: st.DataObject) -> None:
    old = data.draw(_schemas(), label="old")
    new = data.draw(edited(old), label="new")
    note(f"old={old!r}\nnew={new!r}")
    old_doc = old if isinstance(old, dict) else {"allOf": [old]}
    new_doc = new if isinstance(new, dict) else {"allOf": [new]}
    seed = data.draw(st.integers(0, 2**16), label="seed")
    verdict = _check_law(
        {"type": "object", "properties": {"p": old_doc}},
        {"type": "object", "properties": {"p": new_doc}},
        seed,
    )
    from hypothesis import event

    event(verdict)


CATALOG = load_catalog()
# two events keep the default run short; CI's heavier run may widen this
_EVENTS = [e.name for e in CATALOG][:: max(1, len(CATALOG.names) // 2)][:2]


@pytest.mark.parametrize("name", _EVENTS)
@settings(
    max_examples=max(3, EXAMPLES // 8), deadline=None, suppress_health_check=list(HealthCheck)
)
@given(data=st.data())
def test_catalog_schema_edits_agree_with_instance_semantics(name: str, data: st.DataObject) -> None:
    old = copy.deepcopy(CATALOG[name].schema)
    new = data.draw(edited(old), label="new")
    note(f"new={new!r}")
    _check_law(old, new, data.draw(st.integers(0, 2**16), label="seed"), instances=500)
