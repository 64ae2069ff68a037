"""The owners' side: who reads what a schema change touches, and how fresh that news is.

:func:`annotate` is a step applied to a :class:`CompatReport` after
``check_compatibility``: every finding gets the consumers whose manifests read the
field or event it changes; with ``consumers_only``, a breaking finding that no declared
consumer reads stops gating (it is reported as a warning), unless a manifest is stale,
in which case nothing is excused (a stale manifest is reported, never silently trusted).
:func:`annotate_release` does the same for release reports.

A finding at pointer ``P`` touches a read of ``R`` when ``R`` is ``P`` or below it (the
changed value, or something inside it), or when ``R`` was read whole and ``P`` is below
it. Event-level findings (pointer ``''``) touch every read of the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ._manifest import Manifest

if TYPE_CHECKING:
    # Only annotations: importing the compat checker here would weigh on every import
    # of this package, e.g. a handler worker process that only needs ``track``.
    from .._compat import CompatReport, Finding, ReleaseReport, Side

DEFAULT_MAX_AGE_DAYS = 30


def touches(pointer: str, read: str, whole: bool) -> bool:
    """Whether a change at ``pointer`` touches a read of ``read`` (whole or not)."""
    if read == pointer or read.startswith(pointer + "/") or pointer == "":
        return True
    return whole and (read == "" or pointer.startswith(read + "/"))


def readers(manifests: Iterable[Manifest], event: str, pointer: str) -> list[tuple[str, str]]:
    """``(consumer, field)`` for every read of ``event`` a change at ``pointer`` touches."""
    out: set[tuple[str, str]] = set()
    for manifest in manifests:
        for read, usage in manifest.reads(event).items():
            if touches(pointer, read, usage.whole):
                out.add((manifest.consumer, read))
    return sorted(out)


def side_version(side: Side) -> str | None:
    """The :attr:`Catalog.version` of a catalog side (None for a single schema, or a
    catalog whose envelope has no ``$id`` to find it by)."""
    import hashlib  # only here: spares every import of the package its cost

    if side.single:
        return None
    # The schemas as written (``registry`` holds the gate's restatements of them).
    registry = side.check_registry
    bases = {e.base for e in side.events.values()}
    others = [uri for uri in registry if uri not in bases]
    if len(others) != 1:
        return None
    envelope = registry[others[0]].contents
    digest = hashlib.sha256()
    for name in sorted(side.events):
        digest.update(orjson.dumps(side.events[name].schema, option=orjson.OPT_SORT_KEYS))
    digest.update(orjson.dumps(envelope, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Staleness:
    """Why one manifest is not to be trusted blindly."""

    manifest: Manifest
    reason: str

    def __str__(self) -> str:
        return f"usage manifest of {self.manifest.name} is stale: {self.reason}"


def staleness(
    manifests: Iterable[Manifest],
    *,
    known_versions: Iterable[str | None],
    max_age_days: int | None = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> list[Staleness]:
    """Manifests older than ``max_age_days`` (None: no limit) or recorded against a
    catalog version not among ``known_versions``."""
    day = today or dt.datetime.now(dt.UTC).date()
    known = sorted(v for v in known_versions if v)
    out: list[Staleness] = []
    for m in manifests:
        age = (day - m.recorded_on).days
        if max_age_days is not None and age > max_age_days:
            out.append(
                Staleness(
                    m,
                    f"recorded on {m.recorded_on.isoformat()}, {age} days ago "
                    f"(the limit is {max_age_days}); re-record it",
                )
            )
        if m.catalog_version not in known:
            shown = " or ".join(known) if known else "none that can be told"
            out.append(
                Staleness(
                    m,
                    f"recorded against catalog version {m.catalog_version}, which this "
                    f"check does not know (known: {shown}); re-record it against the "
                    "current release",
                )
            )
    return out


def consumers_step(
    report: CompatReport,
    manifests: Sequence[Manifest],
    *,
    versions: Iterable[str | None],
    consumers_only: bool = False,
    max_age_days: int | None = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> CompatReport:
    """Staleness against the catalog ``versions`` compared, then :func:`annotate`."""
    stale = staleness(manifests, known_versions=versions, max_age_days=max_age_days, today=today)
    return annotate(report, manifests, consumers_only=consumers_only, stale=stale)


def annotate(
    report: CompatReport,
    manifests: Sequence[Manifest],
    *,
    consumers_only: bool = False,
    stale: Sequence[Staleness] = (),
) -> CompatReport:
    """``report`` with each finding's readers filled in and, with ``consumers_only``,
    the breaking findings no consumer reads excused (none when a manifest is stale)."""
    findings: list[Finding] = []
    for finding in report.findings:
        who = tuple(readers(manifests, finding.event, finding.pointer))
        changed = replace(finding, consumers=who)
        if consumers_only and finding.breaking and not who and not stale:
            changed = replace(changed, excused="no declared consumer reads it")
        findings.append(changed)
    notes = [str(s) for s in stale]
    if consumers_only and stale:
        notes.append("--consumers-only excuses nothing while a usage manifest is stale")
    return replace(
        report,
        findings=tuple(findings),
        consumers=tuple(_names(manifests)),
        consumer_notes=tuple(notes),
    )


def _names(manifests: Iterable[Manifest]) -> list[str]:
    return sorted({m.consumer for m in manifests})


def annotate_release(
    report: ReleaseReport, manifests: Sequence[Manifest], *, stale: Sequence[Staleness] = ()
) -> ReleaseReport:
    """``report`` with, per event, the consumers that read what changed in it."""
    events = []
    for event in report.events:
        who: set[tuple[str, str]] = set()
        for change in event.changes:
            if change.rule == "doc-changed":
                continue  # a description or example: no payload changes
            who.update(readers(manifests, event.event, change.pointer))
        events.append(replace(event, consumers=tuple(sorted(who))))
    return replace(
        report,
        events=tuple(events),
        consumers=tuple(_names(manifests)),
        warnings=(*report.warnings, *(str(s) for s in stale)),
    )


def annotate_releases(
    reports: Sequence[ReleaseReport],
    manifests: Sequence[Manifest],
    *,
    path: str = "schemas",
    cwd: Path | None = None,
    max_age_days: int | None = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> list[ReleaseReport]:
    """Each report with its affected consumers; stale manifests (against the catalog
    versions of every release reported) are reported as warnings of the last one."""
    from .._compat import load_side

    refs = sorted({r for report in reports for r in (report.from_ref, report.to_ref) if r})
    versions = [side_version(load_side(f"git:{ref}:{path}", cwd=cwd)) for ref in refs]
    stale = staleness(manifests, known_versions=versions, max_age_days=max_age_days, today=today)
    out = [annotate_release(report, manifests) for report in reports]
    if out and stale:
        out[-1] = annotate_release(reports[-1], manifests, stale=stale)
    return out
