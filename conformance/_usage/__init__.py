"""Consumer contracts without a broker: record which events and fields a handler reads
while it is fuzzed, write that down as a usage manifest, and let the consumer's own check
and the owners' compatibility gate use it."""

from __future__ import annotations

from ._manifest import (
    FORMAT,
    SCHEMA_FILE,
    EventUsage,
    FieldUsage,
    Manifest,
    build_manifest,
    load_manifest,
    manifest_schema,
    parse_manifest,
    write_manifest,
)
from ._recorder import Recorder, UsageLog, track, unwrap

__all__ = [
    "FORMAT",
    "SCHEMA_FILE",
    "EventUsage",
    "FieldUsage",
    "Manifest",
    "Recorder",
    "UsageLog",
    "build_manifest",
    "load_manifest",
    "manifest_schema",
    "parse_manifest",
    "track",
    "unwrap",
    "write_manifest",
]
