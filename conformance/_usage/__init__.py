"""Consumer contracts without a broker: record which events and fields a handler reads
while it is fuzzed, write that down as a usage manifest, and let the consumer's own check
and the owners' compatibility gate use it."""

from __future__ import annotations

from ._check import Issue, UsageCheck, check_manifest
from ._gate import (
    DEFAULT_MAX_AGE_DAYS,
    Staleness,
    annotate,
    annotate_release,
    annotate_releases,
    consumers_step,
    side_version,
    staleness,
    touches,
)
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
from ._sources import load_consumers

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "FORMAT",
    "SCHEMA_FILE",
    "EventUsage",
    "FieldUsage",
    "Issue",
    "Manifest",
    "Recorder",
    "Staleness",
    "UsageCheck",
    "UsageLog",
    "annotate",
    "annotate_release",
    "annotate_releases",
    "build_manifest",
    "check_manifest",
    "consumers_step",
    "load_consumers",
    "load_manifest",
    "manifest_schema",
    "parse_manifest",
    "side_version",
    "staleness",
    "touches",
    "track",
    "unwrap",
    "write_manifest",
]
