"""Release reports on a real git repository with four tagged releases, and the transitive gate."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import SCHEMAS, run_many

from conformance import load_catalog
from conformance._compat import EventSchema
from conformance._compat._release import (
    _warnings,
    doc_changes,
    history_report,
    release_report,
    render_html,
)

CATALOG = load_catalog(SCHEMAS)
STABLE = [e.name for e in CATALOG if e.stability == "stable"]
BETA = [e.name for e in CATALOG if e.stability == "beta"]
GROWN, RETIRED_FIELD, REWORDED = STABLE[0], STABLE[1], STABLE[2]
BETA_CHANGED, PROMOTED = BETA[0], BETA[1]
NEW_EVENT = "zz.release.added"


def _edit(root: Path, name: str, change: Any) -> None:
    path = next((root / "schemas").glob(f"*/{name}.json"))
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v1.0.0 the catalog; v1.1.0 adds a field, an event and changes a beta event;
    v2.0.0 removes a stable field and promotes a beta event; v2.1.0 rewords a
    description (a patch released as a minor: the tag disagrees)."""
    root = tmp_path_factory.mktemp("releases")
    shutil.copytree(SCHEMAS, root / "schemas")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-qm", "1.0.0")
    git("tag", "v1.0.0")

    _edit(root, GROWN, lambda d: d["properties"].update(addedField={"type": "string"}))
    _edit(root, BETA_CHANGED, lambda d: d["properties"].update(betaField={"type": "integer"}))
    template = json.loads(next((root / "schemas").glob(f"*/{GROWN}.json")).read_text())
    template.update(title=NEW_EVENT, **{"$id": f"urn:test:{NEW_EVENT}"})
    (root / "schemas" / "stable" / f"{NEW_EVENT}.json").write_text(json.dumps(template))
    git("add", ".")
    git("commit", "-qm", "1.1.0")
    git("tag", "v1.1.0")

    def drop_field(d: dict[str, Any]) -> None:
        gone = sorted(d["properties"])[0]
        del d["properties"][gone]
        d["required"] = [r for r in d.get("required", []) if r != gone]

    _edit(root, RETIRED_FIELD, drop_field)
    beta_file = root / "schemas" / "beta" / f"{PROMOTED}.json"
    data = json.loads(beta_file.read_text())
    data["x-stability"] = "stable"
    beta_file.unlink()
    (root / "schemas" / "stable" / f"{PROMOTED}.json").write_text(json.dumps(data))
    git("add", "-A")
    git("commit", "-qm", "2.0.0")
    git("tag", "v2.0.0")

    _edit(root, REWORDED, lambda d: d.update(description="Clearer words."))
    git("commit", "-qam", "2.1.0")
    git("tag", "v2.1.0")
    return root


def _verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {e["event"]: e["verdict"] for e in report["events"]}


def test_history_json_verdicts_and_semver(repo: Path) -> None:
    (result,) = run_many([["report", "--history", "--format", "json"]], repo)
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)
    assert [(r["from"], r["to"]) for r in history] == [
        (None, "v1.0.0"),
        ("v1.0.0", "v1.1.0"),
        ("v1.1.0", "v2.0.0"),
        ("v2.0.0", "v2.1.0"),
    ]
    assert [r["semver"] for r in history] == ["initial", "minor", "major", "patch"]
    assert len(history[0]["events"]) == len(CATALOG)
    assert _verdicts(history[1]) == {
        GROWN: "compatible",
        BETA_CHANGED: "beta-changed",
        NEW_EVENT: "added",
    }
    assert _verdicts(history[2]) == {RETIRED_FIELD: "breaking", PROMOTED: "promoted"}
    assert _verdicts(history[3]) == {REWORDED: "compatible"}
    removed = next(e for e in history[2]["events"] if e["event"] == RETIRED_FIELD)
    assert "property-removed" in {c["rule"] for c in removed["changes"]}
    for change in removed["changes"]:
        assert set(change) >= {"rule", "pointer", "old", "new"}
    reworded = history[3]["events"][0]["changes"]
    assert reworded == [
        {
            "rule": "doc-changed",
            "severity": "info",
            "pointer": "#/description",
            "old": CATALOG[REWORDED].description,
            "new": "Clearer words.",
            "message": "description changed at #/description",
        }
    ]
    # the tag disagrees with the bump its changes needed
    assert history[3]["warnings"] == [
        "v2.1.0 is a minor release after v2.0.0, but its changes need a patch bump"
    ]
    assert "warning: v2.1.0 is a minor release" in result.stderr
    assert all(not r["warnings"] for r in history[:3])


def test_markdown_html_and_fail_on_breaking(repo: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    markdown, html_run, gate, calm, missing, no_refs, no_tags = run_many(
        [
            ["report", "--from", "v1.1.0", "--to", "v2.0.0"],
            ["report", "--history", "--format", "html", "-o", str(page)],
            ["report", "--from", "v1.0.0", "--to", "v2.0.0", "--fail-on-breaking"],
            ["report", "--from", "v1.0.0", "--to", "v1.1.0", "--fail-on-breaking"],
            ["report", "--from", "v1.0.0", "--to", "v9.9.9"],
            ["report", "--format", "json"],
            ["report", "--history", "--tags", "release-*"],
        ],
        repo,
    )
    assert markdown.returncode == 0
    text = markdown.stdout
    assert text.startswith("## v1.1.0 → v2.0.0")
    assert "Semver bump needed: **major**" in text
    assert f"| `{RETIRED_FIELD}` | stable | **breaking** |" in text
    assert f"| `{PROMOTED}` | stable | **promoted** |" in text
    assert "breaking `property-removed`" in text

    assert gate.returncode == 1
    assert calm.returncode == 0
    for result, message in (
        (missing, "git ref 'v9.9.9' not found"),
        (no_refs, "report needs --from REF and --to REF"),
        (no_tags, "no git tag matches 'release-*'"),
    ):
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr

    assert html_run.returncode == 0, html_run.stderr
    assert html_run.stdout == ""
    doc = page.read_text()
    parsed = _Page()
    parsed.feed(doc)
    assert parsed.summary_rows == 4
    assert parsed.verdicts[RETIRED_FIELD] == "breaking"
    assert parsed.verdicts[NEW_EVENT] == "added"
    assert parsed.external == []  # self-contained: no scripts, links, images or fonts
    assert parsed.styles == 1


class _Page(HTMLParser):
    """Collect what the tests check in the HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.summary_rows = 0
        self.verdicts: dict[str, str] = {}
        self.external: list[str] = []
        self.styles = 0
        self._in_summary = False
        self._first_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("id") == "summary":
            self._in_summary = True
        elif tag == "td" and self._in_summary and self._first_cell:
            self.summary_rows += 1
            self._first_cell = False
        elif tag == "tr":
            self._first_cell = True
            if found.get("class") == "event":
                self.verdicts[str(found["data-event"])] = str(found["data-verdict"])
        if tag == "style":
            self.styles += 1
        if tag in ("script", "link", "img", "iframe") or any(k in ("src", "srcset") for k in found):
            self.external.append(tag)
        href = found.get("href")
        if href and not href.startswith("#"):
            self.external.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_summary = False


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium here; parsed with html.parser")
def test_html_renders_in_headless_chromium_offline(repo: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(history_report("v*", cwd=repo)))
    browser = _browser()
    assert browser is not None
    result = subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # no network
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    dom = result.stdout
    assert 'id="summary"' in dom
    assert f'data-event="{RETIRED_FIELD}" data-verdict="breaking"' in dom
    assert "v2.1.0 is a minor release after v2.0.0" in dom


def test_transitive_gate_against_every_tag(repo: Path) -> None:
    gate, two_args = run_many(
        [
            ["compat", "--against-tags", "v*", "schemas", "--format", "json"],
            ["compat", "--against-tags", "v*", "schemas", "schemas"],
        ],
        repo,
    )
    assert gate.returncode == 1, gate.stderr
    doc = json.loads(gate.stdout)
    removed = {
        f["against"]
        for f in doc["findings"]
        if f["rule"] == "property-removed" and f["event"] == RETIRED_FIELD
    }
    # the field is gone since v2.0.0: the working tree breaks v1.0.0 and v1.1.0 consumers
    assert removed == {"v1.0.0", "v1.1.0"}
    assert two_args.returncode == 2
    assert "exactly one argument" in two_args.stderr


def test_release_report_library(repo: Path) -> None:
    report = release_report("v1.0.0", "v2.1.0", cwd=repo)
    assert report.semver == "major"
    assert report.breaking
    verdicts = {e.event: e.verdict for e in report.events}
    assert verdicts[RETIRED_FIELD] == "breaking"
    assert verdicts[NEW_EVENT] == "added"
    assert verdicts[PROMOTED] == "promoted"
    assert set(report.to_dict()) == {"from", "to", "semver", "warnings", "events"}


def test_doc_changes_ignore_fields_named_like_keywords() -> None:
    old = {
        "description": "a",
        "properties": {"title": {"type": "string", "description": "x"}},
        "examples": [{"title": "t"}],
    }
    new = {
        "description": "a",
        "properties": {"title": {"type": "integer", "description": "y"}},
        "examples": [{"title": "u"}],
    }
    changes = doc_changes(EventSchema("e", "stable", "", old), EventSchema("e", "stable", "", new))
    assert [(c.pointer, c.old, c.new) for c in changes] == [
        ("#/examples", [{"title": "t"}], [{"title": "u"}]),
        ("#/properties/title/description", "x", "y"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "needed", "warned"),
    [
        ("v1.0.0", "v2.0.0", "major", False),
        ("v1.0.0", "v1.1.0", "major", True),
        ("v1.0.0", "v1.0.1", "minor", True),
        ("v1.0.0", "v1.1.0", "minor", False),
        ("v1.2.0", "v1.2.1", "patch", False),
        ("v1.2.0", "v2.0.0", "patch", True),
        ("v0.3.0", "v0.4.0", "major", False),  # 0.x: a minor bump may break
        ("v1.2.0", "v1.1.0", "patch", True),
        ("main", "v1.0.0", "major", False),
    ],
)
def test_tag_version_warnings(old: str, new: str, needed: str, warned: bool) -> None:
    assert bool(_warnings(old, new, needed)) is warned  # type: ignore[arg-type]
