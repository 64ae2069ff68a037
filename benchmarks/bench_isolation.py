"""Benchmark handler isolation: the whole-catalog default fuzz in a worker process vs in
a thread (today's way of running handlers).

    python benchmarks/bench_isolation.py [--rounds R] [--max-examples N] [--seed S]

Runs ``fuzz("examples/handler.py:handle")`` over the whole catalog in contract mode with
the default settings (50 examples per case) twice per round, once with
``isolation="thread"`` (the anchor: the handler runs in a thread of this process, as
before worker processes existed) and once with ``isolation="process"`` (the default),
with the same seed, so both runs draw the same deliveries. Prints the best wall time of
each over R interleaved rounds (a loaded machine only ever slows a round down; the order
alternates every round) and the ratio process / thread. The target is at most 1.5x.

Also prints the cost of one round trip (a sequence of two small deliveries to a no-op
handler) in each mode, to show where the difference comes from.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conformance import fuzz  # noqa: E402
from conformance._fuzzing import Handler, check_handler, fuzz_cases  # noqa: E402

TARGET = f"{ROOT / 'examples' / 'handler.py'}:handle"


def whole_catalog(isolation: str, seed: int, max_examples: int, cases: Any) -> tuple[float, int]:
    """Seconds and delivery sequences of one default whole-catalog fuzz run."""
    started = time.perf_counter()
    report = fuzz(TARGET, max_examples=max_examples, seed=seed, isolation=isolation,
                  failures_dir=None, cases=cases)  # fmt: skip
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the example handler failed in {isolation} mode: {report.failures}")
    return seconds, report.examples


def round_trip(isolation: str, calls: int = 2000) -> float:
    """Microseconds per check_handler call of two small deliveries on a no-op handler."""
    delivery = {"id": "evt_1", "type": "a.b", "occurred_at": "x", "data": {"k": 1}}
    handler = Handler(_noop, isolation=isolation)
    try:
        check_handler(handler, [delivery, delivery])
        started = time.perf_counter()
        for _ in range(calls):
            check_handler(handler, [delivery, delivery])
        return (time.perf_counter() - started) / calls * 1e6
    finally:
        handler.close()


def _noop(event: dict[str, Any]) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    cases = fuzz_cases("*")  # built once: strategy compilation is not what is measured
    whole_catalog("thread", args.seed, 2, cases)  # warm-up: imports, strategy caches
    best: dict[str, float] = {}
    examples: dict[str, int] = {}
    for number in range(args.rounds):
        order = ("thread", "process") if number % 2 == 0 else ("process", "thread")
        for isolation in order:
            seconds, count = whole_catalog(isolation, args.seed, args.max_examples, cases)
            best[isolation] = min(best.get(isolation, seconds), seconds)
            examples[isolation] = count
            print(f"round {number + 1}: {isolation:<7} {seconds:7.2f} s, {count} sequences",
                  flush=True)  # fmt: skip
    print()
    print(f"whole catalog, contract mode, {args.max_examples} examples per case, "
          f"seed {args.seed}, best of {args.rounds}:")  # fmt: skip
    print(f"  thread  (anchor) {best['thread']:7.2f} s  ({examples['thread']} delivery sequences)")
    print(
        f"  process (ours)   {best['process']:7.2f} s  ({examples['process']} delivery sequences)"
    )
    print(f"  ratio process / thread: {best['process'] / best['thread']:.2f}x (target <= 1.5x)")
    thread_us, process_us = round_trip("thread"), round_trip("process")
    print(f"  one round trip (2 deliveries, no-op handler): thread {thread_us:.0f} us, "
          f"process {process_us:.0f} us")  # fmt: skip


if __name__ == "__main__":
    main()
