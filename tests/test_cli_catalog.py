"""The catalog and validate commands as users run them: real subprocesses, real files.

Bad input must give exactly one line on stderr, exit code 2 and never a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import DOCS_PAGE, FIXTURES, SCHEMAS, cli, cli_process

from conformance._catalog._docs_import import parse_docs

SPECS = {s.name: s for s in parse_docs(DOCS_PAGE.read_text(encoding="utf-8"))}
CASES = sorted((FIXTURES / "payloads").glob("*/*.json"))


def run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return cli(*args, stdin=stdin)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _deliveries(valid: bool | None = None) -> list[dict[str, Any]]:
    found = []
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        if valid is None or case["expected"]["valid"] == valid:
            found.append(case["delivery"])
    return found


def _jsonl(path: Path, deliveries: list[Any]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in deliveries), encoding="utf-8")
    return path


# --- list -------------------------------------------------------------------------------


def test_list_json_matches_the_docs_page() -> None:
    proc = run("list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 53
    assert [r["name"] for r in rows] == sorted(SPECS)
    for row in rows:
        spec = SPECS[row["name"]]
        assert set(row) == {"name", "stability", "scope", "resource", "description"}
        assert (row["stability"], row["scope"], row["resource"], row["description"]) == (
            spec.stability,
            spec.scope,
            spec.resource,
            spec.description,
        )
    assert sum(r["stability"] == "stable" for r in rows) == 25
    assert sum(r["stability"] == "beta" for r in rows) == 28


@pytest.mark.parametrize(("stability", "count"), [("stable", 25), ("beta", 28)])
def test_list_by_stability(stability: str, count: int) -> None:
    proc = run("list", "--stability", stability, "--format", "json")
    rows = json.loads(proc.stdout)
    assert len(rows) == count
    assert {r["stability"] for r in rows} == {stability}


# --- catalog docs: rendering and drift --------------------------------------------------


def _table_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("| Event | Stability | Scope | Resource | Description |")
    return [line for line in lines[start:] if line not in ("", "Example")]


def test_docs_rendering_agrees_with_the_docs_page() -> None:
    proc = run("catalog", "docs")
    assert proc.returncode == 0, proc.stderr
    assert _table_lines(proc.stdout) == _table_lines(DOCS_PAGE.read_text(encoding="utf-8"))
    check = run("catalog", "docs", "--check", DOCS_PAGE)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "agrees with the 53 event schemas" in check.stdout


def test_a_doctored_docs_page_yields_named_differences(tmp_path: Path) -> None:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    text = text.replace(
        "sizeBytes | number | Yes | Size of the uploaded file in bytes. |",
        "sizeBytes | string | No | Size of the uploaded file in bytes. |",
    )
    text = text.replace(
        "ocr.job.created | stable | vision_ocr | - |", "ocr.job.created | beta | vision_ocr | - |"
    )
    text = text.replace(
        "| Stability | stable |\n| Required scope | vision_ocr |",
        "| Stability | beta |\n| Required scope | vision_ocr |",
        1,
    )
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    proc = run("catalog", "docs", "--check", page)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "event vault.upload.completed, field sizeBytes: type differs" in out
    assert "event vault.upload.completed, field sizeBytes: required differs" in out
    assert "event ocr.job.created: stability differs: docs 'beta', schemas 'stable'" in out
    assert "3 difference(s)" in proc.stderr


def test_a_doctored_schema_yields_named_differences(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    path = root / "stable" / "vault.ingest.completed.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["chunkCount"]["type"] = "string"
    del schema["properties"]["durationMs"]
    schema["required"].remove("durationMs")
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    proc = run("catalog", "docs", "--catalog", root, "--check", DOCS_PAGE)
    assert proc.returncode == 1
    assert "event vault.ingest.completed, field durationMs: presence differs" in proc.stdout
    assert (
        "event vault.ingest.completed, field chunkCount: type differs: docs 'number', "
        "schemas 'string'" in proc.stdout
    )


# --- bad catalogs -----------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_malformed_schema_file(broken: Path) -> None:
    path = broken / "stable" / "ocr.job.failed.json"
    path.write_text(path.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    assert_one_line_error(run("list", "--catalog", broken), "ocr.job.failed.json", "invalid JSON")


def test_invalid_schema(broken: Path) -> None:
    _edit(broken / "beta" / "matter.updated.json", '"required": [', '"required": 7, "x": [')
    assert_one_line_error(
        run("list", "--catalog", broken),
        "matter.updated.json",
        "event matter.updated",
        "at /required",
        "invalid JSON Schema",
    )


def test_dangling_ref(broken: Path) -> None:
    _edit(
        broken / "stable" / "ocr.job.created.json",
        '"type": "object",',
        '"type": "object", "$defs": {"x": {"$ref": "#/$defs/missing"}},',
    )
    assert_one_line_error(
        run("list", "--catalog", broken),
        "ocr.job.created.json",
        "dangling $ref '#/$defs/missing'",
        "at /$defs/x/$ref",
    )


def test_file_in_the_wrong_stability_folder(broken: Path) -> None:
    (broken / "stable" / "ocr.job.failed.json").rename(broken / "beta" / "ocr.job.failed.json")
    assert_one_line_error(
        run("validate", "--catalog", broken, DOCS_PAGE),
        "ocr.job.failed",
        "x-stability is 'stable' but the file is in the 'beta' folder",
    )


def test_unknown_event_name_in_the_catalog_index(broken: Path) -> None:
    _edit(
        broken / "catalog.json",
        '"vault.upload.initiated",',
        '"vault.upload.initiated", "vault.upload.paused",',
    )
    assert_one_line_error(
        run("catalog", "docs", "--catalog", broken), "catalog.json", "'vault.upload.paused'"
    )


def test_schema_title_differs_from_its_file_name(broken: Path) -> None:
    _edit(
        broken / "stable" / "ocr.job.failed.json",
        '"title": "ocr.job.failed"',
        '"title": "ocr.job.broke"',
    )
    assert_one_line_error(run("list", "--catalog", broken), "ocr.job.failed", "at /title")


def test_missing_catalog_folder(tmp_path: Path) -> None:
    assert_one_line_error(run("list", "--catalog", tmp_path / "nope"), "not a catalog folder")


# --- validate ---------------------------------------------------------------------------


def test_validate_all_valid_fixtures(tmp_path: Path) -> None:
    valid = _deliveries(valid=True)
    proc = run("validate", _jsonl(tmp_path / "ok.jsonl", valid))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(valid)} deliveries: {len(valid)} valid, 0 invalid" in proc.stdout
    for name in SPECS:
        count = sum(d["type"] == name for d in valid)
        assert any(line.split() == [name, str(count), "0"] for line in proc.stdout.splitlines())


def test_validate_reports_each_invalid_delivery_with_its_line(tmp_path: Path) -> None:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in CASES[:80]]
    path = _jsonl(tmp_path / "mixed.jsonl", [c["delivery"] for c in cases])
    proc = run("validate", path)
    assert proc.returncode == 1
    assert proc.stderr == ""
    for line_no, case in enumerate(cases, start=1):
        prefix = f"{path}:{line_no}: {case['delivery']['type']}: "
        reported = [line for line in proc.stdout.splitlines() if line.startswith(prefix)]
        if case["expected"]["valid"]:
            assert reported == []
        else:
            assert prefix + case["expected"]["pointer"] + ": " in "\n".join(reported)
    invalid = sum(not c["expected"]["valid"] for c in cases)
    assert (
        f"{len(cases)} deliveries: {len(cases) - invalid} valid, {invalid} invalid" in proc.stdout
    )


def test_unknown_event_types_are_counted_apart(tmp_path: Path) -> None:
    valid = _deliveries(valid=True)[:5]
    unknown = [{**valid[0], "type": "webhook.test"}, {**valid[1], "type": "vault.object.deleted"}]
    proc = run("validate", _jsonl(tmp_path / "u.jsonl", valid + unknown + [unknown[0]]))
    assert proc.returncode == 0, proc.stdout
    assert "unknown event types" in proc.stdout
    assert any(line.split() == ["webhook.test", "2"] for line in proc.stdout.splitlines())
    assert "8 deliveries: 5 valid, 0 invalid, 3 of unknown event types" in proc.stdout


def test_validate_json_array_object_and_stdin(tmp_path: Path) -> None:
    deliveries = _deliveries()[:6]
    array = tmp_path / "array.json"
    array.write_text(json.dumps(deliveries, indent=2), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(deliveries[1], indent=2), encoding="utf-8")
    stdin = "\n".join(json.dumps(d) for d in deliveries).encode()
    proc = run("validate", "--format", "json", array, single, "-", stdin=stdin)
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    summary = records.pop()["summary"]
    assert summary["valid"] + summary["invalid"] == 13
    expected_lines = [
        2 + sum(len(json.dumps(d, indent=2).splitlines()) for d in deliveries[:i]) for i in range(6)
    ]
    by_file: dict[str, list[int]] = {}
    for record in records:
        by_file.setdefault(record["file"], []).append(record["line"])
        assert record["errors"]
        assert all(e["pointer"].startswith("/") for e in record["errors"])
    invalid_at = [i for i, d in enumerate(deliveries) if d not in _deliveries(valid=True)]
    assert by_file[str(array)] == [expected_lines[i] for i in invalid_at]
    assert by_file["<stdin>"] == [i + 1 for i in invalid_at]
    assert by_file.get(str(single), []) == ([1] if 1 in invalid_at else [])


def test_validate_with_a_custom_catalog(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, root)
    for path in root.glob("*/*.json"):
        if not path.name.startswith("vault."):
            path.unlink()
    (root / "catalog.json").unlink()
    valid = _deliveries(valid=True)
    proc = run("validate", "--catalog", root, _jsonl(tmp_path / "v.jsonl", valid))
    assert proc.returncode == 0
    vault = sum(d["type"].startswith("vault.") for d in valid)
    assert f"{vault} valid, 0 invalid, {len(valid) - vault} of unknown" in proc.stdout


def _good_lines(count: int) -> bytes:
    return b"".join(json.dumps(d).encode() + b"\n" for d in _deliveries(valid=True)[:count])


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (
            _good_lines(3) + b'{"id": "evt_01HV8Z\xff\xfeK8M7Q9YJ6P5E3P2R1A0B"}\n',
            ["line 4", "not UTF-8"],
        ),
        (_good_lines(2) + _good_lines(1)[:-40] + b"\n" + _good_lines(2), ["line 3", "truncated"]),
        (_good_lines(5) + _good_lines(1)[:-15], ["line 6", "truncated"]),
        (_good_lines(2) + b'{"a": 1} {"b": 2}\n', ["line 3", "malformed"]),
        (
            b"[" + b",".join(json.dumps(d).encode() for d in _deliveries()[:3]) + b",\n",
            ["truncated JSON array"],
        ),
        (b'[{"a": 1}] trailing', ["line 1", "after the JSON array"]),
    ],
    ids=[
        "non-utf8",
        "truncated-middle",
        "truncated-last",
        "two-values",
        "array-truncated",
        "array-trailing",
    ],
)
def test_unreadable_input(tmp_path: Path, content: bytes, fragments: list[str]) -> None:
    path = tmp_path / "input.jsonl"
    path.write_bytes(content)
    assert_one_line_error(run("validate", path), str(path), *fragments)


def test_missing_file() -> None:
    assert_one_line_error(
        run("validate", "no/such/file.jsonl"), "no/such/file.jsonl", "no such file"
    )


def test_a_directory_is_not_an_input(tmp_path: Path) -> None:
    assert_one_line_error(run("validate", tmp_path), str(tmp_path), "not a file")


def test_empty_input_is_an_input_error_unless_allowed(tmp_path: Path) -> None:
    # A CI gate fed nothing (an empty capture, a wrong glob) must not pass quietly.
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"\n\n")
    proc = run("validate", path)
    assert proc.returncode == 2
    assert "--allow-empty" in proc.stderr
    proc = run("validate", "--allow-empty", path)
    assert proc.returncode == 0
    assert "0 deliveries" in proc.stdout


def test_parallel_scan_gives_the_same_report_as_a_sequential_one(tmp_path: Path) -> None:
    """Several byte ranges, problems spread over them: same lines, same order, same sums."""
    deliveries = _deliveries() * 4  # ~2,900 lines, ~1 MB: several 64 KB ranges
    path = _jsonl(tmp_path / "big.jsonl", deliveries)
    sequential = cli_process("validate", "--jobs", "1", path)
    parallel = cli_process("validate", "--jobs", "2", path)
    assert sequential.returncode == parallel.returncode == 1
    assert parallel.stdout == sequential.stdout
    assert f"{len(deliveries)} deliveries" in parallel.stdout


def test_parallel_scan_names_the_absolute_line_of_bad_input(tmp_path: Path) -> None:
    good = _good_lines(100)
    path = tmp_path / "late.jsonl"
    path.write_bytes(good * 20 + b'{"id": "evt_\n' + good)
    assert_one_line_error(cli_process("validate", "--jobs", "2", path), str(path), "line 2001", "truncated")
