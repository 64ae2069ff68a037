"""``casedev-conformance compat``: the breaking-change gate for schema changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .._errors import UsageError
from . import command_entry


@click.command("compat")
@click.argument("sides", nargs=-1, metavar="OLD NEW")
@click.option(
    "--policy",
    type=click.Choice(["frozen", "consumer-safe"]),
    default=None,
    help="Judge every event by this policy (default: frozen for stable, consumer-safe for beta).",
)
@click.option(
    "--stability",
    type=click.Choice(["stable", "beta"]),
    default=None,
    help="Stability of single schema files (default: x-stability, else stable); "
    "for catalogs, only check events of this level.",
)
@click.option("--strict-beta", is_flag=True, help="Let breaking changes to beta events fail too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "junit", "github", "sarif"]),
    default="text",
    show_default=True,
)
@click.option(
    "--waivers",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML or JSON file of acknowledged breaking changes.",
)
@click.option("--list-rules", is_flag=True, help="Print the rule table and exit.")
@click.option(
    "--against-tags",
    metavar="PATTERN",
    default=None,
    help="Check NEW against every git tag matching PATTERN (e.g. 'v*'), not only the last.",
)
@click.option(
    "--path",
    "git_path",
    default="schemas",
    show_default=True,
    help="Catalog folder inside the repository for --against-tags.",
)
@click.option("--no-witness", is_flag=True, help="Skip the witness search (faster).")
@click.option(
    "--undecided",
    type=click.Choice(["fail", "warn"]),
    default="fail",
    show_default=True,
    help="What a change the checker can neither prove safe nor show breaking does: "
    "fail the gate (fail closed) or only warn.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here instead of stdout.",
)
@command_entry
def compat(  # noqa: PLR0917 - click passes every option
    sides: tuple[str, ...],
    policy: str | None,
    stability: str | None,
    strict_beta: bool,
    fmt: str,
    waivers: Path | None,
    list_rules: bool,
    against_tags: str | None,
    git_path: str,
    no_witness: bool,
    undecided: str,
    output: Path | None,
) -> int:
    """Fail when NEW can send a payload that consumers of OLD did not expect.

    OLD and NEW are each a payload schema file, a catalog folder, or git:REF[:PATH]
    (the catalog under schemas/ of this git repository at REF). Exit 0: no breaking
    change; 1: breaking, or undecided (unless --undecided=warn); 2: an input could not
    be loaded.
    """
    from .._compat import (
        check_against_tags,
        check_compatibility,
        load_waivers,
        render,
        render_rules,
    )

    if list_rules:
        click.echo(render_rules(), nl=False)
        return 0
    acknowledged = load_waivers(waivers) if waivers is not None else []
    if against_tags is not None:
        if len(sides) != 1:
            raise UsageError("compat --against-tags PATTERN takes exactly one argument: NEW")
        report = check_against_tags(
            against_tags,
            sides[0],
            path=git_path,
            policy=policy,  # type: ignore[arg-type]
            strict_beta=strict_beta,
            waivers=acknowledged,
            witnesses=not no_witness,
            undecided=undecided,
        )
    else:
        if len(sides) != 2:
            raise UsageError("compat needs two arguments, OLD and NEW (or --list-rules)")
        report = check_compatibility(
            sides[0],
            sides[1],
            policy=policy,  # type: ignore[arg-type]
            stability=stability,
            strict_beta=strict_beta,
            waivers=acknowledged,
            witnesses=not no_witness,
            undecided=undecided,
        )
    color = (
        fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    text = render(report, fmt, color=color)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=False)
    return report.exit_code
