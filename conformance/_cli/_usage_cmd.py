"""``casedev-conformance usage check``: the consumer's own check of a usage manifest."""

from __future__ import annotations

from pathlib import Path

import click

from . import command_entry
from ._params import max_age_option


@click.group("usage")
def usage() -> None:
    """Usage manifests: which events and fields a handler reads (see `fuzz --usage`)."""


@usage.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Check against this catalog folder instead of the packaged one.",
)
@max_age_option("Warn when the manifest was recorded more than DAYS days ago.")
@command_entry
def check(file: Path, catalog_path: Path | None, max_age: int) -> int:
    """Check that the catalog still gives the handler what its manifest FILE reads.

    Exit 1 when it reads an event or field the catalog no longer has, or whose type
    changed; 0 otherwise, with warnings for reads of beta events and fields, of optional
    and nullable fields, and for a stale manifest; 2 when FILE is not a valid manifest.
    """
    from .._catalog import load_catalog
    from .._usage import check_manifest, load_manifest

    manifest = load_manifest(file)
    catalog = load_catalog(catalog_path)
    result = check_manifest(manifest, catalog, max_age_days=max_age)
    for issue in result.issues:
        click.echo(str(issue))
    fields = sum(len(e.fields) for e in manifest.events.values())
    verdict = "FAILED" if result.exit_code else "OK"
    click.echo(
        f"{verdict}: {manifest.consumer} reads {fields} field(s) of {len(manifest.events)} "
        f"event(s) in {file}; catalog {result.catalog_version}: {len(result.errors)} error(s), "
        f"{len(result.warnings)} warning(s)"
    )
    return result.exit_code
