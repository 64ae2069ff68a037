"""Import the Case.dev "Event types" docs page into the JSON Schema catalog.

The page has a summary table (event, stability, scope, resource, description) followed
by one section per event with a property table and a payload field table. The importer
reads both, checks that they agree, and writes one draft 2020-12 schema per event under
``<out>/<stability>/<event>.json`` plus ``envelope.json`` and ``catalog.json`` (the page
order). Writing is deterministic: re-importing the same page reproduces the files byte
for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import CatalogError
from .._files import make_dir, remove_file, write_file
from ._keys import NO_DESCRIPTION, RESOURCE_KEY, SCHEMA_DIALECT, SCOPE_KEY, STABILITY_KEY
from ._notation import parse_type

ID_BASE = "https://schemas.case.dev/webhooks/"

_SUMMARY_HEADER = "| Event | Stability | Scope | Resource | Description |"
_SUMMARY_ROW = re.compile(r"^([a-z0-9_.]+) \| (stable|beta) \| ([^|]+?) \| ([^|]+?) \| (.*) \|$")
_FIELD_ROW = re.compile(
    r"^(?P<name>[^|]+?) \| (?P<type>.+?) \| (?P<req>Yes|No) \| (?P<desc>.*) \|$"
)
_EMPTY_ROW = "| (none) | - | - | Empty data object. |"
_PROPERTY_ROW = re.compile(r"^\| (Stability|Required scope|Resource scope) \| (.*) \|$")
_EVENT_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass
class FieldSpec:
    """One row of an event's payload table."""

    name: str
    type: str
    required: bool
    description: str | None


@dataclass
class EventSpec:
    """What the docs page says about one event."""

    name: str
    stability: str
    scope: str
    resource: str | None
    description: str
    fields: list[FieldSpec] = field(default_factory=list)
    empty: bool = False


def _fail(path: str, line_no: int, reason: str) -> CatalogError:
    return CatalogError(f"line {line_no}: {reason}", file=path)


def parse_docs(text: str, *, path: str = "<docs>") -> list[EventSpec]:
    """Parse the docs page into event specs, in page order.

    Raises ``CatalogError`` naming the line for anything the page format does not allow.
    """
    lines = text.splitlines()
    try:
        start = lines.index(_SUMMARY_HEADER)
    except ValueError:
        raise CatalogError(f"no catalog table (missing {_SUMMARY_HEADER!r})", file=path) from None
    summary: dict[str, EventSpec] = {}
    i = start + 2
    while i < len(lines) and (row := _SUMMARY_ROW.match(lines[i])):
        name, stability, scope, resource, description = row.groups()
        if name in summary:
            raise _fail(path, i + 1, f"event {name} listed twice")
        summary[name] = EventSpec(
            name, stability, scope, None if resource == "-" else resource, description
        )
        i += 1
    if not summary:
        raise _fail(path, start + 3, "the catalog table has no rows")

    seen: set[str] = set()
    while i < len(lines):
        name = lines[i].strip()
        if not name or name == "Example":
            i += 1
            continue
        if not _EVENT_NAME.match(name):
            raise _fail(path, i + 1, f"expected an event name, found {name!r}")
        if name not in summary:
            raise _fail(path, i + 1, f"event {name} has a section but no catalog row")
        if name in seen:
            raise _fail(path, i + 1, f"event {name} has two sections")
        seen.add(name)
        spec = summary[name]
        i = _parse_section(lines, i + 1, spec, path)
    missing = [n for n in summary if n not in seen]
    if missing:
        raise CatalogError(f"events without a section: {', '.join(missing)}", file=path)
    return list(summary.values())


def _parse_section(lines: list[str], i: int, spec: EventSpec, path: str) -> int:
    head = lines[i]
    if not head.endswith("| Property | Value |"):
        raise _fail(path, i + 1, f"event {spec.name}: expected its description and property table")
    description = head[: -len("| Property | Value |")]
    if description != spec.description:
        raise _fail(path, i + 1, f"event {spec.name}: description differs from the catalog table's")
    i += 2
    props: dict[str, str] = {}
    while i < len(lines) and (prop := _PROPERTY_ROW.match(lines[i])):
        props[prop.group(1)] = prop.group(2)
        i += 1
    expected = {
        "Stability": spec.stability,
        "Required scope": spec.scope,
        "Resource scope": spec.resource if spec.resource is not None else "None",
    }
    if props != expected:
        raise _fail(path, i, f"event {spec.name}: property table {props} != catalog row {expected}")
    if lines[i : i + 3] != [
        "Payload",
        "| Field | Type | Required | Description |",
        "|---|---|---|---|",
    ]:
        raise _fail(path, i + 1, f"event {spec.name}: expected the payload table")
    i += 3
    while i < len(lines) and lines[i] not in ("Example", ""):
        if lines[i] == _EMPTY_ROW:
            spec.empty = True
            i += 1
            continue
        row = _FIELD_ROW.match(lines[i])
        if row is None:
            raise _fail(path, i + 1, f"event {spec.name}: cannot read field row {lines[i]!r}")
        try:
            parse_type(row["type"])
        except ValueError as exc:
            raise _fail(path, i + 1, f"event {spec.name}, field {row['name']}: {exc}") from None
        desc = row["desc"]
        spec.fields.append(
            FieldSpec(
                row["name"],
                row["type"],
                row["req"] == "Yes",
                None if desc == NO_DESCRIPTION else desc,
            )
        )
        i += 1
    if spec.empty and spec.fields:
        raise _fail(path, i, f"event {spec.name}: '(none)' beside real fields")
    return i


def event_schema(spec: EventSpec) -> dict[str, Any]:
    """The draft 2020-12 payload schema for one event spec."""
    properties: dict[str, Any] = {}
    for f in spec.fields:
        prop: dict[str, Any] = {}
        if f.description is not None:
            prop["description"] = f.description
        prop.update(parse_type(f.type))
        properties[f.name] = prop
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{ID_BASE}events/{spec.name}.json",
        "title": spec.name,
        "description": spec.description,
        STABILITY_KEY: spec.stability,
        SCOPE_KEY: spec.scope,
        RESOURCE_KEY: spec.resource,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in spec.fields if f.required],
    }
    if spec.empty:
        schema["$comment"] = "Empty data object."
    return schema


def envelope_schema() -> dict[str, Any]:
    """The schema every delivery's envelope follows (see the delivery contract)."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{ID_BASE}envelope.json",
        "title": "Case.dev webhook delivery",
        "description": (
            "The envelope of every webhook delivery. Top-level fields beyond these four "
            "may be added; consumers must ignore them."
        ),
        "type": "object",
        "properties": {
            "id": {
                "description": "Event id: evt_ and 26 Crockford base32 characters (ULID-shaped). "
                "The idempotency key.",
                "type": "string",
                "pattern": "^evt_[0-9A-HJKMNP-TV-Z]{26}$",
            },
            "type": {
                "description": "Dotted event name from the catalog, or webhook.test for test sends.",
                "type": "string",
                "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]+)+$",
            },
            "occurred_at": {
                "description": "When the event happened: an RFC 3339 timestamp, with or "
                "without fractional seconds.",
                "type": "string",
                "format": "date-time",
            },
            "data": {"description": "The event's payload.", "type": "object"},
        },
        "required": ["id", "type", "occurred_at", "data"],
    }


def dump_json(document: Any) -> str:
    """The one JSON layout the catalog files use (stable, reviewable diffs)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def import_docs(docs_file: str | Path, out: str | Path) -> list[Path]:
    """Parse ``docs_file`` and write the catalog into ``out``; return the files written.

    Stale event files in ``out/stable`` and ``out/beta`` are removed so the folder holds
    exactly what the page lists.
    """
    docs_path = Path(docs_file)
    try:
        text = docs_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read docs page: {exc}", file=docs_path) from None
    specs = parse_docs(text, path=str(docs_path))
    out_dir = make_dir(out, what="catalog folder")
    files: dict[Path, str] = {}
    for spec in specs:
        files[out_dir / spec.stability / f"{spec.name}.json"] = dump_json(event_schema(spec))
    files[out_dir / "envelope.json"] = dump_json(envelope_schema())
    files[out_dir / "catalog.json"] = dump_json(
        {
            "title": "Case.dev webhook event catalog",
            "description": "Page order of the Case.dev 'Event types' docs page; stability "
            "lives in each schema's x-stability and its folder.",
            "events": [s.name for s in specs],
        }
    )
    for stability in ("stable", "beta"):
        folder = out_dir / stability
        if folder.is_dir():
            for stale in folder.glob("*.json"):
                if stale not in files:
                    remove_file(stale, what="stale schema")
    for path, content in files.items():
        write_file(path, content, what="schema")
    return sorted(files)
