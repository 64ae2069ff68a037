"""Shared test configuration: Hypothesis profiles and paths to the repo's data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCHEMAS = ROOT / "schemas"
DOCS_PAGE = FIXTURES / "docs-event-types.txt"

settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    "ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "default")
)


@pytest.fixture(scope="session")
def catalog():  # type: ignore[no-untyped-def]
    """The packaged catalog, loaded once."""
    from conformance import load_catalog

    return load_catalog()


def run_many(
    calls: list[list[str]], cwd: Path | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Several CLI runs at once, each in a fresh interpreter (mostly start-up time)."""
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(Path.home())}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "conformance", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
        )
        for args in calls
    ]
    out = []
    for args, proc in zip(calls, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(args, proc.returncode, stdout, stderr))
    return out
