"""The docs importer: byte-for-byte reproduction of schemas/, and clear failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import conftest
import pytest
from conftest import DOCS_PAGE, SCHEMAS
from hypothesis import given
from hypothesis import strategies as st

from conformance import load_catalog
from conformance._catalog._docs_import import parse_docs
from conformance._catalog._docs_render import docs_drift, render_docs
from conformance._catalog._notation import parse_type, render_type


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return conftest.cli(*args)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_import_reproduces_the_committed_schemas_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    proc = run("catalog", "import", DOCS_PAGE, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 55 files" in proc.stdout
    ours, committed = _tree(out), _tree(SCHEMAS)
    assert sorted(ours) == sorted(committed)
    differing = [name for name in committed if ours[name] != committed[name]]
    assert differing == []


def test_reimport_repairs_edits_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    assert run("catalog", "import", DOCS_PAGE, "--out", out).returncode == 0
    (out / "beta" / "agent.created.json").write_text("{}", encoding="utf-8")
    (out / "stable" / "vault.upload.deleted.json").write_text("{}", encoding="utf-8")
    assert run("catalog", "import", DOCS_PAGE, "--out", out).returncode == 0
    assert _tree(out) == _tree(SCHEMAS)


def test_render_then_parse_gives_back_the_page() -> None:
    page = parse_docs(DOCS_PAGE.read_text(encoding="utf-8"))
    rendered = parse_docs(render_docs(load_catalog()))
    assert rendered == page
    assert docs_drift(DOCS_PAGE.read_text(encoding="utf-8"), load_catalog()) == []


def _doctor(tmp_path: Path, old: str, new: str) -> Path:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "page.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(text: str) -> int:
    return DOCS_PAGE.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "sizeBytes | number | Yes | Size of the uploaded file in bytes. |",
            "sizeBytes | integer | Yes | Size of the uploaded file in bytes. |",
            [
                f"line {_line_of('sizeBytes | number | Yes | Size of the uploaded file in bytes. |')}",
                "field sizeBytes",
                "unknown type 'integer'",
            ],
        ),
        (
            "filename | string | Yes | - |",
            "filename | string | Maybe | - |",
            ["event vault.upload.completed", "cannot read field row"],
        ),
        (
            "| Required scope | vision_ocr |",
            "| Required scope | vision |",
            ["event ocr.job.created", "property table"],
        ),
        (
            "vault.upload.failed\n",
            "vault.upload.broke\n",
            ["event vault.upload.broke has a section but no catalog row"],
        ),
        (
            "| Event | Stability | Scope | Resource | Description |",
            "| Event | Scope |",
            ["no catalog table"],
        ),
    ],
    ids=["unknown-type", "bad-required", "property-mismatch", "unknown-section", "no-table"],
)
def test_a_broken_docs_page_is_one_line_exit_2(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    page = _doctor(tmp_path, old, new)
    proc = run("catalog", "import", page, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(page) in lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    assert not (tmp_path / "out").exists()  # nothing written from a page that fails


@pytest.mark.parametrize("content", [None, b"\xff\xfe not utf-8"], ids=["missing", "non-utf8"])
def test_unreadable_docs_page(tmp_path: Path, content: bytes | None) -> None:
    page = tmp_path / "page.txt"
    if content is not None:
        page.write_bytes(content)
    for args in (
        ["catalog", "import", page, "--out", tmp_path / "o"],
        ["catalog", "docs", "--check", page],
    ):
        proc = run(*args)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert "cannot read docs page" in proc.stderr


def test_every_type_on_the_page_round_trips() -> None:
    types = {f.type for s in parse_docs(DOCS_PAGE.read_text(encoding="utf-8")) for f in s.fields}
    for text in types:
        assert render_type(parse_type(text)) == text


_base = st.sampled_from(["string", "number", "boolean", "object", "true"])
_literal = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True).map(lambda s: f"'{s}'")
_member = st.tuples(st.from_regex(r"[a-z][A-Za-z]{0,8}", fullmatch=True), _base)


@st.composite
def notations(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["base", "array", "enum", "object"]))
    if kind == "base":
        text = draw(_base.filter(lambda t: t != "true"))
    elif kind == "array":
        text = draw(st.sampled_from(["string", "number", "boolean", "object"])) + "[]"
    elif kind == "enum":
        text = " | ".join(draw(st.lists(_literal, min_size=1, max_size=4, unique=True)))
    else:
        members = draw(st.lists(_member, min_size=1, max_size=3, unique_by=lambda m: m[0]))
        text = "{" + "; ".join(f"{n}: {t}" for n, t in members) + "}"
    return text + (" | null" if draw(st.booleans()) else "")


@given(notations())
def test_notation_round_trips(text: str) -> None:
    """Law: rendering the schema parsed from a docs type gives the same docs type."""
    assert render_type(parse_type(text)) == text


def test_rendered_tables_are_the_docs_pages_own_lines() -> None:
    """`catalog docs` writes the page's tables byte for byte (the page's empty "Example"
    headings aside: its examples are not part of the catalog)."""
    page = DOCS_PAGE.read_text(encoding="utf-8").splitlines()
    tables = page[page.index("| Event | Stability | Scope | Resource | Description |") :]
    rendered = render_docs(load_catalog()).splitlines()
    assert [line for line in rendered if line != "Example"] == [
        line for line in tables if line.strip() and line != "Example"
    ]
