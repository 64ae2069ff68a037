"""``casedev-conformance fuzz`` and ``replay``: thin shells over ``conformance._fuzz``.

Exit codes: 0 nothing failed, 1 the handler failed on something, 2 usage errors (a
target that cannot be imported or called, a pattern that matches no event).
"""

from __future__ import annotations

import json
import os
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
    """The whole report: each distinct failure, then a one-line summary."""
    blocks = [
        format_failure(i, f, replay_target=replay_target)
        for i, f in enumerate(report.failures, start=1)
    ]
    events = sum(1 for c in report.cases if not c.id.startswith("contract:"))
    contract = len(report.cases) - events
    mode = (
        f"{events} events + {contract} contract cases"
        if report.contract
        else f"{events} events, schema only"
    )
    found = len(report.failures)
    verdict = f"{found} distinct failure{'s' if found != 1 else ''}" if found else "no failures"
    blocks.append(
        f"{verdict} in {report.handler}: {report.examples} delivery sequences over {mode} "
        f"in {report.seconds:.1f} s (seed {report.seed}; rerun with --seed {report.seed})"
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


def _write_usage(recorder: Any, path: Path, *, consumer: str | None, target: str) -> None:
    from .._catalog import load_catalog
    from .._config import consumer_name, environment_layer, pyproject_table, resolve
    from .._usage import build_manifest, write_manifest

    root = Path.cwd()
    settings = resolve(
        [
            ("pyproject.toml [tool.conformance] {name}", pyproject_table(root / "pyproject.toml")),
            ("environment variable CONFORMANCE_{NAME}", environment_layer(os.environ)),
            ("--{name}", {"consumer": consumer}),
        ]
    )
    manifest = build_manifest(
        recorder, load_catalog(), consumer=consumer_name(settings, root), handler=target
    )
    write_manifest(manifest, path)
    fields = sum(len(e.fields) for e in manifest.events.values())
    click.echo(
        f"usage manifest for {manifest.consumer}: {len(manifest.events)} event(s), "
        f"{fields} field(s) read -> {path}"
    )


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
    usage_path: Path | None = None,
    consumer: str | None = None,
) -> int:
    """Fuzz the handler named by ``target``; print the report; return the exit code.

    With ``usage_path``, every delivery handed over records what the handler reads, and
    a usage manifest naming ``consumer`` is written there.
    """
    from .._fuzzing import fuzz as run_fuzz
    from .._fuzzing import fuzz_cases, load_target

    handler = load_target(target)
    cases = fuzz_cases(list(events) or ["*"], contract=contract)  # bad patterns: exit 2
    recorder = None
    if usage_path is not None:
        from .._usage import Recorder

        recorder = Recorder()
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
            observe=recorder,
        )
    report.handler = target
    click.echo(format_report(report, replay_target=target))
    if report_path is not None:
        _write_report(report_path, report)
    if recorder is not None and usage_path is not None:
        _write_usage(recorder, usage_path, consumer=consumer, target=target)
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
    help="Examples per fuzz case (each event and each contract rule).",
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
    help="Where failing deliveries are saved for `replay`.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report as JSON to FILE.",
)
@click.option(
    "--usage",
    "usage_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Record which events and fields the handler reads; write the usage manifest to FILE.",
)
@click.option(
    "--consumer",
    default=None,
    metavar="NAME",
    help="Consumer name in the usage manifest (default: [tool.conformance] consumer, "
    "CONFORMANCE_CONSUMER, else the project's name in pyproject.toml).",
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
    usage_path: Path | None,
    consumer: str | None,
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
        usage_path=usage_path,
        consumer=consumer,
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
