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

__all__ = [
    "CONTENT_COUNTERPARTS",
    "CORPUS_CASE",
    "FuzzCase",
    "Options",
    "Stratum",
    "build_cases",
    "corpus_case",
    "generators",
    "patterns_of",
]
