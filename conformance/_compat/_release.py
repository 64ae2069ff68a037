"""Release reports: what changed in the catalog between two git refs, and what it means.

For each release (``--from``/``--to``, or every tag with ``--history``) and each event
that changed: a verdict (``breaking``, ``compatible``, ``beta-changed``, ``added``,
``removed``, ``promoted``, ``demoted``), the changes (compatibility findings plus
documentation-only differences found with deepdiff), and the semver bump the release
needed, with a warning when the tag's own version disagrees. Rendered as JSON,
Markdown or one self-contained HTML file.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from .._errors import CompatibilityError, json_pointer
from ._check import Finding, check_compatibility
from ._history import parse_version, release_tags
from ._normalize import DOC_KEYWORDS
from ._sources import EventSchema, Side, load_side

Verdict = Literal[
    "breaking", "compatible", "beta-changed", "added", "removed", "promoted", "demoted"
]
Bump = Literal["major", "minor", "patch", "initial"]
VERDICTS: tuple[str, ...] = (
    "breaking",
    "removed",
    "demoted",
    "added",
    "promoted",
    "compatible",
    "beta-changed",
)
_SCHEMA_MAPS = frozenset(
    {"properties", "$defs", "definitions", "patternProperties", "dependentSchemas"}
)
_DOC = (DOC_KEYWORDS - {"$id", "$schema", "$defs", "definitions"}) | {"x-resource-scope"}


@dataclass(frozen=True)
class Change:
    """One change of one event in a release."""

    rule: str
    severity: str
    pointer: str
    old: Any
    new: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "pointer": self.pointer,
            "old": self.old,
            "new": self.new,
            "message": self.message,
        }


@dataclass(frozen=True)
class EventReport:
    """The verdict and changes of one event in one release."""

    event: str
    stability: str
    verdict: Verdict
    changes: tuple[Change, ...]
    #: ``(consumer, field read)`` pairs the changes touch (None: no manifests given)
    consumers: tuple[tuple[str, str], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        data: dict[str, Any] = {
            "event": self.event,
            "stability": self.stability,
            "verdict": self.verdict,
            "changes": [c.to_dict() for c in self.changes],
        }
        if self.consumers is not None:
            data["consumers"] = [{"consumer": c, "field": f} for c, f in self.consumers]
        return data

    @property
    def affected(self) -> str:
        """The consumers the changes touch, for people (empty without manifests)."""
        if self.consumers is None:
            return ""
        if not self.consumers:
            return "no declared consumer reads what changed"
        by: dict[str, list[str]] = {}
        for consumer, read in self.consumers:
            by.setdefault(consumer, []).append(read or "(the whole payload)")
        return "; ".join(f"{c} reads {', '.join(reads)}" for c, reads in by.items())


@dataclass(frozen=True)
class ReleaseReport:
    """Everything that changed between two refs, and the semver bump it needed."""

    from_ref: str | None
    to_ref: str
    semver: Bump
    events: tuple[EventReport, ...]
    warnings: tuple[str, ...] = field(default=())
    #: the consumers whose usage manifests were given (None: none were)
    consumers: tuple[str, ...] | None = None

    @property
    def breaking(self) -> bool:
        """Whether a stable event broke (the release needed a major bump)."""
        return self.semver == "major"

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape."""
        data: dict[str, Any] = {
            "from": self.from_ref,
            "to": self.to_ref,
            "semver": self.semver,
            "warnings": list(self.warnings),
            "events": [e.to_dict() for e in self.events],
        }
        if self.consumers is not None:
            data["consumers"] = list(self.consumers)
        return data


def release_report(
    from_ref: str, to_ref: str, *, path: str = "schemas", cwd: Path | None = None
) -> ReleaseReport:
    """Compare the catalog under ``path`` at ``from_ref`` with the one at ``to_ref``."""
    before = load_side(f"git:{from_ref}:{path}", cwd=cwd)
    after = load_side(f"git:{to_ref}:{path}", cwd=cwd)
    if before.single or after.single:
        raise CompatibilityError(f"{path!r} is a file; a release report needs a catalog folder")
    return compare_sides(before, after, from_ref, to_ref)


def history_report(
    pattern: str = "v*", *, path: str = "schemas", cwd: Path | None = None
) -> list[ReleaseReport]:
    """One report per release tag matching ``pattern``, oldest first.

    The oldest release is reported against nothing: every event in it is ``added``.
    """
    tags = release_tags(pattern, cwd=cwd)
    if not tags:
        raise CompatibilityError(f"no git tag matches {pattern!r}")
    sides = [load_side(f"git:{tag}:{path}", cwd=cwd) for tag in tags]
    reports = [_initial(sides[0], tags[0])]
    for index in range(1, len(tags)):
        reports.append(compare_sides(sides[index - 1], sides[index], tags[index - 1], tags[index]))
    return reports


def _initial(side: Side, tag: str) -> ReleaseReport:
    events = tuple(
        EventReport(
            e.name,
            e.stability,
            "added",
            (Change("event-added", "info", "", None, e.stability, f"event {e.name} was added"),),
        )
        for e in side.events.values()
    )
    return ReleaseReport(None, tag, "initial", events)


def compare_sides(before: Side, after: Side, from_ref: str, to_ref: str) -> ReleaseReport:
    """The release report between two loaded catalogs."""
    compat = check_compatibility(before, after, witnesses=False)
    by_event: dict[str, list[Finding]] = {}
    for finding in compat.findings:
        by_event.setdefault(finding.event, []).append(finding)
    events: list[EventReport] = []
    for name in sorted(before.events.keys() | after.events.keys()):
        old, new = before.events.get(name), after.events.get(name)
        findings = by_event.get(name, [])
        changes = [Change(f.rule, f.severity, f.pointer, f.old, f.new, f.message) for f in findings]
        if old is not None and new is not None:
            changes.extend(doc_changes(old, new))
        if not changes:
            continue
        verdict = _verdict(old, new, findings)
        located = new or old
        stability = located.stability if located is not None else "stable"
        events.append(EventReport(name, stability, verdict, tuple(changes)))
    bump = _bump(events, by_event)
    return ReleaseReport(
        from_ref, to_ref, bump, tuple(events), tuple(_warnings(from_ref, to_ref, bump))
    )


def _verdict(
    old: EventSchema | None, new: EventSchema | None, findings: Sequence[Finding]
) -> Verdict:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old.stability == "beta" and new.stability == "stable":
        return "promoted"
    if old.stability == "stable" and new.stability == "beta":
        return "demoted"
    if old.stability == "beta":
        return "beta-changed"
    return "breaking" if any(f.breaking for f in findings) else "compatible"


def _bump(events: Iterable[EventReport], findings: dict[str, list[Finding]]) -> Bump:
    everything = list(events)
    stable_break = any(
        f.breaking and f.stability == "stable" for fs in findings.values() for f in fs
    )
    if stable_break:
        return "major"
    added = any(e.verdict in ("added", "promoted") for e in everything) or any(
        c.rule == "property-added" for e in everything for c in e.changes
    )
    return "minor" if added else "patch"


_ORDER = {"patch": 0, "minor": 1, "major": 2}


def _warnings(from_ref: str, to_ref: str, needed: Bump) -> list[str]:
    before, after = parse_version(from_ref), parse_version(to_ref)
    if before is None or after is None:
        return []
    if after <= before:
        return [f"{to_ref} is not a newer version than {from_ref}"]
    if after[0] > before[0]:
        actual = "major"
    elif after[1] > before[1]:
        actual = "minor"
    else:
        actual = "patch"
    if actual == needed:
        return []
    if before[0] == 0 and needed == "major" and actual == "minor":
        return []  # semver 0.x: a minor bump may break
    return [
        f"{to_ref} is a {actual} release after {from_ref}, but its changes need a {needed} bump"
    ]


def doc_changes(old: EventSchema, new: EventSchema) -> list[Change]:
    """Documentation-only differences (descriptions, titles, examples, ...), via deepdiff."""
    from deepdiff import DeepDiff

    diff = DeepDiff(old.schema, new.schema, view="tree", verbose_level=2)
    out: dict[str, Change] = {}
    for kind, items in diff.items():
        for item in items:
            path = item.path(output_format="list")
            cut = _doc_prefix(path)
            if cut is None:
                continue
            pointer = "#" + json_pointer(path[:cut])
            if pointer in out:
                continue
            before = _get(old.schema, path[:cut])
            after = _get(new.schema, path[:cut])
            keyword = path[cut - 1]
            action = {
                "dictionary_item_added": "added",
                "dictionary_item_removed": "removed",
            }.get(kind, "changed")
            out[pointer] = Change(
                "doc-changed", "info", pointer, before, after, f"{keyword} {action} at {pointer}"
            )
    return [out[k] for k in sorted(out)]


def _doc_prefix(path: Sequence[Any]) -> int | None:
    """Length of the path up to its first documentation keyword, or None."""
    for index, key in enumerate(path):
        in_map = index > 0 and path[index - 1] in _SCHEMA_MAPS
        if isinstance(key, str) and key in _DOC and not in_map:
            return index + 1
    return None


def _get(node: Any, path: Sequence[Any]) -> Any:
    for key in path:
        if (isinstance(node, dict) and key in node) or (
            isinstance(node, list) and isinstance(key, int) and key < len(node)
        ):
            node = node[key]
        else:
            return None
    return node


# -- rendering ---------------------------------------------------------------------------


def render_json(reports: ReleaseReport | list[ReleaseReport]) -> str:
    """JSON: one object, or a list of them with ``--history``."""
    data: Any = [r.to_dict() for r in reports] if isinstance(reports, list) else reports.to_dict()
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(report: ReleaseReport) -> str:
    if report.from_ref is None:
        return f"{report.to_ref} (first release)"
    return f"{report.from_ref} → {report.to_ref}"


def _first(report: ReleaseReport) -> str:
    stable = sum(1 for e in report.events if e.stability == "stable")
    return (
        f"First release: {len(report.events)} events ({stable} stable, "
        f"{len(report.events) - stable} beta)."
    )


def render_markdown(reports: ReleaseReport | list[ReleaseReport]) -> str:
    """Markdown for release notes and pull requests."""
    chosen = reports if isinstance(reports, list) else [reports]
    lines: list[str] = []
    for report in chosen:
        lines += [f"## {_title(report)}", "", f"Semver bump needed: **{report.semver}**", ""]
        lines += [f"> ⚠️ {w}" for w in report.warnings]
        if report.warnings:
            lines.append("")
        if report.from_ref is None:
            lines += [_first(report), ""]
            continue
        if not report.events:
            lines += ["No event changed.", ""]
            continue
        if report.consumers is None:
            lines += ["| Event | Stability | Verdict | Changes |", "|---|---|---|---|"]
            for e in report.events:
                lines.append(
                    f"| `{e.event}` | {e.stability} | **{e.verdict}** | {len(e.changes)} |"
                )
        else:
            lines += [
                "| Event | Stability | Verdict | Changes | Affected consumers |",
                "|---|---|---|---|---|",
            ]
            for e in report.events:
                who = ", ".join(sorted({c for c, _ in e.consumers or ()})) or "none"
                lines.append(
                    f"| `{e.event}` | {e.stability} | **{e.verdict}** | {len(e.changes)} | {who} |"
                )
        lines.append("")
        for e in report.events:
            lines.append(f"### `{e.event}` — {e.verdict}")
            lines.append("")
            if e.affected:
                lines += [f"Consumers: {e.affected}".replace("|", "\\|"), ""]
            for c in e.changes:
                where = f" `{c.pointer}`" if c.pointer else ""
                lines.append(
                    f"- {c.severity} `{c.rule}`{where}: {_short(c.old)} → {_short(c.new)}".replace(
                        "|", "\\|"
                    )
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:70rem;
color:#1b1f24;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0}
th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.v{font-weight:600;border-radius:1rem;padding:.05rem .55rem;white-space:nowrap}
.breaking,.removed,.demoted{background:#ffebe9;color:#a40e26}
.added,.promoted{background:#dafbe1;color:#116329}
.compatible{background:#ddf4ff;color:#0550ae}.beta-changed{background:#fff8c5;color:#7d4e00}
.major{color:#a40e26}.minor{color:#116329}.patch,.initial{color:#0550ae}
.warn{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .8rem}
details{margin:.4rem 0}summary{cursor:pointer}
"""


def render_html(reports: ReleaseReport | list[ReleaseReport]) -> str:
    """One self-contained HTML page (inline CSS, no scripts, no network)."""
    chosen = reports if isinstance(reports, list) else [reports]
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Case.dev webhook catalog: release report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Case.dev webhook catalog: release report</h1>",
        '<table id="summary"><thead><tr><th>Release</th><th>Semver</th>'
        "<th>Events changed</th><th>Verdicts</th></tr></thead><tbody>",
    ]
    for report in chosen:
        counts: dict[str, int] = {}
        for e in report.events:
            counts[e.verdict] = counts.get(e.verdict, 0) + 1
        verdicts = " ".join(
            f'<span class="v {v}">{v} {counts[v]}</span>' for v in VERDICTS if v in counts
        )
        parts.append(
            f'<tr><td><a href="#r-{esc(report.to_ref)}">{esc(_title(report))}</a></td>'
            f'<td class="{report.semver}">{report.semver}</td>'
            f"<td>{len(report.events)}</td><td>{verdicts}</td></tr>"
        )
    parts.append("</tbody></table>")
    for report in chosen:
        parts.append(
            f'<section class="release" id="r-{esc(report.to_ref)}">'
            f"<h2>{esc(_title(report))}</h2>"
            f'<p>Semver bump needed: <strong class="{report.semver}">{report.semver}</strong></p>'
        )
        parts.extend(f'<p class="warn">{esc(w)}</p>' for w in report.warnings)
        if report.from_ref is None:
            parts.append(f"<p>{esc(_first(report))}</p></section>")
            continue
        if not report.events:
            parts.append("<p>No event changed.</p></section>")
            continue
        parts.append(
            "<table><thead><tr><th>Event</th><th>Stability</th><th>Verdict</th>"
            "<th>Changes</th></tr></thead><tbody>"
        )
        for e in report.events:
            rows = "".join(
                f"<tr><td><code>{esc(c.rule)}</code></td><td><code>{esc(c.pointer or '/')}</code>"
                f"</td><td><code>{esc(_short(c.old))}</code></td><td><code>{esc(_short(c.new))}"
                f"</code></td><td>{esc(c.severity)}</td></tr>"
                for c in e.changes
            )
            parts.append(
                f'<tr class="event" data-event="{esc(e.event)}" data-verdict="{e.verdict}">'
                f"<td><code>{esc(e.event)}</code></td><td>{esc(e.stability)}</td>"
                f'<td><span class="v {e.verdict}">{e.verdict}</span>'
                + (f'<p class="consumers">{esc(e.affected)}</p>' if e.affected else "")
                + "</td><td><details>"
                f"<summary>{len(e.changes)} change(s)</summary><table><thead><tr><th>Rule</th>"
                "<th>Pointer</th><th>Old</th><th>New</th><th>Severity</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></details></td></tr>"
            )
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS = {"json": render_json, "markdown": render_markdown, "html": render_html}
