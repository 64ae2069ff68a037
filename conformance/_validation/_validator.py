"""Validate webhook deliveries: the envelope, then the event's payload schema.

A delivery is valid when it matches ``envelope.json`` (``id`` is ``evt_`` and 26
Crockford base32 characters, ``type`` a dotted name, ``occurred_at`` an RFC 3339
date-time -- the format is asserted, not just annotated -- and ``data`` an object) and
its ``data`` matches the payload schema of the event named by ``type``. Extra top-level
keys and extra payload fields are allowed: the contract only ever adds.

A delivery whose envelope is valid but whose ``type`` is not in the catalog is neither
valid nor invalid: it is *unknown* (the catalog grows; ``webhook.test`` is never in it).
:func:`validate` raises ``UnknownEventError`` for it unless ``allow_unknown=True``;
the CLI counts such deliveries separately.

Everything runs on compiled ``jsonschema_rs`` validators (one per event: envelope plus
payload). :meth:`DeliveryValidator.check_batch` validates a whole batch with one call
per event type, and only looks at single deliveries again when a batch has failures.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema_rs

from .._catalog import SCHEMA_DIALECT, Catalog, load_catalog
from .._errors import UnknownEventError, ValidationError, json_pointer

Outcome = Literal["valid", "invalid", "unknown"]

_ENVELOPE_URI = "urn:casedev-conformance:envelope"
_NOT_A_DELIVERY = "<no event type>"


def _event_uri(name: str) -> str:
    return f"urn:casedev-conformance:event:{name}"


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or "$dynamicRef" in node or any(map(_has_ref, node.values()))
    if isinstance(node, list):
        return any(map(_has_ref, node))
    return False


def event_label(delivery: Any) -> str:
    """The event name to report a delivery under: its ``type`` if that is a string."""
    if isinstance(delivery, dict):
        kind = delivery.get("type")
        if isinstance(kind, str):
            return kind
    return _NOT_A_DELIVERY


def _type_key(delivery: Any) -> Any:
    """The grouping key ``check_batch`` uses: ``delivery["type"]`` or ``_MISC``."""
    try:
        key = delivery["type"]
        hash(key)
    except (KeyError, TypeError, IndexError):
        return _MISC
    return key


_MISC = object()
_SMALL_GROUP = 4


def _group_by_type(deliveries: Sequence[Any]) -> tuple[dict[Any, list[Any]], bool]:
    """Deliveries grouped by their ``type`` value (batch order kept within a group),
    and whether some had no usable ``type`` (those are left out)."""
    groups: dict[Any, list[Any]] = {}
    get = groups.get
    odd = False
    for delivery in deliveries:
        try:
            key = delivery["type"]
            group = get(key)
        except (KeyError, TypeError, IndexError):
            odd = True
            continue
        if group is None:
            groups[key] = [delivery]
        else:
            group.append(delivery)
    return groups, odd


@dataclass
class BatchResult:
    """What :meth:`DeliveryValidator.check_batch` found in one batch of deliveries.

    ``valid`` and ``unknown`` count deliveries per event type; ``invalid`` lists
    ``(index, error)`` pairs in batch order, ``error.errors`` holding every problem.
    """

    valid: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    invalid: list[tuple[int, ValidationError]] = field(default_factory=list)


class DeliveryValidator:
    """Compiled validators for every event of a catalog.

    ``is_valid(delivery)`` is the fast yes/no path; ``errors(delivery)`` lists every
    problem as ``ValidationError`` objects (event, JSON pointer into the delivery,
    reason); ``validate(delivery)`` raises the first with ``.errors`` holding all.
    Build one and reuse it: construction compiles one validator per event.
    """

    def __init__(self, catalog: Catalog | None = None, *, allow_unknown: bool = False) -> None:
        self.catalog = catalog if catalog is not None else load_catalog()
        self.allow_unknown = allow_unknown
        resources: list[tuple[str, Any]] = [(_ENVELOPE_URI, self.catalog.envelope)]
        for event in self.catalog:
            resources.append((_event_uri(event.name), event.schema))
            event_id = event.schema.get("$id")
            if isinstance(event_id, str) and event_id:
                resources.append((event_id, event.schema))
        envelope_id = self.catalog.envelope.get("$id")
        if isinstance(envelope_id, str) and envelope_id:
            resources.append((envelope_id, self.catalog.envelope))
        self._registry = jsonschema_rs.Registry(resources)
        self._envelope = self._compile({"$ref": _ENVELOPE_URI})
        self._envelope_batch: Any = None
        self._single: dict[str, Any] = {}
        self._batch: dict[str, Any] = {}

    def _compile(self, schema: dict[str, Any]) -> Any:
        return jsonschema_rs.validator_for(
            {"$schema": SCHEMA_DIALECT, **schema},
            validate_formats=True,
            registry=self._registry,
        )

    def _delivery_schema(self, name: str) -> dict[str, Any]:
        """Envelope and payload as one schema.

        Inlined (one flat schema, measurably faster to evaluate) when neither uses
        ``$ref``; otherwise both are referenced through the registry.
        """
        envelope, payload = self.catalog.envelope, self.catalog[name].schema
        properties = envelope.get("properties")
        if not _has_ref(envelope) and not _has_ref(payload) and isinstance(properties, dict):
            inline = {k: v for k, v in payload.items() if k not in ("$schema", "$id")}
            return {
                **{k: v for k, v in envelope.items() if k not in ("$schema", "$id")},
                "properties": {
                    **properties,
                    "data": {"allOf": [properties.get("data", {}), inline]},
                },
            }
        return {
            "allOf": [{"$ref": _ENVELOPE_URI}],
            "properties": {"data": {"$ref": _event_uri(name)}},
        }

    def _validator(self, name: str) -> Any:
        """The compiled envelope+payload validator for a catalog event (cached)."""
        validator = self._single.get(name)
        if validator is None:
            validator = self._single[name] = self._compile(self._delivery_schema(name))
        return validator

    def _batch_validator(self, name: str | None) -> Any:
        """A validator for an array of deliveries of one event (None: envelope only)."""
        if name is None:
            if self._envelope_batch is None:
                self._envelope_batch = self._compile(
                    {"type": "array", "items": {"$ref": _ENVELOPE_URI}}
                )
            return self._envelope_batch
        validator = self._batch.get(name)
        if validator is None:
            validator = self._batch[name] = self._compile(
                {"type": "array", "items": self._delivery_schema(name)}
            )
        return validator

    def outcome(self, delivery: Any) -> Outcome:
        """``"valid"``, ``"invalid"``, or ``"unknown"`` (valid envelope, type not in catalog)."""
        kind = delivery.get("type") if isinstance(delivery, dict) else None
        if isinstance(kind, str) and kind in self.catalog:
            return "valid" if self._validator(kind).is_valid(delivery) else "invalid"
        return "unknown" if self._envelope.is_valid(delivery) else "invalid"

    def is_valid(self, delivery: Any) -> bool:
        """Whether ``delivery`` conforms (an unknown event type counts as valid only
        with ``allow_unknown``)."""
        result = self.outcome(delivery)
        return result == "valid" or (result == "unknown" and self.allow_unknown)

    def errors(self, delivery: Any) -> list[ValidationError]:
        """Every envelope and payload problem of ``delivery``, envelope ones first.

        An unknown event type is not a schema problem: only its envelope is checked.
        """
        kind = delivery.get("type") if isinstance(delivery, dict) else None
        if isinstance(kind, str) and kind in self.catalog:
            validator = self._validator(kind)
        else:
            validator = self._envelope
        label = event_label(delivery)
        event = None if label == _NOT_A_DELIVERY else label
        found: list[ValidationError] = []
        seen: set[tuple[str, str]] = set()
        for error in validator.iter_errors(delivery):
            path: list[str | int] = list(error.instance_path)
            kind_name = getattr(error.kind, "name", "")
            if kind_name == "required" and isinstance(getattr(error.kind, "property", None), str):
                path.append(error.kind.property)
            pointer = json_pointer(path)
            key = (pointer, error.message)
            if key in seen:
                continue
            seen.add(key)
            found.append(ValidationError(error.message, event=event, pointer=pointer))
        # envelope problems first: with a broken envelope the payload hardly matters
        found.sort(key=lambda e: (e.pointer or "").startswith("/data"))
        return found

    def validate(self, delivery: Any) -> None:
        """Raise ``ValidationError`` (first problem; ``.errors`` has all) unless valid.

        Raises ``UnknownEventError`` for a valid envelope whose type is not in the
        catalog, unless the validator was built with ``allow_unknown=True``.
        """
        result = self.outcome(delivery)
        if result == "valid":
            return
        if result == "unknown":
            if self.allow_unknown:
                return
            kind = event_label(delivery)
            raise UnknownEventError(
                f"unknown event type {kind!r}: not in the catalog "
                "(pass allow_unknown=True to accept it)",
                event=kind,
            )
        raise _combine(self.errors(delivery), delivery)

    def check_batch(self, deliveries: Sequence[Any]) -> BatchResult:
        """Validate many deliveries at once: one compiled call per event type.

        Only when a group fails are its deliveries looked at one by one, to say which
        ones are invalid and why.
        """
        groups, misc = _group_by_type(deliveries)
        result = BatchResult()
        failing: dict[Any, list[Any]] = {}
        catalog = self.catalog
        for key, group in groups.items():
            known = isinstance(key, str) and key in catalog
            if len(group) <= _SMALL_GROUP:  # cheaper one by one than compiling a batch check
                failing[key] = group
                continue
            validator = self._batch_validator(key if known else None)
            if not validator.is_valid(group):
                failing[key] = group
            elif known:
                result.valid[key] = len(group)
            else:
                result.unknown[key] = len(group)
        if not failing and not misc:
            return result
        # Rare path (a batch with problems): walk it in order, looking closer only at
        # deliveries of the failing types and at odd items without a usable type.
        suspects = [
            (index, delivery)
            for index, delivery in enumerate(deliveries)
            if (key := _type_key(delivery)) is _MISC or key in failing
        ]
        for index, delivery in suspects:
            outcome = self.outcome(delivery)
            if outcome == "invalid":
                result.invalid.append((index, _combine(self.errors(delivery), delivery)))
                continue
            key = _type_key(delivery)
            counts = result.valid if outcome == "valid" else result.unknown
            counts[key] = counts.get(key, 0) + 1
        return result

    def iter_errors(self, deliveries: Sequence[Any]) -> Iterator[tuple[int, ValidationError]]:
        """``(index, error)`` for each invalid delivery of ``deliveries``."""
        yield from self.check_batch(deliveries).invalid


def _combine(errors: list[ValidationError], delivery: Any) -> ValidationError:
    """One ``ValidationError`` for a delivery: its first problem, ``.errors`` all."""
    if not errors:  # pragma: no cover - outcome() and iter_errors() disagree
        label = event_label(delivery)
        errors = [ValidationError("does not conform", event=label, pointer="")]
    first = errors[0]
    reason = first.reason
    if len(errors) > 1:
        reason += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ValidationError(reason, event=first.event, pointer=first.pointer or "", errors=errors)


_VALIDATORS: weakref.WeakKeyDictionary[Catalog, DeliveryValidator] = weakref.WeakKeyDictionary()


def validator_for(catalog: Catalog | None = None) -> DeliveryValidator:
    """The shared ``DeliveryValidator`` for ``catalog`` (default: the packaged one)."""
    cat = catalog if catalog is not None else load_catalog()
    validator = _VALIDATORS.get(cat)
    if validator is None:
        validator = _VALIDATORS[cat] = DeliveryValidator(cat)
    return validator


def validate(delivery: Any, *, catalog: Catalog | None = None, allow_unknown: bool = False) -> None:
    """Check a delivery's envelope and payload; raise if it does not conform.

    Raises ``ValidationError`` naming the event, the JSON pointer into the delivery
    (``/data/sizeBytes``) and the reason; ``.errors`` holds every problem found.
    Raises ``UnknownEventError`` when the envelope is valid but ``type`` is not in the
    catalog, unless ``allow_unknown`` is true.
    """
    validator = validator_for(catalog)
    result = validator.outcome(delivery)
    if result == "valid" or (result == "unknown" and allow_unknown):
        return
    if result == "unknown":
        kind = event_label(delivery)
        raise UnknownEventError(
            f"unknown event type {kind!r}: not in the catalog "
            "(pass allow_unknown=True to accept it)",
            event=kind,
        )
    raise _combine(validator.errors(delivery), delivery)
