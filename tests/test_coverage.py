"""Fuzz coverage: every contract rule on every event, nothing found is lost, the coverage
table, captured traffic as seeds, a shared example database, and ``--seed`` reproducing
everything (event ids included)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from conftest import ROOT, run_many
from hypothesis import given, settings

from conformance import load_catalog
from conformance._fuzzing import fuzz, fuzz_cases, load_corpus
from conformance._generation import Stratum
from conformance._ids import SeededIds, seeded_ids
from conformance._validation._factory import make_delivery

HANDLERS = ROOT / "tests" / "handlers"
ONE_EVENT = HANDLERS / "one_event_bugs.py"
CATALOG = load_catalog()

#: rule -> the event its bug in one_event_bugs.py needs (unknown types: the prefix)
ONE_EVENT_BUGS = {
    "duplicate-delivery": "billing.charge.succeeded",
    "additive-fields": "vault.object.append.completed",
    "timestamp-forms": "agent.run.completed",
    "out-of-order": "ocr.job.created",
    "unknown-event-type": "voice.transcription.",
}


def bug_lines(path: Path) -> dict[str, int]:
    """``rule -> line`` of the lines marked ``# BUG:<rule>``."""
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if "# BUG:" in line:
            found[line.split("# BUG:")[1].strip()] = number
    return found


# Ten whole-catalog runs with default settings: the slowest tests here (each ~20 s of
# one core on an idle machine), kept to the ten seeds the law is shown on.
@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8, 13, 21, 34, 55, 89])
def test_bugs_only_one_event_exposes_are_found_with_default_settings(seed: int) -> None:
    # A fresh interpreter per run: the handler's module state starts empty. The deadline
    # is generous: a loaded CI machine must not turn a slow delivery into a "timeout".
    script = (
        "import json, sys; from conformance import fuzz; "
        "r = fuzz(sys.argv[1], seed=int(sys.argv[2]), failures_dir=None, deadline=120); "
        "print(json.dumps(r.to_dict()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, f"{ONE_EVENT}:handle", str(seed)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    report = json.loads(out.stdout)
    lines = bug_lines(ONE_EVENT)
    found = [(f["case"], f["event"], f["frame"]["line"], f["owner"]) for f in report["failures"]]
    assert len(found) == len(ONE_EVENT_BUGS), found
    for rule, event in ONE_EVENT_BUGS.items():
        (hit,) = [f for f in found if f[2] == lines[rule]]  # reported once
        case, failed_on, _, owner = hit
        assert case == f"contract:{rule}", hit
        assert failed_on.startswith(event) if event.endswith(".") else failed_on == event
        assert owner is None  # reported by its owner, not on its behalf
    # The coverage in --report JSON: every selected event x applicable rule was tried.
    coverage = report["coverage"]
    assert list(coverage["events"]) == list(CATALOG.order)
    rules = ["event", *(c.removeprefix("contract:") for c in _contract_ids())]
    assert coverage["rules"] == rules
    alone = {e for e in CATALOG.names if not _in_a_family(e)}
    for event, cells in coverage["events"].items():
        expected = [r for r in rules if not (r == "out-of-order" and event in alone)]
        assert list(cells) == expected, event
        assert all(cell["examples"] > 0 for cell in cells.values()), (event, cells)
    for rule, event in ONE_EVENT_BUGS.items():
        if not event.endswith("."):
            assert coverage["events"][event][rule]["failures"] == 1


def _contract_ids() -> list[str]:
    return [c.id for c in fuzz_cases("*") if c.is_contract]


def _in_a_family(event: str) -> bool:
    case = next(c for c in fuzz_cases("*") if c.id == "contract:out-of-order")
    return any(s.label == event for s in case.strata)


def test_every_rule_has_a_stratum_for_every_selected_event() -> None:
    for pattern in ["*", "vault.*", "ocr.job.created", "billing.*"]:
        names = CATALOG.select(pattern).names
        for case in fuzz_cases(pattern):
            if not case.is_contract:
                assert [s.label for s in case.strata] == [case.id]
            elif case.id == "contract:out-of-order":
                assert {s.label for s in case.strata} <= set(names)
            else:
                assert sorted(s.label for s in case.strata) == sorted(names), case.id


# -- nothing found is lost ---------------------------------------------------------------


def _strict(event: dict[str, Any]) -> None:
    """Rejects fields it does not know in ocr.job.created (a contract bug: additive)."""
    allowed = {"jobId", "objectId", "vaultId", "pageCount"}
    if event["type"] == "ocr.job.created" and set(event["data"]) - allowed:
        raise ValueError("unexpected field")


def test_a_failure_whose_owner_did_not_run_is_reported_by_the_case_that_saw_it() -> None:
    (event_case,) = [c for c in fuzz_cases("ocr.job.created") if not c.is_contract]
    report = fuzz(_strict, "ocr.job.created", cases=[event_case], seed=4, failures_dir=None)
    (failure,) = report.failures
    assert failure.case == "ocr.job.created"
    assert failure.owner == "contract:additive-fields"
    assert failure.evidence
    assert "did not reproduce it" in failure.evidence
    assert report.to_dict()["failures"][0]["owner"] == "contract:additive-fields"


def test_a_failure_whose_owner_did_not_reproduce_it_is_still_reported() -> None:
    cases = fuzz_cases("ocr.job.created")
    event_case = next(c for c in cases if c.id == "ocr.job.created")
    additive = next(c for c in cases if c.id == "contract:additive-fields")
    # The contract case, as run, never draws an extra field: it cannot reproduce it.
    plain = make_delivery(CATALOG, "ocr.job.created")
    never = st.just([plain])
    blind = type(additive)(
        additive.id,
        additive.description,
        never,
        additive.counterpart,
        additive.claims,
        strata=(Stratum("ocr.job.created", ("ocr.job.created",), never),),
    )
    report = fuzz(_strict, "ocr.job.created", cases=[event_case, blind], seed=4,
                  failures_dir=None)  # fmt: skip
    (failure,) = report.failures
    assert (failure.case, failure.owner) == ("ocr.job.created", "contract:additive-fields")
    # With the real contract case it is reported under its owner, once.
    report = fuzz(_strict, "ocr.job.created", seed=4, failures_dir=None)
    assert [(f.case, f.owner) for f in report.failures] == [("contract:additive-fields", None)]


# -- --seed reproduces everything ----------------------------------------------------------


def test_one_seed_hands_the_handler_the_same_deliveries_ids_included() -> None:
    # Thread isolation: the handler records into this process's lists.
    def record(into: list[dict[str, Any]]) -> Any:
        def handler(event: dict[str, Any]) -> None:
            into.append(event)
            if event["type"] == "ocr.job.failed" and event["data"].get("pageCount"):
                raise RuntimeError("a bug, so ownership reruns are compared too")

        return handler

    runs: list[list[dict[str, Any]]] = [[], [], []]
    for seed, seen in zip([7, 7, 8], runs, strict=True):
        fuzz(record(seen), "ocr.*", seed=seed, max_examples=5, failures_dir=None, isolation="thread")
    assert runs[0] == runs[1]
    assert [d["id"] for d in runs[0]] != [d["id"] for d in runs[2]]


@given(st.integers(0, 2**64), st.integers(1, 2000))
@settings(max_examples=20)
def test_seeded_ids_never_repeat_and_sort_in_order(seed: int, count: int) -> None:
    source = SeededIds(seed)
    ids = [source.ulid() for _ in range(count)]
    assert len(set(ids)) == count
    assert ids == sorted(ids)
    with seeded_ids(seed):
        from conformance._ids import new_event_id

        again = [new_event_id() for _ in range(count)]
    assert [i.removeprefix("evt_") for i in again] == ids


# -- the coverage table, --corpus, --report, from the command line ----------------------


CAPTURED_JOB = "job-captured-0007"

#: Fails only on the captured delivery's job id: only replaying the corpus finds it.
CORPUS_HANDLER = f"""
def handle(event):
    if event.get("data", {{}}).get("jobId") == {CAPTURED_JOB!r}:
        raise RuntimeError("the job the capture holds")  # BUG
"""


def test_cli_corpus_coverage_table_and_report(tmp_path: Path) -> None:
    (tmp_path / "webhooks.py").write_text(CORPUS_HANDLER)
    good = make_delivery(CATALOG, "ocr.job.created", data={"jobId": CAPTURED_JOB})
    other = make_delivery(CATALOG, "ocr.job.completed")
    bad = make_delivery(CATALOG, "ocr.job.failed", validate=False, data={"jobId": 7})
    corpus = tmp_path / "captured.jsonl"
    corpus.write_text("\n".join(json.dumps(d) for d in [other, bad, good]) + "\n")
    array = tmp_path / "captured.json"
    array.write_text(json.dumps([other]))
    (result,) = run_many(
        [
            ["fuzz", "webhooks.py:handle", "--events", "ocr.*", "--seed", "3",
             "--max-examples", "5", "--corpus", str(corpus), "--corpus", str(array),
             "--report", "report.json", "--failures-dir", "failures"],
        ],
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert f"{corpus}:2 (ocr.job.failed) /data/jobId:" in out
    lines = out.splitlines()
    header = lines[next(i for i, line in enumerate(lines) if line.startswith("coverage (")) + 1]
    assert header.split() == ["event", "unknown", "extras", "envelope", "dup", "order",
                              "time", "bound", "corpus"]  # fmt: skip
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.startswith("ocr.job.")}  # fmt: skip
    assert set(rows) == {"ocr.job.created", "ocr.job.completed", "ocr.job.failed"}
    assert rows["ocr.job.created"][-1].rstrip("*") != "-"  # the corpus column
    assert rows["ocr.job.failed"][-1] == "-"  # its only capture was invalid
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["corpus"]["used"] == 3
    assert [p["line"] for p in report["corpus"]["invalid"]] == [2]
    assert report["replayed"] >= 3
    (failure,) = report["failures"]
    assert failure["case"] == "ocr.job.created"  # the event's bug, found in the capture
    assert failure["deliveries"][failure["failing_index"]]["data"]["jobId"] == CAPTURED_JOB
    cells = report["coverage"]["events"]["ocr.job.created"]
    assert cells["corpus"]["examples"] > 0
    assert cells["event"]["failures"] == 1


def test_invalid_captured_deliveries_are_reported_not_used(tmp_path: Path) -> None:
    bad = make_delivery(CATALOG, "ocr.job.failed", validate=False, data={"jobId": 7})
    unknown = {**make_delivery(CATALOG, "ocr.job.failed"), "type": "ocr.job.paused"}
    path = tmp_path / "c.json"
    path.write_text(json.dumps([bad, unknown, "not a delivery"]))
    corpus = load_corpus([path])
    assert corpus.deliveries == [unknown]  # unknown types are real traffic too
    assert [(p.line, p.event, p.pointer) for p in corpus.problems] == [
        (1, "ocr.job.failed", "/data/jobId"),
        (1, None, ""),
    ]
    assert "not of type" in corpus.problems[0].reason


# -- failing examples replay first: saved failure files, example databases ----------------


def _needle(into: list[dict[str, Any]]) -> Any:
    """Fails on ocr.job.created with more than a thousand pages."""

    def handler(event: dict[str, Any]) -> None:
        into.append(event)
        pages = event["data"].get("pageCount")
        pages = pages if isinstance(pages, int | float) else 0
        if event["type"] == "ocr.job.created" and pages > 1000:
            raise RuntimeError("too many pages")

    return handler


def test_saved_failure_files_are_replayed_first(tmp_path: Path) -> None:
    first: list[dict[str, Any]] = []
    report = fuzz(_needle(first), "ocr.job.created", seed=2, failures_dir=tmp_path, isolation="thread")
    (failure,) = report.failures
    second: list[dict[str, Any]] = []
    again = fuzz(_needle(second), "ocr.job.created", seed=99, failures_dir=tmp_path,
                 isolation="thread")  # fmt: skip
    assert again.replayed == 1
    assert second[0] == failure.delivery  # the saved delivery, as saved, before anything
    assert [f.case for f in again.failures] == ["ocr.job.created"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real Redis server on a free loopback port, stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    pytest.importorskip("redis")
    import redis

    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):  # a hang guard, not a timing assumption
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def database_replay_possible(request: pytest.FixtureRequest) -> None:
    """Hypothesis switches its example database off when pytest runs with a global
    ``--hypothesis-seed`` (so that a seed reproduces a run exactly): then there is no
    replay to observe."""
    if request.config.getoption("hypothesis_seed", None) is not None:
        pytest.skip("--hypothesis-seed switches Hypothesis' example database off")


def _replays_first(database: Any, reader: Any) -> None:
    """A failing example kept in ``database`` is what the next run (another seed,
    another shard reading ``reader``) hands the handler first: with one example, which
    is the simplest delivery (no pageCount), only the database can make it fail."""
    first: list[dict[str, Any]] = []
    (failure,) = fuzz(_needle(first), "ocr.job.created", seed=2, failures_dir=None,
                      contract=False, database=database, isolation="thread").failures  # fmt: skip
    second: list[dict[str, Any]] = []
    report = fuzz(_needle(second), "ocr.job.created", seed=77, failures_dir=None,
                  contract=False, max_examples=1, database=reader, isolation="thread")  # fmt: skip
    assert [f.case for f in report.failures] == ["ocr.job.created"]
    assert second[0]["data"] == failure.delivery["data"]
    alone: list[dict[str, Any]] = []
    assert fuzz(_needle(alone), "ocr.job.created", seed=77, failures_dir=None,
                contract=False, max_examples=1, isolation="thread").ok  # fmt: skip


@pytest.mark.usefixtures("database_replay_possible")
def test_directory_database_replays_failing_examples_first(tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    _replays_first(db, db)
    assert any((tmp_path / "db").iterdir())


@pytest.mark.usefixtures("database_replay_possible")
def test_read_only_layer_over_a_shared_directory(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    _replays_first(str(shared), [f"readonly:{shared}", str(tmp_path / "local")])


@pytest.mark.usefixtures("database_replay_possible")
def test_redis_database_shared_between_runs(redis_url: str, tmp_path: Path) -> None:
    _replays_first(redis_url, f"{tmp_path / 'local'} readonly:{redis_url}")


def test_database_spec_errors_are_usage_errors(tmp_path: Path) -> None:
    from conformance import UsageError
    from conformance._fuzzing import open_database

    file = tmp_path / "file"
    file.write_text("")
    for spec, message in [
        (str(file), "not a folder"),
        ("http://example.invalid/db", "unsupported URL"),
        ("readonly:", "needs a folder or URL"),
        (f"redis://127.0.0.1:{_free_port()}/0", "cannot reach"),
    ]:
        with pytest.raises(UsageError, match=message):
            open_database(spec)


# -- the plugin: coverage summary and the shared database ---------------------------------

pytest_plugins = ["pytester"]

PLUGIN_HANDLER = """
def handle(event):
    data = event.get("data") or {}
    if event.get("type") == "ocr.job.created" and data.get("pageCount") is None:
        raise KeyError("pageCount")
"""


def test_plugin_prints_the_coverage_table_and_uses_the_database(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(webhooks=PLUGIN_HANDLER)
    pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\nconformance_handler = "webhooks.py:handle"\n'
        'conformance_events = "ocr.*"\nconformance_database = "shared-db"\n',
    )
    result = pytester.runpytest_subprocess(
        # No --hypothesis-seed: Hypothesis turns its database off under a forced seed.
        "-p", "no:schemathesis", "-p", "no:cacheprovider", "--conformance-max-examples=5",
    )  # fmt: skip
    out = result.stdout.str()
    assert "conformance coverage" in out
    table = out[out.index("conformance coverage") :]
    for name in ["ocr.job.created", "ocr.job.completed", "ocr.job.failed"]:
        assert name in table
    row = next(line for line in table.splitlines() if line.startswith("ocr.job.created"))
    assert row.split()[1].endswith("*")  # the event column found the failure
    result.assert_outcomes(failed=1, passed=len(CATALOG.select("ocr.*")) + 5)
    assert any((pytester.path / "shared-db").iterdir())
