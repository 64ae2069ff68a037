"""The table of compatibility rules and the policies that give each rule a severity.

A rule is data: a kebab-case id, the kind of node pair it looks at, a one-line summary,
a message template and its severity under each policy. The check functions live in
``_checks`` and only compare one old/new pair; the walker in ``_walker`` does the
recursion. Policies are a mapping, not ``if`` chains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Policy = Literal["frozen", "consumer-safe"]
Severity = Literal["breaking", "info"]
Kind = Literal["event", "node", "object", "string", "number", "array", "boolean", "other"]
Direction = Literal["widened", "narrowed", "changed", "none"]

POLICIES: tuple[Policy, ...] = ("frozen", "consumer-safe")

#: the policy each stability level is judged under when ``--policy`` is not given.
DEFAULT_POLICY: Mapping[str, Policy] = {"stable": "frozen", "beta": "consumer-safe"}


@dataclass(frozen=True)
class Rule:
    """One named compatibility rule: what it looks at and how bad it is per policy."""

    id: str
    kind: Kind
    summary: str
    message: str
    severity: Mapping[Policy, Severity] = field(repr=False)
    #: which way the value domain moves: "widened" findings get a new-not-old witness.
    direction: Direction = "none"

    def severity_under(self, policy: Policy) -> Severity:
        """The severity of this rule's findings under ``policy``."""
        return self.severity[policy]


def _both(severity: Severity) -> Mapping[Policy, Severity]:
    return {"frozen": severity, "consumer-safe": severity}


_NARROWING: Mapping[Policy, Severity] = {"frozen": "breaking", "consumer-safe": "info"}

_TABLE: tuple[Rule, ...] = (
    # -- catalog level ----------------------------------------------------------------
    Rule(
        "event-removed",
        "event",
        "A stable event was removed or renamed.",
        "event {event} was removed (or renamed): subscribers stop receiving it",
        _both("breaking"),
    ),
    Rule(
        "event-demoted",
        "event",
        "A stable event was demoted to beta.",
        "event {event} was demoted from {old} to {new}: its shape is no longer frozen",
        _both("breaking"),
    ),
    Rule(
        "required-scope-changed",
        "event",
        "An event now needs another API key scope.",
        "event {event} now needs scope {new} instead of {old}: existing endpoints lose it",
        _both("breaking"),
    ),
    Rule(
        "event-added",
        "event",
        "A new event was added.",
        "event {event} was added ({new})",
        _both("info"),
    ),
    Rule(
        "event-promoted",
        "event",
        "A beta event was promoted to stable.",
        "event {event} was promoted from {old} to {new}",
        _both("info"),
    ),
    # -- one schema node: the set of JSON types it accepts ----------------------------
    Rule(
        "type-widened",
        "node",
        "A field accepts a JSON type it did not accept before.",
        "{pointer} now accepts {new} (was {old})",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "became-nullable",
        "node",
        "A field can now be null.",
        "{pointer} can now be null (was {old})",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "type-narrowed",
        "node",
        "A field no longer accepts a JSON type it accepted.",
        "{pointer} no longer accepts {removed} (now {new})",
        _NARROWING,
        "narrowed",
    ),
    Rule(
        "nullable-removed",
        "node",
        "A field can no longer be null.",
        "{pointer} can no longer be null (now {new})",
        _NARROWING,
        "narrowed",
    ),
    Rule(
        "variant-added",
        "node",
        "An anyOf/oneOf branch with no counterpart was added.",
        "{pointer} gained a {type} variant that matches no old variant",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "variant-removed",
        "node",
        "An anyOf/oneOf branch with no counterpart was removed.",
        "{pointer} lost a {type} variant",
        _NARROWING,
        "narrowed",
    ),
    Rule(
        "keyword-changed",
        "node",
        "A keyword the checker cannot judge by meaning changed.",
        "{pointer}: keyword {keyword} changed; the checker cannot tell which way, so it "
        "assumes the worst",
        _both("breaking"),
        "changed",
    ),
    # -- enumerations and constants ---------------------------------------------------
    Rule(
        "enum-value-added",
        "other",
        "An enum gained a value.",
        "{pointer} can now be {added}",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "enum-value-removed",
        "other",
        "An enum lost a value.",
        "{pointer} can no longer be {removed}",
        _NARROWING,
        "narrowed",
    ),
    Rule(
        "const-changed",
        "other",
        "A constant changed value.",
        "{pointer} is now {new} (was {old})",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "enum-removed",
        "other",
        "A field lost its enum or const restriction.",
        "{pointer} is no longer restricted to {old}",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "enum-added",
        "other",
        "A field gained an enum or const restriction.",
        "{pointer} is now restricted to {new}",
        _NARROWING,
        "narrowed",
    ),
    # -- objects -----------------------------------------------------------------------
    Rule(
        "property-removed",
        "object",
        "A field was removed (or renamed).",
        "{pointer} was removed (or renamed); it was {old}",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "property-became-optional",
        "object",
        "A required field became optional.",
        "{pointer} is no longer required: payloads may omit it",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "property-added",
        "object",
        "A field was added.",
        "{pointer} was added ({new})",
        _both("info"),
    ),
    Rule(
        "property-became-required",
        "object",
        "An optional field became required.",
        "{pointer} is now always present",
        _both("info"),
        "narrowed",
    ),
    Rule(
        "additional-properties-changed",
        "object",
        "Whether unknown fields are allowed changed (consumers ignore unknown fields).",
        "{pointer}: additionalProperties changed from {old} to {new}",
        _both("info"),
    ),
    # -- value constraints -------------------------------------------------------------
    Rule(
        "constraint-relaxed",
        "other",
        "A value constraint was loosened or dropped.",
        "{pointer}: {keyword} relaxed from {old} to {new}",
        _both("breaking"),
        "widened",
    ),
    Rule(
        "constraint-tightened",
        "other",
        "A value constraint was added or tightened.",
        "{pointer}: {keyword} tightened from {old} to {new}",
        _NARROWING,
        "narrowed",
    ),
    Rule(
        "constraint-changed",
        "other",
        "A value constraint changed in a way that is neither looser nor tighter.",
        "{pointer}: {keyword} changed from {old} to {new}",
        _both("breaking"),
        "changed",
    ),
)

#: every rule by id, in table order.
RULES: Mapping[str, Rule] = {rule.id: rule for rule in _TABLE}


def rule(rule_id: str) -> Rule:
    """The rule called ``rule_id`` (a KeyError names an internal mistake, not user input)."""
    return RULES[rule_id]
