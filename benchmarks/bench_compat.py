"""Benchmark the compatibility checker, and IBM's jsonsubschema on the same pairs.

    python benchmarks/bench_compat.py [--sizes 500,1000,2000,5000] [--repeat 3] [--skip-jsonsubschema]

Prints, best of ``--repeat``:

1. the whole catalog (53 events) compared with itself and with a changed copy (a dozen
   removed/retyped/nullable/enum changes), load time and compare time separately;
2. scaling: synthetic catalogs of 500 ... 5,000 events (copies of the real schemas under
   new names, 1% of them changed), compare time per size, per event, and the ratio of
   the largest to the smallest size against the ratio of sizes (linear = equal);
3. IBM's ``jsonsubschema`` (``isSubschema(new, old)``: "every new payload is valid under
   the old schema") on the single-file pairs of ``fixtures/compat``, beside our
   consumer-safe verdict and time. It runs in its own virtualenv (created on first use in
   ``~/.cache/casedev-conformance/venv-jsonsubschema``); if it cannot be installed or
   run, that is printed.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance import Catalog, Event, check_compatibility, load_catalog
from conformance._compat import Side
from conformance._compat._sources import side_from_catalog

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "compat"
SEED = 20261129
VENV = Path(
    os.environ.get(
        "JSONSUBSCHEMA_VENV", Path.home() / ".cache/casedev-conformance/venv-jsonsubschema"
    )
)

JSS_SCRIPT = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
from jsonsubschema import isSubschema
out = []
for old_path, new_path in json.loads(sys.stdin.read()):
    def clean(s):
        return {k: v for k, v in s.items() if not k.startswith("x-") and k not in ("$schema", "$id")}
    old = clean(json.load(open(old_path))); new = clean(json.load(open(new_path)))
    start = time.perf_counter()
    try:
        verdict = "compatible" if isSubschema(new, old) else "breaking"
    except BaseException as exc:  # it raises many kinds of errors on unsupported input
        verdict = "error: " + (type(exc).__name__ + " " + str(exc)).splitlines()[0][:60]
    out.append([verdict, time.perf_counter() - start])
print(json.dumps(out))
"""


def best(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def mutate(schema: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One breaking edit of a top-level field (removal, retype, nullable or enum)."""
    new = copy.deepcopy(schema)
    props = new.get("properties") or {}
    if not props:
        new.setdefault("properties", {})["added"] = {"type": "string"}
        return new
    name = rng.choice(sorted(props))
    kind = rng.choice(["remove", "retype", "nullable", "enum"])
    if kind == "remove":
        del props[name]
    elif kind == "retype":
        props[name] = {"type": "boolean"}
    elif kind == "nullable":
        props[name] = {"anyOf": [props[name], {"type": "null"}]}
    else:
        props[name] = {"enum": ["a", "b"]}
    return new


def synthetic(base: Catalog, size: int, changed: float, rng: random.Random) -> tuple[Side, Side]:
    """Two sides of ``size`` events cloned from ``base``; ``changed`` of them edited."""
    originals = list(base)
    old_events, new_events = [], []
    for index in range(size):
        source = originals[index % len(originals)]
        name = f"synthetic.e{index}.{source.name.split('.')[-1]}"
        schema = {**copy.deepcopy(source.schema), "title": name, "$id": f"urn:bench:{name}"}
        event = Event(name, source.stability, source.scope, source.resource, "", schema)
        old_events.append(event)
        if rng.random() < changed:
            schema = mutate(schema, rng)
        new_events.append(Event(name, source.stability, source.scope, source.resource, "", schema))
    return (
        side_from_catalog(Catalog(old_events, base.envelope), "old"),
        side_from_catalog(Catalog(new_events, base.envelope), "new"),
    )


def changed_copy(tmp: Path, rng: random.Random) -> Path:
    """A copy of the packaged catalog with a dozen stable events edited."""
    target = tmp / "changed"
    shutil.copytree(ROOT / "schemas", target)
    files = sorted((target / "stable").glob("*.json"))
    for path in rng.sample(files, 12):
        path.write_text(json.dumps(mutate(json.loads(path.read_text()), rng), indent=2))
    return target


def jsonsubschema_python() -> Path | None:
    """The virtualenv python with jsonsubschema installed, creating it if needed."""
    python = VENV / "bin" / "python"
    ok = (
        python.exists()
        and subprocess.run(
            [str(python), "-c", "import jsonsubschema"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if ok:
        return python
    print(f"  installing jsonsubschema into {VENV} ...", flush=True)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(python), "-m", "pip", "install", "--quiet", "jsonsubschema"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(
                f"  jsonsubschema could not be installed: {done.stderr.strip().splitlines()[-1:]}"
            )
            return None
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-jsonsubschema", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    catalog = load_catalog()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu(s)")

    print("\n1. whole catalog (53 events)")
    with tempfile.TemporaryDirectory() as tmp:
        changed = changed_copy(Path(tmp), rng)
        t_load, _ = best(args.repeat, lambda: load_catalog(ROOT / "schemas"))
        base = side_from_catalog(catalog, "schemas")
        other = side_from_catalog(load_catalog(changed), "changed")
        t_self, rep_self = best(args.repeat, lambda: check_compatibility(base, base))
        t_diff, rep_diff = best(args.repeat, lambda: check_compatibility(base, other))
        t_nowit, _ = best(args.repeat, lambda: check_compatibility(base, other, witnesses=False))
        t_cli, _ = best(
            args.repeat,
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "conformance",
                    "compat",
                    str(ROOT / "schemas"),
                    str(changed),
                ],
                capture_output=True,
                check=False,
            ),
        )
    print(f"  load + check one catalog folder      {t_load * 1000:8.1f} ms")
    print(
        f"  compare with itself                  {t_self * 1000:8.1f} ms  ({len(rep_self.findings)} findings)"
    )
    witnessed = sum(1 for f in rep_diff.findings if f.witness)
    print(
        f"  compare with a changed copy          {t_diff * 1000:8.1f} ms  ({len(rep_diff.findings)} findings, "
        f"{len(rep_diff.blocking)} breaking, {witnessed} with a verified witness)"
    )
    print(f"  ... without the witness search       {t_nowit * 1000:8.1f} ms")
    print(f"  whole CLI run (start-up, 2 loads)    {t_cli * 1000:8.1f} ms")

    print("\n2. scaling (synthetic catalogs, 1% of events changed)")
    sizes = [int(s) for s in args.sizes.split(",")]
    per_size = []
    for size in sizes:
        old, new = synthetic(catalog, size, 0.01, rng)
        t_same, _ = best(args.repeat, lambda old=old: check_compatibility(old, old))
        t, report = best(args.repeat, lambda old=old, new=new: check_compatibility(old, new))
        per_size.append((size, t))
        print(
            f"  {size:6d} events  self {t_same:7.3f} s   changed {t:7.3f} s   "
            f"{t / size * 1e6:7.1f} us/event   {len(report.blocking)} breaking"
        )
    (n0, t0), (n1, t1) = per_size[0], per_size[-1]
    print(
        f"  size x{n1 / n0:.1f} -> time x{t1 / t0:.2f} "
        f"({'linear' if t1 / t0 <= 1.5 * n1 / n0 else 'SUPER-LINEAR'}: per-event cost "
        f"{t0 / n0 * 1e6:.1f} -> {t1 / n1 * 1e6:.1f} us)"
    )

    print("\n3. single-file pairs of fixtures/compat: ours (consumer-safe) vs IBM jsonsubschema")
    pairs = [
        (d.name, d / "old.json", d / "new.json")
        for d in sorted(FIXTURES.iterdir())
        if (d / "old.json").exists()
    ]
    ours = []
    for _name, old_path, new_path in pairs:
        t, report = best(
            args.repeat,
            lambda o=old_path, n=new_path: check_compatibility(
                str(o), str(n), policy="consumer-safe"
            ),
        )
        verdict = "breaking" if any(f.breaking for f in report.findings) else "compatible"
        ours.append((verdict, t))
    theirs: list[tuple[str, float]] | None = None
    if not args.skip_jsonsubschema:
        python = jsonsubschema_python()
        if python is not None:
            done = subprocess.run(
                [str(python), "-c", JSS_SCRIPT],
                input=json.dumps([[str(o), str(n)] for _, o, n in pairs]),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode == 0:
                theirs = [tuple(x) for x in json.loads(done.stdout)]  # type: ignore[misc]
            else:
                print(f"  jsonsubschema failed to run: {done.stderr.strip().splitlines()[-1:]}")
    print(f"  {'fixture':30} {'ours':11} {'ms':>7}   {'jsonsubschema':30} {'ms':>8}")
    agree = total_ours = total_theirs = 0.0
    for index, (name, _, _) in enumerate(pairs):
        verdict, t = ours[index]
        total_ours += t
        if theirs is not None:
            their_verdict, their_t = theirs[index]
            total_theirs += their_t
            agree += their_verdict == verdict
            print(
                f"  {name:30} {verdict:11} {t * 1000:7.2f}   {their_verdict:30} {their_t * 1000:8.2f}"
            )
        else:
            print(f"  {name:30} {verdict:11} {t * 1000:7.2f}   {'(not run)':30}")
    print(f"  total: ours {total_ours * 1000:.1f} ms", end="")
    if theirs is not None:
        ratio = total_theirs / total_ours if total_ours else float("nan")
        print(
            f", jsonsubschema {total_theirs * 1000:.1f} ms (x{ratio:.1f}); "
            f"same verdict on {int(agree)}/{len(pairs)} pairs"
        )
    else:
        print()


if __name__ == "__main__":
    main()
