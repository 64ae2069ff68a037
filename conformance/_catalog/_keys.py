"""The catalog's vocabulary: its dialect, its ``x-*`` annotation keys, and the one set of
keywords that never constrain an instance."""

from __future__ import annotations

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

STABILITY_KEY = "x-stability"
SCOPE_KEY = "x-required-scope"
RESOURCE_KEY = "x-resource-scope"

#: How the docs page writes "no description".
NO_DESCRIPTION = "-"

#: Keywords with no effect on which instances are valid (documentation, annotations and
#: the places other schemas are kept). ``x-*`` keys are annotations too.
ANNOTATIONS = frozenset(
    {
        "$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary", "$defs",
        "definitions", "title", "description", "default", "examples", "example",
        "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType",
        "contentSchema",
    }
)  # fmt: skip

#: Annotations that other schemas point into: two schemas that differ in them may
#: resolve references differently.
REFERENCE_TARGETS = frozenset({"$defs", "definitions", "$anchor", "$dynamicAnchor", "$vocabulary"})


def is_annotation(keyword: str) -> bool:
    """Whether ``keyword`` never constrains an instance."""
    return keyword in ANNOTATIONS or keyword.startswith("x-")
