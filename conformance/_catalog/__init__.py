"""The event catalog: loading the JSON Schemas, importing and rendering the docs page,
and the docs' type notation."""

from __future__ import annotations

from ._docs_import import import_docs, parse_docs
from ._docs_render import docs_drift, render_docs
from ._keys import (
    ANNOTATIONS,
    NO_DESCRIPTION,
    REFERENCE_TARGETS,
    RESOURCE_KEY,
    SCHEMA_DIALECT,
    SCOPE_KEY,
    STABILITY_KEY,
    is_annotation,
)
from ._loader import (
    STABILITIES,
    Catalog,
    Event,
    check_pattern,
    check_refs,
    check_schema,
    load_catalog,
    matches,
    packaged_schemas,
    read_json,
)

__all__ = [
    "ANNOTATIONS",
    "NO_DESCRIPTION",
    "REFERENCE_TARGETS",
    "RESOURCE_KEY",
    "SCHEMA_DIALECT",
    "SCOPE_KEY",
    "STABILITIES",
    "STABILITY_KEY",
    "Catalog",
    "Event",
    "check_pattern",
    "check_refs",
    "check_schema",
    "docs_drift",
    "import_docs",
    "is_annotation",
    "load_catalog",
    "matches",
    "packaged_schemas",
    "parse_docs",
    "read_json",
    "render_docs",
]
