"""A conservative fast path: check JSON Lines bytes without building Python dicts.

Each catalog event becomes a ``msgspec`` Struct (the envelope fields plus a payload
Struct) tagged by ``type``; a batch of lines is decoded as one array of their union,
in C. A line that decodes is certainly valid. A line that does not is handed back to
the caller, which parses it with ``orjson`` and lets the JSON Schema validator decide
(and explain). So the fast path may turn away valid input it does not bother to
understand -- a leap second, a lower-case ``t``, a number beyond double range, an event
whose schema uses a keyword outside the small set below -- but it never accepts
anything the schemas reject. A schema is translated only when every keyword in it is
understood exactly; otherwise its event simply stays on the slow path.

Translation (docs notation -> JSON Schema -> Struct field type):
``string`` -> ``str``; ``number`` -> ``float`` (msgspec takes JSON integers too, never
booleans); ``boolean`` -> ``bool``; ``object`` -> ``dict[str, Any]``; ``X[]`` ->
``list[X]``; enums and ``true`` -> ``Literal``; ``| null`` -> ``| None``; inline
objects -> nested Structs; optional fields default to ``UNSET`` (an explicit null is
still rejected unless nullable); unknown fields are ignored, as the contract says.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import datetime
from operator import attrgetter
from typing import Annotated, Any, Literal, Union

import msgspec

from .._catalog import ANNOTATIONS, REFERENCE_TARGETS, Catalog

#: Annotations ignored when comparing schemas (not those that references point into).
_ANNOTATIONS = ANNOTATIONS - REFERENCE_TARGETS
_YEAR_LEAP = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DATE = (
    r"(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|{_YEAR_LEAP}-02-29)"
)
#: A conservative RFC 3339 date-time: every string it matches is one. (Leap seconds
#: and lower-case t/z are valid too, but are left to the slow path.)
DATE_TIME = (
    rf"{_DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{{1,9}})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_ID = r"evt_[0-9A-HJKMNP-TV-Z]{26}"
# Envelope strings are checked a batch at a time: one regular expression over all ids
# (each exactly 30 characters, so they cannot shift) and one over all timestamps
# joined by newlines (counted, so no timestamp can hide one).
_IDS = re.compile(f"(?:{_ID})*", re.ASCII)


@functools.cache
def _stamps_pattern() -> re.Pattern[str]:
    """All timestamps of a batch joined by newlines (compiled when first needed)."""
    return re.compile(f"{DATE_TIME}(?:\n{DATE_TIME})*", re.ASCII)


@functools.cache
def _stamp_pattern() -> re.Pattern[str]:
    return re.compile(DATE_TIME, re.ASCII)


_DATETIMES = msgspec.json.Decoder(list[Annotated[datetime, msgspec.Meta(tz=True)]])


def _stamps_ok(stamps: str, count: int) -> bool:
    """Whether ``count`` timestamps joined by newlines are all RFC 3339 date-times.

    msgspec's C parser checks the calendar (days per month, leap years, ranges) for the
    whole batch at once. It also takes two forms RFC 3339 does not allow, a space for
    the ``T`` and an offset without its colon, so those are excluded first: no space,
    and exactly three colons per timestamp, less one for each ``Z`` (every form msgspec
    accepts has two colons in the time and a third in a numeric offset). Anything odd
    (a newline, quote or backslash inside a value) goes to the regular expression.
    """
    if (
        stamps.count("\n") != count - 1
        or " " in stamps
        or '"' in stamps
        or "\\" in stamps
        or stamps.count(":") != 3 * count - stamps.count("Z") - stamps.count("z")
    ):
        return _stamps_pattern().fullmatch(stamps) is not None and stamps.count("\n") == count - 1
    try:
        _DATETIMES.decode(b'["' + stamps.replace("\n", '","').encode() + b'"]')
    except (msgspec.ValidationError, msgspec.DecodeError):
        return _stamps_pattern().fullmatch(stamps) is not None
    return True


_one_id = re.compile(_ID, re.ASCII).fullmatch
_get_id = attrgetter("id")
_get_type = attrgetter("type")
_get_occurred_at = attrgetter("occurred_at")
_EVENT_NAME = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+\Z")
_INDEX = re.compile(r"at `\$\[(\d+)\]")

#: the envelope schema this fast path implements (annotations aside)
KNOWN_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^evt_[0-9A-HJKMNP-TV-Z]{26}$"},
        "type": {"type": "string", "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]+)+$"},
        "occurred_at": {"type": "string", "format": "date-time"},
        "data": {"type": "object"},
    },
    "required": ["id", "type", "occurred_at", "data"],
}


class Unsupported(Exception):
    """A schema construct the fast path does not translate (its event stays slow)."""


def _same(a: Any, b: Any) -> bool:
    """Schemas equal once annotations (descriptions, ids, titles) are ignored."""
    if isinstance(a, dict) and isinstance(b, dict):
        ka = {k for k in a if k not in _ANNOTATIONS}
        kb = {k for k in b if k not in _ANNOTATIONS}
        return ka == kb and all(_same(a[k], b[k]) for k in ka)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _keywords(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        raise Unsupported(schema)
    return {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}


_SCALARS: dict[str, Any] = {
    "string": str,
    "number": float,
    "boolean": bool,
    "object": dict[str, Any],
}


def _field_type(schema: Any, name: str) -> Any:
    keys = _keywords(schema)
    if not keys <= {"type", "enum", "const", "items", "properties", "required"}:
        raise Unsupported(keys)
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    nullable = "null" in names
    rest = [n for n in names if n != "null"]
    result: Any
    if "enum" in schema:
        values = schema["enum"]
        if keys != {"type", "enum"} or rest != ["string"] or not isinstance(values, list):
            raise Unsupported(schema)
        if not all(v is None or isinstance(v, str) for v in values) or (None in values) != nullable:
            raise Unsupported(schema)
        result = Literal[tuple(v for v in values if v is not None)]
    elif "const" in schema:
        if keys != {"type", "const"} or rest != ["boolean"] or nullable:
            raise Unsupported(schema)
        if not isinstance(schema["const"], bool):
            raise Unsupported(schema)
        result = Literal[schema["const"]]
    elif len(rest) != 1:
        raise Unsupported(schema)
    elif rest[0] == "array":
        if keys - {"type", "items"}:
            raise Unsupported(schema)
        result = list[_field_type(schema["items"], name)] if "items" in schema else list[Any]  # type: ignore[misc]
    elif rest[0] == "object" and keys & {"properties", "required"}:
        result = _struct(schema, name)
    elif keys != {"type"} or rest[0] not in _SCALARS:
        raise Unsupported(schema)
    else:
        result = _SCALARS[rest[0]]
    return result | None if nullable else result


def _struct(schema: dict[str, Any], name: str) -> Any:
    keys = _keywords(schema)
    if not keys <= {"type", "properties", "required"} or schema.get("type") not in ("object", None):
        raise Unsupported(schema)
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    if not isinstance(properties, dict) or not isinstance(required, list):
        raise Unsupported(schema)
    if not set(required) <= set(properties):
        raise Unsupported(schema)
    fields: list[Any] = []
    for key, sub in properties.items():
        if not key.isidentifier() or key.startswith("_"):
            raise Unsupported(key)
        if key in required:
            fields.append((key, _field_type(sub, f"{name}_{key}")))
    for key, sub in properties.items():
        if key not in required:
            default = msgspec.field(default=msgspec.UNSET)
            fields.append((key, _field_type(sub, f"{name}_{key}"), default))
    return msgspec.defstruct(name, fields, forbid_unknown_fields=False, gc=False)


class FastLines:
    """Decode batches of JSON Lines into tagged Structs; report what needs a closer look."""

    def __init__(self, catalog: Catalog) -> None:
        # No msgspec patterns: each is a Python call per value; see _envelopes_ok.
        envelope: list[Any] = [
            ("id", Annotated[str, msgspec.Meta(min_length=30, max_length=30)]),
            ("occurred_at", str),
        ]
        self.names: dict[type, str] = {}
        structs: list[Any] = []
        if _same(catalog.envelope, KNOWN_ENVELOPE):
            for event in catalog:
                if _EVENT_NAME.match(event.name) is None:
                    continue
                safe = re.sub(r"\W", "_", event.name)
                try:
                    payload = _struct(event.schema, f"Payload_{safe}")
                except (Unsupported, TypeError, ValueError):
                    continue
                struct = msgspec.defstruct(
                    f"Delivery_{safe}",
                    [*envelope, ("data", payload)],
                    tag_field="type",
                    tag=event.name,
                    forbid_unknown_fields=False,
                    gc=False,
                )
                structs.append(struct)
                self.names[struct] = event.name
        self._light_type = msgspec.defstruct("Envelope", [("type", str), *envelope], gc=False)
        self._light = msgspec.json.Decoder(list[self._light_type])  # type: ignore[name-defined]
        #: events whose deliveries the fast path can accept
        self.events = frozenset(self.names.values())
        union: Any = Union[tuple(structs)] if structs else Any  # noqa: UP007 - built at run time
        self._decoder = msgspec.json.Decoder(list[union])

    def _take(
        self,
        decoded: list[Any],
        first: int,
        counts: Counter[Any],
        rejected: list[int],
    ) -> None:
        """Count decoded deliveries (lines ``first``...) whose id and timestamp check out;
        reject the others."""
        ids = "".join(map(_get_id, decoded))
        stamps = "\n".join(map(_get_occurred_at, decoded))
        if not (_IDS.fullmatch(ids) and _stamps_ok(stamps, len(decoded))):
            bad = {
                index
                for index, delivery in enumerate(decoded)
                if not (_one_id(delivery.id) and _stamp_pattern().fullmatch(delivery.occurred_at))
            }
            rejected.extend(first + index for index in sorted(bad))
            decoded = [d for index, d in enumerate(decoded) if index not in bad]
        # Full decodes count by Struct type, light ones by their type string; names()
        # turns both into event names once, at the end.
        counts.update(map(_get_type, decoded) if self._is_light(decoded) else map(type, decoded))

    def _is_light(self, decoded: list[Any]) -> bool:
        return bool(decoded) and type(decoded[0]) is self._light_type

    def names_of(self, counts: Counter[Any]) -> dict[str, int]:
        """Valid deliveries per event name, from the counts ``check`` accumulated."""
        found: dict[str, int] = {}
        for key, count in counts.items():
            name = key if isinstance(key, str) else self.names[key]
            found[name] = found.get(name, 0) + count
        return found

    def check(self, body: bytes, counts: Counter[Any]) -> list[int]:
        """Indexes of the lines of ``body`` the fast path did not accept; the accepted
        ones are counted into ``counts`` (read them with :meth:`names_of`).

        ``body`` is complete JSON Lines without the final newline. Blank, malformed or
        merged lines come back as indexes too, for the caller to parse and report: the
        decoded element count must match the line count, so two values on one line or
        one value over two lines can never slip through.
        """
        if not self.events:
            return list(range(body.count(b"\n") + 1))
        decoder = self._decoder
        total = body.count(b"\n") + 1
        rejected: list[int] = []
        lines: list[bytes] | None = None
        start = 0
        segment = b"[" + body.replace(b"\n", b",") + b"]"
        while True:
            try:
                decoded = decoder.decode(segment)
            except msgspec.ValidationError as exc:
                match = _INDEX.search(str(exc))
                bad = start + int(match.group(1)) if match else total
                if lines is None:
                    lines = body.split(b"\n")
                if bad >= total:  # no index, or elements and lines out of step
                    rejected.extend(range(start, total))
                    break
                if bad > start:
                    # The elements before the first failure passed the full decode; a
                    # light one (type, id, timestamp only) gets their types and strings.
                    try:
                        decoded = self._light.decode(b"[" + b",".join(lines[start:bad]) + b"]")
                    except (msgspec.ValidationError, msgspec.DecodeError):
                        decoded = []
                    if len(decoded) != bad - start:  # elements and lines out of step
                        rejected.extend(range(start, total))
                        break
                    self._take(decoded, start, counts, rejected)
                rejected.append(bad)
                start = bad + 1
                if start >= total:
                    break
                segment = b"[" + b",".join(lines[start:]) + b"]"
            except msgspec.DecodeError:  # malformed somewhere: leave the rest to the caller
                rejected.extend(range(start, total))
                break
            else:
                if len(decoded) == total - start:
                    self._take(decoded, start, counts, rejected)
                else:
                    rejected.extend(range(start, total))
                break
        return rejected
