"""The event catalog: load the JSON Schemas, check them, and look events up.

A catalog folder holds ``stable/<event>.json`` and ``beta/<event>.json`` payload
schemas, ``envelope.json`` and optionally ``catalog.json`` (the docs page order). Each
event schema's ``x-stability`` annotation is the source of truth for its stability; the
folder it sits in must agree, or loading fails (so the two can never drift apart).
Loading fails closed: any unreadable file, invalid schema or dangling ``$ref`` raises a
``CatalogError`` subclass naming the file and JSON pointer.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from .._errors import CatalogError, SchemaError, UnknownEventError, UsageError, json_pointer
from ._keys import RESOURCE_KEY, SCOPE_KEY, STABILITY_KEY

Stability = Literal["stable", "beta"]
STABILITIES: tuple[Stability, ...] = ("stable", "beta")
_PATTERN = re.compile(r"^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$")


@dataclass(frozen=True)
class Event:
    """One catalog event: its name, stability, scopes, description and payload schema."""

    name: str
    stability: Stability
    scope: str
    resource: str | None
    description: str
    schema: dict[str, Any] = field(repr=False, compare=False, hash=False)
    path: Path | None = field(default=None, repr=False, compare=False, hash=False)

    @property
    def is_stable(self) -> bool:
        """True for events whose name and payload shape are frozen except for additions."""
        return self.stability == "stable"


def check_pattern(pattern: str) -> str:
    """Return ``pattern`` if it is valid Case.dev filter syntax, else raise ``UsageError``.

    The syntax is an exact event name, a prefix wildcard (``vault.*``,
    ``vault.ingest.*``) or ``*``.
    """
    if not isinstance(pattern, str) or not _PATTERN.match(pattern):
        raise UsageError(
            f"invalid event filter {pattern!r}: use an exact name, a prefix such as "
            "'vault.*', or '*'"
        )
    return pattern


def matches(pattern: str, name: str) -> bool:
    """Whether event ``name`` passes the Case.dev filter ``pattern``."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1])
    return name == pattern


class Catalog:
    """A loaded set of events plus the envelope schema.

    ``catalog[name]`` returns an :class:`Event`; iterating yields events sorted by name;
    ``len(catalog)`` counts events; ``catalog.select("vault.*")`` filters.
    """

    def __init__(
        self,
        events: Iterable[Event],
        envelope: dict[str, Any],
        *,
        order: Iterable[str] = (),
        source: Path | None = None,
    ) -> None:
        self._events: dict[str, Event] = {e.name: e for e in sorted(events, key=lambda e: e.name)}
        self.envelope: dict[str, Any] = envelope
        self.source = source
        known = [n for n in order if n in self._events]
        self.order: tuple[str, ...] = (
            *known,
            *(n for n in self._events if n not in set(known)),
        )

    def __getitem__(self, name: str) -> Event:
        try:
            return self._events[name]
        except KeyError:
            raise UnknownEventError(
                f"unknown event {name!r}; `casedev-conformance list` shows the catalog",
                event=name,
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._events

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events.values())

    def __len__(self) -> int:
        return len(self._events)

    def __repr__(self) -> str:
        return f"<Catalog {len(self)} events from {self.source or 'memory'}>"

    @property
    def names(self) -> list[str]:
        """Event names, sorted."""
        return list(self._events)

    def get(self, name: str) -> Event | None:
        """The event called ``name``, or None."""
        return self._events.get(name)

    def select(self, *patterns: str, strict: bool = True) -> Catalog:
        """The events matching any of ``patterns`` (Case.dev filter syntax).

        With ``strict`` (the default), a pattern that matches no event raises
        ``UnknownEventError``: a filter that silently selects nothing hides mistakes.
        """
        if not patterns:
            patterns = ("*",)
        for pattern in patterns:
            check_pattern(pattern)
            if strict and not any(matches(pattern, n) for n in self._events):
                raise UnknownEventError(
                    f"event filter {pattern!r} matches no event in the catalog", event=pattern
                )
        chosen = [e for e in self if any(matches(p, e.name) for p in patterns)]
        return Catalog(chosen, self.envelope, order=self.order, source=self.source)

    def stability(self, stability: Stability) -> Catalog:
        """Only the events of one stability level."""
        chosen = [e for e in self if e.stability == stability]
        return Catalog(chosen, self.envelope, order=self.order, source=self.source)

    @property
    def version(self) -> str:
        """A short content digest of the catalog: equal catalogs have equal versions."""
        import hashlib  # only here: spares every start-up its import

        digest = hashlib.sha256()
        for event in self:
            digest.update(orjson.dumps(event.schema, option=orjson.OPT_SORT_KEYS))
        digest.update(orjson.dumps(self.envelope, option=orjson.OPT_SORT_KEYS))
        return digest.hexdigest()[:12]


def packaged_schemas() -> Path:
    """The folder of JSON Schemas that ships with the package."""
    # Path(__file__) rather than importlib.resources: same folder for a wheel install,
    # and it spares every start-up the import of importlib.resources (~25 ms).
    inside = Path(__file__).resolve().parent.parent / "schemas"
    if inside.is_dir():
        return inside
    # A source checkout or an editable install: the schemas live beside the package.
    beside = Path(__file__).resolve().parent.parent.parent / "schemas"
    if beside.is_dir():
        return beside
    raise CatalogError("the packaged schemas are missing; reinstall casedev-conformance")


def read_json(path: Path) -> Any:
    """Read one JSON file or raise a one-line ``CatalogError`` naming it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror or exc}", file=path) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SchemaError(f"invalid JSON: {exc}", file=path) from None


#: Every draft 2020-12 keyword (core, applicator, validation, unevaluated, format,
#: content and meta-data vocabularies, plus draft-07's ``definitions``/``dependencies``).
SCHEMA_KEYWORDS: frozenset[str] = frozenset(
    [
        "$schema",
        "$id",
        "$ref",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$vocabulary",
        "$comment",
        "$defs",
        "definitions",
        "dependencies",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "prefixItems",
        "items",
        "contains",
        "properties",
        "patternProperties",
        "additionalProperties",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "type",
        "const",
        "enum",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
        "required",
        "dependentRequired",
        "format",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "title",
        "description",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "examples",
    ]
)


#: Deepest JSON nesting accepted in a schema: every tool walks schemas recursively, and a
#: pathological depth must be refused here, not surface as RecursionError somewhere else.
MAX_SCHEMA_DEPTH = 64


def _depth_beyond(root: Any, limit: int) -> str | None:
    """The JSON pointer of the first node nested deeper than ``limit``, else None."""
    stack: list[tuple[Any, list[str | int]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if len(path) > limit:
            return json_pointer(path)
        if isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node))
    return None


def check_schema(schema: Any, *, file: Path | str | None = None, event: str | None = None) -> None:
    """Raise ``SchemaError`` unless ``schema`` is a valid draft 2020-12 schema.

    JSON Schema ignores unknown keys, so any JSON object is technically a schema; an
    object none of whose keys is a schema keyword (or an ``x-`` annotation) is almost
    certainly some other JSON file given by mistake, and is refused too.
    """
    deepest = _depth_beyond(schema, MAX_SCHEMA_DEPTH)
    if deepest is not None:
        raise SchemaError(
            f"nested deeper than {MAX_SCHEMA_DEPTH} levels; no payload schema needs that",
            file=file,
            event=event,
            pointer=deepest,
        )
    if isinstance(schema, dict) and schema:
        known = [k for k in schema if k in SCHEMA_KEYWORDS or str(k).startswith("x-")]
        if not known:
            keys = ", ".join(sorted(map(str, schema))[:5])
            raise SchemaError(
                f"not a JSON Schema: none of its keys ({keys}) is a JSON Schema keyword",
                file=file,
                event=event,
                pointer="",
            )
    import jsonschema_rs

    try:
        if jsonschema_rs.meta.is_valid(schema):
            return
    except Exception:  # any doubt: let python-jsonschema decide and explain
        pass
    # Only an invalid schema pays for importing python-jsonschema, whose error names
    # the JSON pointer the message reports.
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError as _JSError

    try:
        Draft202012Validator.check_schema(schema)
    except _JSError as exc:
        pointer = json_pointer(exc.path)
        raise SchemaError(
            f"invalid JSON Schema: {exc.message}", file=file, event=event, pointer=pointer
        ) from None


def check_refs(
    schemas: dict[str, tuple[Path | None, str | None, dict[str, Any]]],
    *,
    recursion: bool = False,
) -> None:
    """Resolve every ``$ref`` in ``schemas`` (keyed by ``$id``) against each other.

    A ``$ref`` that leads back to itself is refused unless ``recursion`` is allowed: the
    catalog refuses it (its generator and exporters expand references), the
    compatibility gate, which judges recursive schemas, allows it for single files.
    """
    found = [(uri, list(_refs(schema, []))) for uri, (_, _, schema) in schemas.items()]
    if not any(refs for _, refs in found):
        return  # nothing to resolve: skip importing referencing
    from referencing import Registry
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry().with_resources(
        (uri, DRAFT202012.create_resource(s)) for uri, (_, _, s) in schemas.items()
    )
    # Every subschema by identity -> (resource URI, JSON pointer), to place $ref targets.
    where: dict[int, tuple[str, str]] = {}
    for uri, (_, _, schema) in schemas.items():
        for pointer, node in _nodes(schema, []):
            where[id(node)] = (uri, pointer)
    # A $ref site (resource URI, pointer of the "$ref" key) -> the $ref sites its target holds.
    leads_to: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for uri, (path, event, schema) in schemas.items():
        for pointer, ref in _refs(schema, []):
            resolver = registry.resolver(base_uri=uri)
            try:
                target = resolver.lookup(ref).contents
            except Unresolvable:
                raise SchemaError(
                    f"dangling $ref {ref!r}", file=path, event=event, pointer=pointer
                ) from None
            place = where.get(id(target))
            if place is None:  # pragma: no cover - every resolved target is one of ours
                continue
            leads_to[(uri, pointer)] = [
                (place[0], place[1] + inner)
                for inner, _ in _refs(target, [])
                # With recursion allowed, only a loop that never goes one level deeper
                # into the instance ({"$ref": "#"}, A -> B -> A) is refused: it is not a
                # schema of anything, and no tool can expand it.
                if not recursion or not _DESCENDS.intersection(inner.split("/"))
            ]
    _check_no_cycles(leads_to, schemas)


#: Keywords whose subschemas apply one level deeper into the instance.
_DESCENDS = frozenset(
    {
        "properties", "patternProperties", "additionalProperties", "propertyNames",
        "dependentSchemas", "items", "prefixItems", "additionalItems", "contains",
        "unevaluatedProperties", "unevaluatedItems",
    }
)  # fmt: skip


def _check_no_cycles(
    leads_to: dict[tuple[str, str], list[tuple[str, str]]],
    schemas: dict[str, tuple[Path | None, str | None, dict[str, Any]]],
) -> None:
    """Raise ``SchemaError`` at the first ``$ref`` that leads back to itself.

    A recursive schema describes payloads of unbounded depth; the generator, the
    compatibility checker and the exporters all expand ``$ref`` and would never end, so
    the catalog refuses recursion where it loads rather than each tool failing later.
    """
    done: set[tuple[str, str]] = set()
    for start in leads_to:
        if start in done:
            continue
        # Iterative depth-first search: a long $ref chain must not hit Python's recursion limit.
        on_path: set[tuple[str, str]] = {start}
        stack: list[tuple[tuple[str, str], Iterator[tuple[str, str]]]] = [
            (start, iter(leads_to.get(start, ())))
        ]
        while stack:
            site, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                on_path.discard(site)
                done.add(site)
                continue
            if following in on_path:
                uri, pointer = following
                path, event, _ = schemas[uri]
                raise SchemaError(
                    "recursive $ref (it leads back to itself); recursive schemas are not "
                    "supported: give the nesting a fixed depth",
                    file=path,
                    event=event,
                    pointer=pointer,
                )
            if following not in done:
                on_path.add(following)
                stack.append((following, iter(leads_to.get(following, ()))))


def _nodes(node: Any, path: list[str | int]) -> Iterator[tuple[str, Any]]:
    """Every object and array in ``node`` with its JSON pointer (skipping literal values)."""
    if isinstance(node, (dict, list)):
        yield json_pointer(path), node
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                yield from _nodes(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, [*path, index])


def _refs(node: Any, path: list[str | int]) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield json_pointer([*path, "$ref"]), ref
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                yield from _refs(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, [*path, index])


def load_event(path: Path, *, expected_stability: str | None = None) -> Event:
    """Load and check one event schema file."""
    schema = read_json(path)
    if not isinstance(schema, dict):
        raise SchemaError("an event schema must be a JSON object", file=path, pointer="")
    name = path.name.removesuffix(".json")
    check_schema(schema, file=path, event=name)
    title = schema.get("title", name)
    if title != name:
        raise SchemaError(
            f"title {title!r} differs from the file name", file=path, event=name, pointer="/title"
        )
    stability = schema.get(STABILITY_KEY, expected_stability)
    if stability not in STABILITIES:
        raise SchemaError(
            f"{STABILITY_KEY} must be 'stable' or 'beta', not {stability!r}",
            file=path,
            event=name,
            pointer="/" + STABILITY_KEY,
        )
    if expected_stability is not None and stability != expected_stability:
        raise SchemaError(
            f"{STABILITY_KEY} is {stability!r} but the file is in the {expected_stability!r} "
            "folder; move the file or fix the annotation",
            file=path,
            event=name,
            pointer="/" + STABILITY_KEY,
        )
    resource = schema.get(RESOURCE_KEY)
    return Event(
        name=name,
        stability=stability,
        scope=str(schema.get(SCOPE_KEY, "")),
        resource=None if resource in (None, "-") else str(resource),
        description=str(schema.get("description", "")),
        schema=schema,
        path=path,
    )


_PACKAGED: list[Catalog] = []
_PACKAGED_LOCK = threading.Lock()


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the packaged catalog, or the catalog folder at ``path``.

    The packaged catalog is loaded once per process and shared (treat it as
    read-only); a folder is read afresh on every call.

    Raises ``CatalogError`` (exit 2 in the CLI) for a missing folder, unreadable or
    invalid JSON, an invalid schema, a dangling ``$ref`` or a stability mismatch.
    """
    if path is not None:
        return _load_folder(Path(path))
    with _PACKAGED_LOCK:
        if not _PACKAGED:
            _PACKAGED.append(_load_folder(packaged_schemas()))
        return _PACKAGED[0]


def _load_folder(root: Path) -> Catalog:
    try:
        root = (
            root.resolve()
        )  # file URIs (the $ref base of schemas without $id) need absolute paths
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise CatalogError(f"cannot read: {exc}", file=root) from None
    if not root.is_dir():
        raise CatalogError("not a catalog folder (expected stable/ and beta/ inside)", file=root)
    events: list[Event] = []
    for stability in STABILITIES:
        for file in sorted((root / stability).glob("*.json")):
            events.append(load_event(file, expected_stability=stability))
    if not events:
        raise CatalogError("no event schemas found under stable/ or beta/", file=root)
    seen: dict[str, Path | None] = {}
    for event in events:
        if event.name in seen:
            raise CatalogError(f"event {event.name} is both stable and beta", file=event.path)
        seen[event.name] = event.path
    envelope_path = root / "envelope.json"
    envelope = read_json(envelope_path)
    check_schema(envelope, file=envelope_path)
    order: list[str] = []
    index_path = root / "catalog.json"
    if index_path.exists():
        index = read_json(index_path)
        order = list(index.get("events", [])) if isinstance(index, dict) else []
        for missing in (n for n in order if n not in seen):
            raise CatalogError(
                f"lists event {missing!r}, which has no schema file", file=index_path, event=missing
            )
    by_id: dict[str, tuple[Path | None, str | None, dict[str, Any]]] = {
        str(e.schema.get("$id", e.path.as_uri() if e.path else e.name)): (e.path, e.name, e.schema)
        for e in events
    }
    by_id[str(envelope.get("$id", envelope_path.as_uri()))] = (envelope_path, None, envelope)
    check_refs(by_id)
    return Catalog(events, envelope, order=order, source=root)
