"""``casedev-conformance compat``: the breaking-change gate for schema changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .._errors import UsageError
from .._files import write_file
from . import command_entry
from ._options import QUIET, common_options, echo, verbosity
from ._params import max_age_option


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
@common_options
@click.option(
    "--consumers",
    "consumer_specs",
    multiple=True,
    metavar="PATH",
    help="Usage manifests of consumers: a file, a folder of them, or git:REF:PATH "
    "(repeatable). Every finding lists the consumers that read what it changes.",
)
@click.option(
    "--consumers-only",
    is_flag=True,
    help="Gate only on what the --consumers read: a breaking change no consumer reads is "
    "a warning (unless a manifest is stale).",
)
@max_age_option("A usage manifest recorded more than DAYS days ago is stale.")
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
    consumer_specs: tuple[str, ...],
    consumers_only: bool,
    max_age: int,
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
        load_side,
        load_waivers,
        render,
        render_rules,
        verdict_line,
    )

    if list_rules:
        click.echo(render_rules(), nl=False)
        return 0
    if consumers_only and not consumer_specs:
        raise UsageError("--consumers-only needs --consumers PATH (the usage manifests)")
    manifests = None
    if consumer_specs:
        from .._usage import load_consumers

        manifests = load_consumers(consumer_specs)  # bad manifests: exit 2 before comparing
    acknowledged = load_waivers(waivers) if waivers is not None else []
    versions: list[str | None] = []
    if against_tags is not None:
        if len(sides) != 1:
            raise UsageError("compat --against-tags PATTERN takes exactly one argument: NEW")
        if manifests is not None:
            from .._usage import side_version

            versions.append(side_version(load_side(sides[0])))
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
        before = load_side(sides[0], stability=stability)
        after = load_side(sides[1], stability=stability)
        if manifests is not None:
            from .._usage import side_version

            versions += [side_version(before), side_version(after)]
        report = check_compatibility(
            before,
            after,
            policy=policy,  # type: ignore[arg-type]
            stability=stability,
            strict_beta=strict_beta,
            waivers=acknowledged,
            witnesses=not no_witness,
            undecided=undecided,
        )
    if manifests is not None:
        from .._usage import consumers_step

        report = consumers_step(
            report,
            manifests,
            versions=versions,
            consumers_only=consumers_only,
            max_age_days=max_age,
        )
    color = (
        fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    text = render(report, fmt, color=color)
    if output is not None:
        write_file(output, text, what="report")
        # The report went to the file; the terminal still gets the verdict.
        echo(f"{verdict_line(report)} (report: {output})", level=QUIET)
    elif verbosity() == QUIET and fmt == "text":
        echo(verdict_line(report), level=QUIET)
    else:
        click.echo(text, nl=False)
    return report.exit_code
