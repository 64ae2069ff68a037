"""Every command shown in a ``console`` block of the README or docs/ runs, and prints what
the page shows.

A ``console`` block is a session: ``$ command`` lines, run in order in one sandbox
(by bash, so pipes and globs work), each followed by the output it prints (stdout then
stderr). ``...`` in the shown output stands for any text (doctest's
ELLIPSIS), so seeds, timings and ids can be elided. A command shown without output must
still run without a usage error (exit 2) or a traceback. Commands run in a sandbox: a git
repository holding the catalog with release tags ``v1.2.0`` and ``v1.4.0`` (the same), ``v1.5.0`` and ``v2.0.0`` and an
``origin/main`` ref, the examples, the fixtures, and ``old.json``/``new.json``.
Blocks inside generated regions (``--help`` texts) are checked by tests/test_docs.py.
"""

from __future__ import annotations

import doctest
import json
import os
import re
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
    """One ``console`` block of a page: its ``$ command`` lines, each with the output
    shown under it. The commands of a block run in order, in one sandbox."""

    page: str
    line: int
    steps: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def shown_blocks() -> list[Shown]:
    found = []
    for page in PAGES:
        text = GENERATED.sub(lambda m: "\n" * m.group(0).count("\n"), page.read_text("utf-8"))
        for block in BLOCK.finditer(text):
            first = text.count("\n", 0, block.start(1)) + 1
            steps: list[tuple[str, list[str]]] = []
            for line in block.group(1).splitlines():
                if line.startswith("$ "):
                    steps.append((line[2:], []))
                elif steps:
                    steps[-1][1].append(line)
            if steps:
                found.append(Shown(page.name, first, tuple((c, "\n".join(o)) for c, o in steps)))
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
    base = tmp_path_factory.mktemp("docs-sandbox")
    root = base / "repo"
    root.mkdir()
    for name in ("schemas", "examples", "fixtures"):
        shutil.copytree(ROOT / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "schemas")
    git(root, "commit", "-qm", "v1.4.0")
    git(root, "tag", "v1.2.0")
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
    return base


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as a shell would (pipes, globs, ``VAR=value`` prefixes), with the
    installed ``casedev-conformance`` first on the PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    for name in [n for n in env if n.startswith("CONFORMANCE_")]:
        del env[name]
    return subprocess.run(
        ["bash", "-c", command.replace("pytest ", f"{sys.executable} -m pytest ", 1)],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


@pytest.mark.parametrize("shown", shown_blocks(), ids=str)
def test_shown_commands_run_and_print_what_the_page_shows(shown: Shown, sandbox: Path) -> None:
    workdir = sandbox / f"{shown.page}-{shown.line}"
    shutil.copytree(sandbox / "repo", workdir, symlinks=True)
    for command, output in shown.steps:
        result = run(command, workdir)
        printed = result.stdout + result.stderr
        assert "Traceback" not in printed, f"{shown}: {command}\n{printed}"
        if output.strip():
            assert CHECKER.check_output(output.strip() + "\n", printed.strip() + "\n", FLAGS), (
                f"{shown}: `{command}` printed:\n{printed}\nbut the page shows:\n{output}"
            )
        else:
            assert result.returncode in (0, 1), (
                f"{shown}: `{command}` exited {result.returncode}\n{printed}"
            )


def test_every_page_command_is_collected() -> None:
    blocks = shown_blocks()
    commands = [c for b in blocks for c, _ in b.steps]
    assert any(c.startswith("casedev-conformance fuzz") for c in commands)
    assert all(b.line > 0 for b in blocks)
