"""Consumer contracts end to end, in real git repositories in temp folders.

The consumer's side: a handler that reads a known set of fields (nested and array ones
included) gets a manifest with exactly those paths, through the CLI and the plugin, with
and without xdist; ``usage check`` judges it against a catalog. The owners' side:
``compat --consumers`` and ``report --consumers`` name the consumers a change touches.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SCHEMAS, run_many

from conformance import load_catalog
from conformance._usage import (
    Recorder,
    build_manifest,
    load_manifest,
    manifest_schema,
    parse_manifest,
    write_manifest,
)

pytest_plugins = ["pytester"]

HANDLER = '''
"""Reads a known set of fields: array items, a nested property, a whole payload.

Every read happens whatever the generated values are (no read depends on an optional
field being present), so the manifest does not depend on the examples drawn.
"""
import json


def handle(delivery):
    kind = delivery["type"]
    data = delivery["data"]
    if kind == "vault.object.append.completed":
        vault = data["vaultId"]
        for object_id in data["appendObjectIds"]:
            assert isinstance(object_id, str), (vault, object_id)
    elif kind == "matter.updated":
        return data["object"].get("status"), data.get("previous_attributes")
    elif kind == "agent.run.completed":
        return json.dumps(data)
    return None
'''

#: The events fuzzed: the handler reads nothing of the last one.
EVENTS = [
    "vault.object.append.completed",
    "matter.updated",
    "agent.run.completed",
    "vault.upload.completed",
]
#: event -> {pointer: read whole}: exactly what HANDLER reads. ``/object/*``: a property
#: of ``object`` that its schema does not name; ``""``: the whole payload.
EXPECTED = {
    "agent.run.completed": {"": True},
    "matter.updated": {"/object": False, "/object/*": False, "/previous_attributes": False},
    "vault.object.append.completed": {
        "/appendObjectIds": False,
        "/appendObjectIds/*": False,
        "/vaultId": False,
    },
}
CONSUMER = "billing-service"
FAST = ["-p", "no:schemathesis", "-p", "no:cacheprovider", "--hypothesis-seed=7"]


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def fields_read(path: Path) -> dict[str, dict[str, bool]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        event: {pointer: f["whole"] for pointer, f in body["fields"].items()}
        for event, body in data["events"].items()
    }


def check_file(path: Path) -> None:
    """Valid under the shipped schema, keys sorted, names the consumer."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    parse_manifest(data, source=str(path))
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["consumer"] == CONSUMER
    assert data["catalog_version"] == load_catalog().version


# -- the consumer's side --------------------------------------------------------------


def test_cli_records_exactly_the_fields_the_handler_reads(tmp_path: Path) -> None:
    (tmp_path / "webhooks.py").write_text(HANDLER, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "{CONSUMER}"\nversion = "1.0"\n', encoding="utf-8"
    )
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "consumer")
    events = [arg for name in EVENTS for arg in ("-e", name)]
    (run,) = run_many(
        [
            [
                "fuzz",
                "webhooks.py:handle",
                *events,
                "--max-examples=3",
                "--seed=7",
                "--usage=contracts/usage.json",
            ]
        ],
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"usage manifest for {CONSUMER}: 3 event(s), 7 field(s) read" in run.stdout
    manifest = tmp_path / "contracts" / "usage.json"
    assert fields_read(manifest) == EXPECTED
    check_file(manifest)
    # Recording the same reads again (another seed) changes nothing git would show.
    git(tmp_path, "add", "contracts")
    git(tmp_path, "commit", "-qm", "usage manifest")
    args = [str(a) for a in run.args if a != "casedev-conformance"]
    again = run_many([[*args[:-2], "--seed=8", args[-1]]], cwd=tmp_path)[0]
    assert again.returncode == 0
    diff = subprocess.run(
        ["git", "diff", "--stat", "--", "contracts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert diff.stdout == ""


def test_plugin_records_the_same_fields_with_and_without_xdist(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(webhooks=HANDLER)
    events = ", ".join(f'"{e}"' for e in EVENTS)
    pytester.makefile(
        ".toml",
        pyproject=f'[project]\nname = "{CONSUMER}"\nversion = "1.0"\n\n'
        "[tool.pytest.ini_options]\n"
        'conformance_handler = "webhooks.py:handle"\n'
        f"conformance_events = [{events}]\n"
        'conformance_max_examples = "3"\n'
        # Schema only, to keep three sessions quick: the CLI test runs contract mode.
        'conformance_contract = "false"\n'
        'conformance_usage = "contracts/usage.json"\n',
    )
    git(pytester.path, "init", "-q", "-b", "main")
    manifest = pytester.path / "contracts" / "usage.json"

    result = pytester.runpytest_subprocess(*FAST)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [f"conformance: usage manifest for {CONSUMER}: 3 event(s), 7 field(s) read *"]
    )
    assert fields_read(manifest) == EXPECTED
    check_file(manifest)

    manifest.unlink()
    result = pytester.runpytest_subprocess(*FAST, "-n", "2")
    assert "2 workers" in result.stdout.str()
    assert result.ret == 0
    # The controller runs no item: every read in the file came from the workers.
    assert fields_read(manifest) == EXPECTED
    check_file(manifest)

    # A partial run would under-report: no manifest is written.
    manifest.unlink()
    result = pytester.runpytest_subprocess(*FAST, "-k", "vault")
    result.stdout.fnmatch_lines(["conformance: usage manifest NOT written: * did not run *"])
    assert not manifest.exists()


# -- manifests made in process, for the checks ----------------------------------------


def make_manifest(
    reads: Callable[[dict[str, Any]], Any],
    deliveries: list[dict[str, Any]],
    *,
    consumer: str = CONSUMER,
    today: dt.date | None = None,
) -> dict[str, Any]:
    from conformance._fuzzing import check_handler

    recorder = Recorder()
    check_handler(reads, deliveries, observe=recorder)
    manifest = build_manifest(recorder, load_catalog(), consumer=consumer, today=today)
    return manifest.to_dict()


def delivery(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "evt_01J0000000000000000000000A",
        "type": event,
        "occurred_at": "2024-01-01T00:00:00Z",
        "data": data,
    }


APPEND = delivery(
    "vault.object.append.completed",
    {"vaultId": "v", "objectId": "o", "appendObjectIds": ["a"], "sizeBytes": 1, "pageCount": 1},
)
RUN = delivery(
    "agent.run.completed",
    {"runId": "r", "durationMs": 1, "usage": {"inputTokens": 1, "outputTokens": 1}},
)
ABORTED = delivery("agent.chat.session.aborted", {"chatId": "c", "title": None})


def read_vault(d: dict[str, Any]) -> Any:
    data = d["data"]
    if d["type"] == "vault.object.append.completed":
        return data["vaultId"], list(data["appendObjectIds"])
    if d["type"] == "agent.run.completed":
        return data["usage"]["inputTokens"]
    if d["type"] == "agent.chat.session.aborted":
        return data.get("title")
    return None


def edit(root: Path, event: str, change: Callable[[dict[str, Any]], Any]) -> None:
    path = next(root.glob(f"*/{event}.json"))
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def variant(base: Path, name: str, *edits: tuple[str, Callable[[dict[str, Any]], Any]]) -> Path:
    folder = base / name
    shutil.copytree(SCHEMAS, folder)
    for event, change in edits:
        edit(folder, event, change)
    return folder


def drop(field: str) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        del schema["properties"][field]
        schema["required"] = [r for r in schema["required"] if r != field]

    return change


def retype(field: str, to: str) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        schema["properties"][field]["type"] = to

    return change


def optional(field: str) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        schema["required"] = [r for r in schema["required"] if r != field]

    return change


def beta_field(field: str) -> Callable[[dict[str, Any]], None]:
    def change(schema: dict[str, Any]) -> None:
        schema["properties"][field]["x-stability"] = "beta"

    return change


A = "vault.object.append.completed"


@pytest.fixture(scope="module")
def owners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema owners' repository: the catalog and the consumers' manifests on main
    (v1.0.0); v2.0.0 removes a field the consumer reads, v3.0.0 one nobody reads. Beside
    it, catalog folders with one change each, and manifests that are stale."""
    root = tmp_path_factory.mktemp("owners")
    shutil.copytree(SCHEMAS, root / "schemas")
    (root / "consumers").mkdir()
    manifest = make_manifest(read_vault, [APPEND, RUN, ABORTED])
    (root / "consumers" / f"{CONSUMER}.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True)
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "1.0.0")
    git(root, "tag", "v1.0.0")
    edit(root / "schemas", A, drop("vaultId"))
    git(root, "commit", "-qam", "2.0.0")
    git(root, "tag", "v2.0.0")
    edit(root / "schemas", A, drop("pageCount"))
    git(root, "commit", "-qam", "3.0.0")
    git(root, "tag", "v3.0.0")

    new = root.parent / "new"
    new.mkdir()
    variant(new, "removed-read", (A, drop("vaultId")))
    variant(new, "retyped-read", (A, retype("vaultId", "integer")))
    variant(new, "removed-unread", (A, drop("pageCount")))
    variant(new, "now-optional", (A, optional("vaultId")))
    variant(new, "beta-field", (A, beta_field("vaultId")))
    gone = variant(new, "event-gone")
    (gone / "beta" / "agent.run.completed.json").unlink()
    index = json.loads((gone / "catalog.json").read_text())
    index["events"].remove("agent.run.completed")
    (gone / "catalog.json").write_text(json.dumps(index))

    stale = root.parent / "stale"
    stale.mkdir()
    old = dict(manifest, recorded_on=(dt.date.today() - dt.timedelta(days=100)).isoformat())
    (stale / "old.json").write_text(json.dumps(old))
    other = dict(manifest, catalog_version="000000000000")
    (stale / "other-catalog.json").write_text(json.dumps(other))
    bad = root.parent / "bad"
    bad.mkdir()
    (bad / "bad.json").write_text(json.dumps(dict(manifest, events={"x": {"fields": {}}})))
    (bad / "broken.json").write_text("{")
    return root


def test_owners_gate_names_the_consumers_a_change_touches(owners: Path) -> None:
    new = owners.parent / "new"
    gate = ["compat", "git:v1.0.0", "--consumers", "git:main:consumers"]
    runs = run_many(
        [
            [*gate[:2], str(new / "removed-read"), *gate[2:], "--consumers-only"],
            [*gate[:2], str(new / "retyped-read"), *gate[2:], "--consumers-only"],
            [*gate[:2], str(new / "removed-unread"), *gate[2:], "--consumers-only"],
            [*gate[:2], str(new / "removed-unread"), *gate[2:]],
            [*gate[:2], str(new / "removed-read"), *gate[2:], "--consumers-only", "--format=json"],
        ],
        cwd=owners,
    )
    removed, retyped, unread, unread_plain, as_json = runs
    # A field the consumer reads is removed: fails, naming consumer, event, field, witness.
    assert removed.returncode == 1, removed.stderr
    assert f"BREAKING property-removed  {A}  /vaultId" in removed.stdout
    assert f"consumers: {CONSUMER} reads /vaultId" in removed.stdout
    assert "witness (valid under new, rejected by old)" in removed.stdout
    # ... or retyped.
    assert retyped.returncode == 1, retyped.stderr
    assert f"BREAKING type-widened  {A}  /vaultId" in retyped.stdout
    assert f"consumers: {CONSUMER} reads /vaultId" in retyped.stdout
    assert "witness" in retyped.stdout
    # A field nobody reads: a warning, exit 0; the plain gate still fails on it.
    assert unread.returncode == 0, unread.stdout + unread.stderr
    assert f"WARNING  property-removed  {A}  /pageCount" in unread.stdout
    assert (
        "none of 1 declared consumer(s) read this; not gating (--consumers-only)" in unread.stdout
    )
    assert unread_plain.returncode == 1
    assert "none of 1 declared consumer(s) read this\n" in unread_plain.stdout
    doc = json.loads(as_json.stdout)
    (finding,) = [f for f in doc["findings"] if f["blocking"]]
    assert finding["consumers"] == [{"consumer": CONSUMER, "field": "/vaultId"}]
    assert finding["witness"] is not None
    assert doc["consumers"] == {"names": [CONSUMER], "notes": []}


def test_release_report_lists_the_affected_consumers(owners: Path) -> None:
    (markdown, as_json, stale) = run_many(
        [
            ["report", "--from", "v1.0.0", "--to", "v2.0.0", "--consumers", "consumers"],
            ["report", "--history", "--consumers", "git:v1.0.0:consumers", "--format=json"],
            [
                "report",
                "--from",
                "v2.0.0",
                "--to",
                "v3.0.0",
                "--consumers",
                str(owners.parent / "stale"),
            ],
        ],
        cwd=owners,
    )
    assert markdown.returncode == 0, markdown.stderr
    assert f"| `{A}` | stable | **breaking** | 1 | {CONSUMER} |" in markdown.stdout
    assert f"Consumers: {CONSUMER} reads /vaultId" in markdown.stdout
    reports = json.loads(as_json.stdout)
    by_release = {r["to"]: {e["event"]: e.get("consumers") for e in r["events"]} for r in reports}
    assert by_release["v2.0.0"] == {A: [{"consumer": CONSUMER, "field": "/vaultId"}]}
    assert by_release["v3.0.0"] == {A: []}  # pageCount: nobody reads it
    assert stale.returncode == 0
    assert "no declared consumer reads what changed" in stale.stdout
    assert "usage manifest of billing-service" in stale.stderr
    assert "100 days ago" in stale.stderr
    assert "which this check does not know" in stale.stderr


def test_stale_manifests_are_reported_and_excuse_nothing(owners: Path) -> None:
    new = owners.parent / "new" / "removed-unread"
    stale = owners.parent / "stale"
    runs = run_many(
        [
            [
                "compat",
                "git:v1.0.0",
                str(new),
                "--consumers",
                str(stale / "old.json"),
                "--consumers-only",
            ],
            [
                "compat",
                "git:v1.0.0",
                str(new),
                "--consumers",
                str(stale / "old.json"),
                "--consumers-only",
                "--max-age=365",
            ],
            [
                "compat",
                "git:v1.0.0",
                str(new),
                "--consumers",
                str(stale / "other-catalog.json"),
                "--consumers-only",
            ],
        ],
        cwd=owners,
    )
    old, old_allowed, unknown = runs
    assert old.returncode == 1
    assert "STALE" in old.stdout
    assert "100 days ago (the limit is 30)" in old.stdout
    assert "--consumers-only excuses nothing while a usage manifest is stale" in old.stdout
    assert old_allowed.returncode == 0, old_allowed.stdout
    assert unknown.returncode == 1
    assert (
        "recorded against catalog version 000000000000, which this check does not know"
        in unknown.stdout
    )


def test_bad_consumer_inputs_exit_2_with_one_line(owners: Path) -> None:
    new = str(owners.parent / "new" / "removed-unread")
    bad = owners.parent / "bad"
    runs = run_many(
        [
            ["compat", "git:v1.0.0", new, "--consumers", str(bad / "bad.json")],
            ["compat", "git:v1.0.0", new, "--consumers", str(bad / "broken.json")],
            ["compat", "git:v1.0.0", new, "--consumers", "nowhere/"],
            ["compat", "git:v1.0.0", new, "--consumers", "git:nope:consumers"],
            ["compat", "git:v1.0.0", new, "--consumers-only"],
            ["report", "--from", "v1.0.0", "--to", "v2.0.0", "--consumers", str(bad)],
            ["fuzz", "--app", "receiver:app", "--usage", "usage.json"],
        ],
        cwd=owners,
    )
    for run in runs:
        assert run.returncode == 2, run.args
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "Traceback" not in run.stderr
    assert f"{bad / 'bad.json'}, at /events/x: not a usage manifest" in runs[0].stderr
    assert "invalid JSON" in runs[1].stderr
    assert "--consumers-only needs --consumers" in runs[4].stderr
    assert "--usage applies only to a handler TARGET" in runs[6].stderr


# -- the consumer's own check -----------------------------------------------------------


def test_usage_check_exit_codes_and_warnings(owners: Path, tmp_path: Path) -> None:
    new = owners.parent / "new"
    manifest = owners / "consumers" / f"{CONSUMER}.json"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    (tmp_path / "old.json").write_text(
        json.dumps(make_manifest(read_vault, [APPEND], today=yesterday))
    )
    (tmp_path / "invalid.json").write_text(json.dumps({"format": "casedev-conformance/usage/1"}))
    (tmp_path / "broken.json").write_text("[")
    check = ["usage", "check"]
    runs = run_many(
        [
            [*check, str(manifest)],
            [*check, str(manifest), "--catalog", str(new / "event-gone")],
            [*check, str(manifest), "--catalog", str(new / "removed-read")],
            [*check, str(manifest), "--catalog", str(new / "retyped-read")],
            [*check, str(manifest), "--catalog", str(new / "now-optional")],
            [*check, str(manifest), "--catalog", str(new / "beta-field")],
            [*check, str(tmp_path / "old.json"), "--max-age=0"],
            [*check, str(tmp_path / "invalid.json")],
            [*check, str(tmp_path / "broken.json")],
            [*check, str(tmp_path / "missing.json")],
        ]
    )
    ok, gone, removed, retyped, now_optional, beta, old, invalid, broken, missing = runs
    assert ok.returncode == 0, ok.stdout + ok.stderr
    lines = ok.stdout.splitlines()
    assert (
        "warning: agent.run.completed: beta event: its payload may change without notice" in lines
    )
    assert "warning: agent.run.completed /usage: optional: deliveries may leave it out" in lines
    assert f"warning: {A} /appendObjectIds/*: optional: deliveries may leave it out" in lines
    assert "warning: agent.chat.session.aborted /title: nullable: it may be null" in lines
    assert lines[-1].startswith(f"OK: {CONSUMER} reads ")
    assert not any(line.startswith("error") for line in lines)

    assert gone.returncode == 1
    assert (
        "error: agent.run.completed: the handler reads this event; the catalog no longer has it"
        in gone.stdout
    )
    assert removed.returncode == 1
    assert (
        f"error: {A} /vaultId: the handler reads this field; the catalog no longer has it"
        in removed.stdout
    )
    assert retyped.returncode == 1
    assert f"error: {A} /vaultId: type changed from string to integer" in retyped.stdout
    assert now_optional.returncode == 1
    assert f"error: {A} /vaultId: was always present; now it may be absent" in now_optional.stdout
    # Each of those catalogs is another version: the manifest is reported as stale too.
    assert "recorded against catalog version" in removed.stdout
    assert beta.returncode == 0
    assert f"warning: {A} /vaultId: beta field of a stable event: it may change" in beta.stdout
    assert old.returncode == 0
    assert "1 days ago (the limit is 0); re-record it" in old.stdout
    for run in (invalid, broken, missing):
        assert run.returncode == 2
        assert len(run.stderr.strip().splitlines()) == 1
        assert "Traceback" not in run.stderr
    assert "at /: not a usage manifest: 'catalog_version' is a required property" in invalid.stderr


def test_the_manifest_schema_ships_in_the_package_and_round_trips(tmp_path: Path) -> None:
    import conformance

    schema_file = Path(conformance.__file__).parent / "_usage" / "manifest.schema.json"
    assert json.loads(schema_file.read_text()) == manifest_schema()
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(manifest_schema())
    data = make_manifest(read_vault, [APPEND, RUN, ABORTED])
    manifest = parse_manifest(data, source="x")
    path = write_manifest(manifest, tmp_path / "m.json")
    assert load_manifest(path) == manifest
    # The example consumer's manifest (used by docs/usage-contracts.md) stays valid.
    example = load_manifest(SCHEMAS.parent / "examples" / "usage.json")
    assert example.consumer == "example-consumer"
    assert "vault.upload.completed" in example.events
