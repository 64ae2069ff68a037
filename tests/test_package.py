"""The package as users get it: the installed wheel, its data files and entry points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCHEMAS

import conformance
from conformance._catalog._loader import packaged_schemas


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
        [sys.executable, "-m", "conformance", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert conformance.__version__ in out.stdout


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["catalog", "--help"]])
def test_help_pages(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance", *args], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout


def test_unknown_command_is_a_usage_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


PUBLIC_API = {
    "Catalog", "CatalogError", "CompatReport", "CompatibilityError", "ConformanceError",
    "DeliveryValidator", "Event", "Finding", "FuzzError", "FuzzReport", "GenerationError",
    "InputError", "ReleaseReport", "Rule", "SchemaError", "Side", "UnknownEventError",
    "UsageError", "ValidationError", "Waiver", "Webhook", "WebhookVerificationError",
    "Witness", "__version__", "check_compatibility", "fuzz", "fuzz_receiver",
    "history_report", "load_catalog", "load_side", "load_waivers", "models",
    "release_report", "types", "validate",
}  # fmt: skip


def test_public_api_is_pinned_sorted_and_importable() -> None:
    """Adding or removing a public name is a decision: this test makes it visible."""
    assert set(conformance.__all__) == PUBLIC_API
    assert conformance.__all__ == sorted(conformance.__all__)
    for name in conformance.__all__:
        assert getattr(conformance, name) is not None
    errors = [getattr(conformance, n) for n in PUBLIC_API if n.endswith("Error")]
    assert all(issubclass(e, conformance.ConformanceError) for e in errors)


def test_importing_the_package_stays_cheap() -> None:
    """`import conformance` (done by the pytest plugin and every CLI run) loads neither
    Hypothesis nor a JSON Schema library; they load on first use."""
    code = (
        "import sys, conformance; "
        "print(sorted(m for m in ('hypothesis', 'jsonschema', 'jsonschema_rs', 'schemathesis',"
        " 'deepdiff', 'msgspec') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _imported_top_level_modules() -> set[str]:
    """Every top-level module the package imports, anywhere (functions included)."""
    import ast

    found: set[str] = set()
    for path in Path(conformance.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_by_the_library() -> None:
    """A package the library never imports is not a runtime dependency (use an extra)."""
    import re
    import tomllib

    # The source tree's pyproject.toml (under tox the package itself is the installed wheel).
    project = tomllib.loads((SCHEMAS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0] for dep in project["dependencies"]}
    modules = {name.lower().replace("-", "_") for name in names}
    unused = sorted(modules - _imported_top_level_modules())
    assert unused == [], f"runtime dependencies the library never imports: {unused}"
    assert "schemathesis" in project["optional-dependencies"]["schemathesis"][0]


def test_the_packaged_catalog_is_loaded_once_and_shared() -> None:
    """One cache of the packaged catalog (the loader's): every default is that object."""
    from conformance._generation import generators
    from conformance._validation import validator_for

    packaged = conformance.load_catalog()
    assert conformance.load_catalog() is packaged
    assert generators().catalog is packaged
    assert validator_for().catalog is packaged
