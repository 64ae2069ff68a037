"""The pytest plugin's entry point: options, fixtures and a marker, nothing heavy.

pytest imports this module in every run of every project that has casedev-conformance
installed (the ``pytest11`` entry point), so it imports nothing but pytest, the standard library
and the settings table (``_config``). The work lives in :mod:`conformance._plugin`, imported only
when a ``conformance_*`` setting is present or a conformance fixture is used.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from ._config import SETTINGS

if TYPE_CHECKING:
    from ._catalog import Catalog
    from ._config import ConformanceConfig

MARKER = (
    "conformance(*events, events=None, contract=None, max_examples=None): scope the "
    "conformance fixtures (catalog, delivery factory, conformance_event) to these events"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``conformance_*`` ini settings and their ``--conformance-*`` options."""
    group = parser.getgroup("conformance", "casedev-conformance webhook contract tests")
    group.addoption(
        "--conformance",
        action="store_true",
        dest="conformance_run",
        default=False,
        help="add the conformance items even when test paths are given "
        "(they are added by themselves only to a run without paths)",
    )
    for name, (kind, help_text) in SETTINGS.items():
        option = "--conformance-" + name.replace("_", "-")
        if kind == "linelist":
            group.addoption(
                option,
                action="append",
                dest="conformance_" + name,
                default=None,
                metavar="PATTERN",
                help=help_text + " (repeatable; overrides the ini setting)",
            )
        else:
            group.addoption(
                option,
                dest="conformance_" + name,
                default=None,
                metavar=name.upper(),
                help=help_text + " (overrides the ini setting)",
            )
        parser.addini(
            "conformance_" + name, help_text, type=kind, default=[] if kind == "linelist" else ""
        )


def settings_present(config: pytest.Config) -> bool:
    """Whether any conformance setting is given (cheap: no parsing, no imports)."""
    for name in SETTINGS:
        if config.getoption("conformance_" + name) is not None:
            return True
        if config.getini("conformance_" + name):
            return True
        if os.environ.get("CONFORMANCE_" + name.upper()):
            return True
    pyproject = config.rootpath / "pyproject.toml"
    try:
        return b"[tool.conformance]" in pyproject.read_bytes()
    except OSError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; load the real plugin only when settings are present."""
    config.addinivalue_line("markers", MARKER)
    if settings_present(config):
        from ._plugin import PLUGIN_NAME, ConformancePlugin

        config.pluginmanager.register(ConformancePlugin.from_pytest(config), PLUGIN_NAME)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize tests that ask for ``conformance_event`` over the selected events."""
    if "conformance_event" in metafunc.fixturenames:
        from ._plugin import parametrize_events

        parametrize_events(metafunc)


@pytest.fixture
def conformance_config(request: pytest.FixtureRequest) -> ConformanceConfig:
    """The resolved, immutable settings for this test (the marker applied last)."""
    from ._plugin import config_for

    return config_for(request)


@pytest.fixture
def conformance_catalog(
    conformance_config: ConformanceConfig, request: pytest.FixtureRequest
) -> Catalog:
    """The catalog (packaged or pinned), narrowed to the events this test is scoped to."""
    from ._plugin import catalog_for

    return catalog_for(conformance_config, request.config)


@pytest.fixture
def conformance_delivery(
    conformance_catalog: Catalog,
) -> Callable[..., dict[str, Any]]:
    """A factory of realistic, valid deliveries: ``conformance_delivery(event, **changes)``."""
    from ._plugin import delivery_factory

    return delivery_factory(conformance_catalog)
