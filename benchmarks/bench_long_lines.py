"""Benchmark the JSON Lines reader on long lines against merely parsing them with orjson.

    python benchmarks/bench_long_lines.py [--mb 200] [--repeat 3]

Writes two files of about ``--mb`` megabytes each to a temporary folder:

- one line: a single delivery whose ``data`` holds a list of 100-character strings
  (the whole file is one line, so the reader must join many blocks into one);
- short lines: deliveries of about 1 kB each, one per line.

For each it times, best of ``--repeat``, in this process:

- anchor: reading the file's bytes and ``orjson.loads`` on each line;
- ours: iterating ``conformance._validation.read_deliveries(path)`` (reading, splitting
  into lines and parsing: everything ``validate`` does before validating).

The target is ours / anchor <= 2.0 for both (the reader used to be quadratic in line
length: a 200 MB line took minutes). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conformance._validation import read_deliveries  # noqa: E402


def write_one_line(path: Path, size: int) -> int:
    """One delivery of about ``size`` bytes on a single line; returns the line count."""
    item = "x" * 100
    count = size // (len(item) + 3)
    envelope = {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
        "type": "vault.ingest.completed",
        "occurred_at": "2026-01-01T00:00:00Z",
        "data": {"chunks": [item] * count},
    }
    path.write_bytes(orjson.dumps(envelope))
    return 1


def write_short_lines(path: Path, size: int) -> int:
    """Deliveries of about 1 kB, one per line, ``size`` bytes in all; returns the count."""
    line = json.dumps(
        {
            "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
            "type": "vault.ingest.completed",
            "occurred_at": "2026-01-01T00:00:00Z",
            "data": {"vault_id": "vault_1", "object_id": "obj_1", "note": "n" * 850, "n": 7},
        }
    ).encode()
    count = size // (len(line) + 1)
    with path.open("wb") as out:
        block = (line + b"\n") * 1000
        for _ in range(count // 1000):
            out.write(block)
        out.write((line + b"\n") * (count % 1000))
    return count


def anchor(path: Path) -> int:
    """Read the bytes and parse each line with orjson: the floor we compare with."""
    data = path.read_bytes()
    count = 0
    for text in data.split(b"\n"):
        if text:
            orjson.loads(text)
            count += 1
    return count


def ours(path: Path) -> int:
    """Everything validate does before validating: read, split, parse."""
    return sum(len(batch.items) for batch in read_deliveries(str(path)))


def best(run: Callable[[Path], int], path: Path, repeat: int, expected: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        got = run(path)
        times.append(time.perf_counter() - started)
        if got != expected:
            raise SystemExit(f"{run.__name__} read {got} deliveries, expected {expected}")
    return min(times)


def main() -> None:
    """Write the files, time both readers on each, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="megabytes per file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = args.mb << 20
    with tempfile.TemporaryDirectory() as tmp:
        for label, write in (("one line", write_one_line), ("short lines", write_short_lines)):
            path = Path(tmp) / "deliveries.jsonl"
            expected = write(path, size)
            mb = path.stat().st_size / (1 << 20)
            theirs = best(anchor, path, args.repeat, expected)
            mine = best(ours, path, args.repeat, expected)
            print(
                f"{label:<12} {mb:6.0f} MB, {expected} line(s): orjson {theirs:6.2f} s, "
                f"ours {mine:6.2f} s, ratio {mine / theirs:4.2f} (target <= 2.0)"
            )
            path.unlink()


if __name__ == "__main__":
    main()
