"""Delegate a subschema to ``hypothesis_jsonschema.from_schema``, if that works here.

hypothesis-jsonschema 0.23.1 crashes on object schemas with Hypothesis >= 6.170.10
(``'many' object has no attribute 'more'``), and it is only needed for keywords the
native compiler does not implement. So each delegated subschema is probed once (a few
draws, each validated); any crash or invalid value makes the probe fail, and the
compiler turns that into a ``GenerationError`` instead of generating wrong data.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis.strategies import SearchStrategy

_PROBED: dict[str, str | None] = {}


def _probe(strategy: SearchStrategy[Any], validator: Any) -> str | None:
    """Draw a few values; return an error description, or None if all went well."""
    from hypothesis import given

    from ._search import search_settings

    problems: list[str] = []

    @search_settings(max_examples=10)
    @given(strategy)
    def draw(value: Any) -> None:
        if not validator.is_valid(value):
            problems.append(f"it generated an invalid value {value!r}")

    try:
        draw()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return problems[0] if problems else None


def fallback_strategy(schema: dict[str, Any], validator: Any) -> SearchStrategy[Any]:
    """``from_schema(schema)`` filtered by ``validator``; raise RuntimeError if it fails."""
    import hypothesis
    from hypothesis_jsonschema import from_schema

    key = json.dumps(schema, sort_keys=True, default=str)
    try:
        strategy: SearchStrategy[Any] = from_schema(schema)
    except Exception as exc:
        raise RuntimeError(f"hypothesis-jsonschema: {type(exc).__name__}: {exc}") from None
    if key not in _PROBED:
        _PROBED[key] = _probe(strategy, validator)
    problem = _PROBED[key]
    if problem is not None:
        raise RuntimeError(
            f"hypothesis-jsonschema failed on Hypothesis {hypothesis.__version__}: {problem}"
        )
    return strategy.filter(validator.is_valid)
