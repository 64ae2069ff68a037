"""The consumer's own check: does the catalog still give the handler what it reads?

Errors (exit 1): the manifest reads an event the catalog no longer has, a field it no
longer has (or never had a place for), a field whose JSON types changed, or a field that
was always present and no longer is. Warnings (exit 0): reads of beta events and
fields, and of optional or nullable fields (where handlers break), and staleness: a
manifest older than the age limit, or recorded against another catalog version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .._catalog import Catalog
from ._fields import lookup, split_pointer
from ._gate import DEFAULT_MAX_AGE_DAYS, staleness
from ._manifest import Manifest

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One thing the check says about a manifest."""

    level: Level
    message: str
    event: str | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.event is not None:
            where = self.event + (
                f" {self.pointer or '(the whole payload)'}" if self.pointer is not None else ""
            )
            where += ": "
        return f"{self.level}: {where}{self.message}"


@dataclass
class UsageCheck:
    """The outcome of :func:`check_manifest`."""

    manifest: Manifest
    catalog_version: str
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """The issues that fail the check."""
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The issues reported without failing."""
        return [i for i in self.issues if i.level == "warning"]

    @property
    def exit_code(self) -> int:
        """1 when an error was found, else 0."""
        return 1 if self.errors else 0


def _types(types: tuple[str, ...]) -> str:
    return " | ".join(types) if types else "any"


def check_manifest(
    manifest: Manifest,
    catalog: Catalog,
    *,
    max_age_days: int | None = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> UsageCheck:
    """Check what ``manifest`` reads against ``catalog``."""
    from .._compat import as_side

    result = UsageCheck(manifest, catalog.version)
    for stale in staleness(
        [manifest], known_versions=[catalog.version], max_age_days=max_age_days, today=today
    ):
        result.issues.append(Issue("warning", stale.reason))
    side = as_side(catalog)
    for name, usage in sorted(manifest.events.items()):
        event = side.events.get(name)
        if event is None:
            result.issues.append(
                Issue("error", "the handler reads this event; the catalog no longer has it", name)
            )
            continue
        if event.stability == "beta":
            result.issues.append(
                Issue("warning", "beta event: its payload may change without notice", name)
            )
        resolver = side.registry.resolver(base_uri=event.base)
        for pointer, recorded in sorted(usage.fields.items()):
            now = lookup(event.schema, resolver, split_pointer(pointer))
            if not now.declared or now.pointer != pointer:
                # Not there, or only as "any other property": the name is gone.
                result.issues.append(
                    Issue(
                        "error",
                        "the handler reads this field; the catalog no longer has it",
                        name,
                        pointer,
                    )
                )
                continue
            if now.types != recorded.type:
                result.issues.append(
                    Issue(
                        "error",
                        f"type changed from {_types(recorded.type)} to {_types(now.types)}",
                        name,
                        pointer,
                    )
                )
            if recorded.required and not now.required:
                result.issues.append(
                    Issue("error", "was always present; now it may be absent", name, pointer)
                )
            if now.beta and event.stability != "beta":
                result.issues.append(
                    Issue("warning", "beta field of a stable event: it may change", name, pointer)
                )
            if now.extra:
                result.issues.append(
                    Issue(
                        "warning",
                        "a property the catalog does not name (a .get of a key it does not "
                        "define): never guaranteed",
                        name,
                        pointer,
                    )
                )
                continue
            if not now.required and pointer:
                result.issues.append(
                    Issue("warning", "optional: deliveries may leave it out", name, pointer)
                )
            if now.nullable and now.types:
                result.issues.append(Issue("warning", "nullable: it may be null", name, pointer))
    return result
