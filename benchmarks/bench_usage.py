"""Benchmark: what usage recording (``fuzz --usage FILE``) adds to a fuzz run.

Runs the same fuzz (same handler, events, seed and examples) many times in this process,
alternating runs that record usage (every delivery tracked, then the manifest built and
written, as ``--usage`` does) with plain runs (the anchor), and prints both medians and
the ratio, in CPU time of this process (robust on a busy machine) and in wall time.
Target: a ratio of at most 1.3.

The handler reads what handlers read: a few fields of every event, nested fields, list
items, and for some events the whole payload (``json.dumps``), so both kinds of reads
are paid for.

    python benchmarks/bench_usage.py [--repeat 5] [--max-examples 25] [--events 'vault.*']
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from conformance import load_catalog
from conformance._fuzzing import fuzz
from conformance._usage import Recorder, build_manifest, write_manifest

TARGET = 1.3


def handler(delivery: dict[str, Any]) -> Any:
    """Reads the envelope, a few payload fields, list items; logs some payloads whole."""
    kind = delivery.get("type", "")
    data = delivery.get("data")
    if not isinstance(data, dict):
        return None
    seen = [data.get("vaultId"), data.get("objectId"), data.get("status")]
    for value in data.get("appendObjectIds") or ():
        seen.append(value)
    usage = data.get("usage")
    if isinstance(usage, dict):
        seen.append(usage.get("inputTokens"))
    if kind.endswith(".failed"):
        return json.dumps(data)
    return seen


def _once(record: bool, args: argparse.Namespace, folder: Path) -> tuple[float, float]:
    catalog = load_catalog()
    recorder = Recorder() if record else None
    wall, cpu = time.perf_counter(), time.process_time()
    fuzz(
        handler,
        args.events,
        max_examples=args.max_examples,
        seed=args.seed,
        failures_dir=None,
        observe=recorder,
        catalog=catalog,
    )
    if recorder is not None:
        manifest = build_manifest(recorder, catalog, consumer="bench", handler="bench:handler")
        write_manifest(manifest, folder / "usage.json")
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    """Alternate recorded and plain runs; print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--events", default="vault.*")
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _once(True, args, folder)  # warm-up: imports, compiled strategies, caches
        _once(False, args, folder)
        plain: list[tuple[float, float]] = []
        recorded: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            plain.append(_once(False, args, folder))
            recorded.append(_once(True, args, folder))
        fields = json.loads((folder / "usage.json").read_text())["events"]
    print(
        f"fuzz of {args.events!r}, {args.max_examples} examples per case, seed {args.seed}, "
        f"{args.repeat} runs each (alternating); manifest: {len(fields)} events"
    )
    for index, name in ((0, "CPU"), (1, "wall")):
        anchor = statistics.median(p[index] for p in plain)
        ours = statistics.median(r[index] for r in recorded)
        print(
            f"{name:>4}: without --usage {anchor:.3f} s (anchor), with --usage {ours:.3f} s, "
            f"ratio {ours / anchor:.3f} (target <= {TARGET})"
        )


if __name__ == "__main__":
    main()
