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
Severity = Literal["breaking", "undecided", "info"]
Kind = Literal[
    "event", "node", "object", "string", "number", "array", "boolean", "other", "payload"
]
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
    #: why this breaks (or does not break) consumers, with an example
    rationale: str = ""

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
        rationale="Subscribers keep a handler for an event that never arrives again; e.g. `invoice.paid` renamed to `invoice.settled` silently stops their bookkeeping.",
    ),
    Rule(
        "event-demoted",
        "event",
        "A stable event was demoted to beta.",
        "event {event} was demoted from {old} to {new}: its shape is no longer frozen",
        _both("breaking"),
        rationale="Stable events promise a frozen shape; demoting to beta withdraws that promise for consumers who relied on it.",
    ),
    Rule(
        "required-scope-changed",
        "event",
        "An event now needs another API key scope.",
        "event {event} now needs scope {new} instead of {old}: existing endpoints lose it",
        _both("breaking"),
        rationale="Endpoints registered with the old API key scope stop receiving the event, e.g. scope `webhooks` -> `webhooks:admin`.",
    ),
    Rule(
        "event-added",
        "event",
        "A new event was added.",
        "event {event} was added ({new})",
        _both("info"),
        rationale="New events go only to subscribers who ask for them; nobody's handler sees them unasked.",
    ),
    Rule(
        "event-promoted",
        "event",
        "A beta event was promoted to stable.",
        "event {event} was promoted from {old} to {new}",
        _both("info"),
        rationale="Promotion adds a promise (the shape freezes); nothing a consumer accepted becomes invalid.",
    ),
    # -- one schema node: the set of JSON types it accepts ----------------------------
    Rule(
        "type-widened",
        "node",
        "A field accepts a JSON type it did not accept before.",
        "{pointer} now accepts {new} (was {old})",
        _both("breaking"),
        "widened",
        rationale='A consumer parsing `amount` as a number crashes on `"12.50"` once the field may be a string.',
    ),
    Rule(
        "became-nullable",
        "node",
        "A field can now be null.",
        "{pointer} can now be null (was {old})",
        _both("breaking"),
        "widened",
        rationale="Code doing `payload['name'].upper()` fails with null; e.g. `name: string` -> `[string, null]`.",
    ),
    Rule(
        "type-narrowed",
        "node",
        "A field no longer accepts a JSON type it accepted.",
        "{pointer} no longer accepts {removed} (now {new})",
        _NARROWING,
        "narrowed",
        rationale="Every payload NEW sends was already acceptable, so consumers are safe; frozen still forbids it because OLD payloads (e.g. a string `id`) become invalid to producers and fixtures.",
    ),
    Rule(
        "nullable-removed",
        "node",
        "A field can no longer be null.",
        "{pointer} can no longer be null (now {new})",
        _NARROWING,
        "narrowed",
        rationale="Consumers already handle the non-null values; frozen forbids it because documents OLD allowed (`null`) become invalid.",
    ),
    Rule(
        "variant-added",
        "node",
        "An anyOf/oneOf branch with no counterpart was added.",
        "{pointer} gained a {type} variant that matches no old variant",
        _both("breaking"),
        "widened",
        rationale="A consumer switching over the known shapes of a oneOf/anyOf meets one it has no branch for.",
    ),
    Rule(
        "variant-removed",
        "node",
        "An anyOf/oneOf branch with no counterpart was removed.",
        "{pointer} lost a {type} variant",
        _NARROWING,
        "narrowed",
        rationale="Consumers handled every old variant, so fewer is safe for them; frozen forbids it as a narrowing.",
    ),
    Rule(
        "keyword-changed",
        "node",
        "A keyword the checker cannot judge by meaning changed.",
        "{pointer}: keyword {keyword} changed; the checker cannot tell which way, so it "
        "assumes the worst",
        _both("breaking"),
        "changed",
        rationale="A keyword without a dedicated rule (not, if/then/else, patternProperties, dependentSchemas, prefixItems, contains, unevaluated*) changed; it breaks only when a witness shows NEW accepting a payload OLD rejected (e.g. `not: {const: 0}` dropped: `0` becomes possible), or, under frozen, the reverse.",
    ),
    # -- enumerations and constants ---------------------------------------------------
    Rule(
        "enum-value-added",
        "other",
        "An enum gained a value.",
        "{pointer} can now be {added}",
        _both("breaking"),
        "widened",
        rationale='A consumer\'s `match status` with no default crashes on the new value, e.g. `status` gains `"refunded"`.',
    ),
    Rule(
        "enum-value-removed",
        "other",
        "An enum lost a value.",
        "{pointer} can no longer be {removed}",
        _NARROWING,
        "narrowed",
        rationale="Consumers handle a superset of what is sent; frozen forbids it as a narrowing.",
    ),
    Rule(
        "const-changed",
        "other",
        "A constant changed value.",
        "{pointer} is now {new} (was {old})",
        _both("breaking"),
        "widened",
        rationale='Consumers checking a discriminator (`kind == "thing"`) no longer recognise the payload.',
    ),
    Rule(
        "enum-removed",
        "other",
        "A field lost its enum or const restriction.",
        "{pointer} is no longer restricted to {old}",
        _both("breaking"),
        "widened",
        rationale="The field may now hold any value of its type, including ones no consumer handles.",
    ),
    Rule(
        "enum-added",
        "other",
        "A field gained an enum or const restriction.",
        "{pointer} is now restricted to {new}",
        _NARROWING,
        "narrowed",
        rationale="The field holds fewer values than before: safe for consumers, a narrowing under frozen.",
    ),
    # -- objects -----------------------------------------------------------------------
    Rule(
        "property-removed",
        "object",
        "A field was removed (or renamed).",
        "{pointer} was removed (or renamed); it was {old}",
        _both("breaking"),
        "widened",
        rationale="A consumer reading `payload['error']` finds it missing or holding anything; it does not break when NEW forbids the key or still restricts it to values OLD accepted (the prover then downgrades it to info).",
    ),
    Rule(
        "property-became-optional",
        "object",
        "A required field became optional.",
        "{pointer} is no longer required: payloads may omit it",
        _both("breaking"),
        "widened",
        rationale="A consumer doing `payload['size']` raises KeyError when the field is omitted.",
    ),
    Rule(
        "property-added",
        "object",
        "A field was added.",
        "{pointer} was added ({new})",
        _both("info"),
        rationale="Consumers ignore fields they do not know, as long as OLD left that key open (see property-added-closed).",
    ),
    Rule(
        "property-became-required",
        "object",
        "An optional field became required.",
        "{pointer} is now always present",
        _both("info"),
        "narrowed",
        rationale="Consumers got the field sometimes and now always: safe.",
    ),
    Rule(
        "additional-properties-changed",
        "object",
        "Whether unknown fields are allowed changed (consumers ignore unknown fields).",
        "{pointer}: additionalProperties changed from {old} to {new}",
        _both("info"),
        rationale="Consumers ignore unknown fields; whether the schema allows them does not change what a tolerant reader accepts. Real changes of what OLD accepted are caught by schema-widened.",
    ),
    # -- value constraints -------------------------------------------------------------
    Rule(
        "constraint-relaxed",
        "other",
        "A value constraint was loosened or dropped.",
        "{pointer}: {keyword} relaxed from {old} to {new}",
        _both("breaking"),
        "widened",
        rationale="A consumer storing `note` in a VARCHAR(10) fails once maxLength grows from 10 to 20.",
    ),
    Rule(
        "constraint-tightened",
        "other",
        "A value constraint was added or tightened.",
        "{pointer}: {keyword} tightened from {old} to {new}",
        _NARROWING,
        "narrowed",
        rationale="Fewer values are sent: safe for consumers, a narrowing under frozen.",
    ),
    Rule(
        "constraint-changed",
        "other",
        "A value constraint changed in a way that is neither looser nor tighter.",
        "{pointer}: {keyword} changed from {old} to {new}",
        _both("breaking"),
        "changed",
        rationale="A pattern or format replaced by an unrelated one: values valid now were rejected before (e.g. pattern `^a` -> `^b`).",
    ),
    # -- decided on whole payloads: the prover and the witness search ---------------------
    Rule(
        "property-added-closed",
        "object",
        "A field was added where the old schema restricted unknown keys.",
        "{pointer} was added ({new}), but the old schema constrained that key",
        _both("breaking"),
        "widened",
        'OLD\'s additionalProperties or a matching patternProperties constrained the key, so consumers validating with OLD reject it: OLD `{additionalProperties: {type: string}}`, NEW adds `bar: number`; `{"bar": 1}` is refused.',
    ),
    Rule(
        "schema-widened",
        "payload",
        "NEW accepts a payload OLD rejects (shown by a witness).",
        "{pointer}: the new schema accepts a payload the old one rejects ({keyword})",
        _both("breaking"),
        "widened",
        "The prover found no safe reading and the witness search found a payload NEW accepts and OLD rejects, outside any dedicated rule, e.g. `oneOf` branches made overlapping or a `dependentRequired` dropped.",
    ),
    Rule(
        "schema-narrowed",
        "payload",
        "OLD accepts a payload NEW rejects (shown by a witness).",
        "{pointer}: the old schema accepts a payload the new one rejects ({keyword})",
        _NARROWING,
        "narrowed",
        "A payload OLD accepts is rejected by NEW, outside any dedicated rule: safe for consumers, forbidden by frozen.",
    ),
    Rule(
        "undecided",
        "payload",
        "The checker could neither prove compatibility nor find a breaking payload.",
        "{pointer}: cannot decide whether the {direction} change of {keyword} breaks consumers",
        _both("undecided"),
        "changed",
        "Neither a proof that NEW accepts only what OLD accepts, nor a payload showing otherwise, was found (e.g. two unrelated regular expressions). Fails closed unless `--undecided=warn`.",
    ),
)

#: every rule by id, in table order.
RULES: Mapping[str, Rule] = {rule.id: rule for rule in _TABLE}


def rule(rule_id: str) -> Rule:
    """The rule called ``rule_id`` (a KeyError names an internal mistake, not user input)."""
    return RULES[rule_id]
