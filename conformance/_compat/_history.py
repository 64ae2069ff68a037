"""Release tags of the current git repository, and the transitive gate over all of them."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .._errors import CompatibilityError
from ._check import CompatReport, Finding, SideLike, as_side, check_compatibility
from ._rules import Policy
from ._sources import load_side
from ._waivers import Waiver

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(tag: str) -> tuple[int, int, int] | None:
    """The (major, minor, patch) in a tag such as ``v1.2.3`` or ``schemas-1.2``, or None."""
    found = _VERSION.search(tag)
    if found is None:
        return None
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)


def release_tags(pattern: str, *, cwd: Path | None = None) -> list[str]:
    """Tags matching ``pattern`` (git glob), oldest version first.

    Tags with a version number sort by it; others by creation date, before them.
    """
    where = cwd or Path.cwd()
    try:
        listed = subprocess.run(
            ["git", "tag", "--list", pattern, "--sort=creatordate"],
            cwd=where,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise CompatibilityError("git is not installed") from None
    if listed.returncode != 0:
        raise CompatibilityError(f"{where} is not inside a git repository")
    tags = [t for t in listed.stdout.decode().split() if t]
    order = {t: i for i, t in enumerate(tags)}
    return sorted(
        tags, key=lambda t: (parse_version(t) is not None, parse_version(t) or (0, 0, 0), order[t])
    )


def check_against_tags(
    pattern: str,
    new: SideLike,
    *,
    path: str = "schemas",
    policy: Policy | None = None,
    strict_beta: bool = False,
    waivers: Iterable[Waiver] = (),
    witnesses: bool = True,
    cwd: Path | None = None,
    today: dt.date | None = None,
    undecided: str = "fail",
) -> CompatReport:
    """Check ``new``'s stable events against every release tag matching ``pattern``.

    A change that slipped through one release at a time (removed in two steps, narrowed
    then widened) still fails here, because every release is a baseline.
    """
    tags = release_tags(pattern, cwd=cwd)
    if not tags:
        raise CompatibilityError(f"no git tag matches {pattern!r}")
    after = as_side(new)
    chosen = list(waivers)
    findings: list[Finding] = []
    events: set[str] = set()
    stale: set[Waiver] | None = None
    expired: set[Waiver] = set()
    for tag in tags:
        before = load_side(f"git:{tag}:{path}", cwd=cwd)
        report = check_compatibility(
            before,
            after,
            policy=policy,
            stability="stable",
            strict_beta=strict_beta,
            waivers=chosen,
            witnesses=witnesses,
            today=today,
            undecided=undecided,
        )
        findings.extend(replace(f, against=tag) for f in report.findings)
        events.update(report.events)
        stale = set(report.stale_waivers) if stale is None else stale & set(report.stale_waivers)
        expired.update(report.expired_waivers)
    return CompatReport(
        f"git tags {pattern} ({', '.join(tags)})",
        after.label,
        tuple(findings),
        tuple(sorted(events)),
        policy,
        strict_beta,
        tuple(w for w in chosen if w in (stale or set())),
        tuple(w for w in chosen if w in expired),
        undecided,
    )
