"""Waivers: acknowledged breaking changes, each with a reason, an approver and an expiry.

A waivers file is TOML (``[[waiver]]`` tables) or JSON (a list, or ``{"waivers": [...]}``);
both readers ship with Python, so no dependency. A waiver matches a finding by rule id,
event (exact name or Case.dev filter such as ``vault.*``) and, if given, JSON pointer.
An expired waiver waives nothing and fails the run; one that matches nothing is stale.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .._catalog import check_pattern, matches
from .._errors import CompatibilityError, ConformanceError
from ._rules import RULES

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIELDS = ("rule", "event", "reason", "approver", "expires")


@dataclass(frozen=True)
class Waiver:
    """One acknowledged breaking change."""

    rule: str
    event: str
    reason: str
    approver: str
    expires: dt.date
    pointer: str | None = None
    #: where it was declared: ``file#index``
    origin: str = ""

    def covers(self, rule: str, event: str, pointer: str) -> bool:
        """Whether this waiver is about the finding (ignoring expiry)."""
        return (
            self.rule == rule
            and matches(self.event, event)
            and (self.pointer is None or self.pointer == pointer)
        )

    def expired(self, today: dt.date) -> bool:
        """True once the expiry date has passed (the waiver is valid through that day)."""
        return self.expires < today

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in reports."""
        return {
            "rule": self.rule,
            "event": self.event,
            "pointer": self.pointer,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
            "origin": self.origin,
        }


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read a TOML or JSON waivers file; any malformed entry raises ``CompatibilityError``."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise CompatibilityError(f"cannot read waivers: {exc.strerror or exc}", file=file) from None
    entries: Any
    try:
        if file.suffix.lower() == ".toml":
            entries = tomllib.loads(raw.decode()).get("waiver", [])
        else:
            data = orjson.loads(raw)
            entries = data.get("waivers", []) if isinstance(data, dict) else data
    except (tomllib.TOMLDecodeError, orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CompatibilityError(f"invalid waivers file: {exc}", file=file) from None
    if not isinstance(entries, list):
        raise CompatibilityError("waivers must be a list of tables", file=file)
    return [_parse(entry, file, index) for index, entry in enumerate(entries)]


def _parse(entry: Any, file: Path, index: int) -> Waiver:
    where = f"/waiver/{index}" if file.suffix.lower() == ".toml" else f"/{index}"
    if not isinstance(entry, dict):
        raise CompatibilityError("a waiver must be a table/object", file=file, pointer=where)
    for name in _FIELDS:
        if not entry.get(name):
            raise CompatibilityError(f"waiver lacks {name!r}", file=file, pointer=where)
    unknown = set(entry) - {*_FIELDS, "pointer"}
    if unknown:
        raise CompatibilityError(
            f"unknown waiver field(s) {sorted(unknown)}", file=file, pointer=where
        )
    if entry["rule"] not in RULES:
        raise CompatibilityError(
            f"unknown rule {entry['rule']!r}; `casedev-conformance compat --list-rules` lists them",
            file=file,
            pointer=where + "/rule",
        )
    try:
        check_pattern(str(entry["event"]))
    except ConformanceError as exc:
        raise CompatibilityError(exc.reason, file=file, pointer=where + "/event") from None
    expires = entry["expires"]
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    if not isinstance(expires, dt.date):
        try:
            # Only the extended form: fromisoformat also takes 20270101 and 2027-W01-1,
            # which a reviewer would not read as a date.
            if not isinstance(expires, str) or not _DATE.fullmatch(expires):
                raise ValueError
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise CompatibilityError(
                f"expires must be a date YYYY-MM-DD, not {expires!r}",
                file=file,
                pointer=where + "/expires",
            ) from None
    pointer = entry.get("pointer")
    return Waiver(
        rule=str(entry["rule"]),
        event=str(entry["event"]),
        reason=str(entry["reason"]),
        approver=str(entry["approver"]),
        expires=expires,
        pointer=None if pointer is None else str(pointer),
        origin=f"{file.name}#{index}",
    )


def today_utc() -> dt.date:
    """Today's date in UTC, the clock waivers expire by."""
    return dt.datetime.now(dt.UTC).date()


def split(waivers: Iterable[Waiver], today: dt.date) -> tuple[list[Waiver], list[Waiver]]:
    """(in force, expired)."""
    live: list[Waiver] = []
    dead: list[Waiver] = []
    for waiver in waivers:
        (dead if waiver.expired(today) else live).append(waiver)
    return live, dead
