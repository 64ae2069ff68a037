"""``validate``: check captured deliveries against the catalog, fast.

Kept lean on purpose: it imports neither python-jsonschema, Hypothesis nor rich, so
start-up costs little next to the work.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import IO

import click
import orjson

from .._catalog import load_catalog
from .._errors import InputError
from .._validation import DeliveryValidator, Problem, Tally, scan
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, catalog_option, common_options, verbosity
from ._params import MAX_JOBS


def _text_problem(out: IO[str], problem: Problem) -> None:
    event = problem.event or "?"
    for pointer, reason in problem.errors:
        out.write(f"{problem.file}:{problem.line}: {event}: {pointer or '/'}: {reason}\n")


def _json_problem(out: IO[str], problem: Problem) -> None:
    record = {
        "file": problem.file,
        "line": problem.line,
        "event": problem.event,
        "id": problem.id,
        "errors": [{"pointer": p, "message": m} for p, m in problem.errors],
    }
    out.write(orjson.dumps(record, default=str).decode() + "\n")


def _total(counts: dict[str, int]) -> int:
    return sum(counts.values())


def _summary_text(out: IO[str], tally: Tally) -> None:
    names = sorted(set(tally.valid) | set(tally.invalid))
    width = max([len(n) for n in names] + [len("event"), 5])
    if names:
        out.write(f"\n{'event':<{width}}  {'valid':>8}  {'invalid':>8}\n")
        for name in names:
            valid, invalid = tally.valid.get(name, 0), tally.invalid.get(name, 0)
            out.write(f"{name:<{width}}  {valid:>8}  {invalid:>8}\n")
    if tally.unknown:
        out.write("\nunknown event types (not in the catalog; not validated, not invalid):\n")
        for name in sorted(tally.unknown):
            out.write(f"  {name:<{width - 2}}  {tally.unknown[name]:>8}\n")
    out.write(f"\n{_verdict(tally)}\n")


def _verdict(tally: Tally) -> str:
    valid, invalid, unknown = (_total(c) for c in (tally.valid, tally.invalid, tally.unknown))
    return (
        f"{valid + invalid + unknown} deliveries: {valid} valid, {invalid} invalid, "
        f"{unknown} of unknown event types"
    )


@click.command("validate")
@common_options
@click.argument("files", nargs=-1, required=True)
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per invalid delivery, then one summary object.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0, max=MAX_JOBS),
    default=0,
    show_default=True,
    help="Worker processes for JSON Lines files (Linux; 0 or 1: none).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Exit 0 when FILES hold no delivery at all (by default that is an input error).",
)
def validate(
    files: tuple[str, ...], catalog_dir: Path | None, fmt: str, jobs: int, allow_empty: bool
) -> None:
    """Validate deliveries in FILES (JSON, a JSON array, or JSON Lines; '-' for stdin).

    Prints every invalid delivery (file:line, event, JSON pointer, reason) and a
    per-event summary. Exit 0 if all are valid, 1 if any is invalid, 2 for unreadable
    input or no delivery at all (unless --allow-empty). Deliveries of event types not in the catalog are counted separately.
    """
    for name in files:
        if name != "-" and not Path(name).is_file():
            reason = "no such file" if not Path(name).exists() else "not a file"
            raise InputError(f"cannot read: {reason}", file=name)
    if files.count("-") > 1:
        raise InputError("standard input ('-') given more than once")
    # Batches hold hundreds of fresh dicts and make no reference cycles: without this
    # the cyclic collector would scan them over and over for nothing.
    gc.disable()
    try:
        _run(files, catalog_dir, fmt, jobs, allow_empty)
    finally:
        gc.enable()  # the CLI may run in-process (tests, embedding): leave gc as found


def _run(
    files: tuple[str, ...], catalog_dir: Path | None, fmt: str, jobs: int, allow_empty: bool
) -> None:
    validator = DeliveryValidator(load_catalog(catalog_dir))
    out = sys.stdout
    tally = Tally()
    quiet = verbosity() == QUIET
    show = _json_problem if fmt == "json" else _text_problem
    for problem in scan(validator, files, tally, jobs=jobs):
        if not quiet:
            show(out, problem)
    invalid = _total(tally.invalid)
    if not allow_empty and not (tally.valid or tally.invalid or tally.unknown):
        # A CI gate fed nothing (an empty capture, a wrong glob) must not pass quietly.
        raise InputError(
            f"no deliveries in {', '.join('standard input' if f == '-' else f for f in files)}; "
            "pass --allow-empty if that is expected"
        )
    if fmt == "json":
        summary = {
            "summary": {
                "valid": _total(tally.valid),
                "invalid": invalid,
                "unknown": _total(tally.unknown),
                "events": {
                    n: {"valid": tally.valid.get(n, 0), "invalid": tally.invalid.get(n, 0)}
                    for n in sorted(set(tally.valid) | set(tally.invalid))
                },
                "unknown_events": dict(sorted(tally.unknown.items())),
            }
        }
        out.write(orjson.dumps(summary).decode() + "\n")
    elif quiet:
        out.write(_verdict(tally) + "\n")
    else:
        _summary_text(out, tally)
    out.flush()
    sys.exit(EXIT_FOUND if invalid else EXIT_OK)
