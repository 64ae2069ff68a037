"""What the delivery contract allows beyond the schemas: the contract-mode generators.

The schemas say what a payload looks like today; the delivery contract
(``delivery-contract.md``) says more may arrive: unknown extra fields at any object
level, new event types, the same delivery twice, related events in any order or not at
all, every RFC 3339 form of ``occurred_at`` and the full range of a JavaScript number.
This module holds those generators; ``_compile`` uses the leaf ones, ``strategies``
assembles the delivery-level ones.

Choices (documented in the README):
- ``occurred_at``: an instant in 2000-2099 written with milliseconds (JavaScript's
  ``toISOString``, shrinks to this) or without a fraction, in UTC (``Z``) or with a
  numeric offset (``+00:00``, ``+05:30``, ``-08:00``...). Lowercase ``t``/``z``, leap
  seconds and other fraction lengths are not generated: no Case.dev producer emits them.
- numbers: finite doubles only, as JavaScript serializes them (``js_number``).
- event ids: ``evt_`` + a ULID (26 Crockford base32 characters), unique per draw for the
  whole process, so a handler's idempotency store never sees an id twice unless the
  contract case deliberately redelivers.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .._ids import format_timestamp, new_event_id

ENVELOPE_KEYS = frozenset({"id", "type", "occurred_at", "data"})
TEST_EVENT_TYPE = "webhook.test"

# -- JavaScript numbers and recorded extras ---------------------------------------------

#: The largest magnitude at which every integer is an exact IEEE-754 double.
MAX_SAFE_INTEGER = 2**53
MAX_DOUBLE = 1.7976931348623157e308


def js_number(value: float) -> int | float:
    """What a Python consumer parses when JavaScript's ``JSON.stringify`` writes ``value``.

    Integral doubles below 1e21 are written without a fraction or exponent (so they parse
    as ``int``, with JavaScript's shortest round-trip digits: 2**63 arrives as
    9223372036854776000), ``-0`` is written as ``0``, everything else stays a float.
    """
    if value.is_integer() and abs(value) < 1e21:
        if abs(value) <= MAX_SAFE_INTEGER:
            return int(value)
        return int(decimal.Decimal(repr(value)))
    return value


class Extended(dict[str, Any]):
    """A dict that remembers which of its keys were added by contract mode.

    Only produced when compiling with ``Options(record=True)``; see
    ``strip_extras``.
    """

    added: frozenset[str] = frozenset()


# -- event ids --------------------------------------------------------------------------


def event_ids() -> SearchStrategy[str]:
    """Realistic, never-repeating event ids (not driven by Hypothesis' data, so they do
    not shrink and do not collide across examples)."""
    return st.builds(new_event_id)


# -- timestamps -------------------------------------------------------------------------

_EPOCH = dt.datetime(2000, 1, 1)
_SPAN_MS = int((dt.datetime(2100, 1, 1) - _EPOCH).total_seconds() * 1000) - 1


def _instant(milliseconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(milliseconds=milliseconds)


#: Instants in 2000-2099 with millisecond precision (what JavaScript's Date holds);
#: one integer draw each, far cheaper than st.datetimes(), shrinking to 2000-01-01.
INSTANTS = st.integers(0, _SPAN_MS).map(_instant)
_INSTANTS = INSTANTS
#: UTC first (what shrinking lands on), then numeric offsets in use around the world.
OFFSETS = (
    "Z",
    "+00:00",
    "+01:00",
    "-05:00",
    "+05:30",
    "-08:00",
    "+09:00",
    "+05:45",
    "+14:00",
    "-12:00",
)
#: 3 = milliseconds (JavaScript's toISOString), 0 = whole seconds.
FRACTION_DIGITS = (3, 0)


def _canonical_timestamp(instant: dt.datetime) -> str:
    return format_timestamp(instant)


def _any_timestamp(parts: tuple[dt.datetime, int, str]) -> str:
    return format_timestamp(*parts)


@cache
def timestamps(contract: bool = True) -> SearchStrategy[str]:
    """RFC 3339 timestamps: every form Case.dev may send, or only the canonical one."""
    if not contract:
        return _INSTANTS.map(_canonical_timestamp)
    return st.tuples(_INSTANTS, st.sampled_from(FRACTION_DIGITS), st.sampled_from(OFFSETS)).map(
        _any_timestamp
    )


def timestamp_forms() -> list[tuple[int, str]]:
    """Every (fraction digits, offset) form ``timestamps()`` can produce."""
    return [(d, o) for o in OFFSETS for d in FRACTION_DIGITS]


# -- leaf values ------------------------------------------------------------------------

LONG = 10_000
#: Strings that break naive consumers: empty, whitespace, non-ASCII, astral, combining,
#: right-to-left, control characters, injection-shaped, long.
BOUNDARY_STRINGS: tuple[str, ...] = (
    "",
    " ",
    "0",
    "null",
    "é",
    "naïve café",
    "日本語のテキスト",
    "Ελληνικά",
    "😀",
    "\U0001d518\U0001d52b\U0001d526\U0001d520",  # astral: mathematical fraktur
    "👩\u200d⚖️",
    "e\u0301",
    "\u202eevil",
    "\ufeffbom",
    "a\x00b",
    "line\nbreak\r\n",
    "\t",
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "%s%n{0}",
    "../../etc/passwd",
    "x" * LONG,
    "ü" * LONG + "😀",
)

_SAFE = 2**53
#: Integral numbers at the edges: 32-bit and 53-bit limits, beyond 2**63, up to 1e21.
BOUNDARY_INTEGERS: tuple[int, ...] = (
    0, 1, -1, 2**31 - 1, 2**31, -(2**31), 2**32, _SAFE, -_SAFE, _SAFE + 2,
    9223372036854776000, -9223372036854776000, 10**20, 999999999999999900000,
)  # fmt: skip
#: Fractional, tiny, huge (>= 1e21 arrives as a float) and extreme finite doubles.
BOUNDARY_FLOATS: tuple[float, ...] = (
    0.5, -0.5, 0.1, 1e-7, 5e-324, 2.2250738585072014e-308, 123456.789, 1e21, -1e21,
    1.5e300, 1.7976931348623157e308, -1.7976931348623157e308,
)  # fmt: skip


def boundary_numbers(*, integer: bool) -> list[int | float]:
    """Boundary numbers for ``integer`` or ``number`` schemas."""
    return [*BOUNDARY_INTEGERS] if integer else [*BOUNDARY_INTEGERS, *BOUNDARY_FLOATS]


@cache
def strings(
    low: int = 0, high: int | None = None, contract: bool = True, boundary: bool = False
) -> SearchStrategy[str]:
    """Text of ``low``..``high`` code points; in contract mode also boundary strings
    (only those, when ``boundary`` and any fit)."""
    base = st.text(min_size=low, max_size=high)
    if not contract:
        return base
    edges = [s for s in BOUNDARY_STRINGS if low <= len(s) and (high is None or len(s) <= high)]
    if edges and boundary:
        return st.sampled_from(edges)
    return st.one_of(base, st.sampled_from(edges)) if edges else base


@cache
def numbers(contract: bool = True) -> SearchStrategy[int | float]:
    """Any number a JavaScript producer can send (as Python parses it)."""
    branches: list[SearchStrategy[Any]] = [
        st.integers(-_SAFE, _SAFE),
        st.floats(allow_nan=False, allow_infinity=False).map(js_number),
    ]
    if contract:
        branches.append(st.sampled_from(boundary_numbers(integer=False)))
    return st.one_of(branches)


@cache
def free_keys() -> SearchStrategy[str]:
    """Keys of free-form objects."""
    return st.text(max_size=12)


@cache
def json_values(contract: bool = True) -> SearchStrategy[Any]:
    """Arbitrary JSON values (numbers limited to what JavaScript can send)."""
    # Two levels deep rather than st.recursive(): nesting deeper adds little and costs
    # several times more per draw.
    leaves = st.one_of(st.none(), st.booleans(), numbers(contract), strings(0, 20, contract=False))
    # Objects from a small key pool: st.dictionaries() costs several times more per draw.
    objects = st.fixed_dictionaries({}, optional=dict.fromkeys(_JSON_KEYS, leaves))
    return st.one_of(leaves, st.lists(leaves, max_size=3), objects)


_JSON_KEYS = ("id", "value", "ünï", "")

#: JSON values at the edges: one of each type, empty and nested containers, boundary
#: numbers and strings (what extra keys carry in boundary-heavy payloads).
BOUNDARY_JSON: tuple[Any, ...] = (
    None, True, False, 0, -1, 0.5, 1e21, 2**53 + 2, -1.7976931348623157e308,
    "", "ü😀", "\U0001d518", "null", [], {}, [None, 1, "a", [], {}],
    {"id": None, "nested": {"deep": [1, {"": "x"}]}}, "x" * LONG,
)  # fmt: skip


@cache
def boundary_json_values() -> SearchStrategy[Any]:
    """JSON values at the edges (``BOUNDARY_JSON``), one cheap choice each."""
    return st.sampled_from(BOUNDARY_JSON)


# -- formats ----------------------------------------------------------------------------

_LABEL = st.from_regex(r"\A[a-z][a-z0-9]{0,9}\Z")


def _date(contract: bool) -> SearchStrategy[str]:
    return st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)


def _format_time(parts: tuple[dt.time, int, str]) -> str:
    moment, digits, offset = parts
    fraction = f".{moment.microsecond // 1000:03d}" if digits else ""
    return moment.strftime("%H:%M:%S") + fraction + offset


def _time(contract: bool) -> SearchStrategy[str]:
    offsets = st.sampled_from(OFFSETS if contract else ("Z",))
    digits = st.sampled_from(FRACTION_DIGITS if contract else (3,))
    return st.tuples(st.times(), digits, offsets).map(_format_time)


def _uri(contract: bool) -> SearchStrategy[str]:
    return st.builds(
        lambda host, tld, path: f"https://{host}.{tld}/{'/'.join(path)}",
        _LABEL,
        st.sampled_from(["com", "dev", "io", "example"]),
        st.lists(_LABEL, max_size=3),
    )


def _email(contract: bool) -> SearchStrategy[str]:
    return st.builds(lambda user, host: f"{user}@{host}.example", _LABEL, _LABEL)


#: format name -> strategy factory (taking the contract flag); others need the fallback.
FORMATS: dict[str, Callable[[bool], SearchStrategy[str]]] = {
    "date-time": timestamps,
    "date": _date,
    "time": _time,
    "uri": _uri,
    "email": _email,
    "uuid": lambda contract: st.uuids().map(str),
    "hostname": lambda contract: st.builds(lambda a, b: f"{a}.{b}", _LABEL, _LABEL),
    "ipv4": lambda contract: st.ip_addresses(v=4).map(str),
    "ipv6": lambda contract: st.ip_addresses(v=6).map(str),
}

# -- additive fields --------------------------------------------------------------------

#: Names of fields a producer may add, one pool per level. Each object draws a subset
#: (fixed_dictionaries' optional keys: one cheap choice per name, shrinking to none).
#: Plausible names first, then ones that break naive code: non-ASCII, spaces, empty.
EXTRA_NAMES = ("metadata", "x-ünïcødé field", "")
ENVELOPE_EXTRA_NAMES = ("api_version", "previous_attributes", "ünïcødé")


@cache
def additive_fields(
    declared: frozenset[str],
    values: SearchStrategy[Any],
    *,
    names: Sequence[str] = EXTRA_NAMES,
    min_size: int = 0,
) -> SearchStrategy[dict[str, Any]]:
    """Dicts of unknown keys (never one of ``declared``) with ``values``; shrink to {}.

    With ``min_size`` the first ``min_size`` unused names are always present.
    """
    free = [n for n in names if n not in declared]
    forced, optional = free[:min_size], free[min_size:]
    some = st.fixed_dictionaries(
        dict.fromkeys(forced, values), optional=dict.fromkeys(optional, values)
    )
    # Half the objects skip the extras in a single choice (cheaper than one per name).
    return some if forced else st.one_of(st.just({}), some)


def strip_extras(value: Any) -> Any:
    """``value`` without the keys contract mode added (needs ``Options(record=True)``)."""
    if isinstance(value, dict):
        added = value.added if isinstance(value, Extended) else frozenset()
        return {k: strip_extras(v) for k, v in value.items() if k not in added}
    if isinstance(value, list):
        return [strip_extras(v) for v in value]
    return value


# -- new event types --------------------------------------------------------------------

#: Names a growing catalog could plausibly add (tried first).
FUTURE_EVENTS = (
    TEST_EVENT_TYPE, "vault.object.deleted", "vault.object.append.cancelled",
    "vault.ingest.cancelled", "ocr.job.cancelled", "agent.run.paused", "matter.deleted",
    "billing.invoice.created", "compute.run.started", "deployment.started",
)  # fmt: skip
_SEGMENT = st.from_regex(r"\A[a-z][a-z0-9_]{0,11}\Z")


def unknown_types(
    patterns: Sequence[str], known: Iterable[str], near: str | None = None
) -> SearchStrategy[str]:
    """Event type names not in ``known`` that a subscription to ``patterns`` receives.

    ``webhook.test`` (test sends) is always included: an endpoint gets test sends whatever
    its filters (ASSUMPTION). With ``near`` (an event name), only its unknown siblings:
    new names under each of its parent prefixes the subscription covers
    (``vault.object.deleted`` and ``vault.object.x`` near ``vault.object.created``), or
    ``webhook.test`` when the subscription covers none.
    """
    from .._catalog import matches

    known_set = frozenset(known)

    def wanted(name: str) -> bool:
        return name not in known_set and (
            name == TEST_EVENT_TYPE or any(matches(p, name) for p in patterns)
        )

    if near is not None:
        return _unknown_siblings(patterns, near, wanted)
    plausible = [n for n in FUTURE_EVENTS if wanted(n)]
    branches: list[SearchStrategy[str]] = [st.sampled_from(plausible)] if plausible else []
    prefixes = sorted({p[:-1] for p in patterns if p.endswith(".*")})
    if "*" in patterns:
        branches.append(st.lists(_SEGMENT, min_size=2, max_size=4).map(".".join))
    if prefixes:
        branches.append(
            st.tuples(st.sampled_from(prefixes), st.lists(_SEGMENT, min_size=1, max_size=2)).map(
                lambda p: p[0] + ".".join(p[1])
            )
        )
    return st.one_of(branches).filter(wanted)


def _unknown_siblings(
    patterns: Sequence[str], near: str, wanted: Callable[[str], bool]
) -> SearchStrategy[str]:
    parts = near.split(".")
    parents = [".".join(parts[:depth]) for depth in range(len(parts) - 1, 0, -1)]
    covered = [
        parent
        for parent in parents
        if any(
            p == "*" or (p.endswith(".*") and (parent + ".").startswith(p[:-1])) for p in patterns
        )
    ]
    plausible = [
        n for n in FUTURE_EVENTS if wanted(n) and any(n.startswith(c + ".") for c in covered)
    ]
    branches: list[SearchStrategy[str]] = [st.sampled_from(plausible)] if plausible else []
    if covered:
        branches.append(
            st.tuples(st.sampled_from(covered), st.lists(_SEGMENT, min_size=1, max_size=2)).map(
                lambda p: ".".join([p[0], *p[1]])
            )
        )
    if not branches:
        return st.just(TEST_EVENT_TYPE)
    return st.one_of(branches).filter(wanted)


# -- related events ---------------------------------------------------------------------


def with_shared(data: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` (keeping its recorded extras) with ``shared`` ids set."""
    out = copy.copy(data)
    out.update(shared)
    return out
