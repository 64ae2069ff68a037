"""load_catalog() and the Catalog API; and every docs field's meaning in the schemas.

The per-field cases are derived from the docs page itself (``parse_docs``), with a
small interpreter of the docs' type notation written here, independently of
``conformance._catalog._notation``: the schemas must accept and reject what the docs imply.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import DOCS_PAGE, SCHEMAS
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conformance import (
    Catalog,
    CatalogError,
    DeliveryValidator,
    SchemaError,
    UnknownEventError,
    UsageError,
    load_catalog,
)
from conformance._catalog._docs_import import EventSpec, FieldSpec, parse_docs
from conformance._validation._validator import validator_for

SPECS: list[EventSpec] = parse_docs(DOCS_PAGE.read_text(encoding="utf-8"), path=str(DOCS_PAGE))
NAMES = sorted(s.name for s in SPECS)


# --- the Catalog API ------------------------------------------------------------------


def test_packaged_catalog_has_the_docs_events(catalog: Catalog) -> None:
    assert len(catalog) == 53
    assert catalog.names == NAMES
    assert len(catalog.stability("stable")) == 25
    assert len(catalog.stability("beta")) == 28


def test_iteration_is_sorted_by_name(catalog: Catalog) -> None:
    names = [e.name for e in catalog]
    assert names == sorted(names)
    assert list(catalog.order) == [s.name for s in SPECS]  # docs page order kept too


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_event_attributes_match_the_docs(catalog: Catalog, spec: EventSpec) -> None:
    event = catalog[spec.name]
    assert event.name == spec.name
    assert event.stability == spec.stability
    assert event.scope == spec.scope
    assert event.resource == spec.resource  # None where the docs say '-'
    assert event.description == spec.description
    assert event.schema["title"] == spec.name
    assert event.name in catalog


def test_envelope_is_reachable(catalog: Catalog) -> None:
    assert set(catalog.envelope["required"]) == {"id", "type", "occurred_at", "data"}
    assert catalog.envelope["properties"]["occurred_at"]["format"] == "date-time"


def test_packaged_catalog_is_loaded_once_per_process() -> None:
    assert load_catalog() is load_catalog()


def test_a_folder_is_read_afresh(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "s")
    first, second = load_catalog(tmp_path / "s"), load_catalog(str(tmp_path / "s"))
    assert first is not second
    assert first.version == second.version == load_catalog().version


def test_unknown_event_name(catalog: Catalog) -> None:
    with pytest.raises(UnknownEventError, match=r"no\.such\.event"):
        catalog["no.such.event"]
    assert catalog.get("no.such.event") is None
    assert "no.such.event" not in catalog


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (("vault.upload.completed",), ["vault.upload.completed"]),
        (("*",), NAMES),
        ((), NAMES),
        (
            ("vault.ingest.*",),
            ["vault.ingest.completed", "vault.ingest.failed", "vault.ingest.started"],
        ),
        (
            ("ocr.*", "matter.created"),
            ["matter.created", *[n for n in NAMES if n.startswith("ocr.")]],
        ),
    ],
)
def test_select(catalog: Catalog, patterns: tuple[str, ...], expected: list[str]) -> None:
    assert catalog.select(*patterns).names == sorted(expected)


@given(st.sampled_from(NAMES), st.data())
def test_prefix_patterns_select_exactly_the_names_under_the_prefix(
    name: str, data: st.DataObject
) -> None:
    """Law: 'a.b.*' selects precisely the names that start with 'a.b.'."""
    parts = name.split(".")
    prefix = ".".join(parts[: data.draw(st.integers(1, len(parts) - 1))])
    selected = load_catalog().select(prefix + ".*").names
    assert selected == [n for n in NAMES if n.startswith(prefix + ".")]
    assert name in selected


@pytest.mark.parametrize(
    "pattern", ["vault*", "*.completed", "Vault.upload", "", "vault..x", "a.*.b"]
)
def test_invalid_pattern_is_a_usage_error(catalog: Catalog, pattern: str) -> None:
    with pytest.raises(UsageError, match="invalid event filter"):
        catalog.select(pattern)


@pytest.mark.parametrize("pattern", ["nothing.*", "vault.upload.deleted"])
def test_unmatched_pattern_is_unknown(catalog: Catalog, pattern: str) -> None:
    with pytest.raises(UnknownEventError, match="matches no event"):
        catalog.select(pattern)
    assert catalog.select(pattern, strict=False).names == []


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    return root


def test_malformed_schema_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "stable" / "ocr.job.failed.json").write_text('{"type": "object",', encoding="utf-8")
    with pytest.raises(SchemaError, match=r"ocr\.job\.failed\.json: invalid JSON"):
        load_catalog(root)


def test_invalid_schema_names_file_event_and_pointer(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "beta" / "agent.created.json"
    text = path.read_text(encoding="utf-8").replace('"type": "string"', '"type": "text"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_catalog(root)
    assert info.value.event == "agent.created"
    assert info.value.pointer is not None
    assert info.value.pointer.startswith("/properties/")
    assert "invalid JSON Schema" in str(info.value)


# --- what the docs imply, field by field ------------------------------------------------

NUMBERS_OK: list[Any] = [0, 7, -42, 1.5, -0.25, 2**53 + 1, 1e21, 1.7976931348623157e308, -1e300]
NOT_NULL = object()


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif depth == 0 and text.startswith(" | ", i):
            parts.append(text[start:i])
            start = i + 3
    return [*parts, text[start:]]


def docs_values(notation: str) -> tuple[list[Any], list[Any]]:
    """(values the docs type accepts, values it rejects), read from the notation."""
    alternatives = _split_top(notation.strip())
    nullable = "null" in alternatives
    accepted: list[Any] = [None] if nullable else []
    rejected: list[Any] = [] if nullable else [None]
    literals = [a[1:-1] for a in alternatives if a.startswith("'")]
    for alt in (a for a in alternatives if a != "null"):
        if alt.startswith("'"):
            accepted.append(alt[1:-1])
        elif alt == "string":
            accepted += ["", "vault_abc", "ünïcødé"]
            rejected += [1, True, [], {}]
        elif alt == "number":
            accepted += NUMBERS_OK
            rejected += ["1", True, False, [], {}]
        elif alt == "boolean":
            accepted += [True, False]
            rejected += [0, 1, "true", []]
        elif alt == "true":
            accepted.append(True)
            rejected += [False, "true", 1]
        elif alt == "object":
            accepted += [{}, {"any": ["thing", 1, None]}]
            rejected += [[], "{}", 1]
        elif alt == "string[]":
            accepted += [[], ["obj_1", "obj_2"]]
            rejected += ["obj_1", [1], [None], {}]
        elif alt.startswith("{"):
            members = [m.split(":")[0].strip() for m in alt[1:-1].split(";") if m.strip()]
            full = dict.fromkeys(members, 1)
            accepted.append(full)
            rejected += [{k: v for k, v in full.items() if k != m} for m in members]
            rejected += [{**full, members[0]: "1"}, []]
        else:
            raise AssertionError(f"the docs use notation this test does not know: {alt!r}")
    if literals:
        rejected += ["other", literals[0].upper() + "x", 1]
    return accepted, rejected


def _base_payload(spec: EventSpec) -> dict[str, Any]:
    return {f.name: docs_values(f.type)[0][-1] for f in spec.fields}


def _delivery(spec: EventSpec, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
        "type": spec.name,
        "occurred_at": "2026-04-24T15:12:09.481Z",
        "data": data,
    }


@pytest.fixture(scope="module")
def validator() -> DeliveryValidator:
    return DeliveryValidator(load_catalog())  # a fresh one: the class, not the shared cache


def _check_schema_says(schema: dict[str, Any], data: Any, valid: bool) -> list[str]:
    """The payload schema alone (python-jsonschema as an independent oracle)."""
    errors = list(Draft202012Validator(schema).iter_errors(data))
    assert (not errors) == valid, f"{data!r}: {[e.message for e in errors]}"
    return ["/" + "/".join(str(p) for p in e.absolute_path) for e in errors]


FIELDS = [(s, f) for s in SPECS for f in s.fields]


@pytest.mark.parametrize(("spec", "field"), FIELDS, ids=[f"{s.name}:{f.name}" for s, f in FIELDS])
def test_field_accepts_and_rejects_what_the_docs_imply(
    catalog: Catalog, validator: DeliveryValidator, spec: EventSpec, field: FieldSpec
) -> None:
    schema = catalog[spec.name].schema
    base = _base_payload(spec)
    assert validator.is_valid(_delivery(spec, base))
    accepted, rejected = docs_values(field.type)
    assert accepted
    assert rejected
    for value in accepted:
        data = {**base, field.name: value}
        _check_schema_says(schema, data, valid=True)
        assert validator.errors(_delivery(spec, data)) == []
    for value in rejected:
        data = {**base, field.name: value}
        _check_schema_says(schema, data, valid=False)
        errors = validator.errors(_delivery(spec, data))
        assert errors, f"{field.name}={value!r} accepted"
        assert all(e.pointer.startswith(f"/data/{field.name}") for e in errors)  # type: ignore[union-attr]
        assert all(e.event == spec.name for e in errors)
    missing = {k: v for k, v in base.items() if k != field.name}
    _check_schema_says(schema, missing, valid=not field.required)
    errors = validator.errors(_delivery(spec, missing))
    if field.required:
        assert [(e.pointer, "required" in e.reason) for e in errors] == [
            (f"/data/{field.name}", True)
        ]
    else:
        assert errors == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_payload_is_open_to_unknown_fields(validator: DeliveryValidator, spec: EventSpec) -> None:
    data = {**_base_payload(spec), "fieldAddedLater": {"x": [1, 2]}, "another_one": None}
    assert validator.errors(_delivery(spec, data)) == []


@pytest.mark.parametrize("spec", [s for s in SPECS if s.empty], ids=lambda s: s.name)
def test_none_means_an_empty_object(
    catalog: Catalog, validator: DeliveryValidator, spec: EventSpec
) -> None:
    assert catalog[spec.name].schema["properties"] == {}
    assert validator.is_valid(_delivery(spec, {}))
    assert [e.pointer for e in validator.errors(_delivery(spec, []))] == ["/data"]  # type: ignore[arg-type]


def test_the_docs_page_uses_every_notation_the_tests_know() -> None:
    """Guard against a vacuous pass: the derived cases cover each docs type form."""
    types = {f.type for _, f in FIELDS}
    assert {"string", "number", "boolean", "object", "string[]", "true"} <= types
    assert any(" | null" in t for t in types)
    assert any(t.startswith("'") for t in types)
    assert any(t.startswith("{") for t in types)
    assert any(s.empty for s in SPECS)


@given(
    st.sampled_from(SPECS),
    st.dictionaries(
        st.text(min_size=1).filter(lambda k: k not in {"a"}),
        st.recursive(
            st.none()
            | st.booleans()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
            ),
            max_leaves=5,
        ),
        max_size=4,
    ),
)
def test_extra_fields_never_make_a_valid_payload_invalid(
    spec: EventSpec, extra: dict[str, Any]
) -> None:
    """Law: the contract only adds, so unknown fields of any value are tolerated."""
    base = _base_payload(spec)
    data = {**{k: v for k, v in extra.items() if k not in base}, **base}
    assert validator_for().errors(_delivery(spec, data)) == []


def test_catalog_error_for_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not a catalog folder"):
        load_catalog(tmp_path / "nope")
