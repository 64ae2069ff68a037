"""Usage manifests: build one from recorded reads, write it, read it back and check it.

A manifest is JSON (format ``casedev-conformance/usage/1``, the JSON Schema shipped as
``manifest.schema.json`` beside this module) with sorted keys and a date rather than a
time, so that re-recording the same reads changes nothing a diff would show.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .._catalog import Catalog, read_json
from .._errors import InputError, UsageError, json_pointer
from ._fields import FieldInfo, lookup, split_pointer
from ._recorder import Recorder

FORMAT = "casedev-conformance/usage/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "manifest.schema.json"
_ENVELOPE_PAYLOAD = "data"


@cache
def manifest_schema() -> dict[str, Any]:
    """The JSON Schema of the manifest format (shipped in the package)."""
    schema: dict[str, Any] = read_json(SCHEMA_FILE)
    return schema


@dataclass(frozen=True)
class FieldUsage:
    """One payload field a consumer reads, as the catalog described it when recorded."""

    required: bool
    nullable: bool
    stability: str
    type: tuple[str, ...]
    whole: bool
    declared: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The manifest form."""
        return {
            "declared": self.declared,
            "nullable": self.nullable,
            "required": self.required,
            "stability": self.stability,
            "type": list(self.type),
            "whole": self.whole,
        }


@dataclass(frozen=True)
class EventUsage:
    """What a consumer reads of one event's payload."""

    stability: str
    fields: dict[str, FieldUsage]

    def to_dict(self) -> dict[str, Any]:
        """The manifest form."""
        return {
            "fields": {p: f.to_dict() for p, f in sorted(self.fields.items())},
            "stability": self.stability,
        }


@dataclass(frozen=True)
class Manifest:
    """One consumer's usage manifest."""

    consumer: str
    catalog_version: str
    recorded_on: dt.date
    events: dict[str, EventUsage]
    tool_version: str = ""
    handler: str | None = None
    #: where it was read from (for messages); not part of the file
    source: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The manifest form (keys sorted when written)."""
        data: dict[str, Any] = {
            "catalog_version": self.catalog_version,
            "consumer": self.consumer,
            "events": {n: e.to_dict() for n, e in sorted(self.events.items())},
            "format": FORMAT,
            "recorded_on": self.recorded_on.isoformat(),
            "tool_version": self.tool_version,
        }
        if self.handler is not None:
            data["handler"] = self.handler
        return data

    def to_json(self) -> str:
        """The file's text: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def reads(self, event: str) -> dict[str, FieldUsage]:
        """The fields read of ``event`` (empty when the consumer does not read it)."""
        usage = self.events.get(event)
        return usage.fields if usage is not None else {}

    @property
    def name(self) -> str:
        """How messages name this manifest: the consumer, and the file it came from."""
        return f"{self.consumer} ({self.source})" if self.source else self.consumer


def _payload_path(raw: tuple[str, ...]) -> list[str] | None:
    """The path inside ``data`` of a path from the delivery's root (None: envelope)."""
    if not raw:
        return []  # the whole delivery: the whole payload with it
    if raw[0] != _ENVELOPE_PAYLOAD:
        return None
    return list(raw[1:])


def event_fields(
    schema: Any,
    resolver: Any,
    stability: str,
    reads: Iterable[tuple[str, ...]],
    whole: Iterable[tuple[str, ...]],
) -> dict[str, FieldUsage]:
    """Normalise one event's raw reads into manifest fields (pointer -> usage)."""
    found: dict[str, tuple[FieldInfo, bool]] = {}
    for raw, is_whole in [*((p, False) for p in reads), *((p, True) for p in whole)]:
        path = _payload_path(raw)
        if path is None:
            continue
        info = lookup(schema, resolver, path)
        before = found.get(info.pointer)
        found[info.pointer] = (info, is_whole or (before is not None and before[1]))
    wholes = [p for p, (_, w) in found.items() if w]
    fields: dict[str, FieldUsage] = {}
    for pointer, (info, is_whole) in found.items():
        if not is_whole and any(_under(pointer, w) for w in wholes):
            continue  # read as part of a whole read above it
        if is_whole and any(w != pointer and _under(pointer, w) for w in wholes):
            continue
        fields[pointer] = FieldUsage(
            required=info.required,
            nullable=info.nullable,
            stability="beta" if info.beta or stability == "beta" else "stable",
            type=info.types,
            whole=is_whole,
            declared=info.declared,
        )
    if "" in fields and not fields[""].whole:
        del fields[""]  # took hold of the payload object (or its size): no field read
    return fields


def _under(pointer: str, parent: str) -> bool:
    """Whether ``pointer`` is ``parent`` or below it."""
    return pointer == parent or pointer.startswith(parent + "/")


def build_manifest(
    recorder: Recorder,
    catalog: Catalog,
    *,
    consumer: str,
    handler: str | None = None,
    today: dt.date | None = None,
) -> Manifest:
    """The manifest of what ``recorder`` saw, described by ``catalog``.

    Events the catalog does not have (the unknown-type contract case, ``webhook.test``)
    are left out; so are events of which the handler read nothing in ``data``.
    """
    from .._compat import as_side
    from .._version import __version__

    side = as_side(catalog)
    events: dict[str, EventUsage] = {}
    for name, raw in sorted(recorder.events().items()):
        event = side.events.get(name)
        if event is None:
            continue
        resolver = side.registry.resolver(base_uri=event.base)
        fields = event_fields(event.schema, resolver, event.stability, raw["reads"], raw["whole"])
        if fields:
            events[name] = EventUsage(event.stability, fields)
    return Manifest(
        consumer=consumer,
        catalog_version=catalog.version,
        recorded_on=today or dt.datetime.now(dt.UTC).date(),
        events=events,
        tool_version=__version__,
        handler=handler,
    )


def write_manifest(manifest: Manifest, path: str | Path) -> Path:
    """Write ``manifest`` to ``path`` (folders created); return the path."""
    file = Path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(manifest.to_json(), encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write the usage manifest: {exc.strerror or exc}", file=file
        ) from None
    return file


def parse_manifest(data: Any, *, source: str) -> Manifest:
    """Check ``data`` against the manifest schema and build a :class:`Manifest`.

    A manifest that does not validate raises ``InputError`` naming ``source`` and the
    JSON pointer of the first problem (exit 2 in the CLI).
    """
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(manifest_schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        first = errors[0]
        path = list(first.absolute_path)
        if "propertyNames" in first.schema_path and isinstance(first.instance, str):
            path.append(first.instance)  # a bad key: point at it, not at its object
        raise InputError(
            f"not a usage manifest: {first.message}", file=source, pointer=json_pointer(path)
        )
    try:
        recorded = dt.date.fromisoformat(data["recorded_on"])
    except ValueError:
        raise InputError(
            f"not a usage manifest: invalid date {data['recorded_on']!r}",
            file=source,
            pointer="/recorded_on",
        ) from None
    events = {
        name: EventUsage(
            body["stability"],
            {
                pointer: FieldUsage(
                    f["required"],
                    f["nullable"],
                    f["stability"],
                    tuple(f["type"]),
                    f["whole"],
                    f["declared"],
                )
                for pointer, f in body["fields"].items()
            },
        )
        for name, body in data["events"].items()
    }
    return Manifest(
        consumer=data["consumer"],
        catalog_version=data["catalog_version"],
        recorded_on=recorded,
        events=events,
        tool_version=data["tool_version"],
        handler=data.get("handler"),
        source=source,
    )


def load_manifest(path: str | Path) -> Manifest:
    """Read and check one manifest file."""
    file = Path(path)
    try:
        text = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file) from None
    return parse_text(text, source=str(file))


def parse_text(text: bytes, *, source: str) -> Manifest:
    """Parse and check a manifest's bytes."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid JSON: {exc}", file=source) from None
    return parse_manifest(data, source=source)


def pointer_segments(pointer: str) -> list[str]:
    """The segments of a manifest pointer."""
    return split_pointer(pointer)


def merge_manifests(manifests: Iterable[Manifest]) -> Mapping[str, list[Manifest]]:
    """Manifests grouped by consumer, in a stable order."""
    out: dict[str, list[Manifest]] = {}
    for m in sorted(manifests, key=lambda m: (m.consumer, m.source)):
        out.setdefault(m.consumer, []).append(m)
    return out
