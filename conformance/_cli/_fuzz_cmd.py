"""``casedev-conformance fuzz`` and ``replay``: thin shells over ``conformance._fuzz``.

Exit codes: 0 nothing failed, 1 the handler failed on something, 2 usage errors (a
target that cannot be imported or called, a pattern that matches no event).
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .._errors import UsageError
from .._fuzzing import (
    DEFAULT_DEADLINE,
    DEFAULT_FAILURES_DIR,
    DEFAULT_MAX_EXAMPLES,
    CaseResult,
    FuzzReport,
    HandlerFailure,
)
from . import EXIT_FOUND, EXIT_OK
from ._receiver_cmd import receiver_options

_SHOWN_STRING = 200


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


def format_failure(number: int, failure: HandlerFailure, *, replay_target: str | None) -> str:
    """A human-readable block for one distinct failure."""
    lines = [f"FAIL {number}: {failure.summary}"]
    case = f" (case {failure.case})" if failure.case and failure.case != failure.event else ""
    lines.append(f"  event:    {failure.event}{case}")
    if failure.frame is not None:
        lines.append(f"  handler:  {failure.frame}")
        if failure.frame.line:
            lines.append(f"            {failure.frame.line}")
    if failure.kind == "exception":
        lines.append(f"  raised:   {type(failure.exception).__name__}")
    if failure.evidence:
        lines.append(f"  owner:    {failure.owner or 'unknown'} ({failure.evidence})")
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
            command = [
                "casedev-conformance",
                "replay",
                str(failure.path),
                "--target",
                replay_target,
            ]
            lines.append(f"  replay:   {shlex.join(command)}")
    return "\n".join(lines)


def format_report(report: FuzzReport, *, replay_target: str | None) -> str:
    """The whole report: invalid captured deliveries, each distinct failure, the
    coverage table, then a one-line summary."""
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
    blocks.append(
        f"{verdict} in {report.handler}: {report.examples} delivery sequences{also} over "
        f"{mode} in {report.seconds:.1f} s (seed {report.seed}; rerun with --seed {report.seed})"
    )
    return "\n\n".join(blocks)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[CaseResult, int, int], None] | None]:
    """A rich progress bar on a terminal's stderr; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("fuzzing {task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def advance(result: CaseResult, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=result.id)

        yield advance


def _write_report(path: Path, report: FuzzReport) -> None:
    try:
        path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the report: {exc.strerror or exc}", file=path) from None


def run_handler_fuzz(
    target: str,
    events: Sequence[str],
    *,
    max_examples: int,
    seed: int | None,
    deadline: float,
    contract: bool,
    failures_dir: Path,
    report_path: Path | None,
    corpus: Sequence[Path] = (),
    database: Sequence[str] = (),
) -> int:
    """Fuzz the handler named by ``target``; print the report; return the exit code."""
    from .._fuzzing import fuzz as run_fuzz
    from .._fuzzing import fuzz_cases, load_corpus, load_target, open_database

    handler = load_target(target)
    cases = fuzz_cases(list(events) or ["*"], contract=contract)  # bad patterns: exit 2
    captured = load_corpus(list(corpus))  # unreadable files: exit 2 before fuzzing
    db = open_database(list(database))  # a bad spec or unreachable server: exit 2
    with _progress(sys.stderr.isatty()) as progress:
        report = run_fuzz(
            handler,
            list(events) or ["*"],
            max_examples=max_examples,
            seed=seed,
            contract=contract,
            deadline=deadline,
            failures_dir=failures_dir,
            progress=progress,
            cases=cases,
            corpus=captured,
            database=db,
        )
    report.handler = target
    click.echo(format_report(report, replay_target=target))
    if report_path is not None:
        _write_report(report_path, report)
    return EXIT_OK if report.ok else EXIT_FOUND


@click.command("fuzz")
@receiver_options
@click.argument("target", required=False, metavar="TARGET")
@click.option(
    "--events",
    "-e",
    "events",
    multiple=True,
    metavar="PATTERN",
    help="Event filter: an exact name, a prefix such as 'vault.*', or '*' (repeatable; default '*').",
)
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_EXAMPLES,
    show_default=True,
    help="Examples per event case; each contract rule is tried on every selected event "
    "(this many shared among them, at least 3 each).",
)
@click.option("--seed", type=int, default=None, help="Make the run repeatable.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Seconds a handler may take per delivery before it counts as a failure "
    "(handler TARGET only; receivers have --time-limit).",
)
@click.option(
    "--schema-only",
    is_flag=True,
    help="Only what the schemas spell out: no extra fields, unknown types, duplicates, "
    "reordering, timestamp forms or boundary values (handler TARGET only).",
)
@click.option(
    "--failures-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FAILURES_DIR,
    show_default=True,
    help="Where failing deliveries are saved for `replay`; the ones saved there are "
    "replayed first on the next run.",
)
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Captured deliveries (JSON Lines or a JSON array, as `validate` reads them; "
    "repeatable): replayed through the handler first, then mutated to seed generation. "
    "Invalid ones are reported and not used.",
)
@click.option(
    "--database",
    "database",
    multiple=True,
    metavar="SPEC",
    envvar="CONFORMANCE_DATABASE",
    help="Keep failing examples and replay them first: a folder, a redis://HOST:PORT/DB "
    "URL, or readonly:SPEC (repeatable: layered). Share one across CI shards. "
    "Env: CONFORMANCE_DATABASE (whitespace-separated).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report as JSON to FILE.",
)
def fuzz(
    *,
    target: str | None,
    events: tuple[str, ...],
    max_examples: int,
    seed: int | None,
    deadline: float,
    schema_only: bool,
    failures_dir: Path,
    report_path: Path | None,
    corpus: tuple[Path, ...],
    database: tuple[str, ...],
) -> None:
    """Fuzz a webhook handler with every delivery the contract allows.

    TARGET is package.module:callable or path/to/file.py:callable; the callable takes
    one parsed delivery dict and may be sync or async.
    """
    # Other kinds of target (an HTTP receiver) add their options above and branch here.
    if target is None:
        raise UsageError("missing TARGET: give package.module:callable or path/to/file.py:callable")
    code = run_handler_fuzz(
        target,
        events,
        max_examples=max_examples,
        seed=seed,
        deadline=deadline,
        contract=not schema_only,
        failures_dir=failures_dir,
        report_path=report_path,
        corpus=corpus,
        database=database,
    )
    sys.exit(code)


@click.command("replay")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--target",
    required=True,
    metavar="TARGET",
    help="The handler: package.module:callable or path/to/file.py:callable.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Seconds a handler may take per delivery.",
)
def replay(file: Path, target: str, deadline: float) -> None:
    """Rerun the deliveries saved in FILE (by `fuzz`) on a handler, without Hypothesis.

    Exit 1 if the handler still fails, 0 if it now accepts them all.
    """
    from .._fuzzing import load_failure, load_target
    from .._fuzzing import replay as run_replay

    handler = load_target(target)
    load_failure(file)  # unreadable or malformed: exit 2 before running anything
    try:
        count = run_replay(file, handler, deadline=deadline)
    except HandlerFailure as failure:
        failure.path = None
        click.echo(format_failure(1, failure, replay_target=None))
        click.echo(f"\nstill failing: {file}")
        sys.exit(EXIT_FOUND)
    click.echo(f"ok: {target} accepted all {count} deliveries in {file}")
    sys.exit(EXIT_OK)
