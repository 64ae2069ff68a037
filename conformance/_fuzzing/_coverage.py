"""What a fuzz run tried: per selected event, examples and failures per rule.

The rules are the columns: ``event`` (the event's own case: typical and boundary
payloads in contract mode) and each contract rule (``additive-fields``,
``duplicate-delivery``, ...), plus ``corpus`` when captured traffic seeded the run.
A cell is *applicable* when one of the case's strata covers the event (out-of-order
only covers events that belong to a family of related events).
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._generation import FuzzCase

Cell = tuple[str, str]

#: Column headings of the text table (the JSON uses the full rule names).
SHORT = {
    "event": "event",
    "unknown-event-type": "unknown",
    "additive-fields": "extras",
    "envelope-extras": "envelope",
    "duplicate-delivery": "dup",
    "out-of-order": "order",
    "timestamp-forms": "time",
    "boundary-values": "bound",
    "corpus": "corpus",
}


@dataclass
class Coverage:
    """Examples and failures per (event, rule) cell of one run."""

    rules: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    examples: collections.Counter[Cell] = field(default_factory=collections.Counter)
    failures: collections.Counter[Cell] = field(default_factory=collections.Counter)
    applicable: set[Cell] = field(default_factory=set)

    def order(self) -> None:
        """Rules in the canonical column order (the event case first, corpus last)."""
        known = list(SHORT)
        self.rules.sort(key=lambda r: known.index(r) if r in known else len(known))

    def missing(self) -> list[Cell]:
        """Applicable cells no example reached (empty after a default run)."""
        return [
            (e, r)
            for e in self.events
            for r in self.rules
            if (e, r) in self.applicable and not self.examples[(e, r)]
        ]

    def merge(self, other: Coverage) -> None:
        """Add ``other``'s counts (the plugin sums its items' runs)."""
        self.rules.extend(r for r in other.rules if r not in self.rules)
        self.order()
        self.events.extend(e for e in other.events if e not in self.events)
        self.examples.update(other.examples)
        self.failures.update(other.failures)
        self.applicable |= other.applicable

    def to_dict(self) -> dict[str, Any]:
        """``{"rules": [...], "events": {event: {rule: {"examples", "failures"}}}}``,
        applicable cells only."""
        return {
            "rules": list(self.rules),
            "events": {
                event: {
                    rule: {"examples": self.examples[(event, rule)],
                           "failures": self.failures[(event, rule)]}
                    for rule in self.rules
                    if (event, rule) in self.applicable
                }
                for event in self.events
            },
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Coverage:
        """The inverse of ``to_dict`` (how plugin workers hand theirs over)."""
        out = cls(rules=list(data.get("rules", [])))
        for event, cells in data.get("events", {}).items():
            out.events.append(event)
            for rule, counts in cells.items():
                out.applicable.add((event, rule))
                out.examples[(event, rule)] += int(counts.get("examples", 0))
                out.failures[(event, rule)] += int(counts.get("failures", 0))
        return out

    def render(self) -> str:
        """The compact text table: one row per event, one column per rule; ``-`` where
        a rule does not apply, ``*`` after a count where failures were found."""
        if not self.events or not self.rules:
            return "coverage: nothing was run"
        heads = [SHORT.get(r, r) for r in self.rules]
        width = max(len(e) for e in self.events)
        cells: list[list[str]] = []
        for event in self.events:
            row = []
            for rule in self.rules:
                cell = (event, rule)
                if cell not in self.applicable:
                    row.append("-")
                else:
                    row.append(f"{self.examples[cell]}{'*' if self.failures[cell] else ''}")
            cells.append(row)
        widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(heads)]
        lines = [
            "coverage (delivery sequences per event and rule; * = failures found, - = n/a):",
            " ".join([" " * width, *(h.rjust(w) for h, w in zip(heads, widths, strict=True))]),
        ]
        for event, row in zip(self.events, cells, strict=True):
            lines.append(
                " ".join(
                    [event.ljust(width), *(c.rjust(w) for c, w in zip(row, widths, strict=True))]
                )
            )
        missing = self.missing()
        if missing:
            shown = ", ".join(f"{e} x {r}" for e, r in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            lines.append(f"not reached: {shown}{more}")
        return "\n".join(lines)


def coverage_table(
    cases: Sequence[FuzzCase],
    examples: Mapping[Cell, int],
    failures: Iterable[Cell],
) -> Coverage:
    """The coverage of a run over ``cases``: counted ``examples`` per cell, and the
    cells of the failures it reports."""
    out = Coverage()
    for case in cases:
        if case.rule not in out.rules:
            out.rules.append(case.rule)
        if not case.is_contract and case.rule == "event":
            out.events.append(case.id)
        for stratum in case.strata:
            out.applicable.update((event, case.rule) for event in stratum.events)
    out.order()
    selected = set(out.events)
    out.applicable = {c for c in out.applicable if c[0] in selected}
    out.examples.update({c: n for c, n in examples.items() if c[0] in selected})
    out.failures.update(c for c in failures if c[0] in selected)
    return out
