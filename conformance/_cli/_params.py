"""Click parameter types that refuse meaningless numbers when the command line is parsed.

``click.FLOAT`` takes ``nan``, ``inf`` and ``1e999``; a NaN deadline compares false with
everything and an infinite one never fires. Every float option of every command uses
:class:`FiniteFloat` (tests/test_bad_inputs.py walks the command tree to keep it so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._config import MAX_COUNT

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "MAX_AGE_DAYS",
    "MAX_COUNT",
    "MAX_JOBS",
    "POSITIVE_SECONDS",
    "FiniteFloat",
    "max_age_option",
]


#: The oldest a usage manifest may be configured to stay fresh (100 years, in days).
MAX_AGE_DAYS = 36_500


class FiniteFloat(click.ParamType[float]):
    """A finite float within optional bounds; ``min_open``/``max_open`` exclude the bound."""

    name = "number"

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        min_open: bool = False,
        max_open: bool = False,
    ) -> None:
        self.min, self.max = min, max
        self.min_open, self.max_open = min_open, max_open

    def _range(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{'>' if self.min_open else '>='} {self.min:g}")
        if self.max is not None:
            parts.append(f"{'<' if self.max_open else '<='} {self.max:g}")
        return " and ".join(parts)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` and check it is finite and in range, or fail with one line."""
        if isinstance(value, bool):
            self.fail(f"{value!r} is not a number", param, ctx)
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except (ValueError, OverflowError):
                self.fail(f"{str(value)[:40]!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{str(value)[:40]!r} is not a finite number", param, ctx)
        too_low = self.min is not None and (
            number <= self.min if self.min_open else number < self.min
        )
        too_high = self.max is not None and (
            number >= self.max if self.max_open else number > self.max
        )
        if too_low or too_high:
            self.fail(f"{number:g} is not {self._range()}", param, ctx)
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Show the range in ``--help``."""
        return f"NUMBER ({self._range()})" if self._range() else "NUMBER"

    def __repr__(self) -> str:
        return f"FiniteFloat({self._range() or 'any'})"


#: Seconds that must be more than zero and finite (deadlines, time limits, timeouts).
#: Capped at a day: a longer wait is a hang, and threading refuses timeouts past ~292 years.
POSITIVE_SECONDS = FiniteFloat(min=0, max=86400, min_open=True)
#: Upper bound of --jobs: more worker processes than this only thrash.
MAX_JOBS = 1024


def max_age_option(help_text: str) -> Callable[[F], F]:
    """``--max-age DAYS``: how old a usage manifest may be before it is stale (the same
    bound and default for ``usage check``, ``compat`` and ``report``)."""
    from .._usage import DEFAULT_MAX_AGE_DAYS

    return click.option(
        "--max-age",
        type=click.IntRange(min=0, max=MAX_AGE_DAYS),
        default=DEFAULT_MAX_AGE_DAYS,
        show_default=True,
        metavar="DAYS",
        help=help_text,
    )
