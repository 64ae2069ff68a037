"""The compatibility checker: rule fixtures, verdicts on files, folders and git refs, CLI."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from conftest import FIXTURES, SCHEMAS, cli, run_many

from conformance import CompatibilityError, SchemaError, check_compatibility, load_waivers
from conformance._compat import RULES

COMPAT = FIXTURES / "compat"
FIXTURE_DIRS = sorted(p for p in COMPAT.iterdir() if p.is_dir())


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in-process, as ``main(argv)`` (exit code, stdout, stderr)."""
    return cli(*args, cwd=cwd)


def sides(folder: Path) -> tuple[str, str]:
    old = folder / "old" if (folder / "old").is_dir() else folder / "old.json"
    new = folder / "new" if (folder / "new").is_dir() else folder / "new.json"
    return str(old), str(new)


# -- the rule table and its fixtures ---------------------------------------------------


def _expected(expected: dict[str, Any], policy: str) -> list[dict[str, Any]]:
    """The findings a fixture expects under ``policy`` (one list, or one per policy)."""
    found = expected["findings"]
    return found[policy] if isinstance(found, dict) else found  # type: ignore[no-any-return]


def test_every_rule_has_a_fixture_and_every_fixture_names_a_rule() -> None:
    names = {p.name for p in FIXTURE_DIRS if not p.name.startswith("_")}
    assert names == set(RULES)
    for folder in FIXTURE_DIRS:
        expected = json.loads((folder / "expected.json").read_text())
        rules = {f["rule"] for p in ("frozen", "consumer-safe") for f in _expected(expected, p)}
        assert rules <= set(RULES)
        if not folder.name.startswith("_"):
            assert folder.name in rules


def test_rule_table_shape() -> None:
    for rule in RULES.values():
        assert rule.id == rule.id.lower()
        assert " " not in rule.id
        assert set(rule.severity) == {"frozen", "consumer-safe"}
        # consumer-safe is never stricter than frozen
        if rule.severity["frozen"] == "info":
            assert rule.severity["consumer-safe"] == "info"
        assert rule.summary.endswith(".")


@pytest.mark.parametrize("folder", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
@pytest.mark.parametrize("policy", ["frozen", "consumer-safe"])
def test_fixture_verdicts(folder: Path, policy: str) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    old, new = sides(folder)
    report = check_compatibility(old, new, policy=policy)  # type: ignore[arg-type]
    assert [(f.rule, f.pointer) for f in report.findings] == [
        (f["rule"], f["pointer"]) for f in _expected(expected, policy)
    ]
    assert report.exit_code == expected["exit"][policy]
    for finding, want in zip(report.findings, _expected(expected, policy), strict=True):
        # a rule's severity, unless the prover settled it (proven safe: info; neither
        # proven nor shown: undecided), which the fixture then names
        severity = want.get("severity", RULES[finding.rule].severity[policy])  # type: ignore[index]
        if isinstance(severity, dict):
            severity = severity[policy]
        assert finding.severity == severity, finding
        if "witness" in want:
            assert finding.witness is not None
            assert finding.witness.direction == want["witness"]
            _assert_witness_holds(folder, finding)
    if expected.get("witness") and policy == "frozen":
        assert all(f.witness is not None for f in report.findings)
    for finding in report.findings:
        # every breaking finding carries a witness in the direction it claims
        if finding.breaking and RULES[finding.rule].direction != "none":
            assert finding.witness is not None


def _assert_witness_holds(folder: Path, finding: Any) -> None:
    """The witness is valid under one side and invalid under the other, each side judged
    by python-jsonschema under its own ``$schema`` dialect."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for

    schemas = {
        side: json.loads(Path(p).read_text())
        for side, p in zip(("old", "new"), sides(folder), strict=True)
    }

    def valid(side: str) -> bool:
        cls = validator_for(schemas[side], default=Draft202012Validator)
        return bool(
            cls(schemas[side], format_checker=cls.FORMAT_CHECKER).is_valid(finding.witness.payload)
        )

    assert valid(finding.witness.valid_under)
    assert not valid(finding.witness.rejected_by)
    # widening witnesses are NEW-valid; narrowing ones OLD-valid and labelled so
    assert (finding.witness.valid_under == "new") == (finding.witness.direction == "widening")


@pytest.mark.parametrize(
    "folder",
    [p for p in FIXTURE_DIRS if json.loads((p / "expected.json").read_text()).get("witness")],
    ids=lambda p: p.name,
)
def test_witnesses_are_real(folder: Path) -> None:
    """Each witness is accepted by one schema and rejected by the other, checked here anew."""
    from jsonschema import Draft202012Validator

    old, new = (json.loads(Path(p).read_text()) for p in sides(folder))
    report = check_compatibility(old, new, policy="frozen")
    checker = Draft202012Validator.FORMAT_CHECKER
    for finding in report.findings:
        assert finding.witness is not None
        schemas = {"old": old, "new": new}
        good = Draft202012Validator(schemas[finding.witness.valid_under], format_checker=checker)
        bad = Draft202012Validator(schemas[finding.witness.rejected_by], format_checker=checker)
        assert good.is_valid(finding.witness.payload)
        assert not bad.is_valid(finding.witness.payload)
        widening = RULES[finding.rule].direction == "widened"
        assert (finding.witness.valid_under == "new") == widening or finding.rule.endswith(
            "changed"
        )


# -- meaning, not text -------------------------------------------------------------------

BASE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "a": {"type": "string"},
        "b": {"type": ["integer", "null"]},
        "c": {"enum": ["x", "y", "z"]},
    },
    "required": ["a", "c"],
}


def _variants() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    v = copy.deepcopy(BASE)
    v["properties"]["a"]["type"] = ["string"]
    out["type-list-of-one"] = v
    v = copy.deepcopy(BASE)
    v["properties"]["b"] = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    out["anyOf-with-null"] = v
    v = copy.deepcopy(BASE)
    v["properties"]["b"] = {"oneOf": [{"type": "null"}, {"type": "integer", "description": "n"}]}
    out["oneOf-with-null"] = v
    v = copy.deepcopy(BASE)
    v["required"] = ["c", "a"]
    v["properties"] = dict(reversed(list(v["properties"].items())))
    v["properties"]["c"] = {"enum": ["z", "x", "y"]}
    out["reordered"] = v
    v = copy.deepcopy(BASE)
    v["$defs"] = {"name": {"type": "string", "description": "moved"}}
    v["properties"]["a"] = {"$ref": "#/$defs/name"}
    out["ref-moved"] = v
    v = copy.deepcopy(BASE)
    v["allOf"] = [{"properties": {"a": {"type": "string"}}}, {"required": ["a"]}]
    v["required"] = ["c"]
    out["allOf-merged"] = v
    v = copy.deepcopy(BASE)
    v["properties"]["c"] = {"type": "string", "enum": ["x", "y", "z"], "description": "docs"}
    v["title"] = "renamed title"
    v["examples"] = [{"a": "q", "c": "x"}]
    out["doc-only"] = v
    return out


@pytest.mark.parametrize(("name", "rewrite"), list(_variants().items()))
@pytest.mark.parametrize("policy", ["frozen", "consumer-safe"])
def test_equivalent_rewrites_have_no_finding(
    name: str, rewrite: dict[str, Any], policy: str
) -> None:
    assert check_compatibility(BASE, rewrite, policy=policy).findings == ()  # type: ignore[arg-type]
    assert check_compatibility(rewrite, BASE, policy=policy).findings == ()  # type: ignore[arg-type]


def test_recursive_schemas_are_judged_and_pure_ref_loops_refused() -> None:
    # A schema that recurses through its instance (a tree) is judged by the gate; a loop
    # of bare references ({"$ref": "#"}) describes nothing and is refused with its
    # pointer. (The catalog refuses any recursion: conformance._catalog.check_refs.)
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/node",
    }
    assert check_compatibility(tree, copy.deepcopy(tree)).ok
    loop = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    with pytest.raises(SchemaError, match="recursive") as info:
        check_compatibility(loop, copy.deepcopy(loop))
    assert info.value.pointer.endswith("/$ref")


def test_adding_fields_is_compatible_under_both_policies() -> None:
    new = copy.deepcopy(BASE)
    new["properties"]["d"] = {"type": "object", "properties": {"e": {"type": "string"}}}
    new["properties"]["f"] = {"type": "string"}
    new["required"].append("f")
    for policy in ("frozen", "consumer-safe"):
        report = check_compatibility(BASE, new, policy=policy)  # type: ignore[arg-type]
        assert report.exit_code == 0
        assert {f.rule for f in report.findings} == {"property-added"}


def test_direction_widening_breaks_narrowing_depends_on_policy() -> None:
    narrow = copy.deepcopy(BASE)
    narrow["properties"]["c"]["enum"] = ["x", "y"]
    narrow["properties"]["b"]["type"] = "integer"
    assert check_compatibility(BASE, narrow, policy="frozen").exit_code == 1
    assert check_compatibility(BASE, narrow, policy="consumer-safe").exit_code == 0
    # the same change the other way round is a widening: breaking under both
    assert check_compatibility(narrow, BASE, policy="consumer-safe").exit_code == 1


def test_beta_findings_do_not_fail_unless_strict() -> None:
    new = copy.deepcopy(BASE)
    del new["properties"]["a"]
    new["required"] = ["c"]
    report = check_compatibility(BASE, new, stability="beta")
    assert report.exit_code == 0
    assert [f.status for f in report.findings] == ["warning"]
    assert check_compatibility(BASE, new, stability="beta", strict_beta=True).exit_code == 1


# -- catalogs and git -----------------------------------------------------------------------


@pytest.fixture
def catalogs(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SCHEMAS, old)
    shutil.copytree(SCHEMAS, new)
    return old, new


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def test_whole_catalog_against_itself_is_clean() -> None:
    report = check_compatibility(SCHEMAS, SCHEMAS)
    assert report.findings == ()
    assert len(report.events) == 53


def test_catalog_folders_cli(catalogs: tuple[Path, Path]) -> None:
    old, new = catalogs
    stable = sorted((new / "stable").glob("*.json"))
    beta = sorted((new / "beta").glob("*.json"))
    victim = stable[0]
    first_prop = next(iter(json.loads(victim.read_text())["properties"]))
    _edit(victim, lambda d: d["properties"].pop(first_prop))
    beta_victim = beta[0]
    _edit(beta_victim, lambda d: d["properties"].update(extra={"type": "string"}))

    result = run("compat", str(old), str(new), "--format", "json")
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format_version"] == 1
    assert doc["exit_code"] == 1
    rules = {(f["rule"], f["event"], f["pointer"], f["status"]) for f in doc["findings"]}
    assert ("property-removed", victim.stem, f"/{first_prop}", "breaking") in rules
    assert ("property-added", beta_victim.stem, "/extra", "info") in rules
    assert doc["events_compared"] == 53

    # text output names rule, event, pointer and shows a witness
    text = run("compat", str(old), str(new))
    assert text.returncode == 1
    assert f"property-removed  {victim.stem}  /{first_prop}" in text.stdout
    assert "witness (valid under new, rejected by old)" in text.stdout
    assert "\x1b[" not in text.stdout  # no colour when not a terminal


def test_catalog_event_level_changes(catalogs: tuple[Path, Path]) -> None:
    old, new = catalogs
    index = json.loads((new / "catalog.json").read_text())
    stable = sorted((new / "stable").glob("*.json"))
    beta = sorted((new / "beta").glob("*.json"))
    removed, demoted, rescoped = stable[0], stable[1], stable[2]
    promoted = beta[0]
    removed.unlink()
    index["events"].remove(removed.stem)
    (new / "catalog.json").write_text(json.dumps(index))
    _edit(demoted, lambda d: d.update({"x-stability": "beta"}))
    demoted.rename(new / "beta" / demoted.name)
    _edit(promoted, lambda d: d.update({"x-stability": "stable"}))
    promoted.rename(new / "stable" / promoted.name)
    _edit(rescoped, lambda d: d.update({"x-required-scope": "admin"}))
    report = check_compatibility(old, new)
    found = {(f.rule, f.event): f.status for f in report.findings}
    assert found[("event-removed", removed.stem)] == "breaking"
    assert found[("event-demoted", demoted.stem)] == "breaking"
    assert found[("required-scope-changed", rescoped.stem)] == "breaking"
    assert found[("event-promoted", promoted.stem)] == "info"
    # --stability beta only looks at events that were beta
    only_beta = check_compatibility(old, new, stability="beta")
    assert {f.event for f in only_beta.findings} == {promoted.stem}
    assert only_beta.exit_code == 0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with two commits of the catalog: v1 and a breaking v2."""
    root = tmp_path / "repo"
    shutil.copytree(SCHEMAS, root / "schemas")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-q", "-m", "v1")
    git("tag", "v1.0.0")
    target = sorted((root / "schemas" / "stable").glob("*.json"))[0]
    _edit(
        target, lambda d: d["properties"].update({next(iter(d["properties"])): {"type": "boolean"}})
    )
    beta = sorted((root / "schemas" / "beta").glob("*.json"))[0]
    _edit(
        beta, lambda d: d["properties"].update({next(iter(d["properties"])): {"type": "boolean"}})
    )
    git("commit", "-q", "-am", "v2")
    return root


def test_git_refs(repo: Path) -> None:
    target = "schemas/stable/" + sorted((repo / "schemas" / "stable").iterdir())[0].name
    same, changed, working, safe, single, missing, nowhere = run_many(
        [
            ["compat", "git:v1.0.0", "git:v1.0.0"],
            ["compat", "git:v1.0.0", "git:HEAD", "--format", "json"],
            ["compat", "git:HEAD", "schemas"],
            ["compat", "git:v1.0.0", "schemas", "--policy", "consumer-safe"],
            ["compat", f"git:v1.0.0:{target}", f"git:HEAD:{target}"],
            ["compat", "git:no-such-ref", "git:HEAD"],
            ["compat", "git:HEAD:nowhere", "git:HEAD"],
        ],
        cwd=repo,
    )
    assert same.returncode == 0, same.stderr
    assert changed.returncode == 1, changed.stderr
    doc = json.loads(changed.stdout)
    statuses = {(f["stability"], f["rule"]): f["status"] for f in doc["findings"]}
    # a stable retype breaks; a beta retype only warns (its narrowing half is info)
    assert statuses[("stable", "type-widened")] == "breaking"
    assert statuses[("stable", "type-narrowed")] == "breaking"
    assert statuses[("beta", "type-widened")] == "warning"
    assert statuses[("beta", "type-narrowed")] == "info"
    assert all(f["file"].startswith("schemas/") for f in doc["findings"])
    # the working tree folder against a ref; consumer-safe still fails on a retype
    assert working.returncode == 0, working.stderr
    assert safe.returncode == 1, safe.stderr
    # git:REF:PATH naming a single schema file
    assert single.returncode == 1, single.stderr
    assert "type-widened" in single.stdout
    # missing refs and paths: exit 2, one line, no traceback
    for result, message in (
        (missing, "git ref 'no-such-ref' not found"),
        (nowhere, "no 'nowhere' at git ref 'HEAD'"),
    ):
        assert result.returncode == 2
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_bad_input_exits_2_without_traceback(tmp_path: Path, catalogs: tuple[Path, Path]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(BASE))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"type": "strnig"}))
    dangling = tmp_path / "dangling.json"
    dangling.write_text(json.dumps({"properties": {"a": {"$ref": "#/$defs/missing"}}}))
    old, new = catalogs
    bad_event = sorted((new / "stable").glob("*.json"))[0]
    bad_event.write_text("[1,")
    cases = [
        ([str(good), str(broken)], "invalid JSON"),
        ([str(good), str(invalid)], "invalid JSON Schema"),
        ([str(dangling), str(good)], "dangling $ref"),
        ([str(good), str(tmp_path / "missing.json")], "no such schema file"),
        ([str(good), str(old)], "cannot compare a single schema file with a catalog"),
        ([str(old), str(new)], bad_event.name),
        ([str(good)], "needs two arguments"),
    ]
    results = run_many([["compat", *args] for args, _ in cases])
    for (args, message), result in zip(cases, results, strict=True):
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


# -- waivers ---------------------------------------------------------------------------------


def _breaking_pair(tmp_path: Path) -> tuple[Path, Path]:
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    changed = copy.deepcopy(BASE)
    del changed["properties"]["a"]
    changed["required"] = ["c"]
    changed["properties"]["c"]["enum"].append("w")
    old.write_text(json.dumps({**BASE, "title": "demo.event"}))
    new.write_text(json.dumps({**changed, "title": "demo.event"}))
    return old, new


def test_waivers(tmp_path: Path) -> None:
    old, new = _breaking_pair(tmp_path)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(
        f"""
[[waiver]]
rule = "property-removed"
event = "demo.event"
pointer = "/a"
reason = "field was never sent"
approver = "schema-owners"
expires = {future}

[[waiver]]
rule = "enum-value-added"
event = "demo.*"
reason = "consumers notified"
approver = "schema-owners"
expires = "{future}"
"""
    )
    result = run("compat", str(old), str(new), "--waivers", str(waivers), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert {f["status"] for f in doc["findings"]} == {"waived"}
    assert doc["findings"][0]["waiver"]["approver"] == "schema-owners"

    # one waiver dropped: the other finding fails again
    only = load_waivers(waivers)[:1]
    assert check_compatibility(str(old), str(new), waivers=only).exit_code == 1

    # an expired waiver fails even though it matches; a waiver matching nothing is stale
    json_waivers = tmp_path / "waivers.json"
    json_waivers.write_text(
        json.dumps(
            [
                {
                    "rule": "property-removed",
                    "event": "demo.event",
                    "pointer": "/a",
                    "reason": "r",
                    "approver": "me",
                    "expires": "2020-01-01",
                },
                {
                    "rule": "enum-value-added",
                    "event": "demo.event",
                    "reason": "r",
                    "approver": "me",
                    "expires": future,
                },
                {
                    "rule": "const-changed",
                    "event": "other.event",
                    "reason": "r",
                    "approver": "me",
                    "expires": future,
                },
            ]
        )
    )
    bad = tmp_path / "bad.json"
    bad.write_text('[{"rule": "nope"}]')
    result, text, broken = run_many(
        [
            ["compat", str(old), str(new), "--waivers", str(json_waivers), "--format", "json"],
            ["compat", str(old), str(new), "--waivers", str(json_waivers)],
            ["compat", str(old), str(new), "--waivers", str(bad)],
        ]
    )
    assert broken.returncode == 2
    assert "bad.json, at /0: waiver lacks 'event'" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert [w["rule"] for w in doc["waivers"]["expired"]] == ["property-removed"]
    assert [w["rule"] for w in doc["waivers"]["stale"]] == ["const-changed"]
    statuses = {f["rule"]: f["status"] for f in doc["findings"]}
    assert statuses == {"property-removed": "breaking", "enum-value-added": "waived"}
    assert text.returncode == 1
    assert "EXPIRED" in text.stdout
    assert "STALE" in text.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[{"rule": "nope", "event": "a.b", "reason": "r", "approver": "a", "expires": "2030-01-01"}]',
            "unknown rule 'nope'",
        ),
        (
            '[{"rule": "event-removed", "event": "a.b", "reason": "r", "approver": "a", "expires": "soon"}]',
            "expires must be a date",
        ),
        (
            '[{"rule": "event-removed", "event": "a.b", "reason": "r", "expires": "2030-01-01"}]',
            "lacks 'approver'",
        ),
        ("{oops", "invalid waivers file"),
    ],
)
def test_bad_waivers_are_refused(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "w.json"
    bad.write_text(content)
    with pytest.raises(CompatibilityError, match=message):
        load_waivers(bad)


# -- output formats --------------------------------------------------------------------------


def test_output_formats(tmp_path: Path) -> None:
    old, new = _breaking_pair(tmp_path)
    junit = tmp_path / "junit.xml"
    junit_run, github_run, sarif_run, markdown_run = run_many(
        [
            ["compat", str(old), str(new), "--format", "junit", "-o", str(junit)],
            ["compat", str(old), str(new), "--format", "github"],
            ["compat", str(old), str(new), "--format", "sarif"],
            ["compat", str(old), str(new), "--format", "markdown"],
        ]
    )
    assert junit_run.returncode == 1
    # -o FILE: the report goes to the file, the terminal gets the one-line verdict.
    assert junit_run.stdout == (
        f"FAILED: 1 event(s) compared, 2 breaking, 0 undecided, 0 non-gating, 0 waived, 0 info "
        f"(report: {junit})\n"
    )
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert "property-removed /a" in (failure.text or "")

    github = github_run.stdout.splitlines()
    assert any(line.startswith(f"::error file={new}") for line in github)
    assert all(line.startswith("::") for line in github)
    assert any("title=property-removed demo.event/a::" in line for line in github)

    sarif = json.loads(sarif_run.stdout)
    assert sarif["version"] == "2.1.0"
    driver = sarif["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"property-removed", "enum-value-added"}
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] == "error"

    markdown = markdown_run.stdout
    assert markdown.startswith("### ❌ Schema compatibility")
    assert "| breaking | `property-removed` | `demo.event` | `/a` |" in markdown
    assert "```json" in markdown


def test_list_rules() -> None:
    result = run("compat", "--list-rules")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["rule", "frozen", "consumer-safe"]
    table = lines[1 : lines.index("")]
    assert [line.split()[0] for line in table if not line.startswith(" ")] == list(RULES)
    assert "--undecided=warn" in result.stdout


def test_library_errors_are_conformance_errors(tmp_path: Path) -> None:
    with pytest.raises(SchemaError):
        check_compatibility({"type": "nope"}, BASE)
    with pytest.raises(CompatibilityError):
        check_compatibility(BASE, BASE, policy="lenient")  # type: ignore[arg-type]


def test_rules_docs_page_is_generated_from_the_table() -> None:
    """docs/compat-rules.md is render_rules_markdown(); regenerate it when rules change."""
    from conformance._compat import render_rules_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "compat-rules.md"
    assert page.read_text(encoding="utf-8") == render_rules_markdown()
    for rule in RULES.values():
        assert rule.rationale, rule.id
        assert f"`{rule.id}`" in page.read_text(encoding="utf-8")


def test_list_rules_shows_every_rationale() -> None:
    from conformance._compat import render_rules

    text = " ".join(render_rules().split())
    for rule in RULES.values():
        assert " ".join(("why: " + rule.rationale).split())[:60] in text


UNDECIDED_OLD = {
    "type": "object",
    "properties": {
        "s": {"type": "string", "oneOf": [{"pattern": "^[a-z]+$"}, {"pattern": "^[0-9]+$"}]}
    },
}
UNDECIDED_NEW = {
    "type": "object",
    "properties": {
        "s": {"type": "string", "anyOf": [{"pattern": "^[a-z]+$"}, {"pattern": "^[0-9]+$"}]}
    },
}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit", "github", "sarif"])
def test_undecided_is_its_own_verdict_in_every_format(tmp_path: Path, fmt: str) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(UNDECIDED_OLD))
    new.write_text(json.dumps(UNDECIDED_NEW))
    failing = run("compat", str(old), str(new), "--format", fmt)
    assert failing.returncode == 1, failing.stderr
    assert "undecided" in failing.stdout.lower()
    assert "oneOf" in failing.stdout
    assert "/s" in failing.stdout
    warned = run("compat", str(old), str(new), "--format", fmt, "--undecided=warn")
    assert warned.returncode == 0, warned.stderr
    assert "undecided" in warned.stdout.lower()
