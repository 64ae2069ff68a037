"""Generating deliveries: the schema-to-Hypothesis compiler, contract-mode values,
catalog-level generators and the fuzz scenarios (cases) built from them."""

from __future__ import annotations

from ._compiler import Options
from ._generators import generators, patterns_of
from ._scenarios import FuzzCase, build_cases
from ._search import GENERATE, SEARCH, active_profile, search_settings

__all__ = [
    "GENERATE",
    "SEARCH",
    "FuzzCase",
    "Options",
    "active_profile",
    "build_cases",
    "generators",
    "patterns_of",
    "search_settings",
]
