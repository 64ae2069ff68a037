"""Generating deliveries: the schema-to-Hypothesis compiler, contract-mode values,
catalog-level generators and the fuzz scenarios (cases) built from them."""

from __future__ import annotations

from ._compiler import Options
from ._generators import generators, patterns_of
from ._scenarios import (
    CONTENT_COUNTERPARTS,
    CORPUS_CASE,
    FuzzCase,
    Stratum,
    build_cases,
    corpus_case,
)
from ._search import GENERATE, SEARCH, active_profile, search_settings

__all__ = [
    "CONTENT_COUNTERPARTS",
    "CORPUS_CASE",
    "GENERATE",
    "SEARCH",
    "FuzzCase",
    "Options",
    "Stratum",
    "active_profile",
    "build_cases",
    "corpus_case",
    "generators",
    "patterns_of",
    "search_settings",
]
