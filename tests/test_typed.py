"""Typed payloads: the shipped ``conformance.types``/``conformance.models`` stay generated,
``models.decode`` rejects exactly what the schemas reject, and every ``codegen`` style
imports, type-checks and (where it validates) agrees with the fixtures."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import Catalog, DeliveryValidator, ValidationError, models, strategies
from conformance._codegen import STYLES, generate, package_dir, shipped_sources

CASES = sorted((FIXTURES / "payloads").glob("*/*.json"))


def _case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def _body(delivery: Any) -> bytes:
    """JSON bytes (the standard library writes integers of any size; orjson stops at 64 bits)."""
    return json.dumps(delivery).encode()


def _rejection(body: bytes) -> ValidationError | None:
    """The error ``models.decode`` raises for ``body``, or None when it decodes."""
    try:
        models.decode(body)
    except ValidationError as error:
        return error
    return None


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


VALID = [p for p in CASES if _case(p)["expected"]["valid"]]
INVALID = [p for p in CASES if not _case(p)["expected"]["valid"]]


@pytest.fixture(scope="module")
def validator(catalog: Catalog) -> DeliveryValidator:
    return DeliveryValidator(catalog, allow_unknown=True)


# --- generated, never hand-edited -------------------------------------------------------


def test_shipped_modules_match_the_schemas(catalog: Catalog) -> None:
    """Drift: the shipped modules are exactly what the generator makes of the catalog."""
    for name, text in shipped_sources(catalog).items():
        shipped = (package_dir() / name).read_text(encoding="utf-8")
        assert shipped == text, f"conformance/{name} drifted: run python -m conformance._codegen"


# --- conformance.models -----------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_models_decode_every_valid_fixture(path: Path) -> None:
    delivery = _case(path)["delivery"]
    event = models.decode(_body(delivery))
    assert not isinstance(event, models.UnknownEvent)
    assert event.type == delivery["type"]
    assert event.id == delivery["id"]


@pytest.mark.parametrize("path", INVALID, ids=_id)
def test_models_reject_every_invalid_fixture_at_its_pointer(path: Path) -> None:
    case = _case(path)
    with pytest.raises(ValidationError) as info:
        models.decode(_body(case["delivery"]))
    assert info.value.pointer == case["expected"]["pointer"], str(info.value)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(delivery=strategies.deliveries(contract=True))
def test_models_decode_every_generated_delivery(delivery: dict[str, Any]) -> None:
    """Contract mode: boundary values, extra fields, unknown types all decode."""
    event = models.decode(_body(delivery))
    if delivery["type"] in models.KNOWN_TYPES:
        assert type(event).__name__ != "UnknownEvent"
        assert event.type == delivery["type"]
    else:
        assert isinstance(event, models.UnknownEvent)
        assert event.type == delivery["type"]
        assert event.data == delivery["data"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(delivery=strategies.deliveries(contract=False))
def test_models_decode_every_generated_delivery_plain(delivery: dict[str, Any]) -> None:
    assert models.decode(_body(delivery)).type == delivery["type"]


def _mutations() -> st.SearchStrategy[Any]:
    odd = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
        st.just([]),
        st.just({}),
        st.just(["x"]),
        st.sampled_from(["vault", "direct", "2026-01-01T23:59:60Z", "2026-02-30T00:00:00Z"]),
    )
    return odd


@st.composite
def _mutated(draw: st.DrawFn) -> dict[str, Any]:
    delivery = draw(strategies.deliveries(contract=True))
    target = draw(st.sampled_from(["envelope", "data"]))
    holder = delivery if target == "envelope" else delivery["data"]
    if not isinstance(holder, dict) or not holder:
        return delivery
    key = draw(st.sampled_from(sorted(holder)))
    action = draw(st.sampled_from(["drop", "replace"]))
    if action == "drop":
        del holder[key]
    else:
        holder[key] = draw(_mutations())
    return delivery


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(delivery=_mutated())
def test_models_accept_exactly_what_the_schemas_accept(
    delivery: dict[str, Any], validator: DeliveryValidator
) -> None:
    """Law: models.decode accepts a delivery iff the JSON Schema validator does, and a
    rejection points where the validator finds a problem."""
    problems = validator.errors(delivery)
    error = _rejection(_body(delivery))
    if error is None:
        assert not problems, f"models accepted an invalid delivery: {problems}"
    else:
        assert problems, f"models rejected a schema-valid delivery: {error}"
        assert error.pointer in {p.pointer for p in problems}, (error, problems)


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-01-01T23:59:60Z",
        "2026-01-01T12:59:60Z",
        "2026-01-01T23:59:60+01:00",
        "2026-01-01T00:59:60+01:00",
        "2026-01-01t00:00:00z",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+24:00",
        "2100-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2026-01-01T00:00:00Z\n",
        "2026-01-01 00:00:00Z",
        "2026-01-01T00:00:00+0100",
    ],
)
def test_date_time_agrees_with_the_validator(stamp: str, validator: DeliveryValidator) -> None:
    delivery = {"id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "type": "x.y", "occurred_at": stamp}
    delivery["data"] = {}  # type: ignore[assignment]
    ok = validator.is_valid(delivery)
    error = _rejection(_body(delivery))
    assert (error is None) == ok, error
    assert error is None or error.pointer == "/occurred_at"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (b"[]", ""),
        (b"{", ""),
        (b'{"id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "occurred_at": "2026-01-01T00:00:00Z"}', "/type"),
        (b'{"type": 5, "id": "x", "occurred_at": "x", "data": {}}', "/type"),
        (b'{"type": "X", "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "occurred_at": "2026-01-01T00:00:00Z", "data": {}}', "/type"),
        (b'{"type": "a.b", "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "occurred_at": "2026-01-01T00:00:00Z", "data": []}', "/data"),
        (b'{"type": "agent.deleted", "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "occurred_at": "2026-01-01T00:00:00Z", "data": {"x": 1e400}}', None),
    ],
)
def test_models_errors_carry_a_pointer(body: bytes, pointer: str | None) -> None:
    if pointer is None:  # an additive field is skipped, whatever valid JSON it holds
        assert isinstance(models.decode(body), models.AgentDeleted)
        return
    with pytest.raises(ValidationError) as info:
        models.decode(body)
    assert info.value.pointer == pointer


def test_unknown_types_and_additive_fields() -> None:
    body = {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
        "type": "vault.object.shredded",
        "occurred_at": "2026-01-01T00:00:00Z",
        "data": {"anything": [1, {"x": None}]},
        "new_top_level": True,
    }
    event = models.decode(_body(body))
    assert isinstance(event, models.UnknownEvent)
    assert event.data == body["data"]
    known = dict(body, type="agent.deleted")
    assert isinstance(models.decode(_body(known)), models.AgentDeleted)
    test = dict(body, type="webhook.test")
    assert isinstance(models.decode(_body(test)), models.UnknownEvent)


# --- codegen styles ---------------------------------------------------------------------


def _load(name: str, text: str, folder: Path) -> ModuleType:
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pydantic resolve annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("codegen")
    return {
        style: _load(f"casedev_events_{style}", generate(catalog, style), folder) for style in STYLES
    }


def _pydantic_pointer(module: ModuleType, delivery: dict[str, Any]) -> str | None:
    import pydantic

    try:
        module.decode(_body(delivery))
    except pydantic.ValidationError as error:
        return str(module.error_pointer(error.errors()[0]))
    return None


def _msgspec_pointer(module: ModuleType, delivery: dict[str, Any]) -> str | None:
    try:
        module.decode(_body(delivery))
    except module.ValidationError as error:
        return str(error.pointer)
    return None


@pytest.mark.parametrize("style", ["msgspec", "pydantic"])
def test_validating_styles_agree_with_every_fixture(
    style: str, generated: dict[str, ModuleType]
) -> None:
    module = generated[style]
    pointer_of = _pydantic_pointer if style == "pydantic" else _msgspec_pointer
    wrong: list[str] = []
    for path in CASES:
        case = _case(path)
        expected = case["expected"]["pointer"] if not case["expected"]["valid"] else None
        got = pointer_of(module, case["delivery"])
        if got != expected:
            wrong.append(f"{_id(path)}: expected {expected}, got {got}")
    assert wrong == []


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(delivery=strategies.deliveries(contract=True))
def test_every_style_takes_generated_deliveries(
    delivery: dict[str, Any], generated: dict[str, ModuleType]
) -> None:
    body = _body(delivery)
    assert generated["msgspec"].decode(body).type == delivery["type"]
    assert generated["pydantic"].decode(body)["type"] == delivery["type"]
    assert generated["dataclasses"].from_dict(delivery).type == delivery["type"]


def test_pydantic_output_has_no_none_defaults(generated: dict[str, ModuleType]) -> None:
    """An optional, non-nullable field may be absent but never null."""
    text = Path(generated["pydantic"].__file__ or "").read_text()
    assert "= None" not in text
    delivery = _case(FIXTURES / "payloads/agent.created/valid-1.json")["delivery"]
    delivery["data"] = {"name": None}
    assert _pydantic_pointer(generated["pydantic"], delivery) == "/data/name"
    delivery["data"] = {}
    assert _pydantic_pointer(generated["pydantic"], delivery) is None


def test_generating_needs_no_pydantic(catalog: Catalog) -> None:
    """Generation imports nothing from pydantic (consumers install it to use the output)."""
    import subprocess

    code = (
        "import sys; sys.modules['pydantic'] = None\n"
        "from conformance import load_catalog\n"
        "from conformance._codegen import generate\n"
        "assert 'pydantic' in generate(load_catalog(), 'pydantic')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


SNIPPET = '''
from conformance import models
from conformance.types import Event, UnknownEvent, is_known


def structs(event: models.Event | models.UnknownEvent) -> object:
    match event:
        case models.VaultUploadCompleted(data=data):
            data.fileName  # E: misspelt field
            data.runId  # E: a field of another event
            return data.filename.upper()
        case models.AgentScopeActivated(data=data):
            data.vaultIds[0]  # E: may be None or UNSET
            data.runtimeId.upper()  # E: nullable
            if isinstance(data.vaultIds, list):
                return data.vaultIds[0]
        case models.AgentRunCompleted(data=data):
            data.usage.inputTokens  # E: optional, may be UNSET
    if isinstance(event, models.UnknownEvent):
        return event.data["anything"]
    if event.type == "ocr.job.created":
        return event.data.jobId.upper()
    return None


def dicts(event: Event | UnknownEvent) -> object:
    event["data"]["jobId"]  # E: not every event has it (nor UnknownEvent)
    if not is_known(event):
        return None
    if event["type"] == "vault.upload.completed":
        event["data"]["fileName"]  # E: misspelt key
        event["data"]["runId"]  # E: a key of another event
        return event["data"]["filename"].upper()
    if event["type"] == "agent.scope.activated":
        event["data"]["runtimeId"].upper()  # E: nullable
        runtime = event["data"].get("runtimeId")
        return runtime.upper() if runtime is not None else None
    if event["type"] == "not.an.event":  # E: a type no event has (non-overlapping)
        return None
    return None
'''


def test_codegen_output_passes_mypy_strict_and_ruff(
    generated: dict[str, ModuleType],
    synthetic: tuple[Catalog, DeliveryValidator, dict[str, ModuleType]],
    tmp_path: Path,
) -> None:
    """Every style, for the catalog and for a schema using every translated keyword, passes
    ``mypy --strict`` and ruff; so does the typed example; and in a snippet using the
    types wrongly, a misspelt field, a field of another event, or an unchecked nullable
    or optional value is a mypy error."""
    import subprocess

    from mypy import api

    modules = [*generated.values(), *synthetic[2].values()]
    files = [str(Path(m.__file__ or "")) for m in modules]
    linted = list(files)
    # The shipped modules, copied out of the package: under tox the package is installed
    # in site-packages, and mypy given a file there takes all of site-packages as its
    # source root (and then objects to what it finds beside it).
    for name in ("types", "models"):
        copy = tmp_path / f"shipped_{name}.py"
        copy.write_text((package_dir() / f"{name}.py").read_text(encoding="utf-8"))
        files.append(str(copy))
    # One mypy run (the slow part) also checks the typed example and the snippet of
    # mistakes, which must fail exactly on the lines marked "# E:".
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    files += [str(ROOT / "examples" / "typed_handler.py"), str(snippet)]
    out, err, _ = api.run(
        ["--strict", "--strict-equality", "--python-version", "3.11", "--no-error-summary",
         "--cache-dir", str(tmp_path / "cache"), *files]
    )  # fmt: skip
    assert err == ""
    flagged = {
        (Path(m.group(1)).name, int(m.group(2)))
        for m in re.finditer(r"^(.*?):(\d+): error:", out, re.MULTILINE)
    }
    expected = {
        ("snippet.py", n) for n, line in enumerate(SNIPPET.splitlines(), 1) if "# E:" in line
    }
    assert flagged == expected, out
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "--isolated", "--select", "E,F,W,I,B,UP,SIM,RUF,PL",
         "--ignore", "E501,PLR0911,PLR0912,PLR0915,PLR2004", *linted],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# --- the command line ---------------------------------------------------------------------


def test_codegen_command_and_catalog_import_regenerate(tmp_path: Path) -> None:
    from conftest import DOCS_PAGE, run_many

    (tmp_path / "conformance").mkdir()
    (tmp_path / "conformance" / "__init__.py").write_text("")
    out = tmp_path / "vault.py"
    runs = run_many(
        [
            ["codegen", "--style", "msgspec", "--events", "vault.upload.*", "--out", str(out)],
            ["catalog", "import", str(DOCS_PAGE), "--out", str(tmp_path / "schemas")],
            ["codegen", "--events", "nope.*"],
        ]
    )
    assert [r.returncode for r in runs] == [0, 0, 2], [r.stderr for r in runs]
    assert "class VaultUploadFailed(" in out.read_text()
    assert "class OcrJobCreated(" not in out.read_text()
    for name in ("types.py", "models.py"):
        regenerated = (tmp_path / "conformance" / name).read_text()
        assert regenerated == (package_dir() / name).read_text()
    assert runs[2].stderr.count("\n") == 1
    assert "nope.*" in runs[2].stderr


# --- the class: constraints beyond today's catalog ----------------------------------------

SYNTHETIC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "name": {"type": ["string", "null"], "minLength": 2, "maxLength": 5},
        "score": {"type": "number", "minimum": 0, "exclusiveMaximum": 100},
        "tags": {
            "type": "array",
            "items": {"type": "string", "pattern": "^t"},
            "minItems": 1,
            "maxItems": 3,
        },
        "when": {"type": "string", "format": "date-time"},
        "nested": {
            "type": ["object"],
            "properties": {"level": {"type": "number", "maximum": 5, "exclusiveMinimum": -1}},
            "required": ["level"],
        },
        "rows": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {"n": {"type": "string", "maxLength": 2}},
                "required": ["n"],
            },
        },
        "kind": {"type": ["string", "null"], "enum": ["a", "b", None]},
        "flag": {"type": "boolean", "const": False},
        "weird-key": {"type": "string"},
        "class": {"type": "number"},
    },
    "required": ["code", "score", "class"],
}


@pytest.fixture(scope="module")
def synthetic(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Catalog, DeliveryValidator, dict[str, ModuleType]]:
    from conformance import Event as CatalogEvent

    event = CatalogEvent(
        "test.synthetic.checked", "beta", "test", None, "Every constraint.", SYNTHETIC_SCHEMA
    )
    other = catalog["agent.deleted"]
    cat = Catalog([event, other], catalog.envelope)
    folder = tmp_path_factory.mktemp("synthetic")
    modules = {
        style: _load(f"synthetic_{style}", generate(cat, style), folder) for style in STYLES
    }
    return cat, DeliveryValidator(cat, allow_unknown=True), modules


@st.composite
def _synthetic_mutated(draw: st.DrawFn, cat: Catalog) -> dict[str, Any]:
    delivery = draw(strategies.deliveries(catalog=cat, contract=True))
    data = delivery.get("data")
    if isinstance(data, dict) and delivery["type"] == "test.synthetic.checked":
        for _ in range(draw(st.integers(0, 2))):
            key = draw(st.sampled_from(sorted(SYNTHETIC_SCHEMA["properties"])))
            data[key] = draw(
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(-3, 105),
                    st.floats(-2, 101, allow_nan=False),
                    st.text("tABCxyz", max_size=7),
                    st.lists(st.text("tx", max_size=3), max_size=4),
                    st.lists(st.fixed_dictionaries({"n": st.text("ab", max_size=3)}), max_size=2),
                    st.fixed_dictionaries({"level": st.integers(-3, 7)}),
                    st.sampled_from(["2026-01-01T23:59:60Z", "2026-02-29T00:00:00Z", "a", "b"]),
                )
            )
    return delivery


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_validating_styles_are_exact_for_every_constraint(
    data: st.DataObject, synthetic: tuple[Catalog, DeliveryValidator, dict[str, ModuleType]]
) -> None:
    """Law, for patterns, formats, lengths, bounds, item counts, renamed keys and nesting
    (none of which today's payloads use): msgspec and pydantic output accept a delivery
    iff the JSON Schema validator does, and point where it finds a problem."""
    cat, validator, modules = synthetic
    delivery = data.draw(_synthetic_mutated(cat))
    pointers = {p.pointer for p in validator.errors(delivery)}
    for style, pointer_of in (("msgspec", _msgspec_pointer), ("pydantic", _pydantic_pointer)):
        got = pointer_of(modules[style], delivery)
        if got is None:
            assert not pointers, f"{style} accepted an invalid delivery: {pointers}"
        else:
            assert got in pointers, f"{style} rejected at {got!r}; the validator says {pointers}"


def test_single_event_modules_still_tell_unknown_types(
    synthetic: tuple[Catalog, DeliveryValidator, dict[str, ModuleType]],
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    one = catalog.select("agent.deleted")
    delivery = _case(FIXTURES / "payloads/agent.deleted/valid-1.json")["delivery"]
    for style in ("msgspec", "pydantic"):
        module = _load(f"one_{style}", generate(one, style), tmp_path)
        known = module.decode(_body(delivery))
        unknown = module.decode(_body({**delivery, "type": "agent.archived"}))
        if style == "msgspec":
            assert type(known).__name__ == "AgentDeleted"
            assert isinstance(unknown, module.UnknownEvent)
            assert _msgspec_pointer(module, {k: v for k, v in delivery.items() if k != "type"}) == "/type"
        else:
            assert known["type"] == "agent.deleted"
            assert unknown["type"] == "agent.archived"


def test_untranslatable_schemas_fail_closed(catalog: Catalog) -> None:
    from conformance import CatalogError
    from conformance import Event as CatalogEvent

    for schema, pointer in (
        ({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}, "/properties/a"),
        ({"type": "object", "properties": {"a": {"type": "integer"}}}, "/properties/a"),
        ({"type": "object", "additionalProperties": False}, "/additionalProperties"),
        ({"type": "object", "properties": {"a": {"type": "number", "enum": [1]}}}, "/properties/a"),
        ({"type": "object", "properties": {"a": {"type": "string", "format": "email"}}}, "/properties/a/format"),
    ):
        event = CatalogEvent("test.odd", "beta", "test", None, "odd", schema)
        with pytest.raises(CatalogError) as info:
            generate(Catalog([event], catalog.envelope), "msgspec")
        assert info.value.event == "test.odd"
        assert info.value.pointer == pointer


def test_the_typed_example_handler_survives_the_fuzzer() -> None:
    """Exact decoding never trips on a contract-valid delivery (unknown types included)."""
    from conformance import fuzz

    report = fuzz(f"{ROOT / 'examples' / 'typed_handler.py'}:handle", max_examples=3, seed=11)
    assert report.ok, report


@settings(max_examples=300, deadline=None)
@given(
    stamp=st.from_regex(
        r"[0-9]{4}-[0-3][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{0,3})?"
        r"([Zz]|[+-][0-2][0-9]:?[0-6][0-9])?",
        fullmatch=True,
    )
)
def test_date_time_law(stamp: str, validator: DeliveryValidator) -> None:
    """Law: the generated RFC 3339 check agrees with the JSON Schema validator's format
    check on near-misses of every kind (calendar, ranges, leap seconds, offsets)."""
    delivery: dict[str, Any] = {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B", "type": "x.y", "occurred_at": stamp, "data": {},
    }  # fmt: skip
    assert (_rejection(_body(delivery)) is None) == validator.is_valid(delivery), stamp
