"""Shared test configuration: Hypothesis profiles and paths to the repo's data."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
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
    """Several CLI runs, one after another, in this process (see :func:`cli`)."""
    return [cli(*args, cwd=cwd) for args in calls]


@contextlib.contextmanager
def _working_folder(cwd: Path | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    before = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


def cli(
    *args: str | Path,
    cwd: Path | None = None,
    stdin: bytes | str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``casedev-conformance ARGS`` in this process, through ``conformance._cli.main``.

    Returns what a subprocess run would (exit code, stdout, stderr) at a fraction of the
    cost: stdin/stdout/stderr are click's test buffers (not a terminal, so output is as
    when piped), ``NO_COLOR`` is set and ``CONFORMANCE_*`` settings are cleared; ``env``
    adds variables. Use :func:`cli_process` where a real process matters (exit codes
    seen by a shell, signals, a handler's module state, the installed script).
    """
    from click.testing import CliRunner

    from conformance._cli import main

    cleared: dict[str, str | None] = {k: None for k in os.environ if k.startswith("CONFORMANCE_")}
    overrides: dict[str, str | None] = {**cleared, "NO_COLOR": "1", **(env or {})}
    argv = [str(a) for a in args]
    with (
        _working_folder(cwd),
        CliRunner().isolation(input=stdin, env=overrides) as (out, err, _),
    ):
        code = main(argv)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return subprocess.CompletedProcess(
        ["casedev-conformance", *argv], code, stdout.decode(), stderr.decode()
    )


def cli_process(
    *args: str | Path,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m conformance ARGS`` in a fresh interpreter (see :func:`cli`)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)],
        input=stdin,
        capture_output=True,
        check=False,
        cwd=cwd,
        env={**environ, "NO_COLOR": "1", **(env or {})},
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )
