"""``casedev-conformance report``: release compatibility reports across git refs."""

from __future__ import annotations

from pathlib import Path

import click

from .._errors import UsageError
from .._files import write_file
from . import command_entry
from ._options import common_options
from ._params import max_age_option


@click.command("report")
@click.option("--from", "from_ref", metavar="REF", default=None, help="The earlier release.")
@click.option("--to", "to_ref", metavar="REF", default=None, help="The later release.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here instead of stdout.",
)
@click.option(
    "--path",
    "git_path",
    default="schemas",
    show_default=True,
    help="Catalog folder inside the repository.",
)
@click.option("--history", is_flag=True, help="One section per release tag, oldest first.")
@click.option(
    "--tags",
    "pattern",
    default="v*",
    show_default=True,
    metavar="PATTERN",
    help="Release tags for --history (git glob).",
)
@click.option(
    "--fail-on-breaking", is_flag=True, help="Exit 1 when a release broke a stable event."
)
@common_options
@click.option(
    "--consumers",
    "consumer_specs",
    multiple=True,
    metavar="PATH",
    help="Usage manifests (file, folder or git:REF:PATH; repeatable): list the consumers "
    "each changed event affects.",
)
@max_age_option("A usage manifest recorded more than DAYS days ago is reported as stale.")
@command_entry
def report(  # noqa: PLR0917 - click passes every option
    from_ref: str | None,
    to_ref: str | None,
    fmt: str,
    output: Path | None,
    git_path: str,
    history: bool,
    pattern: str,
    fail_on_breaking: bool,
    consumer_specs: tuple[str, ...],
    max_age: int,
) -> int:
    """Report what changed in the catalog between two git refs, per event, with the
    semver bump each release needed. Exit 0 (not a gate) unless an input cannot be
    loaded (2) or --fail-on-breaking finds a breaking release (1).
    """
    from .._compat import RENDERERS, ReleaseReport, history_report, release_report

    manifests = None
    if consumer_specs:
        from .._usage import load_consumers

        manifests = load_consumers(consumer_specs)
    reports: ReleaseReport | list[ReleaseReport]
    if history:
        if from_ref or to_ref:
            raise UsageError("report --history takes no --from/--to (use --tags PATTERN)")
        reports = history_report(pattern, path=git_path)
        chosen = reports
    else:
        if not from_ref or not to_ref:
            raise UsageError("report needs --from REF and --to REF (or --history)")
        reports = release_report(from_ref, to_ref, path=git_path)
        chosen = [reports]
    if manifests is not None:
        from .._usage import annotate_releases

        chosen = annotate_releases(chosen, manifests, path=git_path, max_age_days=max_age)
        reports = chosen if history else chosen[0]
    text = RENDERERS[fmt](reports)
    if output is not None:
        write_file(output, text, what="report")
    else:
        click.echo(text, nl=False)
    for r in chosen:
        for warning in r.warnings:
            click.echo(f"casedev-conformance: warning: {warning}", err=True)
    return 1 if fail_on_breaking and any(r.breaking for r in chosen) else 0
