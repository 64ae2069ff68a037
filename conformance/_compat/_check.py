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
from ._verdict import Judge
from ._waivers import Waiver, split, today_utc
from ._walker import Walker
from ._witness import Witness, find, validator

_ORDER = {rule_id: index for index, rule_id in enumerate(RULES)}

#: what an undecided finding does to the gate: ``fail`` (default, fails closed) or ``warn``.
UNDECIDED_MODES: tuple[str, ...] = ("fail", "warn")


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
    #: ``fail`` (default: an undecided finding fails the gate) or ``warn``
    undecided_mode: str = field(default="fail", repr=False)
    #: the keyword an undecided finding is about
    keyword: str = ""

    @property
    def breaking(self) -> bool:
        """Breaking under its policy (whether or not it fails the gate)."""
        return self.severity == "breaking"

    @property
    def undecided(self) -> bool:
        """Neither proven compatible nor shown breaking by a witness."""
        return self.severity == "undecided"

    @property
    def blocking(self) -> bool:
        """Breaking (or undecided, unless ``--undecided=warn``), about a stable event (or
        ``--strict-beta``), not waived, and not excused by ``--consumers-only`` (no
        declared consumer reads it)."""
        gated = self.stability == "stable" or self.strict_beta
        failing = self.breaking or (self.undecided and self.undecided_mode == "fail")
        return failing and gated and self.waiver is None and self.excused is None

    @property
    def status(self) -> str:
        """One word: breaking, undecided, waived, warning (non-gating breaking) or info."""
        if self.waiver is not None:
            return "waived"
        if self.undecided:
            return "undecided"
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
            "keyword": self.keyword or None,
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
    #: ``fail`` (an undecided finding fails the gate) or ``warn``
    undecided: str = "fail"
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
        counts = {"breaking": 0, "undecided": 0, "warning": 0, "info": 0, "waived": 0}
        for finding in self.findings:
            counts[finding.status] += 1
        data: dict[str, Any] = {
            "format_version": 1,
            "old": self.old,
            "new": self.new,
            "policy": self.policies(),
            "strict_beta": self.strict_beta,
            "undecided": self.undecided,
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
    undecided: str = "fail",
) -> CompatReport:
    """Compare ``old`` with ``new`` and judge every change.

    ``policy`` None means ``frozen`` for stable events and ``consumer-safe`` for beta.
    ``stability`` sets the stability of single-schema sides (default: the schema's
    ``x-stability``, else stable) and, for catalogs, keeps only events of that level.
    Beta findings never block unless ``strict_beta``. ``undecided`` is ``fail`` (an
    undecided finding fails the gate, the default) or ``warn``.
    """
    if undecided not in UNDECIDED_MODES:
        raise CompatibilityError(
            f"unknown --undecided mode {undecided!r}; choose one of {', '.join(UNDECIDED_MODES)}"
        )
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
                undecided=undecided,
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
        undecided,
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
    undecided: str = "fail",
) -> list[Finding]:
    changes: list[Change] = walker.events(o, n)
    old_norm = new_norm = None
    if o is not None and n is not None:
        old_norms.file, new_norms.file = o.file, n.file
        old_norm = old_norms.normalize(o.restated, o.base, event=name)
        new_norm = new_norms.normalize(n.restated, n.base, event=name)
        changes.extend(walker.schemas(old_norm, new_norm))
    stability = o.stability if o is not None else n.stability if n is not None else "stable"
    chosen: Policy = policy or DEFAULT_POLICY[stability]
    located = n or o
    file = located.file if located is not None else ""
    judge: Judge | None = None
    if witnesses and o is not None and n is not None and old_norm and new_norm:
        judge = Judge(before, after, o, n, validator)
    out: list[Finding] = []

    def add(
        rule: Rule, change: Change, severity: Severity, witness: Witness | None, keyword: str = ""
    ) -> None:
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
                undecided_mode=undecided,
                keyword=keyword,
            )
        )

    for change in changes:
        rule = RULES[change.rule]
        severity = rule.severity_under(chosen)
        if judge is None or severity != "breaking" or rule.direction == "none":
            add(rule, change, severity, None)
            continue
        assert old_norm is not None
        assert new_norm is not None
        settled, witness = _settle(rule, change, chosen, judge, old_norm, new_norm)
        keyword = ""
        if settled == "undecided":
            stuck = judge.narrowing() if rule.direction == "narrowed" else judge.widening()
            keyword = str(change.params.get("keyword") or stuck.keyword or change.rule)
        add(rule, change, settled, witness, keyword)
    if judge is not None:
        _whole(judge, chosen, out, add)
    return out


def _settle(  # noqa: PLR0917 - one private call site
    rule: Rule, change: Change, policy: Policy, judge: Judge, old_norm: Norm, new_norm: Norm
) -> tuple[Severity, Witness | None]:
    """A breaking rule finding, proven: its witness, or info when proven safe, or undecided."""
    old_v, new_v = judge.validators
    pointer = json_pointer([seg for _, seg in change.path])
    if rule.direction in ("widened", "changed"):
        found = find(
            change, base=new_norm, accept=new_v, reject=old_v, valid_under="new", rejected_by="old"
        )
        if found is not None:
            return "breaking", found
    narrow: Witness | None = None
    if rule.direction in ("narrowed", "changed") and policy == "frozen":
        narrow = find(
            change, base=old_norm, accept=old_v, reject=new_v, valid_under="old", rejected_by="new"
        )
        if narrow is not None:
            return "breaking", narrow
    wide = judge.widening()
    widening = rule.direction in ("widened", "changed")
    if widening and wide.witness is not None and _near(wide.pointer, pointer):
        return "breaking", wide.witness
    if policy == "frozen" and rule.direction in ("narrowed", "changed"):
        tight = judge.narrowing()
        if tight.witness is not None and _near(tight.pointer, pointer):
            return "breaking", tight.witness
    safe = wide.proven if rule.direction != "narrowed" else True
    if policy == "frozen" and rule.direction in ("narrowed", "changed"):
        safe = safe and judge.narrowing().proven
    return ("info", None) if safe else ("undecided", None)


def _near(found: str, pointer: str) -> bool:
    """Whether an error at ``found`` is about the finding at ``pointer`` (same subtree).

    A ``*`` segment of the finding (any array item, any unknown key) matches any segment.
    """
    a, b = found.split("/")[1:] if found else [], pointer.split("/")[1:] if pointer else []
    common = min(len(a), len(b))
    return all(y in (x, "*") for x, y in zip(a[:common], b[:common], strict=True))


def _whole(judge: Judge, policy: Policy, out: list[Finding], add: Any) -> None:
    """Whole-payload verdicts: the break no rule names, or an honest "undecided"."""
    wide = judge.widening()
    shown = any(f.breaking and f.witness and f.witness.valid_under == "new" for f in out)
    _whole_direction(wide, "schema-widened", "widening", policy, add, shown=shown, out=out)
    if policy != "frozen":
        return
    tight = judge.narrowing()
    if tight.keyword in _PRESENCE:
        return  # frozen lets objects gain required or drop unknown fields (see the rules)
    # under frozen any witnessed break already fails the event; a second is noise
    shown = any(f.breaking and f.witness for f in out)
    _whole_direction(tight, "schema-narrowed", "narrowing", policy, add, shown=shown, out=out)


def _whole_direction(
    found: Any,
    rule: str,
    direction: str,
    policy: Policy,
    add: Any,
    *,
    shown: bool,
    out: list[Finding],
) -> None:
    """Add the whole-payload finding for one direction: a witnessed ``rule`` break, or
    an undecided one when nothing else already settles or defers the event."""
    if shown:
        return
    if found.witness is not None:
        change = Change(rule, _path(found.pointer), None, None, {"keyword": found.keyword})
        add(RULES[rule], change, RULES[rule].severity_under(policy), found.witness)
    elif found.undecided and not any(f.undecided for f in out):
        change = Change(
            "undecided",
            _path(found.pointer),
            None,
            None,
            {"keyword": found.keyword, "direction": direction},
        )
        add(RULES["undecided"], change, "undecided", None, found.keyword)


#: keywords about which fields an object has, not what values they hold: a narrowing
#: there is property-added / property-became-required / additional-properties-changed,
#: all info under frozen too.
_PRESENCE = frozenset(
    {"required", "dependentRequired", "additionalProperties", "unevaluatedProperties",
     "minProperties", "propertyNames", "false"}
)  # fmt: skip


def _path(pointer: str) -> tuple[tuple[str, str], ...]:
    if not pointer:
        return ()
    parts = pointer.split("/")[1:]
    return tuple(("prop", p.replace("~1", "/").replace("~0", "~")) for p in parts)


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
        if finding.breaking or finding.undecided:
            for index, waiver in enumerate(live):
                if waiver.covers(finding.rule, finding.event, finding.pointer):
                    match = waiver
                    used.add(index)
                    break
        out.append(replace(finding, waiver=match) if match else finding)
    stale = [w for i, w in enumerate(live) if i not in used]
    return out, stale, expired
