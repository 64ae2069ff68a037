"""conformance.validate() and DeliveryValidator: the payload fixtures, the error shape,
unknown events, the batch path, and the date-time format."""

from __future__ import annotations

import collections
import datetime as dt
import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from conformance import (
    Catalog,
    ConformanceError,
    DeliveryValidator,
    UnknownEventError,
    ValidationError,
    validate,
)
from conformance._validation._fastpath import FastLines, _stamps_ok
from conformance._validation._validator import validator_for

PAYLOADS = FIXTURES / "payloads"
CASES = sorted(PAYLOADS.glob("*/*.json"))
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


VALID = [_case(p)["delivery"] for p in CASES if _case(p)["expected"]["valid"]]


# --- the committed fixtures -------------------------------------------------------------


def test_every_event_has_valid_and_invalid_fixtures(catalog: Catalog) -> None:
    """Meta-test: the fixture folders are exactly the catalog, each with both kinds."""
    folders = {p.name for p in PAYLOADS.iterdir() if p.is_dir()}
    assert folders == set(catalog.names)
    for name in folders:
        stems = [p.stem for p in (PAYLOADS / name).glob("*.json")]
        assert any(s.startswith("valid-") for s in stems), name
        assert any(s.startswith("invalid-") for s in stems), name
    for path in CASES:
        case = _case(path)
        assert case["delivery"]["type"] == path.parent.name
        assert case["expected"]["valid"] == path.stem.startswith("valid-")
        assert case["description"]


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_fixture(path: Path) -> None:
    case = _case(path)
    delivery, expected = case["delivery"], case["expected"]
    if expected["valid"]:
        validate(delivery)
        assert validator_for().errors(delivery) == []
        return
    with pytest.raises(ValidationError) as info:
        validate(delivery)
    error = info.value
    assert error.event == path.parent.name
    found = [(e.pointer, e.reason) for e in error.errors]
    assert any(p == expected["pointer"] and expected["message"] in r for p, r in found), found
    assert error.pointer == error.errors[0].pointer
    assert expected["message"] in str(error) or len(error.errors) > 1


def test_valid_fixtures_cover_both_timestamp_forms() -> None:
    stamps = [d["occurred_at"] for d in VALID]
    assert any("." in s for s in stamps)
    assert any("." not in s for s in stamps)
    assert all(d["id"].startswith("evt_") and len(d["id"]) == 30 for d in VALID)


# --- the error --------------------------------------------------------------------------


def _delivery(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
        "type": "vault.upload.completed",
        "occurred_at": "2026-04-24T15:12:09.481Z",
        "data": {
            "vaultId": "vault_123",
            "objectId": "obj_123",
            "filename": "a.pdf",
            "mimeType": "application/pdf",
            "sizeBytes": 1284,
        },
    }
    base.update(changes)
    return base


def test_error_names_event_pointer_and_reason() -> None:
    bad = _delivery()
    bad["data"]["sizeBytes"] = "1284"
    with pytest.raises(ValidationError) as info:
        validate(bad)
    error = info.value
    assert isinstance(error, ConformanceError)
    assert (error.event, error.pointer) == ("vault.upload.completed", "/data/sizeBytes")
    assert "number" in error.reason
    assert str(error).startswith("event vault.upload.completed, at /data/sizeBytes: ")


def test_all_errors_are_collected_envelope_first() -> None:
    bad = _delivery(id="evt_short", occurred_at="yesterday")
    del bad["data"]["vaultId"]
    bad["data"]["filename"] = None
    with pytest.raises(ValidationError) as info:
        validate(bad)
    pointers = [e.pointer for e in info.value.errors]
    assert pointers[:2] == ["/id", "/occurred_at"]
    assert sorted(pointers[2:]) == ["/data/filename", "/data/vaultId"]
    assert "(and 3 more problems)" in info.value.reason


def test_pointer_escapes_per_rfc_6901() -> None:
    bad = _delivery(type="matter.updated", data={"matterId": "m", "object": {}})
    bad["data"]["previous_attributes"] = []
    with pytest.raises(ValidationError, match="/data/previous_attributes"):
        validate(bad)
    weird = _delivery(type="agent.updated", data={"agentId": "a", "fields": ["x", 1]})
    (error,) = validator_for().errors(weird)
    assert error.pointer == "/data/fields/1"


@pytest.mark.parametrize(
    ("stamp", "ok"),
    [
        ("2026-04-24T15:12:09.481Z", True),
        ("2026-04-28T16:00:00Z", True),
        ("2026-04-28T16:00:00+05:30", True),
        ("2024-02-29T00:00:00Z", True),
        ("2026-02-29T00:00:00Z", False),
        ("2026-04-24T15:12:09", False),
        ("2026-04-24 15:12:09Z", False),
        ("2026-13-01T00:00:00Z", False),
        ("2026-04-24T25:00:00Z", False),
        ("24 Apr 2026 15:12:09 GMT", False),
    ],
)
def test_occurred_at_format_is_asserted(stamp: str, ok: bool) -> None:
    errors = validator_for().errors(_delivery(occurred_at=stamp))
    assert [e.pointer for e in errors] == ([] if ok else ["/occurred_at"])


@pytest.mark.parametrize("delivery", [None, 1, "x", [], [_delivery()], {"data": {}}], ids=repr)
def test_not_a_delivery_is_invalid_not_a_crash(delivery: Any) -> None:
    with pytest.raises(ValidationError) as info:
        validate(delivery)
    assert info.value.errors
    assert validator_for().outcome(delivery) == "invalid"


def test_extra_top_level_keys_are_allowed() -> None:
    validate(_delivery(api_version="2026-04-01", attempt=3))


# --- unknown event types ----------------------------------------------------------------


def test_unknown_event_type_raises_unless_allowed() -> None:
    delivery = _delivery(type="vault.object.deleted")
    with pytest.raises(UnknownEventError) as info:
        validate(delivery)
    assert info.value.event == "vault.object.deleted"
    assert "allow_unknown" in str(info.value)
    validate(delivery, allow_unknown=True)
    validator = DeliveryValidator()
    assert validator.outcome(delivery) == "unknown"
    assert not validator.is_valid(delivery)
    assert DeliveryValidator(allow_unknown=True).is_valid(delivery)
    assert validator.errors(delivery) == []


def test_unknown_event_with_a_broken_envelope_is_invalid() -> None:
    delivery = _delivery(type="webhook.test", id="nope")
    with pytest.raises(ValidationError, match="/id"):
        validate(delivery, allow_unknown=True)


def test_custom_catalog(catalog: Catalog) -> None:
    only_ocr = catalog.select("ocr.*")
    with pytest.raises(UnknownEventError):
        validate(_delivery(), catalog=only_ocr)
    validate(_delivery(), catalog=catalog)


# --- the batch path agrees with one-at-a-time -------------------------------------------

ALL = [_case(p)["delivery"] for p in CASES]
ODD: list[Any] = [
    None,
    3,
    "x",
    [1],
    {"type": ["a"]},
    {"type": None},
    _delivery(type="webhook.test"),
]


@given(st.lists(st.sampled_from(ALL + ODD), max_size=60))
def test_check_batch_agrees_with_outcome(deliveries: list[Any]) -> None:
    """Law: the batch path classifies every delivery exactly as outcome() does."""
    validator = validator_for()
    result = validator.check_batch(deliveries)
    outcomes = [validator.outcome(d) for d in deliveries]
    assert [i for i, _ in result.invalid] == [i for i, o in enumerate(outcomes) if o == "invalid"]
    assert sum(result.valid.values()) == outcomes.count("valid")
    assert sum(result.unknown.values()) == outcomes.count("unknown")
    for index, error in result.invalid:
        assert [str(e) for e in error.errors] == [
            str(e) for e in validator.errors(deliveries[index])
        ]


# --- properties -------------------------------------------------------------------------

_moments = st.datetimes(
    min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)
)
_offsets = st.sampled_from(["Z", "+00:00", "-05:00", "+05:30", "+14:00", "-12:00"])


@given(_moments, _offsets, st.sampled_from([0, 3, 6]))
def test_any_rfc3339_timestamp_is_accepted(moment: dt.datetime, offset: str, digits: int) -> None:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0")
    if digits:
        stamp += "." + f"{moment.microsecond:06d}"[:digits]
    assert validator_for().errors(_delivery(occurred_at=stamp + offset)) == []


@given(st.text(alphabet=CROCKFORD, min_size=26, max_size=26))
def test_any_crockford_id_is_accepted(suffix: str) -> None:
    assert validator_for().is_valid(_delivery(id="evt_" + suffix))


@given(st.text(min_size=0, max_size=40))
def test_ids_outside_the_pattern_are_rejected(text: str) -> None:
    ok = len(text) == 26 and all(c in CROCKFORD for c in text)
    assert validator_for().is_valid(_delivery(id="evt_" + text)) == ok


@given(st.sampled_from(VALID), st.sampled_from(["id", "type", "occurred_at", "data"]))
def test_dropping_an_envelope_field_is_reported_at_its_pointer(
    delivery: dict[str, Any], key: str
) -> None:
    broken = {k: v for k, v in delivery.items() if k != key}
    errors = validator_for().errors(broken)
    assert f"/{key}" in [e.pointer for e in errors]


# --- the msgspec fast path never accepts what the schemas reject ---------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "2026-02-29T00:00:00Z", "vault"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@functools.cache
def _fast() -> FastLines:
    return FastLines(validator_for().catalog)


@pytest.fixture(scope="module")
def fast() -> FastLines:
    return _fast()


def _line(delivery: Any) -> bytes:
    return json.dumps(delivery).encode()


def test_fast_path_covers_every_event_and_agrees_on_the_fixtures(
    fast: FastLines, catalog: Catalog
) -> None:
    assert fast.events == set(catalog.names)  # not vacuous: every event has a fast path
    validator = validator_for()
    for delivery in ALL:
        counts: Counter[Any] = Counter()
        rejected = fast.check(_line(delivery), counts)
        accepted = not rejected
        assert accepted == (validator.outcome(delivery) == "valid"), delivery
        assert fast.names_of(counts) == ({delivery["type"]: 1} if accepted else {})


@given(
    st.sampled_from(VALID),
    st.sampled_from(["id", "type", "occurred_at", "data", "data.*", "extra"]),
    st.data(),
)
def test_fast_path_never_accepts_a_delivery_the_schemas_reject(
    delivery: dict[str, Any], where: str, data: st.DataObject
) -> None:
    mutated = json.loads(json.dumps(delivery))
    value = data.draw(_json_values)
    if where == "data.*":
        keys = sorted(mutated["data"]) or ["anything"]
        key = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()):
            mutated["data"].pop(key, None)
        else:
            mutated["data"][key] = value
    elif where == "extra":
        mutated[data.draw(st.text(max_size=6))] = value
    elif data.draw(st.booleans()):
        del mutated[where]
    else:
        mutated[where] = value
    rejected = _fast().check(_line(mutated), Counter())
    if not rejected:
        assert validator_for().outcome(mutated) == "valid", mutated


_digits = st.text(alphabet="0123456789", min_size=1, max_size=4)


@st.composite
def stamp_like(draw: st.DrawFn) -> str:
    parts = [
        draw(st.sampled_from(["2026", "2024", "2100", "0000", "1999", "026"])),
        draw(st.sampled_from(["-", "/"])),
        draw(st.sampled_from(["01", "02", "04", "12", "13", "00", "1"])),
        "-",
        draw(st.sampled_from(["01", "28", "29", "30", "31", "32", "00"])),
        draw(st.sampled_from(["T", "t", " ", "_", ""])),
        draw(st.sampled_from(["00", "23", "24", "9"])),
        ":",
        draw(st.sampled_from(["00", "59", "60"])),
        draw(st.sampled_from([":", ""])),
        draw(st.sampled_from(["00", "59", "60", "61"])),
        draw(st.sampled_from(["", ".", ".5", ".123", ".1234567891234", ",5"])),
        draw(st.sampled_from(["Z", "z", "+05:30", "+0530", "-00:00", "+24:00", "+05", "", " Z"])),
    ]
    return "".join(parts)


@given(st.lists(stamp_like(), min_size=1, max_size=5))
def test_timestamps_the_fast_path_accepts_are_rfc3339(stamps: list[str]) -> None:
    if _stamps_ok("\n".join(stamps), len(stamps)):
        for stamp in stamps:
            assert validator_for().errors(_delivery(occurred_at=stamp)) == [], stamp


@pytest.mark.parametrize(
    "stamp", ["2026-04-28 16:00:00Z", "2026-04-28T16:00:00+0530", "2026-02-29T00:00:00Z"]
)
def test_forms_msgspec_would_take_are_turned_away(stamp: str) -> None:
    assert not _stamps_ok(stamp, 1)
    assert not _stamps_ok(f"2026-04-28T16:00:00+05:30\n{stamp}", 2)


@given(st.lists(st.sampled_from([*ALL, _delivery(type="webhook.test")]), min_size=1, max_size=40))
def test_fast_batches_agree_with_the_validator(deliveries: list[Any]) -> None:
    """Law: a line the fast path accepts is valid, every other line is handed back
    (in order), and nothing is lost."""
    fast = _fast()
    body = b"\n".join(_line(d) for d in deliveries)
    counts: Counter[Any] = Counter()
    rejected = fast.check(body, counts)
    valid = fast.names_of(counts)
    outcomes = [validator_for().outcome(d) for d in deliveries]
    assert rejected == sorted(set(rejected))
    accepted = [i for i in range(len(deliveries)) if i not in rejected]
    assert all(outcomes[i] == "valid" for i in accepted)
    assert valid == dict(collections.Counter(deliveries[i]["type"] for i in accepted))
    for index, outcome in enumerate(outcomes):
        if outcome != "valid":
            assert index in rejected
