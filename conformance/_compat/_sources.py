"""Load the two sides of a comparison: a schema file, a catalog folder or a git ref.

``git:REF`` reads ``schemas/`` of the current directory's git repository at ``REF``;
``git:REF:PATH`` reads another folder (or a single schema file) there. Everything
fails closed: a missing ref, an unreadable file, invalid JSON, an invalid schema or a
dangling ``$ref`` raises a ``ConformanceError`` (exit 2), never a partial side.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .._catalog import (
    SCOPE_KEY,
    STABILITY_KEY,
    Catalog,
    check_refs,
    check_schema,
    load_catalog,
    read_json,
)
from .._errors import CatalogError, CompatibilityError, SchemaError
from ._dialect import DRAFT2020, dialect_of, restate

DEFAULT_GIT_PATH = "schemas"


@dataclass(frozen=True)
class EventSchema:
    """One event's payload schema as one side of a comparison sees it."""

    name: str
    stability: str
    scope: str
    schema: dict[str, Any] = field(repr=False)
    #: where the schema lives, for annotations (relative path or ``git:REF:PATH``)
    file: str = ""
    #: base URI the schema's ``$ref`` resolve against
    base: str = ""
    #: ``schema`` restated in draft 2020-12 terms, non-keywords dropped (see ``_dialect``)
    stated: dict[str, Any] | None = field(default=None, repr=False)
    #: the dialect named by ``$schema`` (draft 2020-12 when absent)
    dialect: str = DRAFT2020

    @property
    def as_written(self) -> dict[str, Any]:
        """The schema as written, judged by python-jsonschema under its own dialect."""
        return self.schema

    @property
    def restated(self) -> dict[str, Any]:
        """What the rules and the prover read: the draft 2020-12 restatement."""
        return self.stated if self.stated is not None else self.schema


@dataclass
class Side:
    """Everything loaded for one side: events by name and a registry for ``$ref``."""

    label: str
    events: dict[str, EventSchema]
    registry: Registry[Any] = field(repr=False)
    #: True when the side is a single schema file rather than a catalog
    single: bool = False
    #: the schemas as written, for python-jsonschema under each schema's own dialect
    written: Registry[Any] | None = field(default=None, repr=False)

    _combined: Registry[Any] | None = field(default=None, repr=False, compare=False)

    @property
    def check_registry(self) -> Registry[Any]:
        """The registry of the schemas as written (``registry`` holds restatements)."""
        return self.written if self.written is not None else self.registry

    def validation_registry(self) -> Registry[Any]:
        """``check_registry`` combined with the metaschemas, built once per side (building
        it per validator would cost time linear in the catalog, per event)."""
        if self._combined is None:
            from jsonschema.validators import SPECIFICATIONS  # type: ignore[attr-defined]

            self._combined = SPECIFICATIONS.combine(self.check_registry)
        return self._combined


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def side_from_catalog(
    catalog: Catalog, label: str | None = None, *, prefix: str | None = None
) -> Side:
    """A side made of a loaded :class:`Catalog`."""
    events: dict[str, EventSchema] = {}
    resources = []
    written = []
    for event in catalog:
        base = str(event.schema.get("$id") or (event.path.as_uri() if event.path else event.name))
        if prefix is not None:
            file = f"{prefix}/{event.stability}/{event.name}.json"
        else:
            file = _display(event.path) if event.path else event.name
        stated = restate(event.schema, DRAFT2020)
        events[event.name] = EventSchema(
            event.name, event.stability, event.scope, event.schema, file, base, stated
        )
        resources.append((base, DRAFT202012.create_resource(stated)))
        written.append((base, DRAFT202012.create_resource(event.schema)))
    envelope_id = catalog.envelope.get("$id")
    if isinstance(envelope_id, str):
        resources.append((envelope_id, DRAFT202012.create_resource(restate(catalog.envelope))))
        written.append((envelope_id, DRAFT202012.create_resource(catalog.envelope)))
    registry: Registry[Any] = Registry().with_resources(resources).crawl()
    originals: Registry[Any] = Registry().with_resources(written).crawl()
    return Side(label or str(catalog.source or "catalog"), events, registry, written=originals)


def side_from_schema(
    schema: Any, *, label: str, file: str, stability: str | None = None, name: str | None = None
) -> Side:
    """A side made of one payload schema (checked, ``$ref`` resolved)."""
    if not isinstance(schema, dict):
        raise SchemaError("a payload schema must be a JSON object", file=file, pointer="")
    dialect = dialect_of(schema)
    if dialect == DRAFT2020:
        check_schema(schema, file=file)
    else:
        _check_dialect(schema, file)
    stated = restate(schema, dialect)
    base = str(schema.get("$id") or schema.get("id") or f"urn:casedev-conformance:{label}")
    # The gate judges recursive schemas (its prover and witness search bound the depth).
    check_refs({base: (Path(file), None, stated)}, recursion=True)
    title = schema.get("title")
    event_name = name or (title if isinstance(title, str) and title else Path(file).stem)
    chosen = stability or schema.get(STABILITY_KEY) or "stable"
    if chosen not in ("stable", "beta"):
        raise SchemaError(
            f"{STABILITY_KEY} must be 'stable' or 'beta', not {chosen!r}",
            file=file,
            pointer="/" + STABILITY_KEY,
        )
    scope = schema.get(SCOPE_KEY) or ""
    event = EventSchema(event_name, str(chosen), str(scope), schema, file, base, stated, dialect)
    registry: Registry[Any] = Registry().with_resource(base, DRAFT202012.create_resource(stated))
    as_written = Resource.from_contents(schema, default_specification=DRAFT202012)
    originals: Registry[Any] = Registry().with_resource(base, as_written)
    return Side(label, {event_name: event}, registry, single=True, written=originals)


def _check_dialect(schema: dict[str, Any], file: str) -> None:
    """Check ``schema`` against the metaschema of its own (older) dialect."""
    from jsonschema.exceptions import SchemaError as _JSError
    from jsonschema.validators import validator_for

    try:
        validator_for(schema).check_schema(schema)
    except _JSError as exc:
        pointer = "".join(f"/{p}" for p in exc.path)
        raise SchemaError(
            f"invalid JSON Schema: {exc.message}", file=file, pointer=pointer
        ) from None


def load_side(spec: str | Path, *, stability: str | None = None, cwd: Path | None = None) -> Side:
    """Load ``spec``: a schema file, a catalog folder, ``git:REF`` or ``git:REF:PATH``."""
    text = str(spec)
    if text.startswith("git:"):
        return _load_git(text, stability=stability, cwd=cwd or Path.cwd())
    path = Path(text)
    if cwd is not None and not path.is_absolute():
        path = cwd / path
    if path.is_dir():
        # resolve(): load_catalog needs an absolute path to build file URIs
        catalog = load_catalog(path.resolve())
        return side_from_catalog(catalog, text)
    if path.is_file():
        return side_from_schema(
            read_json(path), label=text, file=_display(path), stability=stability
        )
    raise CompatibilityError("no such schema file or catalog folder", file=text)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise CompatibilityError("git is not installed; git:REF needs it") from None


def resolve_ref(ref: str, cwd: Path) -> str:
    """The commit id ``ref`` names in the repository at ``cwd``, or a one-line error."""
    if not ref or ref.startswith("-"):
        raise CompatibilityError(f"invalid git ref {ref!r}")
    inside = _git(cwd, "rev-parse", "--git-dir")
    if inside.returncode != 0:
        raise CompatibilityError(f"git:{ref}: {cwd} is not inside a git repository")
    found = _git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise CompatibilityError(f"git ref {ref!r} not found in the repository at {cwd}")
    return found.stdout.decode().strip()


def _load_git(spec: str, *, stability: str | None, cwd: Path) -> Side:
    _, _, rest = spec.partition(":")
    ref, _, inner = rest.partition(":")
    inner = inner.strip("/") or DEFAULT_GIT_PATH
    commit = resolve_ref(ref, cwd)
    kind = _git(cwd, "cat-file", "-t", f"{commit}:{inner}")
    if kind.returncode != 0:
        raise CompatibilityError(f"no {inner!r} at git ref {ref!r}", file=spec)
    if kind.stdout.decode().strip() == "blob":
        blob = _git(cwd, "show", f"{commit}:{inner}")
        import orjson

        try:
            schema = orjson.loads(blob.stdout)
        except orjson.JSONDecodeError as exc:
            raise SchemaError(f"invalid JSON: {exc}", file=f"{ref}:{inner}") from None
        return side_from_schema(schema, label=spec, file=f"{ref}:{inner}", stability=stability)
    archive = _git(cwd, "archive", "--format=tar", commit, "--", inner)
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip().splitlines()
        raise CompatibilityError(
            f"git archive failed: {message[-1] if message else 'unknown error'}", file=spec
        )
    with tempfile.TemporaryDirectory(prefix="casedev-compat-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp) / inner
        try:
            catalog = load_catalog(root)
        except CatalogError as exc:
            raise _relocate(exc, tmp, f"{ref}:") from None
        return side_from_catalog(catalog, spec, prefix=inner)


def _relocate(exc: CatalogError, tmp: str, prefix: str) -> CatalogError:
    """The same error with the temporary folder replaced by ``REF:``."""
    file = exc.file
    if file is not None and file.startswith(tmp):
        file = prefix + file[len(tmp) :].lstrip("/")
    reason = exc.reason.replace(tmp + "/", prefix)
    return type(exc)(reason, file=file, event=exc.event, pointer=exc.pointer)
