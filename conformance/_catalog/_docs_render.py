"""Render the catalog in the docs page's own format, and find drift between the two.

``render_docs`` is the inverse of the importer: the catalog table and one section per
event, written from the schemas. ``docs_drift`` compares a docs page with a catalog
field by field and names every difference, which is what schema owners run in CI to
keep the published page and the schemas in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._docs_import import EventSpec, FieldSpec, parse_docs
from ._keys import NO_DESCRIPTION
from ._loader import Catalog, Event
from ._notation import render_type

_SUMMARY = ["| Event | Stability | Scope | Resource | Description |", "|---|---|---|---|---|"]
_FIELDS_HEAD = ["Payload", "| Field | Type | Required | Description |", "|---|---|---|---|"]
_EMPTY_ROW = "| (none) | - | - | Empty data object. |"


def event_spec(event: Event) -> EventSpec:
    """What the docs page should say about ``event``, derived from its schema."""
    schema = event.schema
    required = set(schema.get("required", []))
    properties: dict[str, Any] = schema.get("properties", {})
    fields = [
        FieldSpec(
            name=name,
            type=render_type(sub),
            required=name in required,
            description=sub.get("description"),
        )
        for name, sub in properties.items()
    ]
    return EventSpec(
        name=event.name,
        stability=event.stability,
        scope=event.scope,
        resource=event.resource,
        description=event.description,
        fields=fields,
        empty=not fields,
    )


def _section(spec: EventSpec) -> list[str]:
    lines = [
        spec.name,
        f"{spec.description}| Property | Value |",
        "|---|---|",
        f"| Stability | {spec.stability} |",
        f"| Required scope | {spec.scope} |",
        f"| Resource scope | {spec.resource if spec.resource is not None else 'None'} |",
        *_FIELDS_HEAD,
    ]
    if spec.empty:
        lines.append(_EMPTY_ROW)
    for f in spec.fields:
        required = "Yes" if f.required else "No"
        description = f.description if f.description is not None else NO_DESCRIPTION
        lines.append(f"{f.name} | {f.type} | {required} | {description} |")
    lines.append("Example")
    return lines


def render_docs(catalog: Catalog) -> str:
    """The catalog table and every event's field table, in docs page order."""
    specs = [event_spec(catalog[name]) for name in catalog.order]
    lines = list(_SUMMARY)
    for s in specs:
        lines.append(
            f"{s.name} | {s.stability} | {s.scope} | {s.resource or '-'} | {s.description} |"
        )
    for s in specs:
        lines.extend(_section(s))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Drift:
    """One difference between the docs page and the schemas."""

    event: str
    field: str | None
    aspect: str
    docs: Any
    schemas: Any

    def __str__(self) -> str:
        where = f"event {self.event}" + (f", field {self.field}" if self.field else "")
        return f"{where}: {self.aspect} differs: docs {self.docs!r}, schemas {self.schemas!r}"


def docs_drift(docs_text: str, catalog: Catalog, *, path: str = "<docs>") -> list[Drift]:
    """Every difference between a docs page and ``catalog``, in page order."""
    docs = {s.name: s for s in parse_docs(docs_text, path=path)}
    ours = {e.name: event_spec(e) for e in catalog}
    found: list[Drift] = []
    for name in [*docs, *(n for n in catalog.order if n not in docs)]:
        d, o = docs.get(name), ours.get(name)
        if d is None or o is None:
            found.append(Drift(name, None, "presence", d is not None, o is not None))
            continue
        for aspect in ("stability", "scope", "resource", "description", "empty"):
            if getattr(d, aspect) != getattr(o, aspect):
                found.append(Drift(name, None, aspect, getattr(d, aspect), getattr(o, aspect)))
        d_fields = {f.name: f for f in d.fields}
        o_fields = {f.name: f for f in o.fields}
        for fname in [*d_fields, *(n for n in o_fields if n not in d_fields)]:
            df, of = d_fields.get(fname), o_fields.get(fname)
            if df is None or of is None:
                found.append(Drift(name, fname, "presence", df is not None, of is not None))
                continue
            for aspect in ("type", "required", "description"):
                if getattr(df, aspect) != getattr(of, aspect):
                    found.append(
                        Drift(name, fname, aspect, getattr(df, aspect), getattr(of, aspect))
                    )
        if [n for n in d_fields if n in o_fields] != [n for n in o_fields if n in d_fields]:
            found.append(Drift(name, None, "field order", list(d_fields), list(o_fields)))
    if [n for n in docs if n in ours] != [n for n in catalog.order if n in docs]:
        found.append(Drift("*", None, "event order", list(docs), list(catalog.order)))
    return found
