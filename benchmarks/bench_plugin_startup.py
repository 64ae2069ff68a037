"""Benchmark: what the installed-but-unused pytest plugin adds to pytest start-up.

Runs ``python -m pytest --collect-only -q`` in an empty project many times, alternating
runs with the plugin (loaded through its ``pytest11`` entry point, no settings) and runs
with ``-p no:conformance`` (the anchor), and prints both medians, the difference and the
ratio, in CPU time of the pytest process (robust on a busy machine) and in wall time.
Target: at most 50 ms of overhead. Both variants pass ``-p no:schemathesis -p
no:hypothesispytest``: those dependencies' own plugins import Hypothesis (and GraphQL)
in every session, which costs a second or more here, and that noise would drown a few
milliseconds. Also prints the import cost of the plugin
module alone (fresh interpreter, pytest already imported).

    python benchmarks/bench_plugin_startup.py [--repeat 25]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 50.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    # exit 5 = "no tests collected", the expected outcome in an empty project.
    if result.returncode not in (0, 5):
        raise SystemExit(f"pytest failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return cpu * 1000, elapsed * 1000


def _import_cost(env: dict[str, str], cwd: Path, repeat: int) -> tuple[float, float]:
    code = (
        "import time, pytest\n"
        "t = time.perf_counter()\n"
        "import conformance.pytest_plugin\n"
        "print((time.perf_counter() - t) * 1000)\n"
    )
    base = "import time, pytest\nt = time.perf_counter()\nprint((time.perf_counter() - t) * 1000)\n"
    with_plugin, without = [], []
    for _ in range(repeat):
        for source, bucket in ((code, with_plugin), (base, without)):
            out = subprocess.run(
                [sys.executable, "-c", source],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            bucket.append(float(out.stdout))
    return statistics.median(with_plugin), statistics.median(without)


def main() -> None:
    """Measure and print the start-up figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="runs per variant")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    env.pop("PYTEST_ADDOPTS", None)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        base = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        base += ["-p", "no:schemathesis", "-p", "no:hypothesispytest"]
        variants = {
            "plugin installed, unused": base,
            "-p no:conformance (anchor)": [*base, "-p", "no:conformance"],
        }
        for command in variants.values():  # warm the file system caches
            _run(command, project, env)
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        wall: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, command in variants.items():
                used, took = _run(command, project, env)
                cpu[name].append(used)
                wall[name].append(took)
        module, nothing = _import_cost(env, project, args.repeat)

    print(f"pytest --collect-only on an empty project, median of {args.repeat} runs each:")
    print(f"  {'':<30} {'CPU ms':>9} {'wall ms':>9}")
    for name in variants:
        print(
            f"  {name:<30} {statistics.median(cpu[name]):9.1f} {statistics.median(wall[name]):9.1f}"
        )
    (ours_cpu, anchor_cpu), (ours_wall, anchor_wall) = (
        [statistics.median(series[name]) for name in variants] for series in (cpu, wall)
    )
    print(f"  {'difference':<30} {ours_cpu - anchor_cpu:9.1f} {ours_wall - anchor_wall:9.1f}")
    print(f"  {'ratio':<30} {ours_cpu / anchor_cpu:9.3f} {ours_wall / anchor_wall:9.3f}")
    print(f"import conformance.pytest_plugin alone (pytest imported): {module - nothing:.1f} ms")
    verdict = "PASS" if ours_cpu - anchor_cpu <= TARGET_MS else "OVER TARGET"
    print(f"{verdict}: CPU overhead {ours_cpu - anchor_cpu:.1f} ms (target <= {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
