"""Plugin settings precedence, the delivery factory and the compatibility-gate item."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SCHEMAS
from hypothesis import given
from hypothesis import strategies as st

from conformance import UsageError, ValidationError, load_catalog
from conformance._config import (
    FIELDS,
    ConformanceConfig,
    marker_layer,
    pyproject_table,
    resolve,
)
from conformance._validation._factory import make_delivery
from conformance._validation._validator import validate

pytest_plugins = ["pytester"]

CATALOG = load_catalog()

#: Canonical (already parsed) values for every setting.
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "handler": st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8}){0,2}:[a-z_]{1,8}", fullmatch=True),
    "app": st.from_regex(r"[a-z]{1,8}:app", fullmatch=True),
    "secret_env": st.from_regex(r"[A-Z_]{1,12}", fullmatch=True),
    "events": st.lists(
        st.sampled_from(["*", "vault.*", "ocr.job.*", *CATALOG.names]), min_size=1, unique=True
    ).map(tuple),
    "max_examples": st.integers(1, 10_000),
    "contract": st.booleans(),
    "catalog": st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?", fullmatch=True),
    "baseline": st.from_regex(r"git:[a-z]{1,8}(/[a-z]{1,8})?", fullmatch=True),
    "seed": st.integers(0, 2**32),
    "usage": st.from_regex(r"[a-z]{1,8}\.json", fullmatch=True),
    "consumer": st.from_regex(r"[a-z][a-z-]{0,12}", fullmatch=True),
    "isolation": st.sampled_from(["process", "thread"]),
    "memory_limit": st.integers(0, 100_000),
    "database": st.from_regex(r"(readonly:)?[a-z]{1,8}(/[a-z]{1,8})?", fullmatch=True),
}


@st.composite
def layer(draw: st.DrawFn) -> dict[str, Any]:
    """A layer setting some fields (others absent or explicitly unset)."""
    values: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True)):
        values[name] = draw(st.one_of(VALUES[name], st.sampled_from([None, "", []])))
    return values


@given(st.lists(layer(), max_size=5))
def test_the_last_layer_that_sets_a_value_wins(layers: list[dict[str, Any]]) -> None:
    config = resolve((f"layer {i}", values) for i, values in enumerate(layers))
    for name in FIELDS:
        expected = getattr(ConformanceConfig(), name)
        for values in layers:
            if values.get(name) not in (None, "", []):
                expected = values[name]
        assert getattr(config, name) == expected


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("max_examples", "0", "expected a positive integer, but got '0'"),
        ("max_examples", "ten", "expected a positive integer, but got 'ten'"),
        ("contract", "maybe", "expected true or false, but got 'maybe'"),
        ("events", "vault.**", "invalid event filter 'vault.**'"),
        ("handler", 3, "expected a string, but got 3"),
        ("colour", "red", "unknown conformance setting 'colour'"),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_its_source(name: str, raw: Any, message: str) -> None:
    with pytest.raises(UsageError, match="environment") as info:
        resolve([("environment", {name: raw})])
    assert message in str(info.value)


def test_text_values_parse_like_the_ini_file_writes_them() -> None:
    config = resolve(
        [("ini", {"events": ["vault.*, ocr.job.created", "vault.*"], "contract": "Off"})]
    )
    assert config.events == ("vault.*", "ocr.job.created")
    assert config.contract is False
    assert resolve([("env", {"max_examples": "12"})]).max_examples == 12


def test_marker_layer_takes_events_positionally_or_by_keyword() -> None:
    assert marker_layer(("vault.*", ["ocr.*"]), {}) == {"events": ["vault.*", "ocr.*"]}
    assert marker_layer((), {"contract": False}) == {"contract": False}
    with pytest.raises(UsageError, match="unknown argument 'handler'"):
        marker_layer((), {"handler": "x:y"})
    with pytest.raises(UsageError, match="not both"):
        marker_layer(("vault.*",), {"events": ["ocr.*"]})


def test_pyproject_table_reads_tool_conformance(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    assert pyproject_table(path) == {}
    path.write_text('[tool.conformance]\nmax-examples = 7\nevents = ["vault.*"]\n')
    assert pyproject_table(path) == {"max_examples": 7, "events": ["vault.*"]}
    path.write_text("[tool.conformance\n")
    with pytest.raises(UsageError, match=r"pyproject\.toml: cannot read"):
        pyproject_table(path)


@pytest.mark.parametrize("minimal", [False, True], ids=["full", "minimal"])
def test_factory_deliveries_validate_for_every_event(minimal: bool) -> None:
    for event in CATALOG:
        delivery = make_delivery(CATALOG, event.name, minimal=minimal)
        validate(delivery, catalog=CATALOG)  # the delivery validator is the oracle
        required = set(event.schema.get("required", ()))
        documented = set(event.schema.get("properties", {}))
        assert set(delivery["data"]) == (required if minimal else documented)


def test_factory_applies_changes_and_fails_closed() -> None:
    delivery = make_delivery(
        CATALOG, "ocr.job.created", data={"pageCount": None, "extra": 1}, source="replay"
    )
    assert "pageCount" not in delivery["data"]
    assert delivery["data"]["extra"] == 1
    assert delivery["source"] == "replay"
    with pytest.raises(ValidationError, match=r"/data/pageCount"):
        make_delivery(CATALOG, "ocr.job.created", data={"pageCount": "three"})
    with pytest.raises(ValidationError, match=r"at /id"):
        make_delivery(CATALOG, "ocr.job.created", id="not-an-event-id")
    assert make_delivery(CATALOG, "ocr.job.created", id="x", validate=False)["id"] == "x"


@pytest.mark.parametrize(
    "stamp", ["2026-13-01T00:00:00Z", "2026-04-24 15:12:09", "yesterday", "2026-04-24T25:00:00Z"]
)
def test_factory_and_validate_agree_on_date_times(stamp: str) -> None:
    # One validator for both: the factory must reject exactly what validate() rejects,
    # whatever format-checking extras happen to be installed.
    with pytest.raises(ValidationError, match=r"/occurred_at") as caught:
        make_delivery(CATALOG, "ocr.job.created", occurred_at=stamp)
    delivery = make_delivery(CATALOG, "ocr.job.created", occurred_at=stamp, validate=False)
    with pytest.raises(ValidationError) as direct:
        validate(delivery, catalog=CATALOG)
    assert str(caught.value) == str(direct.value)


def test_precedence_through_pytest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(webhooks="def handle(delivery):\n    pass\n")
    pytester.makefile(
        ".toml",
        pyproject=(
            '[tool.conformance]\nhandler = "webhooks:handle"\nevents = ["vault.*"]\n'
            "contract = false\n"
            '[tool.pytest.ini_options]\nconformance_events = ["vault.upload.*"]\n'
        ),
    )
    collect = ("-p", "no:cacheprovider", "--collect-only", "-q")

    def collected(*args: str) -> list[str]:
        result = pytester.runpytest_inprocess(*collect, *args)
        return [line for line in result.stdout.lines if "::conformance[" in line]

    assert len(collected()) == 3  # the ini setting beats [tool.conformance]
    monkeypatch.setenv("CONFORMANCE_EVENTS", "ocr.job.created")
    assert collected() == ["pyproject.toml::conformance[ocr.job.created]"]
    assert collected("--conformance-events=ocr.job.failed") == [
        "pyproject.toml::conformance[ocr.job.failed]"
    ]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_baseline_adds_the_compatibility_gate_item(pytester: pytest.Pytester) -> None:
    shutil.copytree(SCHEMAS, pytester.path / "schemas")
    pytester.makefile(
        ".toml", pyproject='[tool.pytest.ini_options]\nconformance_baseline = "git:HEAD"\n'
    )
    _git(pytester.path, "init", "-q")
    _git(pytester.path, "add", ".")
    _git(pytester.path, "commit", "-q", "-m", "baseline")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["PASSED pyproject.toml::conformance-compat[[]git:HEAD[]]"])

    schema_file = pytester.path / "schemas" / "stable" / "ocr.job.completed.json"
    schema = json.loads(schema_file.read_text())
    del schema["properties"]["pageCount"]
    schema["required"].remove("pageCount")
    schema_file.write_text(json.dumps(schema, indent=2))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*breaking changes against git:HEAD*", "*ocr.job.completed*"])


@pytest.mark.parametrize(
    ("app", "outcome"),
    [("examples/receiver.py:app", "passed"), ("tests/receivers/unknown_type_500.py:app", "failed")],
    ids=["correct", "unknown-type-500"],
)
def test_app_setting_fuzzes_the_receiver(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app: str, outcome: str
) -> None:
    monkeypatch.setenv("RECEIVER_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    pytester.makefile(
        ".toml",
        pyproject=(
            "[tool.pytest.ini_options]\n"
            f'conformance_app = "{ROOT / app}"\n'
            'conformance_secret_env = "RECEIVER_SECRET"\n'
            'conformance_events = "vault.upload.completed"\n'
            'conformance_max_examples = "1"\n'
        ),
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(**{outcome: 1})
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*conformance-receiver*", "*FAIL 1:*"])
