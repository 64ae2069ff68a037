"""Benchmark: what installing casedev-conformance adds to every pytest start-up in a
consumer's repository.

Builds two virtual environments side by side:

* anchor: pytest and hypothesis alone (what a consumer has without us);
* ours: the same, plus casedev-conformance installed from this checkout with its
  runtime dependencies (no extras), so every ``pytest11`` plugin it brings loads.

Then runs ``pytest --collect-only -q`` on a project of 20 trivial tests in each, many
times, alternating, with no plugin switched off (a consumer does not pass ``-p no:...``),
and prints both medians, the difference and the ratio, in CPU time of the pytest
process (robust on a busy machine) and in wall time. Target: at most +50 ms.

    python benchmarks/bench_plugin_startup.py [--repeat 25] [--venvs DIR]

``--venvs DIR`` keeps (and reuses) the two environments in DIR instead of a temporary
folder; the first build installs packages with pip (from the configured index).
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
import venv
from pathlib import Path

TARGET_MS = 50.0
ROOT = Path(__file__).resolve().parent.parent
TESTS = 20


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _python(folder: Path) -> Path:
    return folder / ("Scripts" if os.name == "nt" else "bin") / "python"


def _build(folder: Path, packages: list[str]) -> Path:
    """A venv at ``folder`` with ``packages`` installed (reused if already built)."""
    python = _python(folder)
    marker = folder / ".built"
    wanted = "\n".join(packages)
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return python
    print(f"building {folder.name} venv: {' '.join(packages)}", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *packages],
        check=True,
    )
    marker.write_text(wanted, encoding="utf-8")
    return python


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if result.returncode != 0 or f"{TESTS} tests collected" not in result.stdout:
        raise SystemExit(f"pytest failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return cpu * 1000, elapsed * 1000


def _plugins(python: Path) -> list[str]:
    code = (
        "from importlib.metadata import entry_points\n"
        "print(' '.join(sorted(f'{e.name}({e.dist.name})' for e in entry_points("
        "group='pytest11'))))"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    """Build the two environments, measure and print the start-up figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="runs per variant")
    parser.add_argument("--venvs", type=Path, default=None, help="keep the venvs here")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFORMANCE_", "PYTEST_"))}
    env.pop("VIRTUAL_ENV", None)
    with tempfile.TemporaryDirectory() as tmp:
        where = args.venvs or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        # The anchor gets the same pytest and hypothesis ours resolves to.
        ours = _build(where / "ours", [str(ROOT)])
        pins = subprocess.run(
            [
                str(ours),
                "-c",
                "import pytest, hypothesis; print(pytest.__version__, hypothesis.__version__)",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        anchor = _build(where / "anchor", [f"pytest=={pins[0]}", f"hypothesis=={pins[1]}"])

        project = Path(tmp) / "project"
        project.mkdir()
        (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (project / "test_trivial.py").write_text(
            "".join(f"def test_{i}():\n    assert True\n\n" for i in range(TESTS)),
            encoding="utf-8",
        )
        variants = {
            "pytest + hypothesis (anchor)": anchor,
            "+ casedev-conformance": ours,
        }
        commands = {
            name: [str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
            for name, python in variants.items()
        }
        for command in commands.values():  # warm the file system caches
            _run(command, project, env)
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        wall: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, command in commands.items():
                used, took = _run(command, project, env)
                cpu[name].append(used)
                wall[name].append(took)
        loaded = {name: _plugins(python) for name, python in variants.items()}

    print(f"pytest --collect-only on {TESTS} trivial tests, median of {args.repeat} runs each:")
    print(f"  {'':<30} {'CPU ms':>9} {'wall ms':>9}  pytest plugins installed")
    for name in variants:
        print(
            f"  {name:<30} {statistics.median(cpu[name]):9.1f} "
            f"{statistics.median(wall[name]):9.1f}  {' '.join(loaded[name])}"
        )
    (anchor_cpu, ours_cpu), (anchor_wall, ours_wall) = (
        [statistics.median(series[name]) for name in variants] for series in (cpu, wall)
    )
    print(f"  {'difference':<30} {ours_cpu - anchor_cpu:9.1f} {ours_wall - anchor_wall:9.1f}")
    print(
        f"  {'ratio (ours / anchor)':<30} {ours_cpu / anchor_cpu:9.3f} {ours_wall / anchor_wall:9.3f}"
    )
    verdict = "PASS" if ours_cpu - anchor_cpu <= TARGET_MS else "OVER TARGET"
    print(f"{verdict}: CPU overhead {ours_cpu - anchor_cpu:.1f} ms (target <= {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
