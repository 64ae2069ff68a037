"""Benchmark whole-catalog fuzzing with contract rules stratified per event.

    python benchmarks/bench_fuzz_coverage.py [--rounds R] [--anchor COMMIT]

Prints the wall time of ``fuzz("examples/handler.py:handle")`` over the whole catalog
with default settings (one fixed seed, failures not saved) for

1. the anchor: the code at ``--anchor`` (default ``ee7c313``, before contract cases
   tried every rule on every event), checked out with ``git worktree add --detach``
   into a temporary folder and run from there;
2. this tree (contract cases stratified per event, coverage counted);

each in a fresh interpreter (imports and strategy compilation included, as a user
running ``casedev-conformance fuzz`` would pay them), best of R interleaved rounds (a
loaded machine only slows a round down). Then the ratio: the issue's target is at
most 1.5x. The delivery sequences each side handed the handler are printed too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260101

_CHILD = """
import json, sys, time
started = time.perf_counter()
from conformance import fuzz
report = fuzz(sys.argv[1], seed=int(sys.argv[2]), failures_dir=None)
print(json.dumps({"seconds": time.perf_counter() - started, "examples": report.examples,
                  "ok": report.ok}))
"""


def _run(tree: Path) -> dict[str, float]:
    target = f"{ROOT / 'examples' / 'handler.py'}:handle"
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, target, str(SEED)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Measure the anchor and this tree, interleaved; print both and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--anchor", default="ee7c313")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        anchor = Path(tmp) / "anchor"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(anchor), args.anchor],
            check=True,
            capture_output=True,
        )
        try:
            best: dict[str, dict[str, float]] = {}
            for round_ in range(args.rounds):
                order = [("anchor", anchor), ("this tree", ROOT)]
                if round_ % 2:
                    order.reverse()
                for name, tree in order:
                    result = _run(tree)
                    if name not in best or result["seconds"] < best[name]["seconds"]:
                        best[name] = result
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(anchor)],
                check=False,
                capture_output=True,
            )
    for name in ("anchor", "this tree"):
        r = best[name]
        print(
            f"{name:>10}: {r['seconds']:6.1f} s, {int(r['examples'])} delivery sequences, "
            f"{'ok' if r['ok'] else 'FAILED'}"
        )
    ratio = best["this tree"]["seconds"] / best["anchor"]["seconds"]
    print(
        f"whole-catalog default fuzz of examples/handler.py: {ratio:.2f}x the anchor "
        f"(target <= 1.5x; {time.strftime('%Y-%m-%d')}, best of {args.rounds})"
    )


if __name__ == "__main__":
    main()
