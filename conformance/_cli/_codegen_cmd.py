"""``codegen``: typed payload code for consumers who want their own copy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._codegen import STYLES, generate
from .._files import write_file
from ._options import QUIET, catalog_option, common_options, echo


@click.command("codegen")
@common_options
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="typeddict",
    show_default=True,
    help="TypedDicts, msgspec Structs (validating), pydantic-validated TypedDicts, or dataclasses.",
)
@click.option(
    "--events",
    "patterns",
    multiple=True,
    help="Only these events (Case.dev filter syntax: exact name, 'vault.*', '*'); repeatable.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the module here instead of standard output.",
)
@catalog_option
def codegen(
    style: str, patterns: tuple[str, ...], out: Path | None, catalog_dir: Path | None
) -> None:
    """Write a Python module of typed event payloads generated from the schemas."""
    from .._catalog import load_catalog

    catalog = load_catalog(catalog_dir)
    if patterns:
        catalog = catalog.select(*patterns)
    text = generate(catalog, style)
    if out is None:
        sys.stdout.write(text)
        return
    write_file(out, text, what="module")
    echo(f"wrote {style} types for {len(catalog)} event(s) to {out}", level=QUIET)
