"""The one rendering of handler failures and fuzz reports, shared by the CLI and the plugin.

Both faces show a failure the same way: what went wrong, on which event, the handler
line, the minimal failing delivery (or sequence), where it was saved and the command
that replays it. The pytest plugin adds the handler's traceback (a test report's
reader expects one); the CLI keeps to the handler's line.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from ._failure import exception_type_name, handler_traceback
from ._handler import HandlerFailure
from ._runner import FuzzReport

_SHOWN_STRING = 200
#: Frames of this package (the handler runner) are noise in a handler's traceback.


def _shorten(value: Any) -> Any:
    """Long strings cut for the terminal (the saved file keeps them whole)."""
    if isinstance(value, str) and len(value) > _SHOWN_STRING:
        return value[:_SHOWN_STRING] + f"... ({len(value)} characters)"
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    return value


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def replay_command(path: Path | str, target: str) -> str:
    """The shell command that reruns the deliveries saved at ``path`` on ``target``."""
    return shlex.join(["casedev-conformance", "replay", str(path), "--target", target])


def _handler_traceback(exc: BaseException) -> list[str]:
    return ["    " + line for line in handler_traceback(exc).rstrip("\n").splitlines()]


def format_failure(
    number: int,
    failure: HandlerFailure,
    *,
    replay_target: str | None,
    with_traceback: bool = False,
) -> str:
    """A human-readable block for one distinct failure.

    ``replay_target`` adds the replay command for the saved file (``failure.path``, shown
    as it is: make it relative first if it should be); ``with_traceback`` adds the
    handler's traceback without the tool's own frames.
    """
    lines = [f"FAIL {number}: {failure.summary}"]
    case = f" (case {failure.case})" if failure.case and failure.case != failure.event else ""
    lines.append(f"  event:    {failure.event}{case}")
    if failure.frame is not None:
        lines.append(f"  handler:  {failure.frame}")
        if failure.frame.line:
            lines.append(f"            {failure.frame.line}")
    if failure.evidence:
        lines.append(f"  owner:    {failure.owner or 'unknown'} ({failure.evidence})")
    if failure.kind == "exception":
        name = exception_type_name(failure.exception).rpartition(".")[2]
        lines.append(f"  raised:   {name}")
        if with_traceback and failure.traceback_text:
            # Raised in the worker process: its traceback came back as text.
            lines.append("  traceback:")
            lines.extend("    " + line for line in failure.traceback_text.splitlines())
        elif with_traceback and failure.exception is not None:
            lines.append("  traceback:")
            lines.extend(_handler_traceback(failure.exception))
    elif failure.output.strip():
        lines.append("  output (last lines the handler's process wrote):")
        lines.extend("            " + line for line in failure.output.splitlines()[-5:])
    total = len(failure.deliveries)
    if total > 1:
        lines.append(
            f"  sequence: failed on delivery {failure.index + 1} of {total}; the earlier ones:"
        )
        for earlier in failure.deliveries[: failure.index]:
            lines.append(_indent(json.dumps(_shorten(earlier), ensure_ascii=False)))
    lines.append("  minimal failing delivery:")
    lines.append(_indent(json.dumps(_shorten(failure.delivery), indent=2, ensure_ascii=False)))
    if failure.path is not None:
        lines.append(f"  saved:    {failure.path}")
        if replay_target is not None:
            lines.append(f"  replay:   {replay_command(failure.path, replay_target)}")
    return "\n".join(lines)


def format_report(report: FuzzReport, *, replay_target: str | None) -> str:
    """The whole report: invalid captured deliveries, each distinct failure, the
    coverage table, then the one-line verdict."""
    blocks = []
    if report.corpus_problems:
        shown = [f"  {p}" for p in report.corpus_problems[:20]]
        more = len(report.corpus_problems) - len(shown)
        blocks.append(
            f"corpus: {len(report.corpus_problems)} captured deliveries are not valid and "
            "were not used:\n" + "\n".join(shown) + (f"\n  ... and {more} more" if more else "")
        )
    blocks.extend(
        format_failure(i, f, replay_target=replay_target)
        for i, f in enumerate(report.failures, start=1)
    )
    blocks.append(report.coverage.render())
    blocks.append(report_verdict(report))
    return "\n\n".join(blocks)


def report_verdict(report: FuzzReport) -> str:
    """The one-line verdict of a fuzz run (what ``-q`` keeps)."""
    events = sum(1 for c in report.cases if not c.id.startswith("contract:"))
    contract = len(report.cases) - events
    mode = (
        f"{events} events + {contract} contract cases"
        if report.contract
        else f"{events} events, schema only"
    )
    found = len(report.failures)
    verdict = f"{found} distinct failure{'s' if found != 1 else ''}" if found else "no failures"
    extra = []
    if report.replayed:
        extra.append(f"{report.replayed} replayed first")
    if report.corpus_size:
        extra.append(f"{report.corpus_size} captured deliveries used")
    also = f" ({', '.join(extra)})" if extra else ""
    return (
        f"{verdict} in {report.handler}: {report.examples} delivery sequences{also} over "
        f"{mode} in {report.seconds:.1f} s (seed {report.seed}; rerun with --seed {report.seed})"
    )
