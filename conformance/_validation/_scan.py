"""Scan files of captured deliveries with a DeliveryValidator, in file order.

With ``jobs`` > 1 a JSON Lines file is cut at line boundaries into ranges whose
starting line numbers are counted up front; forked workers validate ranges and send
back only counts and problems; the parent yields the problems in file order, so the
output is identical to a sequential scan. Standard input, JSON arrays, single
documents and platforms without ``fork`` are always scanned sequentially. Memory stays
bounded: at most ``2 * jobs`` ranges are in flight.
"""

from __future__ import annotations

import os
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._fastpath import FastLines
from ._readers import Batch, parse_lines, read_deliveries, read_jsonl_range, sniff
from ._validator import DeliveryValidator, event_label

_MIN_RANGE = 1 << 16
_MAX_JOBS = 8


@dataclass(frozen=True)
class Problem:
    """One invalid delivery: where it is, its event and id, and every (pointer, reason)."""

    file: str
    line: int
    event: str | None
    id: Any
    errors: tuple[tuple[str, str], ...]


@dataclass
class Tally:
    """Deliveries counted per event type: valid, invalid, and of unknown types."""

    valid: dict[str, int] = field(default_factory=dict)
    invalid: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Tally) -> None:
        for mine, theirs in (
            (self.valid, other.valid),
            (self.invalid, other.invalid),
            (self.unknown, other.unknown),
        ):
            for name, count in theirs.items():
                mine[name] = mine.get(name, 0) + count


def check_batches(
    validator: DeliveryValidator,
    batches: Iterable[Batch],
    tally: Tally,
    fast: FastLines | None = None,
) -> Iterator[Problem]:
    """Validate ``batches``, counting into ``tally`` and yielding each invalid delivery.

    Raw JSON Lines batches go through ``fast`` first; only the lines it turns away are
    parsed and checked by the validator.
    """
    fast_counts: Counter[Any] = Counter()
    for raw_batch in batches:
        batch = raw_batch
        if raw_batch.raw is not None:
            rejected: list[int] | None = None
            if fast is not None:
                rejected = fast.check(raw_batch.raw, fast_counts)
                if not rejected:
                    continue
            batch = parse_lines(raw_batch, rejected)
        result = validator.check_batch(batch.items)
        for counts, into in ((result.valid, tally.valid), (result.unknown, tally.unknown)):
            for name, count in counts.items():
                into[name] = into.get(name, 0) + count
        for index, error in result.invalid:
            item = batch.items[index]
            label = event_label(item)
            tally.invalid[label] = tally.invalid.get(label, 0) + 1
            yield Problem(
                file=batch.file,
                line=batch.line_of(index),
                event=error.event,
                id=item.get("id") if isinstance(item, dict) else None,
                errors=tuple((e.pointer or "", e.reason) for e in (error.errors or (error,))),
            )
    if fast is not None:
        for name, count in fast.names_of(fast_counts).items():
            tally.valid[name] = tally.valid.get(name, 0) + count


def plan_ranges(path: str, size: int) -> list[tuple[int, int, int]]:
    """``(start, end, first_line)`` ranges of about ``size`` bytes, cut after newlines."""
    ranges: list[tuple[int, int, int]] = []
    start = position = 0
    line = 1
    newlines = 0  # newlines between start and position
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            block_start, position = position, position + len(block)
            cut = block.rfind(b"\n") if position - start >= size else -1
            if cut < 0:
                newlines += block.count(b"\n")
                continue
            end = block_start + cut + 1
            ranges.append((start, end, line))
            line += newlines + block.count(b"\n", 0, cut + 1)
            newlines = block.count(b"\n", cut + 1)
            start = end
    if start < position:
        ranges.append((start, position, line))
    return ranges


#: set in the parent, inherited by forked workers
_WORKER: tuple[DeliveryValidator, FastLines] | None = None


def _scan_range(path: str, start: int, end: int, first_line: int) -> tuple[Tally, list[Problem]]:
    assert _WORKER is not None
    validator, fast = _WORKER
    tally = Tally()
    batches = read_jsonl_range(path, start, end, first_line, raw=True)
    return tally, list(check_batches(validator, batches, tally, fast))


def _jobs_for(path: str, jobs: int) -> int:
    """How many workers to use for ``path`` (1 = sequential).

    Parallel only when asked for: measured on a shared two-core machine, forked
    workers cost more in start-up and contention than they saved, so the default is
    one process.
    """
    if path == "-" or jobs <= 1 or sys.platform != "linux":
        return 1
    try:
        with open(path, "rb") as stream:
            kind = sniff(stream.read(1 << 16))
    except OSError:
        return 1  # let the sequential reader report it
    return min(jobs, _MAX_JOBS) if kind == "jsonl" else 1


def _scan_parallel(
    validator: DeliveryValidator, fast: FastLines, path: str, jobs: int, tally: Tally
) -> Iterator[Problem]:
    import multiprocessing

    global _WORKER  # noqa: PLW0603 - handed to forked workers, which inherit it
    size = os.path.getsize(path)
    ranges = iter(plan_ranges(path, max(_MIN_RANGE, size // (jobs * 8))))
    _WORKER = (validator, fast)
    sys.stdout.flush()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        pending = deque(
            pool.apply_async(_scan_range, (path, *r))
            for _, r in zip(range(2 * jobs), ranges, strict=False)
        )
        while pending:
            part, problems = pending.popleft().get()
            following = next(ranges, None)
            if following is not None:
                pending.append(pool.apply_async(_scan_range, (path, *following)))
            tally.merge(part)
            yield from problems


def scan(
    validator: DeliveryValidator, files: Iterable[str], tally: Tally, *, jobs: int = 0
) -> Iterator[Problem]:
    """Every invalid delivery in ``files`` in file order; counts go into ``tally``.

    ``jobs``: 0 or 1 is sequential; more sets the number of worker processes used
    for JSON Lines files (Linux only).
    """
    fast = FastLines(validator.catalog)
    for path in files:
        workers = _jobs_for(path, jobs)
        if workers > 1:
            yield from _scan_parallel(validator, fast, path, workers, tally)
        else:
            yield from check_batches(validator, read_deliveries(path, raw=True), tally, fast)
