"""The package as users get it: the installed wheel, its data files and entry points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import conformance
from conformance._catalog import packaged_schemas

from conftest import SCHEMAS


def test_schemas_ship_inside_the_wheel() -> None:
    """Under tox the package is the built wheel, whose schemas must be its own copy."""
    folder = packaged_schemas()
    if os.environ.get("CONFORMANCE_TESTING_WHEEL"):
        assert Path(conformance.__file__).resolve().parent / "schemas" == folder
        assert "site-packages" in str(folder)
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    source = sorted(p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.json"))
    assert shipped == source
    assert len([s for s in shipped if s.startswith(("stable/", "beta/"))]) == 53


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance", "--version"], capture_output=True, text=True, check=True
    )
    assert conformance.__version__ in out.stdout


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["catalog", "--help"]])
def test_help_pages(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance", *args], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout


def test_unknown_command_is_a_usage_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance", "no-such-command"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
