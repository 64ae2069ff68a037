"""Usage recording: tracked deliveries look like plain JSON and log exactly what is read."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import load_catalog
from conformance._fuzzing import check_handler
from conformance._usage import Recorder, UsageLog, build_manifest, track, unwrap
from conformance._usage._fields import lookup

KEYS = st.text("abcxyz", min_size=1, max_size=3)
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=4)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


def delivery(data: Any, event: str = "some.event") -> dict[str, Any]:
    return {"id": "evt_1", "type": event, "occurred_at": "2024-01-01T00:00:00Z", "data": data}


@settings(max_examples=30)
@given(JSON)
def test_a_tracked_delivery_is_the_same_json(data: Any) -> None:
    original = delivery(data)
    wrapped, _ = track(copy.deepcopy(original))
    assert isinstance(wrapped, dict)
    assert isinstance(wrapped["data"], type(data))  # dict stays dict, list stays list
    assert json.dumps(wrapped, sort_keys=True) == json.dumps(original, sort_keys=True)
    assert json.dumps(wrapped, indent=1) == json.dumps(original, indent=1)
    assert unwrap(wrapped) == original
    assert wrapped == original


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path of ``value`` reachable by key or index."""
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _paths(child, (*prefix, index))
    return out


@settings(max_examples=40)
@given(st.data())
def test_reading_paths_logs_exactly_their_prefixes(draw: st.DataObject) -> None:
    data = draw.draw(st.dictionaries(KEYS, JSON, min_size=1, max_size=3))
    chosen = draw.draw(st.lists(st.sampled_from(_paths(data)[1:]), max_size=4))
    wrapped, log = track(delivery(data))
    expected: set[tuple[str, ...]] = {("data",)} if chosen else set()
    for path in chosen:
        node = wrapped["data"]
        for depth, key in enumerate(path, start=1):
            node = node[key]
            expected.add(("data", *("*" if isinstance(k, int) else k for k in path[:depth])))
    assert log.reads == expected
    assert log.whole == set()


@dataclasses.dataclass
class Usage:
    inputTokens: int
    outputTokens: int


def _call(**kwargs: Any) -> dict[str, Any]:
    return kwargs


WHOLE_READS: dict[str, Callable[[Any], Any]] = {
    "json.dumps": json.dumps,
    "json.dumps(indent)": lambda x: json.dumps(x, indent=2),
    "json.dumps(sort_keys)": lambda x: json.dumps(x, sort_keys=True),
    "dict(x)": dict,
    "{**x}": lambda x: {**x},
    "f(**x)": lambda x: _call(**x),
    "dataclass(**x)": lambda x: Usage(**x),
    "copy.copy": copy.copy,
    "copy.deepcopy": copy.deepcopy,
    "x.copy()": lambda x: x.copy(),
    "pickle": pickle.dumps,
    "repr": repr,
    "str": str,
    "f-string": lambda x: f"{x}",
    "==": lambda x: x == {"inputTokens": 1},
    "iteration": list,
    "keys": lambda x: x.keys(),
    "values": lambda x: list(x.values()),
    "items": lambda x: list(x.items()),
    "x | {}": lambda x: x | {},
}


@pytest.mark.parametrize("read", WHOLE_READS.values(), ids=WHOLE_READS.keys())
def test_reading_a_whole_object_logs_it_whole(read: Callable[[Any], Any]) -> None:
    wrapped, log = track(delivery({"usage": {"inputTokens": 1, "outputTokens": 2}}))
    read(wrapped["data"]["usage"])
    assert ("data", "usage") in log.whole


def test_a_list_of_objects_serialised_by_json_logs_each_item_whole() -> None:
    wrapped, log = track(delivery({"parties": [{"name": "a"}, {"name": "b"}]}))
    json.dumps(wrapped["data"]["parties"])
    assert ("data", "parties", "*") in log.whole


def test_a_list_serialised_by_json_logs_its_items() -> None:
    wrapped, log = track(delivery({"ids": ["x", "y"]}))
    assert json.dumps(wrapped["data"]["ids"]) == '["x", "y"]'
    assert ("data", "ids", "*") in log.reads


def test_pydantic_validation_logs_the_fields_it_reads() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Usage(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        inputTokens: int

    wrapped, log = track(delivery({"usage": {"inputTokens": 1, "other": 2}}))
    Usage.model_validate(wrapped["data"]["usage"])
    assert ("data", "usage", "inputTokens") in log.reads


@pytest.mark.parametrize("encode", [orjson.dumps, msgspec.json.encode], ids=["orjson", "msgspec"])
def test_known_blind_spot_c_encoders_that_read_storage_directly(
    encode: Callable[[Any], bytes],
) -> None:
    """Documented in docs/usage-contracts.md: orjson and msgspec read a dict's or list's
    storage without calling any Python-level method; only taking hold of it is seen."""
    wrapped, log = track(delivery({"usage": {"a": 1}, "ids": ["x", "y"]}))
    assert encode(wrapped["data"]["usage"]) == b'{"a":1}'
    assert encode(wrapped["data"]["ids"]) == b'["x","y"]'
    assert log.whole == set()
    assert log.reads == {("data",), ("data", "usage"), ("data", "ids")}


FIELD_READS: dict[str, tuple[Callable[[Any], Any], set[tuple[str, ...]]]] = {
    "get": (lambda d: d.get("missing"), {("missing",)}),
    "in": (lambda d: "a" in d, {("a",)}),
    "pop": (lambda d: d.pop("a"), {("a",)}),
    "setdefault": (lambda d: d.setdefault("b", 1), {("b",)}),
    "len": (len, {()}),
    "truth": (bool, {()}),
    "list index": (lambda d: d["ids"][1], {("ids",), ("ids", "*")}),
    "list slice": (lambda d: d["ids"][:1], {("ids",), ("ids", "*")}),
    "list iteration": (lambda d: list(iter(d["ids"])), {("ids",), ("ids", "*")}),
    "list in": (lambda d: "x" in d["ids"], {("ids",), ("ids", "*")}),
    "list len": (lambda d: len(d["ids"]), {("ids",)}),
}


@pytest.mark.parametrize(("read", "expected"), FIELD_READS.values(), ids=FIELD_READS.keys())
def test_field_reads(read: Callable[[Any], Any], expected: set[tuple[str, ...]]) -> None:
    wrapped, log = track(delivery({"a": 1, "ids": ["x", "y"]}))
    data = wrapped["data"]
    log.reads.clear()
    read(data)
    assert log.reads == {("data", *p) for p in expected}
    assert log.whole == set()


def test_writes_are_not_reads() -> None:
    wrapped, log = track(delivery({"a": 1}))
    data = wrapped["data"]
    data["b"] = 2
    del data["a"]
    assert log.reads == {("data",)}


@given(JSON)
@settings(max_examples=20)
def test_a_log_survives_plain_data_and_pickle(data: Any) -> None:
    wrapped, log = track(delivery(data))
    json.dumps(wrapped)
    _ = wrapped["data"]
    back = UsageLog.from_data(pickle.loads(pickle.dumps(json.loads(json.dumps(log.to_data())))))
    assert back == log


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_check_handler_hands_over_tracked_deliveries_through_observe(isolation: str) -> None:
    # In process isolation the worker wraps each delivery and sends its log back.
    recorder = Recorder()

    def handler(d: dict[str, Any]) -> None:
        assert isinstance(d, dict)
        assert isinstance(d["data"], dict)
        _ = d["data"]["vaultId"]

    check_handler(
        handler,
        [delivery({"vaultId": "v"}, "vault.upload.completed")],
        observe=recorder,
        isolation=isolation,
    )
    assert recorder.events()["vault.upload.completed"]["reads"] == {
        ("data",),
        ("data", "vaultId"),
    }
    # And through plain data, as a worker process or an xdist worker sends it back.
    other = Recorder()
    other.merge(json.loads(json.dumps(recorder.to_data())))
    assert other.events() == recorder.events()


CATALOG = load_catalog()


def test_paths_are_named_as_the_schema_names_them() -> None:
    recorder = Recorder()
    d = recorder(
        delivery(
            {"runId": "r", "usage": {"inputTokens": 1, "outputTokens": 2}, "zz_extra": 1},
            "agent.run.completed",
        )
    )
    d["data"]["usage"]["inputTokens"]
    d["data"].get("zz_extra")  # a key the schema does not name: its additional properties
    d["data"].get("legacy")
    d2 = recorder(delivery({"matterId": "m", "object": {"k": {"j": 1}}}, "matter.updated"))
    d2["data"]["object"]["k"]["j"]
    d3 = recorder(delivery({"vaultId": "v"}, "not.in.catalog"))
    d3["data"]["vaultId"]
    manifest = build_manifest(recorder, CATALOG, consumer="c")
    assert {e: sorted(u.fields) for e, u in manifest.events.items()} == {
        "agent.run.completed": ["/*", "/usage", "/usage/inputTokens"],
        "matter.updated": ["/object", "/object/*", "/object/*/*"],
    }
    tokens = manifest.events["agent.run.completed"].fields["/usage/inputTokens"]
    assert (tokens.required, tokens.nullable, tokens.stability, tokens.type) == (
        False,  # usage is optional, so the path may be absent
        False,
        "beta",
        ("number",),
    )


SCHEMA: dict[str, Any] = {
    "$defs": {"party": {"type": "object", "properties": {"name": {"type": "string"}}}},
    "type": "object",
    "properties": {
        "parties": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/party"}},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "closed": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"a": {"type": "integer"}},
            "x-stability": "beta",
        },
        "both": {"allOf": [{"required": ["x"]}, {"properties": {"x": {"type": "boolean"}}}]},
    },
    "required": ["parties", "note", "closed", "both"],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (["parties", "*", "name"], ("/parties/*/name", True, False, False, False, ("string",))),
        (["parties", "*"], ("/parties/*", True, True, False, False, ("object",))),
        (["note"], ("/note", True, True, True, False, ("null", "string"))),
        (["closed", "a"], ("/closed/a", True, False, False, True, ("integer",))),
        (["closed", "zz"], ("/closed/*", False, False, False, True, ())),
        (["both", "x"], ("/both/x", True, True, False, False, ("boolean",))),
    ],
)
def test_lookup_follows_refs_combinators_and_closed_objects(
    path: list[str], expected: tuple[Any, ...]
) -> None:
    """(pointer, declared, required, nullable, beta, types) of each path."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry().with_resource("urn:t", DRAFT202012.create_resource(SCHEMA))
    info = lookup(SCHEMA, registry.resolver(base_uri="urn:t"), path)
    got = (info.pointer, info.declared, info.required, info.nullable, info.beta, info.types)
    assert got == expected


# -- the owners' side: which reads a change touches --------------------------------------

SEGMENTS = st.lists(st.sampled_from(["a", "b", "*"]), max_size=4)


def _pointer(segments: list[str]) -> str:
    return "".join("/" + s for s in segments)


@given(SEGMENTS, SEGMENTS, st.booleans())
def test_a_change_touches_reads_at_or_below_it_and_whole_reads_above_it(
    change: list[str], read: list[str], whole: bool
) -> None:
    from conformance._usage import touches

    below = read[: len(change)] == change  # the read is the changed value or inside it
    above = change[: len(read)] == read  # the change is inside what was read
    assert touches(_pointer(change), _pointer(read), whole) == (below or (whole and above))


FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "compat").iterdir())


def _side(folder: Path, name: str) -> Any:
    """A fixture's side: a schema file's JSON, or a catalog folder's path."""
    file = folder / f"{name}.json"
    return json.loads(file.read_text()) if file.is_file() else str(folder / name)


@pytest.mark.parametrize("folder", FIXTURES, ids=[f.name for f in FIXTURES])
def test_consumers_only_never_makes_the_gate_stricter(folder: Path) -> None:
    """Annotating only ever excuses: whatever the consumers read, the findings that
    block with --consumers-only are a subset of those that block without it, and the
    findings nobody reads are exactly the excused ones."""
    from conformance._compat import check_compatibility
    from conformance._usage import annotate, parse_manifest

    report = check_compatibility(_side(folder, "old"), _side(folder, "new"), witnesses=False)
    pointers = sorted({f.pointer for f in report.findings})
    for reads in ([], pointers[:1], pointers):
        event = report.findings[0].event if report.findings else "x.y"
        manifest = parse_manifest(
            {
                "format": "casedev-conformance/usage/1",
                "consumer": "c",
                "tool_version": "0",
                "catalog_version": "0" * 12,
                "recorded_on": "2026-01-01",
                "events": {
                    event: {
                        "stability": "stable",
                        "fields": {
                            p: {
                                "required": True,
                                "nullable": False,
                                "stability": "stable",
                                "type": [],
                                "whole": False,
                                "declared": True,
                            }
                            for p in reads
                        },
                    }
                }
                if "." in event
                else {},
            },
            source="m",
        )
        annotated = annotate(report, [manifest], consumers_only=True)
        before = {(f.rule, f.pointer) for f in report.findings if f.blocking}
        after = {(f.rule, f.pointer) for f in annotated.findings if f.blocking}
        assert after <= before
        for f in annotated.findings:
            assert (f.excused is not None) == (f.breaking and not f.consumers)
            if f.pointer in reads:
                assert f.consumers
