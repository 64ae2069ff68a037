"""Benchmark ``casedev-conformance validate`` against merely parsing with orjson.

    python benchmarks/bench_validate.py [--count 200000] [--repeat 3] [--skip-jsonschema]

Writes a deterministic JSON Lines file of realistic captured deliveries (all 53 events,
built from the committed valid fixtures with fresh ids, timestamps and numbers; about
0.05% invalid and 0.1% of unknown event types) to a temporary folder, then times, each
as a subprocess and best of ``--repeat``:

- anchor: ``python -c`` reading the lines and ``orjson.loads`` on each;
- ours: the whole ``casedev-conformance validate FILE`` run (start-up included, one
  process: ``--jobs`` is off by default and not used here);
- python-jsonschema: ``Draft202012Validator`` with a format checker (date-time asserted)
  iterating errors over the same deliveries (run once: it is slow).

The target is ours / anchor <= 2.0 in wall time. CPU time (user + system, all
processes) is printed beside it: on a busy machine wall times say more about the
neighbours than about us. The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "payloads"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SEED = 20260424

ANCHOR = """
import sys, orjson
loads = orjson.loads
with open(sys.argv[1], "rb") as f:
    for line in f:
        loads(line)
"""

JSONSCHEMA = r"""
import datetime, json, re, sys
from pathlib import Path
import orjson
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

DATE_TIME = re.compile(
    r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
checker = FormatChecker()

@checker.checks("date-time")
def date_time(value):
    if not isinstance(value, str):
        return True
    if not DATE_TIME.match(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return value[17:19] == "60"
    return True

root = Path(sys.argv[2])
envelope = json.loads((root / "envelope.json").read_text())
events = {p.stem: json.loads(p.read_text()) for p in root.glob("*/*.json")}
registry = Registry().with_resources(
    [(envelope["$id"], Resource.from_contents(envelope))]
    + [(s["$id"], Resource.from_contents(s)) for s in events.values()])
env_v = Draft202012Validator(envelope, format_checker=checker, registry=registry)
validators = {
    name: Draft202012Validator(
        {"allOf": [{"$ref": envelope["$id"]}], "properties": {"data": {"$ref": s["$id"]}}},
        format_checker=checker, registry=registry)
    for name, s in events.items()}
invalid = unknown = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        d = orjson.loads(line)
        v = validators.get(d.get("type"))
        errors = list((v or env_v).iter_errors(d))
        if errors:
            invalid += 1
        elif v is None:
            unknown += 1
print(invalid, unknown)
"""


def _templates() -> list[dict[str, Any]]:
    found = []
    for path in sorted(FIXTURES.glob("*/valid-*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        found.append(case["delivery"])
    if not found:
        sys.exit(f"no valid fixtures under {FIXTURES}")
    return found


def _vary(value: Any, rng: random.Random) -> Any:
    """A fresh but equally realistic value of the same shape."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return rng.randint(0, value * 2 + 10) if value >= 0 else -rng.randint(1, 100_000)
    if isinstance(value, float):
        return round(rng.uniform(0, value * 2 + 1), 4)
    if isinstance(value, str):
        head, sep, _ = value.partition("_")
        if sep and head.isalpha() and head.islower() and len(value) > 20:
            return (
                head
                + "_"
                + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(24))
            )
        return value
    if isinstance(value, list):
        return [_vary(v, rng) for v in value]
    if isinstance(value, dict):
        return {k: _vary(v, rng) for k, v in value.items()}
    return value


def _timestamp(rng: random.Random) -> str:
    moment = 1_767_225_600 + rng.randrange(0, 365 * 86_400)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
    return stamp + (f".{rng.randrange(1000):03d}Z" if rng.random() < 0.7 else "Z")


def write_deliveries(path: Path, count: int) -> tuple[int, int]:
    """Write ``count`` deliveries; return how many are invalid and unknown."""
    rng = random.Random(SEED)
    templates = _templates()
    invalid = unknown = 0
    with path.open("wb") as out:
        for _ in range(count):
            template = rng.choice(templates)
            delivery = {
                "id": "evt_" + rng.choice("0123456") + "".join(rng.choices(CROCKFORD, k=25)),
                "type": template["type"],
                "occurred_at": _timestamp(rng),
                "data": _vary(template["data"], rng),
            }
            roll = rng.random()
            if roll < 0.0005:
                invalid += 1
                delivery["data"] = {**delivery["data"], next(iter(delivery["data"]), "x"): 12.5}
                if not template["data"]:
                    delivery["occurred_at"] = "2026-02-30T10:00:00Z"
            elif roll < 0.0015:
                unknown += 1
                delivery["type"] = rng.choice(["webhook.test", "vault.object.deleted"])
            out.write(json.dumps(delivery, separators=(",", ":")).encode() + b"\n")
    return invalid, unknown


def _run(argv: list[str], repeat: int, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of ``repeat`` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, stderr = proc.communicate()
        elapsed = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime - _run.spent  # type: ignore[attr-defined]
        _run.spent += cpu  # type: ignore[attr-defined]
        if proc.returncode not in ok:
            sys.exit(f"{argv[:4]} failed ({proc.returncode}): {stderr.decode()[-500:]}")
        best_wall, best_cpu = min(best_wall, elapsed), min(best_cpu, cpu)
    return best_wall, best_cpu


_run.spent = 0.0  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-jsonschema", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deliveries.jsonl"
        invalid, unknown = write_deliveries(path, args.count)
        size = path.stat().st_size / 1e6
        print(f"{args.count} deliveries ({size:.1f} MB): {invalid} invalid, {unknown} unknown type")
        python = sys.executable
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"{cpus} CPUs, load average {os.getloadavg()[0]:.1f}; best of {args.repeat} runs")
        anchor, anchor_cpu = _run([python, "-c", ANCHOR, str(path)], args.repeat)
        ours, ours_cpu = _run(
            [python, "-m", "conformance", "validate", str(path)], args.repeat, (0, 1)
        )
        print(f"{'':22} {'wall':>8}   {'ratio':>5}   {'cpu':>8}   {'ratio':>5}")
        print(f"{'orjson parse only':22} {anchor:7.3f}s   {1:5.2f}   {anchor_cpu:7.3f}s   {1:5.2f}")
        print(
            f"{'casedev-conformance':22} {ours:7.3f}s   {ours / anchor:5.2f}   "
            f"{ours_cpu:7.3f}s   {ours_cpu / anchor_cpu:5.2f}   (target: wall ratio <= 2.0)"
        )
        if not args.skip_jsonschema:
            slow, slow_cpu = _run([python, "-c", JSONSCHEMA, str(path), str(ROOT / "schemas")], 1)
            print(
                f"{'python-jsonschema':22} {slow:7.3f}s   {slow / anchor:5.2f}   "
                f"{slow_cpu:7.3f}s   {slow_cpu / anchor_cpu:5.2f}   "
                f"(ours is {slow / ours:.0f}x faster)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
