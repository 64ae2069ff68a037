"""``casedev-conformance export openapi|asyncapi``: the catalog as an API description."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .._files import write_file
from ._options import catalog_option, common_options


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--receiver-path",
            default=None,
            metavar="PATH",
            help="Describe the consumer's receiver at PATH (e.g. /webhooks/casedev).",
        ),
        click.option(
            "--events",
            "-e",
            "events",
            multiple=True,
            metavar="PATTERN",
            help="Only these events (exact name, 'vault.*' or '*'; repeatable).",
        ),
        click.option(
            "--header-prefix",
            default="case-webhook",
            show_default=True,
            help="Signature header names are PREFIX-id, PREFIX-timestamp, PREFIX-signature.",
        ),
        catalog_option,
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write to FILE instead of standard output.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return common_options(command)


def _emit(document: dict[str, Any], output: Path | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text, what="document")


def _catalog(catalog_dir: Path | None, events: tuple[str, ...]) -> Any:
    from .._catalog import load_catalog

    return load_catalog(catalog_dir).select(*(events or ("*",)))


@click.group("export")
def export() -> None:
    """Describe the events as OpenAPI 3.1 or AsyncAPI 3.0 (JSON)."""


@export.command("openapi")
@_common
def openapi(
    *,
    receiver_path: str | None,
    events: tuple[str, ...],
    header_prefix: str,
    catalog_dir: Path | None,
    output: Path | None,
) -> None:
    """OpenAPI 3.1: a `webhooks` entry per event, or with --receiver-path the receiver."""
    from .._export import openapi_document

    catalog = _catalog(catalog_dir, events)
    _emit(
        openapi_document(catalog, receiver_path=receiver_path, header_prefix=header_prefix), output
    )


@export.command("asyncapi")
@_common
def asyncapi(
    *,
    receiver_path: str | None,
    events: tuple[str, ...],
    header_prefix: str,
    catalog_dir: Path | None,
    output: Path | None,
) -> None:
    """AsyncAPI 3.0: one message per event, sent to the receiver channel."""
    from .._export import asyncapi_document

    catalog = _catalog(catalog_dir, events)
    _emit(
        asyncapi_document(catalog, receiver_path=receiver_path, header_prefix=header_prefix),
        output,
    )
