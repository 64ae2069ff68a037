"""The docs cannot drift from the tool: generated tables, links, samples, the front door."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from conformance import load_waivers

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "_generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_generated_regions_match_the_code(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    fresh = _generator().regenerate(text, str(page))
    assert fresh == text, f"{page.name} drifted from the code: run python docs/_generate.py"


def test_a_changed_region_is_drift() -> None:
    generator = _generator()
    page = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
    tampered = page.replace("| `handler` |", "| `handlr` |", 1)
    assert tampered != page
    assert generator.regenerate(tampered, "plugin.md") == page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = [
        target
        for target, _anchor in LINK.findall(text)
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert missing == []


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    # It opens with the two set-up commands: the main job, then the tests.
    commands = re.findall(r"^python3 -m venv .*$", readme, re.M)[:2]
    assert "casedev-conformance fuzz examples/handler.py:handle" in commands[0]
    assert "tox run" in commands[1]
    # Every docs page is linked from it.
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, page.name


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, re.S)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_toml_samples_parse_and_waiver_samples_have_not_expired(page: Path, tmp_path: Path) -> None:
    for block in _toml_blocks(page.read_text(encoding="utf-8")):
        data = tomllib.loads(block)
        if "waiver" not in data:
            continue
        sample = tmp_path / "waivers.toml"
        sample.write_text(block, encoding="utf-8")
        for waiver in load_waivers(sample):
            assert waiver.expires > dt.datetime.now(dt.UTC).date(), (
                f"the sample waiver in {page.name} has expired: samples must not rot"
            )
