"""Compare two sides event by event and turn changes into findings under a policy.

:func:`check_compatibility` is the library entry point behind ``casedev-conformance
compat``: it pairs events by name, runs the walker on each pair, gives every change the
severity its rule has under the policy, searches a witness for every breaking finding,
applies waivers and returns a :class:`CompatReport`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from .._catalog import Catalog
from .._errors import CompatibilityError, json_pointer
from ._checks import Change
from ._normalize import Norm, Normalizer
from ._rules import DEFAULT_POLICY, POLICIES, RULES, Policy, Rule, Severity
from ._sources import EventSchema, Side, load_side, side_from_catalog, side_from_schema
from ._waivers import Waiver, split, today_utc
from ._walker import Walker
from ._witness import Witness, find, validator

_ORDER = {rule_id: index for index, rule_id in enumerate(RULES)}


@dataclass(frozen=True)
class Finding:
    """One difference between the old and the new schema of an event, judged."""

    rule: str
    severity: Severity
    event: str
    stability: str
    pointer: str
    message: str
    old: Any
    new: Any
    policy: Policy
    file: str = ""
    witness: Witness | None = None
    waiver: Waiver | None = None
    #: set by the transitive gate: the release this finding is against
    against: str | None = None
    strict_beta: bool = field(default=False, repr=False)
    #: set by the consumers step (usage manifests): ``(consumer, field read)`` pairs
    consumers: tuple[tuple[str, str], ...] = ()
    #: set by ``--consumers-only``: why this breaking finding does not gate
    excused: str | None = None

    @property
    def breaking(self) -> bool:
        """Breaking under its policy (whether or not it fails the gate)."""
        return self.severity == "breaking"

    @property
    def blocking(self) -> bool:
        """Breaking, about a stable event (or ``--strict-beta``), not waived, and not
        excused by ``--consumers-only`` (no declared consumer reads it)."""
        gated = self.stability == "stable" or self.strict_beta
        return self.breaking and gated and self.waiver is None and self.excused is None

    @property
    def status(self) -> str:
        """One word for humans: breaking, waived, warning (non-gating breaking) or info."""
        if self.waiver is not None:
            return "waived"
        if self.blocking:
            return "breaking"
        return "warning" if self.breaking else "info"

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a finding."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "status": self.status,
            "blocking": self.blocking,
            "event": self.event,
            "stability": self.stability,
            "pointer": self.pointer,
            "file": self.file,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "policy": self.policy,
            "witness": self.witness.to_dict() if self.witness else None,
            "waiver": self.waiver.to_dict() if self.waiver else None,
            "against": self.against,
            "consumers": [{"consumer": c, "field": f} for c, f in self.consumers],
            "excused": self.excused,
        }


@dataclass(frozen=True)
class CompatReport:
    """The outcome of one comparison: findings plus what happened to the waivers."""

    old: str
    new: str
    findings: tuple[Finding, ...]
    events: tuple[str, ...] = ()
    policy: Policy | None = None
    strict_beta: bool = False
    stale_waivers: tuple[Waiver, ...] = ()
    expired_waivers: tuple[Waiver, ...] = ()
    #: the consumers whose usage manifests were given (None: none were)
    consumers: tuple[str, ...] | None = None
    #: what the consumers step reports about the manifests (staleness)
    consumer_notes: tuple[str, ...] = ()

    @property
    def blocking(self) -> list[Finding]:
        """The findings that fail the gate."""
        return [f for f in self.findings if f.blocking]

    @property
    def ok(self) -> bool:
        """True when the gate passes: nothing blocking and no expired waiver."""
        return not self.blocking and not self.expired_waivers

    @property
    def exit_code(self) -> int:
        """0 when the gate passes, 1 otherwise."""
        return 0 if self.ok else 1

    def policies(self) -> dict[str, str]:
        """The policy each stability level was judged under."""
        return {s: self.policy or DEFAULT_POLICY[s] for s in ("stable", "beta")}

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON shape (``format_version`` 1)."""
        counts = {"breaking": 0, "warning": 0, "info": 0, "waived": 0}
        for finding in self.findings:
            counts[finding.status] += 1
        data: dict[str, Any] = {
            "format_version": 1,
            "old": self.old,
            "new": self.new,
            "policy": self.policies(),
            "strict_beta": self.strict_beta,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "events_compared": len(self.events),
            "summary": counts,
            "findings": [f.to_dict() for f in self.findings],
            "waivers": {
                "stale": [w.to_dict() for w in self.stale_waivers],
                "expired": [w.to_dict() for w in self.expired_waivers],
            },
        }
        if self.consumers is not None:
            data["consumers"] = {"names": list(self.consumers), "notes": list(self.consumer_notes)}
        return data


SideLike = Side | Catalog | str | Path | Mapping[str, Any]


def as_side(value: SideLike, *, stability: str | None = None, label: str = "schema") -> Side:
    """Turn a path/``git:`` spec, a :class:`Catalog` or a schema dict into a side."""
    if isinstance(value, Side):
        return value
    if isinstance(value, Catalog):
        return side_from_catalog(value)
    if isinstance(value, Mapping):
        return side_from_schema(dict(value), label=label, file=label, stability=stability)
    return load_side(value, stability=stability)


def check_compatibility(
    old: SideLike,
    new: SideLike,
    *,
    policy: Policy | None = None,
    stability: str | None = None,
    strict_beta: bool = False,
    waivers: Iterable[Waiver] = (),
    witnesses: bool = True,
    today: dt.date | None = None,
) -> CompatReport:
    """Compare ``old`` with ``new`` and judge every change.

    ``policy`` None means ``frozen`` for stable events and ``consumer-safe`` for beta.
    ``stability`` sets the stability of single-schema sides (default: the schema's
    ``x-stability``, else stable) and, for catalogs, keeps only events of that level.
    Beta findings never block unless ``strict_beta``.
    """
    if policy is not None and policy not in POLICIES:
        raise CompatibilityError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
    before = as_side(old, stability=stability, label="old")
    after = as_side(new, stability=stability, label="new")
    if before.single != after.single:
        raise CompatibilityError(
            "cannot compare a single schema file with a catalog folder",
            file=before.label if before.single else after.label,
        )
    pairs = _pairs(before, after, stability if not before.single else None)
    walker = Walker()
    old_norms = Normalizer(before.registry)
    new_norms = Normalizer(after.registry)
    findings: list[Finding] = []
    for name, o, n in pairs:
        findings.extend(
            _judge(
                name,
                o,
                n,
                before,
                after,
                walker,
                old_norms,
                new_norms,
                policy=policy,
                strict_beta=strict_beta,
                witnesses=witnesses,
            )
        )
    findings.sort(key=lambda f: (f.event, f.pointer, _ORDER[f.rule], str(f.old), str(f.new)))
    waived, stale, expired = _apply_waivers(findings, waivers, today or today_utc())
    return CompatReport(
        before.label,
        after.label,
        tuple(waived),
        tuple(name for name, _, _ in pairs),
        policy,
        strict_beta,
        tuple(stale),
        tuple(expired),
    )


def _pairs(
    before: Side, after: Side, stability: str | None
) -> list[tuple[str, EventSchema | None, EventSchema | None]]:
    if before.single:
        (first,), (second,) = before.events.values(), after.events.values()
        return [(second.name, first, second)]
    names = sorted(before.events.keys() | after.events.keys())
    out: list[tuple[str, EventSchema | None, EventSchema | None]] = []
    for name in names:
        o, n = before.events.get(name), after.events.get(name)
        level = o.stability if o is not None else n.stability if n is not None else None
        if stability is None or level == stability:
            out.append((name, o, n))
    return out


def _judge(  # noqa: PLR0917 - one private call site
    name: str,
    o: EventSchema | None,
    n: EventSchema | None,
    before: Side,
    after: Side,
    walker: Walker,
    old_norms: Normalizer,
    new_norms: Normalizer,
    *,
    policy: Policy | None,
    strict_beta: bool,
    witnesses: bool,
) -> list[Finding]:
    changes: list[Change] = walker.events(o, n)
    old_norm = new_norm = None
    if o is not None and n is not None:
        old_norms.file, new_norms.file = o.file, n.file
        old_norm = old_norms.normalize(o.schema, o.base, event=name)
        new_norm = new_norms.normalize(n.schema, n.base, event=name)
        changes.extend(walker.schemas(old_norm, new_norm))
    stability = o.stability if o is not None else n.stability if n is not None else "stable"
    chosen: Policy = policy or DEFAULT_POLICY[stability]
    located = n or o
    file = located.file if located is not None else ""
    out: list[Finding] = []
    validators: list[Any] = []
    for change in changes:
        rule = RULES[change.rule]
        severity = rule.severity_under(chosen)
        witness = None
        if witnesses and severity == "breaking" and old_norm and new_norm and o and n:
            if not validators:
                validators = [validator(before, o), validator(after, n)]
            witness = _witness(rule, change, old_norm, new_norm, validators[0], validators[1])
        pointer = json_pointer([seg for _, seg in change.path])
        out.append(
            Finding(
                rule=rule.id,
                severity=severity,
                event=name,
                stability=stability,
                pointer=pointer,
                message=_message(rule, change, name, pointer),
                old=change.old,
                new=change.new,
                policy=chosen,
                file=file,
                witness=witness,
                strict_beta=strict_beta,
            )
        )
    return out


def _witness(  # noqa: PLR0917 - one private call site
    rule: Rule, change: Change, old_norm: Norm, new_norm: Norm, old_v: Any, new_v: Any
) -> Witness | None:
    if rule.direction in ("widened", "changed"):
        found = find(
            change, base=new_norm, accept=new_v, reject=old_v, valid_under="new", rejected_by="old"
        )
        if found is not None or rule.direction == "widened":
            return found
    if rule.direction in ("narrowed", "changed"):
        return find(
            change, base=old_norm, accept=old_v, reject=new_v, valid_under="old", rejected_by="new"
        )
    return None


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return orjson.dumps(value).decode()


def _message(rule: Rule, change: Change, event: str, pointer: str) -> str:
    params = _Params(
        event=event,
        pointer=pointer or "the payload",
        old=_show(change.old),
        new=_show(change.new),
    )
    for key, value in change.params.items():
        params[key] = _show(value)
    return rule.message.format_map(params)


def _apply_waivers(
    findings: Sequence[Finding], waivers: Iterable[Waiver], today: dt.date
) -> tuple[list[Finding], list[Waiver], list[Waiver]]:
    live, expired = split(waivers, today)
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        match = None
        if finding.breaking:
            for index, waiver in enumerate(live):
                if waiver.covers(finding.rule, finding.event, finding.pointer):
                    match = waiver
                    used.add(index)
                    break
        out.append(replace(finding, waiver=match) if match else finding)
    stale = [w for i, w in enumerate(live) if i not in used]
    return out, stale, expired
