"""Render a :class:`CompatReport`: text, JSON, Markdown, JUnit XML, GitHub annotations, SARIF."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from typing import Any
from xml.etree import ElementTree as ET

import orjson

from ._check import CompatReport, Finding
from ._rules import RULES

FORMATS: tuple[str, ...] = ("text", "json", "markdown", "junit", "github", "sarif")
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _short(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else _json(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def readers_text(consumers: tuple[tuple[str, str], ...]) -> str:
    """``a reads /x, /y; b reads /z`` (the pointer ``''`` is the whole payload)."""
    by: dict[str, list[str]] = {}
    for consumer, read in consumers:
        by.setdefault(consumer, []).append(read or "(the whole payload)")
    return "; ".join(f"{c} reads {', '.join(reads)}" for c, reads in by.items())


def _consumers_line(report: CompatReport, f: Finding) -> str | None:
    """What the text formats say about a finding's consumers (None: no manifests given)."""
    if report.consumers is None:
        return None
    if f.consumers:
        return "consumers: " + readers_text(f.consumers)
    return f"consumers: none of {len(report.consumers)} declared consumer(s) read this" + (
        "; not gating (--consumers-only)" if f.excused else ""
    )


def render(report: CompatReport, fmt: str, *, color: bool = False) -> str:
    """``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    renderers: Mapping[str, Callable[[CompatReport], str]] = {
        "json": render_json,
        "markdown": render_markdown,
        "junit": render_junit,
        "github": render_github,
        "sarif": render_sarif,
    }
    if fmt == "text":
        return render_text(report, color=color)
    return renderers[fmt](report)


def render_json(report: CompatReport) -> str:
    """The documented JSON shape, indented."""
    return orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n"


_STYLE = {
    "breaking": "bold red",
    "undecided": "bold magenta",
    "waived": "yellow",
    "warning": "yellow",
    "info": "cyan",
}


def _level(finding: Finding) -> str:
    """error / warning / note for annotation formats (undecided: error unless --undecided=warn)."""
    if finding.status == "undecided":
        return "error" if finding.blocking else "warning"
    return {"breaking": "error", "warning": "warning", "waived": "error", "info": "note"}[
        finding.status
    ]


def render_text(report: CompatReport, *, color: bool = False) -> str:
    """Human-readable text; ANSI colour when ``color``."""
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=120,
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"compat {escape(report.old)} -> {escape(report.new)}  "
        f"(policy: stable={report.policies()['stable']}, "
        f"beta={report.policies()['beta']})"
    )
    for f in report.findings:
        style = _STYLE[f.status]
        where = f.event + (f"  {f.pointer}" if f.pointer else "")
        against = escape(f"  [against {f.against}]") if f.against else ""
        console.print(
            f"[{style}]{f.status.upper():8}[/] [bold]{escape(f.rule)}[/]  {escape(where)}{against}"
        )
        console.print(f"         {escape(f.message)}")
        if f.undecided:
            console.print(
                f"         undecided: keyword {escape(f.keyword or '?')} at "
                f"{escape(f.pointer or '/')}; "
                + ("fails the gate (--undecided=fail)" if f.blocking else "warning only")
            )
        console.print(f"         old: {escape(_short(f.old))}   new: {escape(_short(f.new))}")
        if f.witness is not None:
            console.print(
                f"         witness (valid under {f.witness.valid_under}, rejected by "
                f"{f.witness.rejected_by}): {escape(_short(f.witness.payload, 400))}"
            )
        consumers = _consumers_line(report, f)
        if consumers is not None:
            console.print(f"         {escape(consumers)}")
        if f.waiver is not None:
            console.print(
                f"         waived by {escape(f.waiver.approver)} until "
                f"{f.waiver.expires.isoformat()}: {escape(f.waiver.reason)}"
            )
    for w in report.expired_waivers:
        console.print(
            f"[bold red]EXPIRED [/] waiver {escape(w.origin)} ({escape(w.rule)} {escape(w.event)}) "
            f"expired on {w.expires.isoformat()}"
        )
    for w in report.stale_waivers:
        console.print(
            f"[yellow]STALE   [/] waiver {escape(w.origin)} ({escape(w.rule)} {escape(w.event)} "
            f"{escape(w.pointer or '')}) matches no finding; remove it"
        )
    for note in report.consumer_notes:
        console.print(f"[yellow]STALE   [/] {escape(note)}")
    head, _, rest = verdict_line(report).partition(":")
    console.print(f"[{'bold green' if report.ok else 'bold red'}]{head}[/]:{escape(rest)}")
    return buffer.getvalue()


def verdict_line(report: CompatReport) -> str:
    """The one-line verdict: ``OK: 53 event(s) compared, 0 breaking, ...`` (no colour)."""
    counts = report.to_dict()["summary"]
    return (
        f"{'OK' if report.ok else 'FAILED'}: {len(report.events)} event(s) compared, "
        f"{counts['breaking']} breaking, {counts['undecided']} undecided, "
        f"{counts['warning']} non-gating, {counts['waived']} waived, {counts['info']} info"
    )


def _md(value: Any) -> str:
    return "`" + _short(value, 80).replace("`", "'").replace("|", "\\|") + "`"


def render_markdown(report: CompatReport) -> str:
    """A pull-request comment or job summary."""
    counts = report.to_dict()["summary"]
    icon = "✅" if report.ok else "❌"
    lines = [
        f"### {icon} Schema compatibility: {report.old} → {report.new}",
        "",
        f"{len(report.events)} event(s) compared · **{counts['breaking']} breaking** · "
        f"**{counts['undecided']} undecided** · "
        f"{counts['warning']} non-gating · {counts['waived']} waived · {counts['info']} info",
        "",
    ]
    if report.findings:
        lines += [
            "| | Rule | Event | Pointer | Keyword | Old | New |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in report.findings:
            lines.append(
                f"| {f.status} | `{f.rule}` | `{f.event}` | `{f.pointer or '/'}` "
                f"| {('`' + f.keyword + '`') if f.keyword else ''} | {_md(f.old)} | {_md(f.new)} |"
            )
        lines.append("")
        witnessed = [f for f in report.findings if f.witness is not None]
        if witnessed:
            lines += ["<details><summary>Witnesses</summary>", ""]
            for f in witnessed:
                assert f.witness is not None
                lines += [
                    f"**{f.rule}** `{f.event}{f.pointer}`: valid under {f.witness.valid_under}, "
                    f"rejected by {f.witness.rejected_by}",
                    "",
                    "```json",
                    _json(f.witness.payload),
                    "```",
                    "",
                ]
            lines += ["</details>", ""]
    if report.consumers is not None:
        lines += [f"**Consumers** ({len(report.consumers)} declared):", ""]
        for f in report.findings:
            line = _consumers_line(report, f)
            lines.append(f"- `{f.rule}` `{f.event}{f.pointer}`: {line}")
        lines += [f"- ⚠️ {note}" for note in report.consumer_notes]
        lines.append("")
    for w in report.expired_waivers:
        lines.append(f"- ❌ expired waiver `{w.origin}` ({w.rule} {w.event}, {w.expires})")
    for w in report.stale_waivers:
        lines.append(f"- ⚠️ stale waiver `{w.origin}` ({w.rule} {w.event}) matches nothing")
    return "\n".join(lines).rstrip() + "\n"


def render_junit(report: CompatReport) -> str:
    """JUnit XML: one test case per event compared, failing on blocking findings."""
    by_event: dict[str, list[Finding]] = {name: [] for name in report.events}
    for f in report.findings:
        by_event.setdefault(f.event, []).append(f)
    suite = ET.Element(
        "testsuite",
        name="casedev-conformance compat",
        tests=str(len(by_event) + len(report.expired_waivers)),
        failures=str(
            sum(1 for fs in by_event.values() if any(f.blocking for f in fs))
            + len(report.expired_waivers)
        ),
        errors="0",
        skipped="0",
    )
    for event, found in by_event.items():
        case = ET.SubElement(suite, "testcase", classname="compat", name=event)
        blocking = [f for f in found if f.blocking]
        if blocking:
            kind = "breaking" if any(f.breaking for f in blocking) else "undecided"
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(blocking)} breaking or undecided change(s)",
                type=kind,
            )
            failure.text = "\n".join(
                f"{f.status} {f.rule} {f.pointer or '/'}"
                + (f" [{f.keyword}]" if f.keyword else "")
                + f": {f.message}"
                + (f" (witness: {_json(f.witness.payload)})" if f.witness else "")
                + (f" ({readers_text(f.consumers)})" if f.consumers else "")
                for f in blocking
            )
        others = [f for f in found if not f.blocking]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(
                f"{f.status} {f.rule} {f.pointer or '/'}: {f.message}" for f in others
            )
    for w in report.expired_waivers:
        case = ET.SubElement(suite, "testcase", classname="compat.waivers", name=w.origin)
        failure = ET.SubElement(case, "failure", message="expired waiver", type="expired-waiver")
        failure.text = f"{w.rule} {w.event} expired on {w.expires.isoformat()}"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(report: CompatReport) -> str:
    """GitHub Actions workflow commands (``::error file=...,title=...::message``)."""
    levels = {"error": "error", "warning": "warning", "note": "notice"}
    lines = []
    for f in report.findings:
        title = f"{f.rule} {f.event}{f.pointer}"
        message = f.message
        if f.undecided:
            message = (
                f"undecided (keyword {f.keyword or '?'} at {f.pointer or '/'}): "
                + message
                + (f" (waived: {f.waiver.reason})" if f.waiver else "")
            )
        if f.witness is not None:
            message += f"\nwitness: {_json(f.witness.payload)}"
        consumers = _consumers_line(report, f)
        if consumers is not None:
            message += "\n" + consumers
        lines.append(
            f"::{'notice' if f.waiver else levels[_level(f)]} file={_gh_escape(f.file, prop=True)},"
            f"title={_gh_escape(title, prop=True)}::{_gh_escape(message)}"
        )
    for w in report.expired_waivers:
        lines.append(
            f"::error title={_gh_escape('expired waiver ' + w.origin, prop=True)}::"
            f"{_gh_escape(f'{w.rule} {w.event} expired on {w.expires.isoformat()}')}"
        )
    for w in report.stale_waivers:
        lines.append(
            f"::warning title={_gh_escape('stale waiver ' + w.origin, prop=True)}::"
            f"{_gh_escape(f'{w.rule} {w.event} matches no finding')}"
        )
    for note in report.consumer_notes:
        lines.append(f"::warning title=stale usage manifest::{_gh_escape(note)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_sarif(report: CompatReport) -> str:
    """SARIF 2.1.0 for code-scanning uploads."""
    from .._version import __version__

    rules = list(RULES.values())
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        fingerprint = hashlib.sha256(f"{f.rule}|{f.event}|{f.pointer}".encode()).hexdigest()[:32]
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _level(f),
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": f.file or f.event}},
                    "logicalLocations": [
                        {"fullyQualifiedName": f"{f.event}#{f.pointer}", "kind": "member"}
                    ],
                }
            ],
            "partialFingerprints": {"casedevFinding/v1": fingerprint},
            "properties": {
                "event": f.event,
                "pointer": f.pointer,
                "stability": f.stability,
                "old": f.old,
                "new": f.new,
                "witness": f.witness.to_dict() if f.witness else None,
                "consumers": [{"consumer": c, "field": r} for c, r in f.consumers],
                "status": f.status,
                "keyword": f.keyword or None,
            },
        }
        if f.waiver is not None:
            result["suppressions"] = [
                {"kind": "external", "justification": f"{f.waiver.reason} ({f.waiver.approver})"}
            ]
        results.append(result)
    doc = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "casedev-conformance",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/casedev-conformance/",
                        "rules": [
                            {
                                "id": r.id,
                                "name": "".join(p.title() for p in r.id.split("-")),
                                "shortDescription": {"text": r.summary},
                                "defaultConfiguration": {
                                    "level": "error"
                                    if r.severity_under("frozen") == "breaking"
                                    else "note"
                                },
                                "properties": {"severity": dict(r.severity)},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_rules() -> str:
    """The rule table as plain text (``--list-rules``), each rule with its rationale."""
    import textwrap

    width = max(len(r) for r in RULES)
    lines = [f"{'rule':{width}}  {'frozen':9}  {'consumer-safe':13}  summary"]
    for r in RULES.values():
        lines.append(
            f"{r.id:{width}}  {r.severity['frozen']:9}  {r.severity['consumer-safe']:13}  {r.summary}"
        )
        pad = " " * (width + 2)
        lines.extend(
            textwrap.wrap(
                "why: " + r.rationale, 100, initial_indent=pad, subsequent_indent=pad + "     "
            )
        )
    lines.append("")
    lines.append(
        "undecided findings fail the gate (exit 1) unless --undecided=warn; every breaking "
        "finding carries a witness payload checked by python-jsonschema."
    )
    return "\n".join(lines) + "\n"


def render_rules_markdown() -> str:
    """``docs/compat-rules.md``: the rule table with each rule's rationale (generated)."""
    lines = [
        "# Compatibility rules",
        "",
        "<!-- generated from conformance/_compat/_rules.py by render_rules_markdown();"
        " tests/test_compat.py fails when this page drifts -->",
        "",
        "`casedev-conformance compat OLD NEW` judges every change by JSON instance semantics:"
        " a change breaks consumers when NEW accepts a payload OLD rejects (and, under"
        " `frozen`, also when OLD accepts a payload NEW rejects, labelled *narrowing*)."
        " Every breaking finding carries a witness payload, verified with python-jsonschema"
        " under each schema's own dialect (`$schema`: draft-04/06/07, 2019-09, 2020-12;"
        " none means 2020-12, where non-keywords such as `id` are annotations).",
        "",
        "A rule finding with no witness is settled by the prover: proven safe becomes `info`;"
        " neither proven nor shown becomes **undecided**, its own verdict in every output"
        " format (with keyword and pointer). Undecided fails the gate (exit 1) by default;"
        " `--undecided=warn` makes it a warning.",
        "",
        "| Rule | frozen | consumer-safe | Summary | Why (example) |",
        "|---|---|---|---|---|",
    ]
    for r in RULES.values():
        why = r.rationale.replace("|", "\\|")
        lines.append(
            f"| `{r.id}` | {r.severity['frozen']} | {r.severity['consumer-safe']} "
            f"| {r.summary} | {why} |"
        )
    return "\n".join(lines) + "\n"
