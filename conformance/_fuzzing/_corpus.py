"""Captured traffic as fuzz seeds: read, checked, and split into usable and invalid.

Files are read with the same readers ``validate`` uses (JSON Lines, a JSON array, or
one JSON object; ``-`` for standard input). Each delivery is checked against the
catalog: valid ones (and well-formed envelopes of event types the catalog does not
know yet, which a handler must tolerate) are used; invalid ones are reported, never
replayed or mutated, since a failure on them would blame the handler for bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._catalog import Catalog
from .._validation import DeliveryValidator, read_deliveries


@dataclass(frozen=True)
class CorpusProblem:
    """A captured delivery that is not valid: where it is and the first reason."""

    file: str
    line: int
    event: str | None
    pointer: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        event = f" ({self.event})" if self.event else ""
        return f"{where}{event} {self.pointer or '/'}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (in ``--report``)."""
        return {
            "file": self.file,
            "line": self.line,
            "event": self.event,
            "pointer": self.pointer,
            "reason": self.reason,
        }


@dataclass
class Corpus:
    """Usable captured deliveries, in file order, and the invalid ones' problems."""

    deliveries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)


def load_corpus(paths: Sequence[str | Path], *, catalog: Catalog | None = None) -> Corpus:
    """Read every file in ``paths``; raises ``InputError`` (file and line) when one
    cannot be read or parsed at all."""
    corpus = Corpus()
    if not paths:
        return corpus
    validator = DeliveryValidator(catalog, allow_unknown=True)
    for path in paths:
        for batch in read_deliveries(str(path)):
            for index, delivery in enumerate(batch.items):
                if validator.is_valid(delivery):
                    corpus.deliveries.append(delivery)
                    continue
                errors = validator.errors(delivery)
                first = errors[0] if errors else None
                kind = delivery.get("type") if isinstance(delivery, dict) else None
                corpus.problems.append(
                    CorpusProblem(
                        batch.file,
                        batch.line_of(index),
                        kind if isinstance(kind, str) else None,
                        (first.pointer or "") if first else "",
                        first.reason if first else "not a delivery object",
                    )
                )
    return corpus
