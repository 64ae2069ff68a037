"""fuzz() finds the bugs real consumers have, reports each once at the handler's line with
its minimal delivery, saves replayable files, and passes the tolerant example handler."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from conftest import ROOT, cli, cli_process
from hypothesis import given, settings

from conformance import FuzzReport, UsageError, fuzz, load_catalog
from conformance._fuzzing._runner import (
    HandlerFailure,
    check_handler,
    fuzz_cases,
    load_failure,
    replay,
)
from conformance._fuzzing._target import load_target
from conformance._generation._contract import INSTANTS, timestamp_forms
from conformance._generation._scenarios import canonical_timestamp, plain_delivery
from conformance._ids import format_timestamp

HANDLERS = ROOT / "tests" / "handlers"
EXAMPLE = f"{ROOT / 'examples' / 'handler.py'}:handle"
CATALOG = load_catalog()

#: buggy handler -> the events its consumer subscribes to
BUGGY: dict[str, list[str]] = {
    "optional_field": ["vault.upload.initiated"],
    "null_method": ["agent.chat.session.*"],
    "strict_fields": ["vault.ingest.*"],
    "no_default_dispatch": ["vault.ingest.*"],
    "not_idempotent": ["ocr.job.*"],
    "fixed_timestamp": ["balance.changed"],
    "naive_aware": ["balance.changed"],
    "float_count": ["vault.object.append.completed"],
    "thousands": ["vault.upload.completed"],
    "first_item": ["vault.object.append.*"],
    "previous_attributes": ["matter.updated"],
    "ordering": ["vault.upload.*"],
    "ascii_only": ["vault.upload.initiated"],
    "envelope_strict": ["deployment.*"],
    "sqlite_overflow": ["vault.upload.completed"],
    "first_line": ["ocr.job.failed"],
    "async_handler": ["vault.ingest.completed"],
}


def bug_line(name: str) -> int:
    """The line marked ``# BUG`` in a handler file."""
    lines = (HANDLERS / f"{name}.py").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if "# BUG" in line)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return cli(*args, cwd=cwd)


@pytest.mark.parametrize("name", sorted(BUGGY))
def test_fuzz_finds_the_bug_at_the_handlers_line(name: str, tmp_path: Path) -> None:
    target = f"{HANDLERS / name}.py:handle"
    report = fuzz(target, BUGGY[name], max_examples=10, seed=7, failures_dir=tmp_path)
    assert not report.ok
    here = [f for f in report.failures if f.frame and Path(f.frame.filename).name == f"{name}.py"]
    assert bug_line(name) in [f.frame.lineno for f in here if f.frame], [
        f.summary for f in report.failures
    ]
    for failure in report.failures:
        assert failure.path is not None
        assert failure.path.parent == tmp_path
        saved = json.loads(failure.path.read_text())
        assert saved["deliveries"] == failure.deliveries
        assert saved["deliveries"][saved["failing_index"]] == failure.delivery


def test_minimal_failing_delivery_has_only_what_the_bug_needs(tmp_path: Path) -> None:
    report = fuzz(
        f"{HANDLERS / 'optional_field.py'}:handle",
        "vault.upload.initiated",
        max_examples=30,
        seed=3,
        failures_dir=tmp_path,
    )
    (failure,) = report.failures
    schema = CATALOG["vault.upload.initiated"].schema
    assert failure.case == failure.event == "vault.upload.initiated"
    assert isinstance(failure.exception, KeyError)
    assert failure.delivery["data"] == dict.fromkeys(schema["required"], "")
    assert set(failure.delivery) == {"id", "type", "occurred_at", "data"}


def test_a_hung_handler_is_reported_and_the_run_ends(tmp_path: Path) -> None:
    handler = load_target(f"{HANDLERS / 'slow.py'}:handle")
    report = fuzz(handler, "vault.upload.initiated", max_examples=30, deadline=0.5,
                  seed=1, failures_dir=tmp_path)  # fmt: skip
    kinds = {(f.kind, f.frame.lineno if f.frame else None) for f in report.failures}
    assert ("timeout", bug_line("slow")) in kinds
    assert "deadline" in report.failures[0].summary


def test_the_example_handler_survives_the_whole_catalog(tmp_path: Path) -> None:
    # A generous deadline: this is about every event and rule reaching the handler, and
    # a loaded CI machine must not turn a slow delivery into a "timeout".
    report = fuzz(EXAMPLE, max_examples=8, seed=11, failures_dir=tmp_path, deadline=120)
    assert isinstance(report, FuzzReport)
    assert report.ok, [f.summary for f in report.failures]
    ids = [c.id for c in report.cases]
    assert ids[: len(CATALOG)] == list(CATALOG.order)
    assert all(c.examples > 0 for c in report.cases)
    assert not list(tmp_path.iterdir())


def test_same_bug_in_many_cases_is_reported_once(tmp_path: Path) -> None:
    def handler(event: dict[str, Any]) -> None:
        raise RuntimeError("always")

    report = fuzz(handler, "vault.*", max_examples=5, seed=1, failures_dir=None)
    assert len(report.failures) == 1
    assert report.failures[0].case == next(iter(CATALOG.select("vault.*").order))


#: handler -> (events, the one case that owns its bug)
OWNERS = {
    "optional_field": ("vault.upload.*", "vault.upload.initiated"),
    "strict_fields": ("vault.upload.*", "contract:additive-fields"),
    "envelope_strict": ("vault.upload.*", "contract:envelope-extras"),
    "not_idempotent": ("vault.upload.*", "contract:duplicate-delivery"),
    "fixed_timestamp": ("vault.upload.*", "contract:timestamp-forms"),
}


@pytest.mark.parametrize("name", sorted(OWNERS))
def test_each_bug_is_reported_once_by_the_case_that_owns_it(name: str) -> None:
    # Event cases draw extras and every timestamp form too, and contract cases draw
    # every event: the plain counterpart of the failing delivery decides the owner.
    events, owner = OWNERS[name]
    report = fuzz(f"{HANDLERS / name}.py:handle", events, max_examples=10, seed=5,
                  failures_dir=None)  # fmt: skip
    assert [(f.case, f.frame.lineno if f.frame else None) for f in report.failures] == [
        (owner, bug_line(name))
    ]
    assert {c.id for c in report.cases if c.failures} == {owner}


@given(INSTANTS, st.sampled_from(timestamp_forms()))
def test_canonical_timestamp_is_the_same_instant_in_milliseconds_and_z(
    instant: dt.datetime, form: tuple[int, str]
) -> None:
    digits, offset = form
    written = format_timestamp(instant, digits, offset)
    shown = instant if digits else instant.replace(microsecond=0)
    assert canonical_timestamp(written) == format_timestamp(shown)
    assert canonical_timestamp(format_timestamp(shown)) == format_timestamp(shown)


OCR_CREATED = next(c for c in fuzz_cases("ocr.job.created") if c.id == "ocr.job.created")


@settings(max_examples=15, deadline=None, database=None)
@given(OCR_CREATED.strategy)
def test_plain_delivery_strips_exactly_what_contract_mode_adds(
    deliveries: list[dict[str, Any]],
) -> None:
    assert OCR_CREATED.counterpart is plain_delivery
    (drawn,) = deliveries
    plain = plain_delivery(drawn)
    declared = set(CATALOG["ocr.job.created"].schema["properties"])
    assert set(plain) == {"id", "type", "occurred_at", "data"}
    assert plain["id"] != drawn["id"]
    assert plain["data"] == {k: v for k, v in drawn["data"].items() if k in declared}
    assert plain["occurred_at"] == canonical_timestamp(drawn["occurred_at"])


def test_schema_only_mode_has_no_contract_cases() -> None:
    ids = [c.id for c in fuzz_cases("ocr.*", contract=False)]
    assert ids == [n for n in CATALOG.order if n.startswith("ocr.")]
    assert any(c.id.startswith("contract:") for c in fuzz_cases("ocr.*"))


# -- check_handler and replay ---------------------------------------------------------


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_check_handler_hands_fresh_copies_and_keeps_state(isolation: str) -> None:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any]) -> None:
        seen.append(event)
        event.pop("data")  # mutating one delivery must not affect its duplicate
        if len(seen) == 3:
            # State persists across deliveries and calls (in the worker process, too).
            raise RuntimeError(f"{len({id(e) for e in seen})} {[e['id'] for e in seen]}")

    delivery = {"id": "evt_1", "type": "a.b", "occurred_at": "x", "data": {"k": 1}}
    check_handler(handler, [delivery, delivery], deadline=5, isolation=isolation)
    with pytest.raises(HandlerFailure) as info:
        check_handler(handler, [delivery], deadline=5, isolation=isolation)
    assert str(info.value.exception) == "3 ['evt_1', 'evt_1', 'evt_1']"
    assert delivery["data"] == {"k": 1}


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_check_handler_awaits_async_handlers_on_one_loop(isolation: str) -> None:
    loops: set[int] = set()

    async def handler(event: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        loops.add(id(asyncio.get_running_loop()))
        if event["data"].get("fail"):
            raise ValueError(f"bad after {len(loops)} loop(s)")

    ok = {"id": "evt_1", "type": "a.b", "occurred_at": "x", "data": {}}
    check_handler(handler, [ok, ok], deadline=5, isolation=isolation)
    with pytest.raises(HandlerFailure) as info:
        check_handler(handler, [ok, {**ok, "data": {"fail": True}}], deadline=5,
                      isolation=isolation)  # fmt: skip
    failure = info.value
    assert (failure.kind, failure.index, failure.event) == ("exception", 1, "a.b")
    assert isinstance(failure.exception, ValueError)
    assert str(failure.exception) == "bad after 1 loop(s)"
    assert failure.frame is not None
    assert failure.frame.function == "handler"


def test_a_handler_raising_timeouterror_is_an_exception_not_a_timeout() -> None:
    def handler(event: dict[str, Any]) -> None:
        raise TimeoutError("downstream timed out")

    with pytest.raises(HandlerFailure) as info:
        check_handler(handler, [{"id": "evt_1", "type": "a.b", "data": {}}], deadline=5)
    assert info.value.kind == "exception"


def test_replay_reruns_saved_files(tmp_path: Path) -> None:
    report = fuzz(f"{HANDLERS / 'first_line.py'}:handle", "ocr.job.failed",
                  max_examples=20, seed=5, failures_dir=tmp_path)  # fmt: skip
    path = report.failures[0].path
    assert path is not None
    with pytest.raises(HandlerFailure) as info:
        replay(path, f"{HANDLERS / 'first_line.py'}:handle")
    assert info.value.key == report.failures[0].key
    assert replay(path, EXAMPLE) == len(load_failure(path))


# -- targets --------------------------------------------------------------------------


def test_load_target_forms() -> None:
    assert load_target("json:dumps") is json.dumps
    assert callable(load_target(f"{HANDLERS / 'ordering.py'}:handle"))
    for spec, text in [
        ("json:nope", "has no attribute"),
        ("json:__doc__", "is not callable"),
        ("no_such_module_xyz:f", "no module named"),
        ("nope/missing.py:f", "no such file"),
        ("json", "invalid target"),
    ]:
        with pytest.raises(UsageError, match=text):
            load_target(spec)


# -- the command line -----------------------------------------------------------------


def test_cli_reports_saves_and_replays(tmp_path: Path) -> None:
    target = f"{HANDLERS / 'optional_field.py'}:handle"
    report_file = tmp_path / "report.json"
    out = run_cli("fuzz", target, "--events", "vault.upload.initiated", "--seed", "1",
                  "--failures-dir", str(tmp_path / "f"), "--report", str(report_file))  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "KeyError: 'mimeType'" in out.stdout
    assert f"optional_field.py:{bug_line('optional_field')} in handle" in out.stdout
    assert '"type": "vault.upload.initiated"' in out.stdout
    report = json.loads(report_file.read_text())
    assert report["ok"] is False
    assert len(report["failures"]) == 1
    assert report["failures"][0]["frame"]["line"] == bug_line("optional_field")
    command = next(
        line.split("replay:", 1)[1] for line in out.stdout.splitlines() if "replay:" in line
    )
    again = run_cli(*shlex.split(command)[1:])
    assert again.returncode == 1
    assert "KeyError" in again.stdout
    saved = report["failures"][0]["file"]
    fixed = run_cli("replay", saved, "--target", EXAMPLE)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_cli_duplicates_are_a_contract_case(tmp_path: Path) -> None:
    target = f"{HANDLERS / 'not_idempotent.py'}:handle"
    common = ["--events", "ocr.job.created", "--seed", "2", "--failures-dir", str(tmp_path)]
    out = run_cli("fuzz", target, *common)
    assert out.returncode == 1
    assert "case contract:duplicate-delivery" in out.stdout
    saved = next(tmp_path.glob("contract-duplicate-delivery-*.json"))
    # A fresh process (the handler's memory of seen ids gone): the saved sequence alone
    # reproduces it.
    assert cli_process("replay", str(saved), "--target", target).returncode == 1
    assert run_cli("fuzz", target, *common, "--schema-only").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["fuzz", "no_such_module_xyz:handle"],
        ["fuzz", f"{HANDLERS / 'ordering.py'}:nope"],
        ["fuzz", "json:__doc__"],
        ["fuzz", f"{HANDLERS / 'ordering.py'}:handle", "--events", "nope.*"],
        ["fuzz"],
        ["replay", "missing.json", "--target", "json:dumps"],
        ["fuzz", "--app", "json:dumps", "--secret-env", "NOPE", "--deadline", "1"],
        ["fuzz", "--url", "http://127.0.0.1:9/", "--secret-env", "NOPE", "--schema-only"],
    ],
    ids=[
        "not-importable",
        "no-attribute",
        "not-callable",
        "no-event",
        "no-target",
        "no-file",
        "app-deadline",
        "url-schema-only",
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    out = run_cli(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("casedev-conformance: error:")
    assert "Traceback" not in out.stderr
    if "--app" in args or "--url" in args:
        assert "only to a handler TARGET, not to --" in out.stderr
