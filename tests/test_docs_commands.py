"""Every command shown in a ``console`` block of the README or docs/ runs, and prints what
the page shows.

A ``console`` block is a session: ``$ command`` lines, each followed by the output it
prints (stdout then stderr). ``...`` in the shown output stands for any text (doctest's
ELLIPSIS), so seeds, timings and ids can be elided. A command shown without output must
still run without a usage error (exit 2) or a traceback. Commands run in a sandbox: a git
repository holding the catalog with release tags ``v1.4.0``, ``v1.5.0`` and ``v2.0.0`` and an
``origin/main`` ref, the examples, the fixtures, and ``old.json``/``new.json``.
Blocks inside generated regions (``--help`` texts) are checked by tests/test_docs.py.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = re.compile(r"<!-- generated: [\w:.-]+ -->.*?<!-- end generated -->", re.S)
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Shown:
    """One ``$ command`` of a page and the output shown under it."""

    page: str
    line: int
    command: str
    output: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def shown_commands() -> list[Shown]:
    found = []
    for page in PAGES:
        text = GENERATED.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text("utf-8"))
        for block in BLOCK.finditer(text):
            first = text.count("\n", 0, block.start(1)) + 1
            current: list[str] | None = None
            command, at = "", 0
            for offset, line in enumerate(block.group(1).splitlines()):
                if line.startswith("$ "):
                    if current is not None:
                        found.append(Shown(page.name, at, command, "\n".join(current)))
                    command, at, current = line[2:], first + offset, []
                elif current is not None:
                    current.append(line)
            if current is not None:
                found.append(Shown(page.name, at, command, "\n".join(current)))
    return found


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
             "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs-sandbox")
    for name in ("schemas", "examples", "fixtures"):
        shutil.copytree(ROOT / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "schemas")
    git(root, "commit", "-qm", "v1.4.0")
    git(root, "tag", "v1.4.0")
    # v1.5.0 adds an optional field to a stable event: a minor, compatible release.
    event = root / "schemas" / "stable" / "vault.upload.completed.json"
    schema = json.loads(event.read_text())
    schema["properties"]["checksum"] = {"type": "string", "description": "SHA-256 of the file"}
    event.write_text(json.dumps(schema, indent=2) + "\n")
    git(root, "commit", "-qam", "v1.5.0")
    git(root, "tag", "v1.5.0")
    # v2.0.0 removes a field of a stable event: a breaking, major release.
    del schema["properties"]["checksum"]
    removed = sorted(schema["properties"])[0]
    del schema["properties"][removed]
    schema["required"] = [r for r in schema.get("required", []) if r != removed]
    event.write_text(json.dumps(schema, indent=2) + "\n")
    git(root, "commit", "-qam", "v2.0.0")
    git(root, "tag", "v2.0.0")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    # old.json / new.json: one beta event, a field made nullable.
    old = json.loads(next((root / "schemas" / "beta").glob("*.json")).read_text())
    (root / "old.json").write_text(json.dumps(old, indent=2))
    new = json.loads(json.dumps(old))
    first = sorted(new.get("properties", {}))[0]
    new["properties"][first] = {"anyOf": [new["properties"][first], {"type": "null"}]}
    (root / "new.json").write_text(json.dumps(new, indent=2))
    # captured.jsonl: every valid payload fixture, one delivery per line.
    with (root / "captured.jsonl").open("w") as out:
        for path in sorted((ROOT / "fixtures" / "payloads").glob("*/valid-*.json")):
            out.write(json.dumps(json.loads(path.read_text())["delivery"]) + "\n")
    return root


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command, comments=True)
    if argv[0] == "casedev-conformance":
        argv = [sys.executable, "-m", "conformance", *argv[1:]]
    elif argv[0] == "pytest":
        argv = [sys.executable, "-m", "pytest", *argv[1:]]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        argv, check=False, cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


@pytest.mark.parametrize("shown", shown_commands(), ids=str)
def test_shown_command_runs_and_prints_what_the_page_shows(shown: Shown, sandbox: Path) -> None:
    result = run(shown.command, sandbox)
    printed = result.stdout + result.stderr
    assert "Traceback" not in printed, f"{shown}: {shown.command}\n{printed}"
    if shown.output.strip():
        assert CHECKER.check_output(shown.output.strip() + "\n", printed.strip() + "\n", FLAGS), (
            f"{shown}: `{shown.command}` printed:\n{printed}\nbut the page shows:\n{shown.output}"
        )
    else:
        assert result.returncode in (0, 1), (
            f"{shown}: `{shown.command}` exited {result.returncode}\n{printed}"
        )


def test_every_page_command_is_collected() -> None:
    commands = [s.command for s in shown_commands()]
    assert any(c.startswith("casedev-conformance fuzz") for c in commands)
    assert all(s.line > 0 for s in shown_commands())
