"""``casedev-conformance fuzz`` and ``replay``: thin shells over ``conformance._fuzz``.

Exit codes: 0 nothing failed, 1 the handler failed on something, 2 usage errors (a
target that cannot be imported or called, a pattern that matches no event).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .._errors import UsageError
from .._files import write_file
from .._fuzzing import (
    DEFAULT_DEADLINE,
    DEFAULT_FAILURES_DIR,
    DEFAULT_ISOLATION,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_MEMORY_LIMIT,
    ISOLATIONS,
    CaseResult,
    FuzzReport,
    HandlerFailure,
    format_failure,
    format_report,
)
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, VERBOSE, catalog_option, common_options, echo, verbosity
from ._params import MAX_COUNT, POSITIVE_SECONDS
from ._receiver_cmd import receiver_options


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
    write_file(
        path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", what="report"
    )


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
    catalog_dir: Path | None = None,
    usage_path: Path | None = None,
    consumer: str | None = None,
    isolation: str = DEFAULT_ISOLATION,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    corpus: Sequence[Path] = (),
    database: Sequence[str] = (),
) -> int:
    """Fuzz the handler named by ``target``; print the report; return the exit code.

    With ``usage_path``, every delivery handed over records what the handler reads, and
    a usage manifest naming ``consumer`` is written there.
    """
    from .._catalog import load_catalog
    from .._fuzzing import Handler, fuzz_cases, load_corpus, open_database, report_verdict
    from .._fuzzing import fuzz as run_fuzz

    catalog = load_catalog(catalog_dir)
    # bad patterns: exit 2
    cases = fuzz_cases(list(events) or ["*"], contract=contract, catalog=catalog)
    captured = load_corpus(list(corpus), catalog=catalog)  # unreadable files: exit 2 first
    db = open_database(list(database))  # a bad spec or unreachable server: exit 2
    recorder = None
    if usage_path is not None:
        from .._usage import Recorder

        recorder = Recorder()
    handler = Handler(target, isolation=isolation, memory_limit=memory_limit)
    try:
        handler.load()  # import problems of the target: exit 2, before anything runs
        with _progress(sys.stderr.isatty() and verbosity() != QUIET) as progress:
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
                catalog=catalog,
                observe=recorder,
                corpus=captured,
                database=db,
            )
    finally:
        handler.close()
    report.handler = target
    if verbosity() == QUIET:
        echo(report_verdict(report), level=QUIET)
    else:
        echo(format_report(report, replay_target=target))
    for case in report.cases:
        echo(
            f"  {case.id}: {case.examples} examples, {case.failures} failing, {case.seconds:.2f} s",
            level=VERBOSE,
        )
    if report_path is not None:
        _write_report(report_path, report)
    if recorder is not None and usage_path is not None:
        _write_usage(recorder, usage_path, consumer=consumer, target=target)
    return EXIT_OK if report.ok else EXIT_FOUND


def isolation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--isolation`` and ``--memory-limit``: how a handler TARGET is run."""
    command = click.option(
        "--memory-limit",
        type=click.IntRange(min=0, max=MAX_COUNT),
        default=DEFAULT_MEMORY_LIMIT,
        show_default=True,
        metavar="MIB",
        help="Address space (MiB) the handler's worker process may add to its size at "
        "start; going past it is a failure. 0: no limit (process isolation only).",
    )(command)
    return click.option(
        "--isolation",
        type=click.Choice(ISOLATIONS),
        default=DEFAULT_ISOLATION,
        show_default=True,
        help="process: run the handler in a worker process that is killed and replaced "
        "when it hangs, exits, crashes, forks or floods; thread: in this process "
        "(faster to start, but a handler can take the tool down with it).",
    )(command)


@click.command("fuzz")
@common_options
@receiver_options
@isolation_options
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
    type=click.IntRange(min=1, max=MAX_COUNT),
    default=DEFAULT_MAX_EXAMPLES,
    help="Examples per event case; each contract rule is tried on every selected event "
    "(this many shared among them, at least 3 each) "
    f"[default: {DEFAULT_MAX_EXAMPLES} for a handler TARGET, 5 per event for --app/--url].",
)
@click.option("--seed", type=int, default=None, help="Make the run repeatable.")
@click.option(
    "--deadline",
    type=POSITIVE_SECONDS,
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
@catalog_option
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
    catalog_dir: Path | None,
    usage_path: Path | None,
    consumer: str | None,
    isolation: str,
    memory_limit: int,
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
        catalog_dir=catalog_dir,
        usage_path=usage_path,
        consumer=consumer,
        isolation=isolation,
        memory_limit=memory_limit,
        corpus=corpus,
        database=database,
    )
    sys.exit(code)


@click.command("replay")
@common_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--target",
    default=None,
    metavar="TARGET",
    help="The handler: package.module:callable or path/to/file.py:callable "
    "(default: [tool.conformance] handler).",
)
@click.option(
    "--deadline",
    type=POSITIVE_SECONDS,
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Seconds a handler may take per delivery.",
)
@catalog_option
@isolation_options
def replay(  # noqa: PLR0917 - click passes options by name
    file: Path,
    target: str | None,
    deadline: float,
    catalog_dir: Path | None,
    isolation: str,
    memory_limit: int,
) -> None:
    """Rerun the deliveries saved in FILE (by `fuzz`) on a handler, without Hypothesis.

    Each saved delivery is first checked against the catalog (the packaged one, or
    --catalog): one the catalog no longer allows is named on stderr, since a failure
    on it may no longer matter. Exit 1 if the handler still fails, 0 if it now accepts
    them all.
    """
    from .._catalog import load_catalog
    from .._fuzzing import Handler, load_failure
    from .._fuzzing import replay as run_replay
    from .._validation import validator_for

    if target is None:
        raise UsageError("missing --target TARGET (or handler in [tool.conformance])")
    handler = Handler(target, isolation=isolation, memory_limit=memory_limit)
    deliveries = load_failure(file)  # unreadable or malformed: exit 2 before running anything
    validator = validator_for(load_catalog(catalog_dir))
    for number, delivery in enumerate(deliveries, start=1):
        if validator.outcome(delivery) == "invalid":
            problem = validator.errors(delivery)[0]
            click.echo(
                f"casedev-conformance: warning: {file}: delivery {number} no longer fits "
                f"the catalog: {problem}",
                err=True,
            )
    try:
        handler.load()
        count = run_replay(file, handler, deadline=deadline)
    except HandlerFailure as failure:
        failure.path = None
        echo(format_failure(1, failure, replay_target=None))
        echo(f"\nstill failing: {file}", level=QUIET)
        sys.exit(EXIT_FOUND)
    finally:
        handler.close()
    echo(f"ok: {target} accepted all {count} deliveries in {file}", level=QUIET)
    sys.exit(EXIT_OK)
