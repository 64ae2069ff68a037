"""Regenerate the docs' tables that mirror the code; ``--check`` fails on drift.

A generated region in a Markdown page looks like::

    <!-- generated: NAME -->
    ...whatever NAME renders...
    <!-- end generated -->

``python docs/_generate.py`` rewrites every region of README.md and docs/*.md from the
code; ``python docs/_generate.py --check`` (run by tests/test_docs.py) exits 1 naming each
page whose regions drifted.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGION = re.compile(
    r"(<!-- generated: (?P<name>[\w:.-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)
HELP_WIDTH = 100


def settings_table() -> str:
    """The settings, their pytest ini names, options and environment variables."""
    from conformance._config import SETTINGS

    rows = [
        "| setting | pytest ini / option | environment | meaning |",
        "|---|---|---|---|",
    ]
    for name, (_kind, help_text) in SETTINGS.items():
        option = "--conformance-" + name.replace("_", "-")
        rows.append(
            f"| `{name.replace('_', '-')}` | `conformance_{name}` / `{option}` "
            f"| `CONFORMANCE_{name.upper()}` | {help_text} |"
        )
    return "\n".join(rows) + "\n"


def contract_cases_table() -> str:
    """The contract cases contract mode adds, with what each one sends."""
    from conformance._fuzzing import fuzz_cases

    rows = ["| case | what arrives |", "|---|---|"]
    for case in fuzz_cases("*", contract=True):
        if case.is_contract:
            rows.append(f"| `{case.id}` | {case.description} |")
    return "\n".join(rows) + "\n"


def help_text(*command: str) -> Callable[[], str]:
    """The ``--help`` output of ``casedev-conformance COMMAND...``, as a console block."""

    def render() -> str:
        from click.testing import CliRunner

        from conformance._cli import cli

        result = CliRunner().invoke(
            cli,
            [*command, "--help"],
            prog_name="casedev-conformance",
            terminal_width=HELP_WIDTH,
        )
        args = " ".join(command)
        shown = f"$ casedev-conformance {args} --help".replace("  ", " ")
        return f"```console\n{shown}\n{result.output.rstrip()}\n```\n"

    return render


def generators() -> dict[str, Callable[[], str]]:
    """Region name -> its renderer."""
    from conformance._cli import COMMANDS

    found: dict[str, Callable[[], str]] = {
        "settings": settings_table,
        "contract-cases": contract_cases_table,
        "help": help_text(),
    }
    for name in COMMANDS:
        found[f"help:{name}"] = help_text(name)
    return found


def regenerate(text: str, where: str) -> str:
    """``text`` with every generated region rendered afresh."""
    known = generators()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in known:
            raise SystemExit(f"{where}: unknown generated region {name!r}")
        return match.group(1) + known[name]() + match.group(4)

    return REGION.sub(replace, text)


def pages() -> list[Path]:
    """The Markdown pages that may hold generated regions."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drifted = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        fresh = regenerate(text, str(page.relative_to(ROOT)))
        if fresh != text:
            drifted.append(str(page.relative_to(ROOT)))
            if not check:
                page.write_text(fresh, encoding="utf-8")
    if check and drifted:
        print(f"generated docs drifted: {', '.join(drifted)}; run python docs/_generate.py")
        return 1
    for page in drifted:
        print(f"regenerated {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
