"""The pytest plugin's implementation, loaded only when a conformance setting is present
(the entry point, :mod:`conformance.pytest_plugin`, stays tiny)."""

from __future__ import annotations

from ._impl import (
    PLUGIN_NAME,
    ConformancePlugin,
    catalog_for,
    config_for,
    delivery_factory,
    parametrize_events,
)

__all__ = [
    "PLUGIN_NAME",
    "ConformancePlugin",
    "catalog_for",
    "config_for",
    "delivery_factory",
    "parametrize_events",
]
