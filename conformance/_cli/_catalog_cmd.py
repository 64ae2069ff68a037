"""``catalog import``, ``catalog docs`` and ``list``: the catalog's own commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from .._catalog import STABILITIES, load_catalog
from .._errors import CatalogError
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, catalog_option, common_options, echo


@click.group()
def catalog() -> None:
    """Import the docs page into schemas, or render the schemas as the docs page."""


@catalog.command("import")
@common_options
@click.argument("docs_file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="The catalog folder to write.",
)
@click.option(
    "--modules",
    "modules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to regenerate the typed modules (types.py, models.py); default: the "
    "'conformance' folder beside --out when there is one (a source checkout).",
)
def import_cmd(docs_file: Path, out: Path, modules_dir: Path | None) -> None:
    """Turn the Case.dev 'Event types' docs page into JSON Schemas, and regenerate the
    typed modules from them."""
    from .._catalog import import_docs
    from .._codegen import write_shipped

    written = import_docs(docs_file, out)
    cat = load_catalog(out)  # fail closed if what we wrote does not load
    echo(f"wrote {len(written)} files to {out}", level=QUIET)
    if modules_dir is None:
        beside = out.resolve().parent / "conformance"
        modules_dir = beside if (beside / "__init__.py").is_file() else None
    if modules_dir is not None:
        for path in write_shipped(cat, modules_dir):
            echo(f"regenerated {path}")


@catalog.command("docs")
@common_options
@catalog_option
@click.option(
    "--check",
    "check_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Compare with this docs page instead of printing; exit 1 on drift.",
)
def docs_cmd(catalog_dir: Path | None, check_file: Path | None) -> None:
    """Render the catalog and field tables in the docs page's format (or check drift)."""
    from .._catalog import docs_drift, render_docs

    cat = load_catalog(catalog_dir)
    if check_file is None:
        click.echo(render_docs(cat), nl=False)
        sys.exit(EXIT_OK)
    try:
        text = check_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read docs page: {exc}", file=check_file) from None
    drift = docs_drift(text, cat, path=str(check_file))
    for item in drift:
        echo(str(item))
    if drift:
        click.echo(f"{len(drift)} difference(s) between {check_file} and the schemas", err=True)
        sys.exit(EXIT_FOUND)
    echo(f"{check_file} agrees with the {len(cat)} event schemas", level=QUIET)
    sys.exit(EXIT_OK)


@click.command("list")
@common_options
@catalog_option
@click.option(
    "--stability",
    type=click.Choice(STABILITIES),
    default=None,
    help="Only stable or only beta events.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "json"]),
    default=None,
    help="table on a terminal; tsv (tab-separated, one event a line, no header) when piped.",
)
def list_events(catalog_dir: Path | None, stability: str | None, fmt: str | None) -> None:
    """List the catalog's events with stability, scope and resource.

    On a terminal: a table. Piped (or --format tsv): one event a line, its fields
    separated by tabs, nothing cut, so `cut -f1` and `grep` work.
    """
    cat = load_catalog(catalog_dir)
    events = [e for e in cat if stability is None or e.stability == stability]
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "tsv"
    if fmt == "tsv":
        for e in events:
            fields = (e.name, e.stability, e.scope, e.resource or "-", e.description)
            # A tab or newline inside a field would shift the columns: make them spaces.
            click.echo("\t".join(" ".join(str(f).split()) for f in fields))
        return
    if fmt == "json":
        rows = [
            {
                "name": e.name,
                "stability": e.stability,
                "scope": e.scope,
                "resource": e.resource,
                "description": e.description,
            }
            for e in events
        ]
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(events)} events", title_justify="left")
    table.add_column("Event", no_wrap=True)
    for column in ("Stability", "Scope", "Resource", "Description"):
        table.add_column(column, overflow="fold")
    for e in events:
        table.add_row(e.name, e.stability, e.scope, e.resource or "-", e.description)
    Console(soft_wrap=False).print(table)
